//! The gap analysis in numbers: for every system in use, the requirements its levels select (less the measures the
//! SoA leaves out) against how it meets them, counted for the whole organisation, per org unit, per objektsägare,
//! per control theme, per org unit and theme, and per measure of cybersäkerhetslagen 2 kap. 3 §; and the same as
//! tables for CSV and XLSX.

use std::collections::{BTreeMap, BTreeSet, HashMap};

use chrono::NaiveDate;
use lis_catalog::{Catalog, Requirement};
use lis_domain::aspect::Profile;
pub use lis_domain::gap::Tally;
use lis_domain::gap::{RequirementStatus, Severity, StatusRecord, Statuses, SystemFacts};
use lis_domain::law::CYBERSAKERHETSLAGEN_MEASURES;

use crate::Table;

/// The gap analysis of a set of systems.
#[derive(Clone, Debug, Default, PartialEq, Eq)]
pub struct GapAnalysis {
    /// The systems analysed.
    pub systems: usize,
    /// Systems with a level that routes to a separate analysis: they get no requirements here.
    pub separate_analysis: usize,
    /// Everything.
    pub whole: Tally,
    /// Per system.
    pub by_system: BTreeMap<i64, Tally>,
    /// Per org unit of the systems' förvaltningsobjekt, as given in [`SystemFacts::org_unit_id`].
    pub by_unit: BTreeMap<Option<i64>, Tally>,
    /// Per objektsägare.
    pub by_owner: BTreeMap<Option<i64>, Tally>,
    /// Per control theme id.
    pub by_theme: BTreeMap<String, Tally>,
    /// Per control (ISO/IEC 27001:2022 Annex A id): the SoA's gap state.
    pub by_control: BTreeMap<String, Tally>,
    /// Per org unit and control theme: the heatmap.
    pub by_unit_and_theme: BTreeMap<(Option<i64>, String), Tally>,
    /// Per point of cybersäkerhetslagen 2 kap. 3 § (1–10), counting the requirements that cite it.
    pub by_measure: BTreeMap<u8, Tally>,
}

/// One applicable requirement as the analysis weighs it.
struct Weighed<'a> {
    requirement: &'a Requirement,
    /// The position of its control in the catalogue.
    control: usize,
    weight: u64,
}

/// The weight of `requirement` on a system at `profile`: its highest level among the requirement's aspects, at
/// least 1.
fn weight_of(requirement: &Requirement, profile: &Profile) -> u64 {
    let highest = requirement
        .aspects
        .iter()
        .map(|aspect| profile.level(*aspect))
        .max()
        .unwrap_or(0);
    u64::from(highest.max(1))
}

/// What applies to systems at one profile, worked out once per profile, with the themes and controls numbered so
/// that counting needs no lookups by name.
struct Applicable<'a> {
    catalog: &'a Catalog,
    not_in_use: &'a BTreeSet<String>,
    numbering: Numbering<'a>,
    by_profile: HashMap<Profile, Vec<Weighed<'a>>>,
}

/// The catalogue's themes and controls by position.
struct Numbering<'a> {
    /// The themes: the catalogue's, then any a control names that the catalogue does not list.
    themes: Vec<&'a str>,
    /// Per control, by its position in the catalogue: its theme's position in `themes`.
    theme_of: Vec<usize>,
    /// Per control id: its position in the catalogue.
    control_of: HashMap<&'a str, usize>,
}

impl<'a> Numbering<'a> {
    fn new(catalog: &'a Catalog) -> Self {
        let mut themes: Vec<&str> = catalog.themes.iter().map(|t| t.id.as_str()).collect();
        let mut theme_of = Vec::with_capacity(catalog.controls.len());
        let mut control_of = HashMap::new();
        for (position, control) in catalog.controls.iter().enumerate() {
            let theme = match themes.iter().position(|t| *t == control.theme) {
                Some(theme) => theme,
                None => {
                    themes.push(control.theme.as_str());
                    themes.len() - 1
                }
            };
            theme_of.push(theme);
            control_of.insert(control.id.as_str(), position);
        }
        Self {
            themes,
            theme_of,
            control_of,
        }
    }
}

impl<'a> Applicable<'a> {
    fn new(catalog: &'a Catalog, not_in_use: &'a BTreeSet<String>) -> Self {
        Self {
            catalog,
            not_in_use,
            numbering: Numbering::new(catalog),
            by_profile: HashMap::new(),
        }
    }

    fn at(&mut self, profile: Profile) -> &[Weighed<'a>] {
        let Self {
            catalog,
            not_in_use,
            numbering,
            by_profile,
            ..
        } = self;
        by_profile.entry(profile).or_insert_with(|| {
            catalog
                .applicable_in_use(&profile, not_in_use)
                .into_iter()
                .filter_map(|requirement| {
                    let control = *numbering.control_of.get(requirement.control.as_str())?;
                    Some(Weighed {
                        requirement,
                        control,
                        weight: weight_of(requirement, &profile),
                    })
                })
                .collect()
        })
    }
}

/// What one system counts towards the analysis: its tallies per control of the catalogue and per measure of the law,
/// and the last day they hold. The whole, the themes and the heatmap are sums of the per-control tallies (every
/// requirement belongs to one control), so a summary need not keep them; it is what LIS stores per system, so that
/// a report over thousands of systems reads a few numbers per system instead of every status.
#[derive(Clone, Debug, Default, PartialEq, Eq)]
pub struct SystemSummary {
    /// Per control with requirements applicable, by its position in the catalogue.
    by_control: Vec<(usize, Tally)>,
    /// Per point of cybersäkerhetslagen 2 kap. 3 § (1–10) cited by requirements applicable.
    by_measure: Vec<(u8, Tally)>,
    /// The number of gaps at each rank of [`StatusRecord::worst_first_rank`] (at `severity * 4 + status`; a
    /// requirement without a record ranks as *ej bedömd*): where the worst gaps are, without reading every status.
    by_rank: [u64; RANKS],
    /// The last day the counts hold: the earliest due date, on the day counted or later, of a gap; the day after it
    /// that gap is overdue. None when no gap falls due.
    pub valid_until: Option<NaiveDate>,
}

/// The ranks of [`StatusRecord::worst_first_rank`]: five of the *brist* by four of the status.
const RANKS: usize = 20;

/// The place of `rank` in [`SystemSummary::by_rank`].
fn rank_index((severity, status): (u8, u8)) -> usize {
    (usize::from(severity) * 4 + usize::from(status)).min(RANKS - 1)
}

/// Counts systems one at a time into [`SystemSummary`]s, working out what applies once per profile.
pub struct Summariser<'a> {
    applicable: Applicable<'a>,
    today: NaiveDate,
    by_control: Vec<Tally>,
    by_measure: [Tally; 10],
}

impl<'a> Summariser<'a> {
    /// A summariser for `catalog` without the controls `not_in_use`, on `today` (which decides what is overdue).
    pub fn new(catalog: &'a Catalog, not_in_use: &'a BTreeSet<String>, today: NaiveDate) -> Self {
        Self {
            applicable: Applicable::new(catalog, not_in_use),
            today,
            by_control: vec![Tally::default(); catalog.controls.len()],
            by_measure: [Tally::default(); 10],
        }
    }

    /// The summary of a system at `profile` with what is `recorded` for it.
    pub fn summarise(&mut self, profile: Profile, recorded: &HashMap<String, StatusRecord>) -> SystemSummary {
        let today = self.today;
        self.by_control.fill(Tally::default());
        self.by_measure = [Tally::default(); 10];
        let mut valid_until: Option<NaiveDate> = None;
        let mut by_rank = [0; RANKS];
        for w in self.applicable.at(profile) {
            let record = recorded.get(&w.requirement.id);
            if record.is_none_or(StatusRecord::is_gap) {
                by_rank[rank_index(record.map_or((0, 1), StatusRecord::worst_first_rank))] += 1;
            }
            if let Some(tally) = self.by_control.get_mut(w.control) {
                tally.count(record, w.weight, today);
            }
            for point in &w.requirement.cybersakerhetslagen {
                if let Some(tally) = self.by_measure.get_mut(usize::from(*point).wrapping_sub(1)) {
                    tally.count(record, w.weight, today);
                }
            }
            let falls_due = record
                .filter(|r| r.is_gap())
                .and_then(|r| r.due)
                .filter(|due| *due >= today);
            valid_until = match (valid_until, falls_due) {
                (Some(until), Some(due)) => Some(until.min(due)),
                (until, due) => until.or(due),
            };
        }
        SystemSummary {
            by_control: self
                .by_control
                .iter()
                .enumerate()
                .filter(|(_, t)| t.applicable > 0)
                .map(|(position, tally)| (position, *tally))
                .collect(),
            by_measure: (1..=10u8)
                .zip(self.by_measure)
                .filter(|(_, t)| t.applicable > 0)
                .collect(),
            by_rank,
            valid_until,
        }
    }
}

/// Analyses `systems` against `catalog` without the controls `not_in_use`, with the recorded `statuses`, on `today`
/// (which decides what is overdue).
pub fn analyse(
    catalog: &Catalog,
    not_in_use: &BTreeSet<String>,
    systems: &[SystemFacts],
    statuses: &Statuses,
    today: NaiveDate,
) -> GapAnalysis {
    let mut summariser = Summariser::new(catalog, not_in_use, today);
    let no_statuses = HashMap::new();
    let summaries: Vec<SystemSummary> = systems
        .iter()
        .map(|system| summariser.summarise(system.profile, statuses.get(&system.id).unwrap_or(&no_statuses)))
        .collect();
    roll_up(catalog, systems.iter().zip(&summaries))
}

/// The analysis of systems from their summaries (made with `catalog`): counted per system, org unit, objektsägare,
/// theme, control, org unit and theme, and measure of the law.
pub fn roll_up<'s>(
    catalog: &Catalog,
    systems: impl IntoIterator<Item = (&'s SystemFacts, &'s SystemSummary)>,
) -> GapAnalysis {
    let numbering = Numbering::new(catalog);
    let mut analysis = GapAnalysis::default();
    // Summed by position first; named at the end.
    let mut by_theme = vec![Tally::default(); numbering.themes.len()];
    let mut by_control = vec![Tally::default(); catalog.controls.len()];
    let mut by_unit_and_theme: HashMap<(Option<i64>, usize), Tally> = HashMap::new();
    let mut by_measure = [Tally::default(); 10];
    let mut of_system = vec![Tally::default(); numbering.themes.len()];
    for (system, summary) in systems {
        analysis.systems += 1;
        if system.profile.needs_separate_analysis() {
            analysis.separate_analysis += 1;
        }
        of_system.fill(Tally::default());
        let mut whole = Tally::default();
        for (control, tally) in &summary.by_control {
            let (Some(sum), Some(theme)) = (by_control.get_mut(*control), numbering.theme_of.get(*control)) else {
                continue;
            };
            sum.merge(tally);
            whole.merge(tally);
            of_system[*theme].merge(tally);
        }
        for (point, tally) in &summary.by_measure {
            if let Some(sum) = by_measure.get_mut(usize::from(*point).wrapping_sub(1)) {
                sum.merge(tally);
            }
        }
        analysis.whole.merge(&whole);
        analysis.by_system.insert(system.id, whole);
        analysis.by_unit.entry(system.org_unit_id).or_default().merge(&whole);
        analysis
            .by_owner
            .entry(system.owner_person_id)
            .or_default()
            .merge(&whole);
        for (theme, tally) in of_system.iter().enumerate().filter(|(_, t)| t.applicable > 0) {
            by_theme[theme].merge(tally);
            by_unit_and_theme
                .entry((system.org_unit_id, theme))
                .or_default()
                .merge(tally);
        }
    }
    let theme_names = &numbering.themes;
    analysis.by_theme = by_theme
        .into_iter()
        .enumerate()
        .filter(|(_, t)| t.applicable > 0)
        .map(|(theme, tally)| (theme_names[theme].to_owned(), tally))
        .collect();
    analysis.by_unit_and_theme = by_unit_and_theme
        .into_iter()
        .map(|((unit, theme), tally)| ((unit, theme_names[theme].to_owned()), tally))
        .collect();
    analysis.by_control = catalog
        .controls
        .iter()
        .zip(by_control)
        .filter(|(_, t)| t.applicable > 0)
        .map(|(control, tally)| (control.id.clone(), tally))
        .collect();
    analysis.by_measure = CYBERSAKERHETSLAGEN_MEASURES
        .iter()
        .zip(by_measure)
        .filter(|(_, t)| t.applicable > 0)
        .map(|((point, _, _), tally)| (*point, tally))
        .collect();
    analysis
}

/// Writes [`SystemSummary`]s as text and reads them back, for one catalogue: `A.5.1=3,2,5,3,1;§2=…`, one entry per
/// control (by id) and per measure of the law (`§` and its point), the numbers of a [`Tally`] in the order of its
/// fields with the trailing zeros left out. The last valid day is kept apart.
pub struct SummaryText<'a> {
    catalog: &'a Catalog,
    numbering: Numbering<'a>,
}

/// Separates a summary's entries.
const ENTRY: char = ';';
/// Marks an entry of a measure of the law.
const MEASURE: char = '§';
/// Names the entry of the gaps by rank.
const BY_RANK: &str = "#";

impl<'a> SummaryText<'a> {
    /// The version of the text: a summary stored in another is worked out again.
    pub const FORMAT: &'static str = "2";

    /// Reads and writes summaries made with `catalog`.
    pub fn new(catalog: &'a Catalog) -> Self {
        Self {
            catalog,
            numbering: Numbering::new(catalog),
        }
    }

    /// `summary` as text.
    pub fn write(&self, summary: &SystemSummary) -> String {
        let mut text = String::new();
        let mut entry = |key: &dyn std::fmt::Display, numbers: &[u64]| {
            if !text.is_empty() {
                text.push(ENTRY);
            }
            let used = numbers.iter().rposition(|n| *n != 0).map_or(0, |last| last + 1);
            let numbers: Vec<String> = numbers[..used].iter().map(u64::to_string).collect();
            text.push_str(&format!("{key}={}", numbers.join(",")));
        };
        entry(&BY_RANK, &summary.by_rank);
        for (control, tally) in &summary.by_control {
            if let Some(control) = self.catalog.controls.get(*control) {
                entry(&control.id, &tally_numbers(tally));
            }
        }
        for (point, tally) in &summary.by_measure {
            entry(&format!("{MEASURE}{point}"), &tally_numbers(tally));
        }
        text
    }

    /// The summary `text` holds, valid until `valid_until`; none if it names a control the catalogue does not have
    /// or is not text [`Self::write`] writes.
    pub fn read(&self, text: &str, valid_until: Option<NaiveDate>) -> Option<SystemSummary> {
        let mut summary = SystemSummary {
            by_control: Vec::with_capacity(self.catalog.controls.len()),
            valid_until,
            ..SystemSummary::default()
        };
        // A report reads thousands of these: the controls come in the catalogue's order as written, so the one
        // after the last is tried before the look-up by id.
        let mut next_control = 0;
        for entry in text.split(ENTRY).filter(|e| !e.is_empty()) {
            let (key, numbers) = entry.split_once('=')?;
            if key == BY_RANK {
                numbers_into(numbers, &mut summary.by_rank)?;
                continue;
            }
            let mut values = [0u64; 10];
            numbers_into(numbers, &mut values)?;
            let tally = tally_of(values);
            match key.strip_prefix(MEASURE) {
                Some(point) => summary.by_measure.push((point.parse().ok()?, tally)),
                None => {
                    let position = match self.catalog.controls.get(next_control) {
                        Some(control) if control.id == key => next_control,
                        _ => *self.numbering.control_of.get(key)?,
                    };
                    next_control = position + 1;
                    summary.by_control.push((position, tally));
                }
            }
        }
        Some(summary)
    }
}

/// Reads the comma-separated numbers of an entry into `values`, from the first; none if one is not a number or
/// there are too many.
fn numbers_into(numbers: &str, values: &mut [u64]) -> Option<()> {
    let mut slots = values.iter_mut();
    let mut number: Option<u64> = None;
    for byte in numbers.bytes().chain([b',']) {
        if byte == b',' {
            if let Some(n) = number.take() {
                *slots.next()? = n;
            }
        } else {
            let digit = u64::from(char::from(byte).to_digit(10)?);
            number = Some(number.unwrap_or(0).checked_mul(10)?.checked_add(digit)?);
        }
    }
    Some(())
}

/// A tally's numbers in the order of its fields.
fn tally_numbers(t: &Tally) -> [u64; 10] {
    let [a, b, c, d] = t.by_severity;
    [
        t.applicable,
        t.met,
        t.weight,
        t.weighted_met,
        t.not_assessed,
        a,
        b,
        c,
        d,
        t.overdue,
    ]
}

/// The tally [`tally_numbers`] gives.
fn tally_of(n: [u64; 10]) -> Tally {
    Tally {
        applicable: n[0],
        met: n[1],
        weight: n[2],
        weighted_met: n[3],
        not_assessed: n[4],
        by_severity: [n[5], n[6], n[7], n[8]],
        overdue: n[9],
    }
}

/// One gap, as the report lists it.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct Gap<'a> {
    /// The system.
    pub system: &'a SystemFacts,
    /// The requirement.
    pub requirement: &'a Requirement,
    /// What is recorded, if anything.
    pub record: Option<&'a StatusRecord>,
}

impl Gap<'_> {
    /// The rank for listing the worst first (see [`StatusRecord::worst_first_rank`]).
    pub fn rank(&self) -> (u8, u8) {
        self.record.map_or((0, 1), StatusRecord::worst_first_rank)
    }
}

/// Every gap of `systems`, the worst first, then by system name and requirement id.
pub fn gaps<'a>(
    catalog: &'a Catalog,
    not_in_use: &'a BTreeSet<String>,
    systems: &'a [SystemFacts],
    statuses: &'a Statuses,
) -> Vec<Gap<'a>> {
    let mut found = unordered_gaps(catalog, not_in_use, systems, statuses);
    found.sort_by(worst_first);
    found
}

/// The `limit` worst gaps of `systems` in the order of [`gaps`], and how many gaps there are in all: for a page that
/// shows the first few of many, without ordering the rest.
pub fn worst_gaps<'a>(
    catalog: &'a Catalog,
    not_in_use: &'a BTreeSet<String>,
    systems: &'a [SystemFacts],
    statuses: &'a Statuses,
    limit: usize,
) -> (Vec<Gap<'a>>, usize) {
    let found = unordered_gaps(catalog, not_in_use, systems, statuses);
    let total = found.len();
    (first_worst(found, limit), total)
}

/// The systems among `systems` that hold the `limit` worst gaps, by their `summaries`: every system with a gap ranked
/// above the `limit`-th worst, and of those with a gap at its rank, the first by name until `limit` gaps are reached.
/// [`worst_gaps`] over these systems alone gives the same first `limit` gaps as over all of them.
pub fn holding_the_worst(
    systems: &[SystemFacts],
    summaries: &HashMap<i64, SystemSummary>,
    limit: usize,
) -> Vec<SystemFacts> {
    let mut chosen: Vec<SystemFacts> = Vec::new();
    let mut counted = 0;
    for rank in (0..RANKS).rev() {
        let mut at: Vec<(&SystemFacts, u64)> = systems
            .iter()
            .filter_map(|system| Some((system, summaries.get(&system.id)?.by_rank[rank])))
            .filter(|(_, gaps)| *gaps > 0)
            .collect();
        at.sort_by(|a, b| a.0.name.cmp(&b.0.name));
        let mut next = 0;
        while next < at.len() {
            // Systems of one name are taken together: their gaps of one rank go by requirement id.
            let name = &at[next].0.name;
            while let Some((system, gaps)) = at.get(next).filter(|(system, _)| system.name == *name) {
                counted += gaps;
                if !chosen.iter().any(|c| c.id == system.id) {
                    chosen.push((*system).clone());
                }
                next += 1;
            }
            if counted >= limit as u64 {
                return chosen;
            }
        }
    }
    chosen
}

/// The first `limit` of `found` in the order of [`gaps`], without ordering the rest.
fn first_worst(mut found: Vec<Gap<'_>>, limit: usize) -> Vec<Gap<'_>> {
    if limit < found.len() {
        found.select_nth_unstable_by(limit, worst_first);
        found.truncate(limit);
    }
    found.sort_by(worst_first);
    found
}

/// The order of [`gaps`]: the worst first, then by system name and requirement id.
fn worst_first(a: &Gap<'_>, b: &Gap<'_>) -> std::cmp::Ordering {
    b.rank()
        .cmp(&a.rank())
        .then_with(|| a.system.name.cmp(&b.system.name))
        .then_with(|| a.requirement.id.cmp(&b.requirement.id))
}

/// Every gap of `systems`, in no particular order.
fn unordered_gaps<'a>(
    catalog: &'a Catalog,
    not_in_use: &'a BTreeSet<String>,
    systems: &'a [SystemFacts],
    statuses: &'a Statuses,
) -> Vec<Gap<'a>> {
    let mut applicable = Applicable::new(catalog, not_in_use);
    let mut found = Vec::new();
    for system in systems {
        let recorded = statuses.get(&system.id);
        for weighed in applicable.at(system.profile) {
            let requirement = weighed.requirement;
            let record = recorded.and_then(|r| r.get(&requirement.id));
            if record.is_none_or(StatusRecord::is_gap) {
                found.push(Gap {
                    system,
                    requirement,
                    record,
                });
            }
        }
    }
    found
}

/// The names a report writes for ids: org units and people.
#[derive(Clone, Debug, Default)]
pub struct Names {
    /// Org unit names by id.
    pub units: HashMap<i64, String>,
    /// People's names by id.
    pub people: HashMap<i64, String>,
}

impl Names {
    fn unit(&self, id: Option<i64>) -> String {
        id.and_then(|id| self.units.get(&id).cloned()).unwrap_or_default()
    }

    fn person(&self, id: Option<i64>) -> String {
        id.and_then(|id| self.people.get(&id).cloned()).unwrap_or_default()
    }
}

/// The gaps as a table in Swedish: one row per gap, the worst first.
pub fn gap_table(catalog: &Catalog, gaps: &[Gap<'_>], names: &Names, today: NaiveDate) -> Table {
    let header = [
        "Organisationsenhet",
        "Objektsägare",
        "System",
        "Krav",
        "Åtgärd (ISO/IEC 27001:2022)",
        "Tema",
        "Status",
        "Brist",
        "Åtgärdas senast",
        "Försenad",
        "Cybersäkerhetslagen 2 kap. 3 §",
        "Kravtext",
        "Ansvarig",
    ];
    let theme_name = |control_id: &str| {
        catalog
            .controls
            .iter()
            .find(|c| c.id == control_id)
            .and_then(|control| catalog.themes.iter().find(|t| t.id == control.theme))
            .map(|theme| theme.name.sv.clone())
            .unwrap_or_default()
    };
    let rows = gaps
        .iter()
        .map(|gap| {
            let record = gap.record.cloned().unwrap_or_default();
            let status = record.status.unwrap_or(RequirementStatus::EjBedomd);
            vec![
                names.unit(gap.system.org_unit_id),
                names.person(gap.system.owner_person_id),
                gap.system.name.clone(),
                gap.requirement.id.clone(),
                gap.requirement.control.clone(),
                theme_name(&gap.requirement.control),
                status.swedish().to_owned(),
                record.severity.map(|s| s.swedish().to_owned()).unwrap_or_default(),
                record.due.map(|d| d.to_string()).unwrap_or_default(),
                if record.due.is_some_and(|due| due < today) {
                    "Ja"
                } else {
                    "Nej"
                }
                .to_owned(),
                gap.requirement
                    .cybersakerhetslagen
                    .iter()
                    .map(u8::to_string)
                    .collect::<Vec<_>>()
                    .join(", "),
                gap.requirement.text.sv.clone(),
                names.person(record.responsible_person_id),
            ]
        })
        .collect();
    Table {
        sheet: "Brister".to_owned(),
        header: header.iter().map(|h| (*h).to_owned()).collect(),
        rows,
    }
}

/// The analysis's counts as a table in Swedish: the whole, each org unit, each objektsägare and each measure of
/// cybersäkerhetslagen, one row each.
pub fn summary_table(analysis: &GapAnalysis, names: &Names) -> Table {
    let mut header = vec![
        "Del".to_owned(),
        "Namn".to_owned(),
        "Tillämpliga krav".to_owned(),
        "Uppfyllda".to_owned(),
        "Täckning (%)".to_owned(),
        "Täckning viktad efter skyddsnivå (%)".to_owned(),
        "Ej bedömda".to_owned(),
    ];
    header.extend(Severity::ALL.iter().map(|s| format!("Brist: {}", s.swedish())));
    header.push("Försenade".to_owned());
    let row = |part: &str, name: String, tally: &Tally| {
        let mut cells = vec![
            part.to_owned(),
            name,
            tally.applicable.to_string(),
            tally.met.to_string(),
            tally.percent_met().map(|p| p.to_string()).unwrap_or_default(),
            tally.weighted_percent_met().map(|p| p.to_string()).unwrap_or_default(),
            tally.not_assessed.to_string(),
        ];
        cells.extend(tally.by_severity.iter().map(u64::to_string));
        cells.push(tally.overdue.to_string());
        cells
    };
    let mut rows = vec![row("Hela organisationen", String::new(), &analysis.whole)];
    rows.extend(analysis.by_unit.iter().map(|(unit, tally)| {
        let name = names.unit(*unit);
        row("Organisationsenhet", name, tally)
    }));
    rows.extend(analysis.by_owner.iter().map(|(owner, tally)| {
        let name = names.person(*owner);
        row("Objektsägare", name, tally)
    }));
    rows.extend(CYBERSAKERHETSLAGEN_MEASURES.iter().map(|(point, swedish, _)| {
        let tally = analysis.by_measure.get(point).copied().unwrap_or_default();
        row("Cybersäkerhetslagen 2 kap. 3 §", format!("{point}. {swedish}"), &tally)
    }));
    Table {
        sheet: "Sammanfattning".to_owned(),
        header,
        rows,
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn date(text: &str) -> NaiveDate {
        text.parse().expect("a date")
    }

    fn system(id: i64, unit: i64, owner: i64, profile: Profile) -> SystemFacts {
        SystemFacts {
            id,
            name: format!("System {id}"),
            org_unit_id: Some(unit),
            owner_person_id: Some(owner),
            profile,
        }
    }

    fn record(status: RequirementStatus, severity: Option<Severity>, due: Option<&str>) -> StatusRecord {
        StatusRecord {
            status: Some(status),
            severity,
            due: due.map(date),
            justification: "motivering".to_owned(),
            ..StatusRecord::default()
        }
    }

    #[test]
    fn every_applicable_requirement_is_counted_once_and_only_met_ones_cover() {
        let catalog = lis_catalog::shipped().expect("the shipped catalogue");
        let none = BTreeSet::new();
        let low = Profile::new(1, 1, 1, 1);
        let high = Profile::new(3, 2, 2, 1);
        let systems = [
            system(1, 10, 100, low),
            system(2, 10, 200, high),
            system(3, 20, 200, low),
        ];
        let low_reqs = catalog.applicable_in_use(&low, &none);
        let high_reqs = catalog.applicable_in_use(&high, &none);
        let today = date("2026-11-26");
        let mut statuses = Statuses::new();
        // System 1 meets its first requirement, has a shortcoming on the second (overdue) and the third does not
        // apply; system 2 meets one with a serious shortcoming; the rest is not assessed.
        statuses.entry(1).or_default().extend([
            (low_reqs[0].id.clone(), record(RequirementStatus::Uppfyllt, None, None)),
            (
                low_reqs[1].id.clone(),
                record(
                    RequirementStatus::DelvisUppfyllt,
                    Some(Severity::Mattlig),
                    Some("2026-01-01"),
                ),
            ),
            (
                low_reqs[2].id.clone(),
                record(RequirementStatus::EjTillampligt, None, None),
            ),
            // A status kept for a requirement that does not apply is history, not counted.
            (
                "LIS-NO-SUCH".to_owned(),
                record(RequirementStatus::Uppfyllt, None, None),
            ),
        ]);
        statuses.entry(2).or_default().insert(
            high_reqs[0].id.clone(),
            record(
                RequirementStatus::Uppfyllt,
                Some(Severity::Allvarlig),
                Some("2027-01-01"),
            ),
        );
        let analysis = analyse(&catalog, &none, &systems, &statuses, today);

        let total = (2 * low_reqs.len() + high_reqs.len()) as u64;
        assert_eq!(analysis.systems, 3);
        assert_eq!(analysis.whole.applicable, total);
        assert_eq!(analysis.whole.met, 2);
        assert_eq!(analysis.whole.gaps(), total - 2);
        assert_eq!(analysis.whole.not_assessed, total - 4);
        assert_eq!(analysis.whole.by_severity, [0, 1, 0, 1]);
        assert_eq!(analysis.whole.overdue, 1);
        assert_eq!(analysis.by_system[&1].met, 2);
        assert_eq!(analysis.by_system[&3].met, 0);
        assert_eq!(
            analysis.by_unit[&Some(10)].applicable,
            (low_reqs.len() + high_reqs.len()) as u64
        );
        assert_eq!(analysis.by_unit[&Some(20)].applicable, low_reqs.len() as u64);
        assert_eq!(analysis.by_owner[&Some(100)].met, 2);
        assert_eq!(analysis.by_owner[&Some(200)].by_severity[3], 1);
        // The themes and the heatmap cells add up to the whole.
        let themes: u64 = analysis.by_theme.values().map(|t| t.applicable).sum();
        let cells: u64 = analysis.by_unit_and_theme.values().map(|t| t.applicable).sum();
        let controls: u64 = analysis.by_control.values().map(|t| t.applicable).sum();
        assert_eq!((themes, cells, controls), (total, total, total));
        assert_eq!(
            analysis.by_control[&low_reqs[0].control].met,
            1 + u64::from(low_reqs[2].control == low_reqs[0].control)
        );
        // A requirement citing a measure of the law counts under that measure.
        let cited = |point: u8| {
            (2 * low_reqs
                .iter()
                .filter(|r| r.cybersakerhetslagen.contains(&point))
                .count()
                + high_reqs
                    .iter()
                    .filter(|r| r.cybersakerhetslagen.contains(&point))
                    .count()) as u64
        };
        for point in 1..=10 {
            assert_eq!(
                analysis.by_measure.get(&point).map_or(0, |t| t.applicable),
                cited(point),
                "point {point}"
            );
        }
        assert_eq!(analysis.whole.percent_met(), Some(200 / total));
    }

    #[test]
    fn weight_follows_the_level_of_the_aspects_the_requirement_protects() {
        let catalog = lis_catalog::shipped().expect("the shipped catalogue");
        let none = BTreeSet::new();
        let profile = Profile::new(3, 1, 1, 1);
        let systems = [system(1, 10, 100, profile)];
        let reqs = catalog.applicable_in_use(&profile, &none);
        let confidentiality = reqs
            .iter()
            .find(|r| r.aspects == [lis_domain::aspect::Aspect::K])
            .expect("a requirement protecting confidentiality alone");
        let mut statuses = Statuses::new();
        statuses.entry(1).or_default().insert(
            confidentiality.id.clone(),
            record(RequirementStatus::Uppfyllt, None, None),
        );
        let analysis = analyse(&catalog, &none, &systems, &statuses, date("2026-11-26"));
        assert_eq!(analysis.whole.weighted_met, 3);
        assert!(analysis.whole.weight > analysis.whole.applicable);
        assert_eq!(weight_of(confidentiality, &Profile::new(0, 0, 0, 0)), 1);
    }

    #[test]
    fn level_four_gives_no_requirements_and_is_counted_apart() {
        let catalog = lis_catalog::shipped().expect("the shipped catalogue");
        let systems = [system(1, 10, 100, Profile::new(4, 1, 1, 1))];
        let analysis = analyse(
            &catalog,
            &BTreeSet::new(),
            &systems,
            &Statuses::new(),
            date("2026-11-26"),
        );
        assert_eq!((analysis.separate_analysis, analysis.whole.applicable), (1, 0));
        assert_eq!(analysis.whole.percent_met(), None);
    }

    #[test]
    fn gaps_are_listed_worst_first_and_the_tables_have_a_row_each() {
        let catalog = lis_catalog::shipped().expect("the shipped catalogue");
        let none = BTreeSet::new();
        let profile = Profile::new(1, 1, 1, 1);
        let systems = [system(1, 10, 100, profile)];
        let reqs = catalog.applicable_in_use(&profile, &none);
        let mut statuses = Statuses::new();
        statuses.entry(1).or_default().extend([
            (reqs[0].id.clone(), record(RequirementStatus::Uppfyllt, None, None)),
            (
                reqs[1].id.clone(),
                record(
                    RequirementStatus::EjUppfyllt,
                    Some(Severity::Allvarlig),
                    Some("2026-01-01"),
                ),
            ),
        ]);
        let found = gaps(&catalog, &none, &systems, &statuses);
        assert_eq!(found.len(), reqs.len() - 1);
        assert_eq!(found[0].requirement.id, reqs[1].id);
        let names = Names {
            units: HashMap::from([(10, "Socialförvaltningen".to_owned())]),
            people: HashMap::from([(100, "Maria Johansson".to_owned())]),
        };
        let table = gap_table(&catalog, &found, &names, date("2026-11-26"));
        assert_eq!(table.rows.len(), found.len());
        assert_eq!(
            table.rows[0][0..3],
            ["Socialförvaltningen", "Maria Johansson", "System 1"]
        );
        assert_eq!(table.rows[0][7..10], ["Allvarlig", "2026-01-01", "Ja"]);
        let analysis = analyse(&catalog, &none, &systems, &statuses, date("2026-11-26"));
        let summary = summary_table(&analysis, &names);
        // The whole, one unit, one owner and the ten measures.
        assert_eq!(summary.rows.len(), 1 + 1 + 1 + 10);
        assert!(summary.rows.iter().all(|row| row.len() == summary.header.len()));
    }

    #[test]
    fn the_worst_gaps_are_the_first_of_all_gaps_in_the_same_order() {
        let catalog = lis_catalog::shipped().expect("the shipped catalogue");
        let none = BTreeSet::new();
        let profile = Profile::new(2, 2, 2, 1);
        let systems: Vec<SystemFacts> = (1..=6).map(|id| system(id, 10, 100, profile)).collect();
        let reqs = catalog.applicable_in_use(&profile, &none);
        let severities = [
            None,
            Some(Severity::Forsumbar),
            Some(Severity::Allvarlig),
            Some(Severity::Mattlig),
        ];
        let statuses: Statuses = systems
            .iter()
            .map(|s| {
                let of_system = reqs
                    .iter()
                    .enumerate()
                    .map(|(i, r)| {
                        let n = i + usize::try_from(s.id).unwrap_or(0);
                        let status = [RequirementStatus::Uppfyllt, RequirementStatus::EjUppfyllt][n % 2];
                        (r.id.clone(), record(status, severities[n % 4], None))
                    })
                    .collect();
                (s.id, of_system)
            })
            .collect();
        let all = gaps(&catalog, &none, &systems, &statuses);
        for limit in [0, 1, 7, all.len(), all.len() + 5] {
            let (worst, total) = worst_gaps(&catalog, &none, &systems, &statuses, limit);
            assert_eq!(total, all.len());
            assert_eq!(worst, all[..limit.min(all.len())], "limit {limit}");
        }
        // Over only the systems that hold the worst, by their summaries, the first are the same.
        let mut summariser = Summariser::new(&catalog, &none, date("2026-11-26"));
        let summaries: HashMap<i64, SystemSummary> = systems
            .iter()
            .map(|s| (s.id, summariser.summarise(s.profile, &statuses[&s.id])))
            .collect();
        for limit in [1, 7, 20, all.len()] {
            let holding = holding_the_worst(&systems, &summaries, limit);
            assert!(
                limit >= all.len() || holding.len() < systems.len(),
                "limit {limit}: {} systems",
                holding.len()
            );
            let (worst, _) = worst_gaps(&catalog, &none, &holding, &statuses, limit);
            assert_eq!(worst, all[..limit], "limit {limit}");
        }
    }

    #[test]
    fn summaries_written_and_read_back_add_up_to_the_analysis() {
        let catalog = lis_catalog::shipped().expect("the shipped catalogue");
        let none = BTreeSet::new();
        let profiles = [
            Profile::new(1, 1, 1, 1),
            Profile::new(3, 2, 2, 1),
            Profile::new(4, 1, 1, 1),
        ];
        let systems: Vec<SystemFacts> = (1..=9)
            .map(|id| system(id, id % 3, id % 2, profiles[usize::try_from(id).unwrap_or(0) % 3]))
            .collect();
        let today = date("2026-11-26");
        let mut statuses = Statuses::new();
        for s in &systems {
            let reqs = catalog.applicable_in_use(&s.profile, &none);
            for (j, r) in reqs.iter().step_by(3).enumerate() {
                let status = [RequirementStatus::Uppfyllt, RequirementStatus::DelvisUppfyllt][j % 2];
                let due = ["2026-01-01", "2026-12-24", "2026-11-26"][j % 3];
                let severity = [None, Some(Severity::Betydande)][(j / 2) % 2];
                statuses
                    .entry(s.id)
                    .or_default()
                    .insert(r.id.clone(), record(status, severity, Some(due)));
            }
        }
        let direct = analyse(&catalog, &none, &systems, &statuses, today);
        let text = SummaryText::new(&catalog);
        let mut summariser = Summariser::new(&catalog, &none, today);
        let read_back: Vec<SystemSummary> = systems
            .iter()
            .map(|s| {
                let summary = summariser.summarise(s.profile, statuses.get(&s.id).unwrap_or(&HashMap::new()));
                let written = text.write(&summary);
                let read = text.read(&written, summary.valid_until).expect("a summary read back");
                assert_eq!(read, summary, "system {}", s.id);
                read
            })
            .collect();
        assert_eq!(roll_up(&catalog, systems.iter().zip(&read_back)), direct);
        assert!(direct.whole.overdue > 0 && direct.whole.by_severity[2] > 0 && direct.by_measure.len() > 1);
        // A summary holds until the earliest due date of a gap that is not yet overdue: today is one.
        let gap_due_today = read_back.iter().any(|s| s.valid_until == Some(today));
        assert!(gap_due_today);
        assert!(read_back.iter().all(|s| s.valid_until.is_none_or(|d| d >= today)));
        // The catalogue's first controls are 5.1 and 5.2.
        assert_eq!(text.read("5.1=1,1,2", None).map(|s| s.by_control.len()), Some(1));
        assert_eq!(text.read("5.1=1,x", None), None, "not a number");
        assert_eq!(text.read("5.1=1,-2", None), None, "not a number");
        assert_eq!(text.read("5.1=99999999999999999999", None), None, "too large");
        assert_eq!(text.read("5.1=1,2,3,4,5,6,7,8,9,10,11", None), None, "too many");
        // Out of the catalogue's order, a control is still found by its id.
        let out_of_order = text.read("5.2=2,1;5.1=1", None).expect("read");
        assert_eq!(
            out_of_order.by_control.iter().map(|(c, _)| *c).collect::<Vec<_>>(),
            [1, 0]
        );
        assert_eq!(out_of_order.by_control[0].1.met, 1);
        assert_eq!(text.read("X.99=1", None), None, "no such control");
        assert_eq!(
            text.read("#=1,2,3,4,5,6,7,8,9,10,11,12,13,14,15,16,17,18,19,20,21", None),
            None,
            "too many"
        );
        assert_eq!(text.read("", None), Some(SystemSummary::default()));
    }
}
