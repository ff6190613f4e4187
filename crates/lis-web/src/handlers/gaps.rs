//! The gap analysis of many systems: "Mina brister" for whoever is named on systems, and the gap report for an org
//! unit, an objektsägare or the whole organisation (coverage, counts by *brist*, overdue, a heatmap of org units
//! and control themes, the measures of cybersäkerhetslagen), printable and as CSV and XLSX.

use std::collections::{BTreeSet, HashMap};

use axum::extract::{Query, State};
use axum::response::{IntoResponse, Response};
use chrono::NaiveDate;
use lis_domain::gap::{RequirementStatus, Severity, SystemFacts};
use lis_domain::inventory::ItemKind;
use lis_domain::law::CYBERSAKERHETSLAGEN_MEASURES;
use lis_domain::{Action, OrgTree, OrgTreeNode, Resource};
use lis_reports::gaps::{Gap, GapAnalysis, Names, Tally};
use lis_store::ChangeTransaction;
use serde::{Deserialize, Serialize};

use super::inventory::{ChoiceView, word};
use crate::auth::{Asker, CurrentUser};
use crate::download;
use crate::heatmap::{Heatmap, shade};
use crate::i18n::Lang;
use crate::page::{self, PageEnv};
use crate::{AppState, WebError};

/// One gap as the pages list it.
#[derive(Serialize)]
struct GapRow {
    system_id: i64,
    system: String,
    requirement: String,
    text: String,
    status_label: String,
    severity_label: String,
    due: String,
    overdue: bool,
}

fn gap_row(lang: Lang, gap: &Gap<'_>, today: NaiveDate) -> GapRow {
    let record = gap.record.cloned().unwrap_or_default();
    let status = record.status.unwrap_or(RequirementStatus::EjBedomd);
    GapRow {
        system_id: gap.system.id,
        system: gap.system.name.clone(),
        requirement: gap.requirement.id.clone(),
        text: match lang {
            Lang::Sv => gap.requirement.text.sv.clone(),
            Lang::En => gap.requirement.text.en.clone(),
        },
        status_label: word(lang, status.swedish(), status.english()).to_owned(),
        severity_label: record
            .severity
            .map(|s| word(lang, s.swedish(), s.english()).to_owned())
            .unwrap_or_default(),
        due: record.due.map(|d| d.to_string()).unwrap_or_default(),
        overdue: record.due.is_some_and(|due| due < today),
    }
}

/// A tally as the pages show it.
#[derive(Serialize)]
struct TallyView {
    label: String,
    href: Option<String>,
    applicable: u64,
    met: u64,
    gaps: u64,
    percent: String,
    weighted: String,
    not_assessed: u64,
    by_severity: [u64; 4],
    overdue: u64,
    /// The coverage in the cycle compared with, and the change since, when comparing.
    then: String,
    trend: String,
}

fn percent_text(percent: Option<u64>) -> String {
    percent.map_or_else(|| "–".to_owned(), |p| format!("{p} %"))
}

fn tally_view(label: String, href: Option<String>, tally: &Tally) -> TallyView {
    TallyView {
        label,
        href,
        applicable: tally.applicable,
        met: tally.met,
        gaps: tally.gaps(),
        percent: percent_text(tally.percent_met()),
        weighted: percent_text(tally.weighted_percent_met()),
        not_assessed: tally.not_assessed,
        by_severity: tally.by_severity,
        overdue: tally.overdue,
        then: String::new(),
        trend: String::new(),
    }
}

/// `view` compared with `then` (the same part in a closed cycle): its coverage then and the change in points.
fn compared(lang: Lang, mut view: TallyView, now: &Tally, then: Option<&Tally>) -> TallyView {
    let before = then.and_then(Tally::percent_met);
    view.then = percent_text(before);
    view.trend = match (before, now.percent_met()) {
        (Some(before), Some(now)) if now == before => word(lang, "oförändrad", "unchanged").to_owned(),
        (Some(before), Some(now)) => {
            let points = i128::from(now) - i128::from(before);
            let sign = if points > 0 { "+" } else { "−" };
            format!("{sign}{} {}", points.abs(), word(lang, "procentenheter", "points"))
        }
        _ => "–".to_owned(),
    };
    view
}

fn severity_labels(lang: Lang) -> Vec<&'static str> {
    Severity::ALL
        .iter()
        .map(|s| word(lang, s.swedish(), s.english()))
        .collect()
}

#[derive(Serialize)]
struct MyGapsView {
    systems: usize,
    /// All the gaps, and the place of the first and last shown on this page among them (from 1).
    total: usize,
    first: usize,
    last: usize,
    gaps: Vec<GapRow>,
    by_severity: Vec<(String, u64)>,
    overdue: u64,
    previous: Option<String>,
    next: Option<String>,
}

/// Gaps listed per page of "Mina brister": an objektsägare of many systems may have thousands.
pub const MY_GAPS_PER_PAGE: usize = 200;

/// Which page of "Mina brister" to show (`?page=`, from 1); anything that does not parse shows the first.
#[derive(Debug, Default, Deserialize)]
pub struct MyGapsParams {
    #[serde(default)]
    page: String,
}

/// `GET /mine/gaps` ("Mina brister"): the gaps of every system the visitor is named on (as objektsägare,
/// förvaltningsledare or systemförvaltare), the worst first: by *brist*, then by how far from met; counted whole,
/// listed [`MY_GAPS_PER_PAGE`] at a time.
pub async fn my_gaps(
    State(state): State<AppState>,
    user: CurrentUser,
    env: PageEnv,
    Query(params): Query<MyGapsParams>,
) -> Result<Response, WebError> {
    user.authorize(&state, Action::View, Resource::OwnAccount).await?;
    let organisation_id = user.0.person.organisation_id;
    let mine: Vec<i64> = lis_store::inventory::mine(&state.db, organisation_id, user.0.person.id)
        .await?
        .into_iter()
        .filter(|item| lis_store::inventory::kind_of(item) == ItemKind::System)
        .map(|item| item.id)
        .collect();
    let systems = lis_store::gaps::systems_in_use_among(&state.db, organisation_id, Some(&mine)).await?;
    let ids: Vec<i64> = systems.iter().map(|s| s.id).collect();
    let statuses = lis_store::gaps::statuses(&state.db, organisation_id, &ids).await?;
    let not_in_use = lis_store::soa::controls_not_in_use(&state.db, organisation_id).await?;
    let today = crate::time::today();
    let tally = lis_reports::gaps::analyse(&state.catalog, &not_in_use, &systems, &statuses, today).whole;
    let gaps = lis_reports::gaps::gaps(&state.catalog, &not_in_use, &systems, &statuses);
    let pages = gaps.len().div_ceil(MY_GAPS_PER_PAGE).max(1);
    let page = params.page.trim().parse::<usize>().unwrap_or(1).clamp(1, pages);
    let skipped = (page - 1) * MY_GAPS_PER_PAGE;
    let shown: Vec<GapRow> = gaps
        .iter()
        .skip(skipped)
        .take(MY_GAPS_PER_PAGE)
        .map(|gap| gap_row(env.lang, gap, today))
        .collect();
    let view = MyGapsView {
        systems: systems.len(),
        total: gaps.len(),
        first: skipped + 1,
        last: skipped + shown.len(),
        gaps: shown,
        previous: (page > 1).then(|| format!("/mine/gaps?page={}", page - 1)),
        next: (page < pages).then(|| format!("/mine/gaps?page={}", page + 1)),
        by_severity: severity_labels(env.lang)
            .into_iter()
            .zip(tally.by_severity)
            .rev()
            .map(|(label, n)| (label.to_owned(), n))
            .collect(),
        overdue: tally.overdue,
    };
    Ok(page::render(&state, &env, "my_gaps.html", &view)?.into_response())
}

/// What the report covers: `?unit=` an org unit and its subtree, `?owner=` one objektsägare's objects.
#[derive(Debug, Default, Deserialize)]
pub struct ReportParams {
    #[serde(default)]
    unit: String,
    #[serde(default)]
    owner: String,
    #[serde(default)]
    compare: String,
}

impl ReportParams {
    fn id(raw: &str) -> Option<i64> {
        raw.trim().parse().ok()
    }

    /// The objektsägare asked for, if any.
    pub(crate) fn owner(&self) -> Option<i64> {
        Self::id(&self.owner)
    }
}

/// The query string of the report for `unit` and `owner`.
fn scope_query(unit: Option<i64>, owner: Option<i64>) -> String {
    query_of(unit, owner, None)
}

/// The query string of the report for `unit` and `owner`, compared with cycle `compare`.
fn query_of(unit: Option<i64>, owner: Option<i64>, compare: Option<i64>) -> String {
    let parts: Vec<String> = [("unit", unit), ("owner", owner), ("compare", compare)]
        .into_iter()
        .filter_map(|(name, id)| Some(format!("{name}={}", id?)))
        .collect();
    if parts.is_empty() {
        String::new()
    } else {
        format!("?{}", parts.join("&"))
    }
}

/// A row of the per-unit table and heatmap: an org unit counting its whole subtree, or only what sits directly on
/// the unit in scope.
pub(crate) struct UnitRow {
    pub(crate) id: Option<i64>,
    pub(crate) name: String,
    pub(crate) direct: bool,
}

/// The rows for `scope` (none: the whole organisation) and, for every unit of the scope, the row it counts under.
fn unit_rows(tree: &OrgTree, scope: Option<&OrgTreeNode>) -> (Vec<UnitRow>, HashMap<i64, usize>) {
    let mut rows = Vec::new();
    let mut row_of = HashMap::new();
    let add_subtree = |node: &OrgTreeNode, rows: &mut Vec<UnitRow>, row_of: &mut HashMap<i64, usize>| {
        for id in tree.subtree(node.id) {
            row_of.insert(id, rows.len());
        }
        rows.push(UnitRow {
            id: Some(node.id),
            name: node.name.clone(),
            direct: false,
        });
    };
    let parents: Vec<&OrgTreeNode> = match scope {
        Some(node) => vec![node],
        None => tree.roots.iter().collect(),
    };
    for parent in parents {
        if parent.children.is_empty() {
            add_subtree(parent, &mut rows, &mut row_of);
            continue;
        }
        // What sits on the parent itself gets a row of its own; its children each count their subtree.
        let direct = rows.len();
        rows.push(UnitRow {
            id: Some(parent.id),
            name: parent.name.clone(),
            direct: true,
        });
        for child in &parent.children {
            add_subtree(child, &mut rows, &mut row_of);
        }
        row_of.insert(parent.id, direct);
    }
    (rows, row_of)
}

/// The people a report's objektsägare filter offers `asker`: everyone to those who read the whole gap analysis,
/// themselves alone to an objektsägare reading their own.
pub(crate) fn offered_owners(
    asker: &impl Asker,
    people: &[(i64, String, Option<String>)],
) -> Vec<(i64, String, Option<String>)> {
    if asker.may(Action::View, Resource::WHOLE_GAP_REPORT) {
        people.to_vec()
    } else {
        people
            .iter()
            .filter(|(id, _, _)| Some(*id) == asker.person_id())
            .cloned()
            .collect()
    }
}

/// The analysis behind the report page and its files.
pub(crate) struct Report {
    pub(crate) today: NaiveDate,
    pub(crate) unit: Option<i64>,
    pub(crate) owner: Option<i64>,
    pub(crate) scope_label: String,
    pub(crate) systems: Vec<SystemFacts>,
    /// What the systems inherit from shared controls.
    pub(crate) inherited: crate::gap_analysis::InheritedBySystem,
    /// Each system's summary.
    pub(crate) summaries: HashMap<i64, lis_reports::gaps::SystemSummary>,
    pub(crate) not_in_use: BTreeSet<String>,
    pub(crate) rows: Vec<UnitRow>,
    /// The analysis with every system counted under its row (index into `rows`, as an id; none without a unit).
    pub(crate) by_row: GapAnalysis,
    pub(crate) names: Names,
    pub(crate) units: Vec<lis_domain::FlatUnit>,
    pub(crate) people: Vec<(i64, String, Option<String>)>,
    /// The closed cycle compared with, and its counts rolled up as the current ones are.
    pub(crate) then: Option<Then>,
    /// The statuses saved in the scope since that cycle closed, newest first, and whether older ones were not read.
    pub(crate) changes: (Vec<lis_store::gaps::StatusChange>, bool),
    /// Whether the visitor reads only the units their roles are limited to (not the whole organisation).
    pub(crate) role_units_only: bool,
    pub(crate) cycles: Vec<lis_store::entity::assessment_cycle::Model>,
}

/// The counts of a closed cycle, rolled up like the current analysis.
pub(crate) struct Then {
    pub(crate) cycle: lis_store::entity::assessment_cycle::Model,
    pub(crate) whole: Tally,
    pub(crate) by_row: HashMap<Option<i64>, Tally>,
    pub(crate) by_owner: HashMap<Option<i64>, Tally>,
}

/// Works out the report `params` asks for, once the visitor may read it.
pub(crate) async fn report(
    state: &AppState,
    user: &impl Asker,
    lang: Lang,
    params: &ReportParams,
) -> Result<Report, WebError> {
    let organisation_id = user.organisation_id();
    let tree = lis_store::organisation::org_tree(&state.db, organisation_id).await?;
    let units = tree.flatten();
    let people = lis_store::people::names(&state.db, organisation_id).await?;
    let owner = ReportParams::id(&params.owner).filter(|id| people.iter().any(|p| p.0 == *id));
    let own = owner.is_some() && owner == user.person_id();
    // A role limited to an org unit reads that unit's report: without a unit asked for, it is the scope.
    // Units the visitor's roles are limited to, as they stand in the tree, the outermost of nested ones.
    let granted: Vec<i64> = user
        .report_units()
        .into_iter()
        .filter(|unit| tree.node(*unit).is_some())
        .collect();
    let role_units: Vec<i64> = granted
        .iter()
        .copied()
        .filter(|unit| {
            !granted
                .iter()
                .any(|other| other != unit && tree.subtree(*other).contains(unit))
        })
        .collect();
    let role_units_only = !role_units.is_empty() && !user.may(Action::View, Resource::WHOLE_GAP_REPORT);
    let unit = ReportParams::id(&params.unit)
        .filter(|id| units.iter().any(|u| u.id == *id))
        .or_else(|| role_units.first().copied().filter(|_| role_units_only && !own));
    let in_role_unit = unit.is_some_and(|unit| {
        role_units
            .iter()
            .any(|role_unit| tree.subtree(*role_unit).contains(&unit))
    });
    user.authorize(state, Action::View, Resource::GapReport { own, in_role_unit })
        .await?;
    let scope = unit.and_then(|id| tree.node(id));
    let (rows, row_of) = unit_rows(&tree, scope);
    let systems: Vec<SystemFacts> = lis_store::gaps::systems_in_use(&state.db, organisation_id)
        .await?
        .into_iter()
        .filter(|system| owner.is_none() || system.owner_person_id == owner)
        .filter(|system| scope.is_none() || system.org_unit_id.is_some_and(|u| row_of.contains_key(&u)))
        .collect();
    let not_in_use = lis_store::soa::controls_not_in_use(&state.db, organisation_id).await?;
    let today = crate::time::today();
    let rolled: Vec<SystemFacts> = systems
        .iter()
        .map(|system| SystemFacts {
            org_unit_id: system
                .org_unit_id
                .and_then(|u| row_of.get(&u))
                .and_then(|row| i64::try_from(*row).ok()),
            ..system.clone()
        })
        .collect();
    let crate::gap_analysis::Analysed {
        analysis: by_row,
        inherited,
        summaries,
    } = crate::gap_analysis::analyse(&state.db, &state.catalog, organisation_id, &rolled, &not_in_use, today).await?;
    // An objektsägare compares their own objects with a cycle too: the comparison is limited to the report's scope.
    let cycles = lis_store::cycles::list(&state.db, organisation_id).await?;
    let compare = ReportParams::id(&params.compare).and_then(|id| cycles.iter().find(|c| c.id == id).cloned());
    let then = match compare {
        Some(cycle) => {
            let mut then = Then {
                cycle,
                whole: Tally::default(),
                by_row: HashMap::new(),
                by_owner: HashMap::new(),
            };
            for frozen in lis_store::cycles::frozen(&state.db, then.cycle.id).await? {
                let row = frozen.org_unit_id.and_then(|u| row_of.get(&u).copied());
                let in_scope =
                    (owner.is_none() || frozen.owner_person_id == owner) && (scope.is_none() || row.is_some());
                if !in_scope {
                    continue;
                }
                let row = row.and_then(|r| i64::try_from(r).ok());
                then.whole.merge(&frozen.tally);
                then.by_row.entry(row).or_default().merge(&frozen.tally);
                then.by_owner
                    .entry(frozen.owner_person_id)
                    .or_default()
                    .merge(&frozen.tally);
            }
            Some(then)
        }
        None => None,
    };
    let changes = match &then {
        Some(then) => {
            let in_scope: BTreeSet<i64> = systems.iter().map(|s| s.id).collect();
            lis_store::gaps::status_changes_since(
                &state.db,
                organisation_id,
                then.cycle.closed_at,
                &|system| in_scope.contains(&system),
                CHANGES_READ,
            )
            .await?
        }
        None => (Vec::new(), false),
    };
    let names = Names {
        units: units.iter().map(|u| (u.id, u.name.clone())).collect(),
        people: people.iter().map(|(id, name, _)| (*id, name.clone())).collect(),
    };
    // Whoever reads only their role's units is offered only those as scopes.
    let units = if own || !role_units_only {
        units
    } else {
        let inside: BTreeSet<i64> = role_units.iter().flat_map(|unit| tree.subtree(*unit)).collect();
        units.into_iter().filter(|unit| inside.contains(&unit.id)).collect()
    };
    let mut scope_label = match scope {
        Some(node) => node.name.clone(),
        None => word(lang, "Hela organisationen", "The whole organisation").to_owned(),
    };
    if let Some(owner) = owner {
        let name = names.people.get(&owner).cloned().unwrap_or_default();
        scope_label = format!("{scope_label}, {} {name}", word(lang, "objektsägare", "object owner"));
    }
    Ok(Report {
        today,
        unit,
        owner,
        scope_label,
        systems,
        inherited,
        summaries,
        not_in_use,
        rows,
        by_row,
        names,
        units,
        people,
        then,
        changes,
        role_units_only,
        cycles,
    })
}

impl Report {
    /// The label of a row of the per-unit table.
    pub(crate) fn row_label(&self, lang: Lang, row: Option<i64>) -> String {
        match row.and_then(|r| usize::try_from(r).ok()).and_then(|r| self.rows.get(r)) {
            Some(row) if row.direct => format!("{} {}", row.name, word(lang, "(direkt)", "(directly)")),
            Some(row) => row.name.clone(),
            None => word(lang, "Utan organisationsenhet", "Without an org unit").to_owned(),
        }
    }

    /// The unit of a row of the per-unit table.
    pub(crate) fn row_unit(&self, row: Option<i64>) -> Option<&UnitRow> {
        row.and_then(|r| usize::try_from(r).ok()).and_then(|r| self.rows.get(r))
    }
}

/// The report page.
#[derive(Serialize)]
struct ReportView {
    today: String,
    scope_label: String,
    query: String,
    units: Vec<ChoiceView>,
    people: Vec<ChoiceView>,
    systems: usize,
    separate_analysis: usize,
    whole: TallyView,
    severities: Vec<&'static str>,
    by_unit: Vec<TallyView>,
    by_owner: Vec<TallyView>,
    by_theme: Vec<TallyView>,
    by_measure: Vec<TallyView>,
    heatmap: Heatmap,
    worst: Vec<GapRow>,
    gaps_total: usize,
    /// The statuses saved since the compared cycle closed, newest first (at most [`CHANGES_SHOWN`]).
    changes: Vec<ChangeRow>,
    changes_total: usize,
    /// Whether older changes were left unread.
    changes_more: bool,
    /// Whether the whole organisation is offered as a scope (not to those who read only their role's units).
    offer_whole: bool,
    /// The cycle compared with: its name and when it was closed.
    compare: Option<(String, String)>,
    cycles: Vec<ChoiceView>,
    may_close: bool,
}

/// How many of the worst gaps the page lists; the files have them all.
const WORST_SHOWN: usize = 50;

/// How many events of the audit trail the comparison with a cycle reads at most for the changes since.
const CHANGES_READ: u64 = 20_000;

/// How many of the changes since a cycle the page lists.
const CHANGES_SHOWN: usize = 100;

/// A saved change of status as the report lists it.
#[derive(Serialize)]
struct ChangeRow {
    when: String,
    system_id: i64,
    system: String,
    requirement: String,
    before: String,
    after: String,
    by: String,
}

/// A status and *brist* in words: "Ej uppfyllt (allvarlig)".
fn state_words(lang: Lang, (status, severity): (RequirementStatus, Option<Severity>)) -> String {
    let status = word(lang, status.swedish(), status.english());
    match severity {
        Some(severity) => format!(
            "{status} ({})",
            word(lang, severity.swedish(), severity.english()).to_lowercase()
        ),
        None => status.to_owned(),
    }
}

/// `GET /gaps`: the gap report for the whole organisation, an org unit (`?unit=`) or an objektsägare (`?owner=`),
/// printable as it is.
pub async fn report_page(
    State(state): State<AppState>,
    user: CurrentUser,
    env: PageEnv,
    Query(params): Query<ReportParams>,
) -> Result<Response, WebError> {
    let lang = env.lang;
    let report = report(&state, &user, lang, &params).await?;
    let analysis = &report.by_row;
    let themes: Vec<(&str, String)> = state
        .catalog
        .themes
        .iter()
        .map(|theme| {
            let name = match lang {
                Lang::Sv => theme.name.sv.clone(),
                Lang::En => theme.name.en.clone(),
            };
            (theme.id.as_str(), name)
        })
        .collect();
    let rows_with_systems: Vec<Option<i64>> = analysis.by_unit.keys().copied().collect();
    let unit_href = |row: Option<i64>| {
        report
            .row_unit(row)
            .filter(|r| !r.direct)
            .map(|r| format!("/gaps{}", scope_query(r.id, report.owner)))
    };
    let heatmap_rows = rows_with_systems
        .iter()
        .map(|row| {
            let cells = themes
                .iter()
                .map(|(id, _)| {
                    let tally = analysis
                        .by_unit_and_theme
                        .get(&(*row, (*id).to_owned()))
                        .copied()
                        .unwrap_or_default();
                    (percent_text(tally.percent_met()), shade(tally.gaps(), tally.applicable))
                })
                .collect();
            (report.row_label(lang, *row), cells)
        })
        .collect();
    let mut by_owner: Vec<(Option<u64>, TallyView)> = analysis
        .by_owner
        .iter()
        .map(|(owner, tally)| {
            let label = owner
                .and_then(|id| report.names.people.get(&id).cloned())
                .unwrap_or_else(|| word(lang, "Utan objektsägare", "Without an object owner").to_owned());
            let href = owner.map(|id| format!("/gaps{}", scope_query(report.unit, Some(id))));
            let then = report.then.as_ref().and_then(|t| t.by_owner.get(owner));
            (
                tally.percent_met(),
                compared(lang, tally_view(label, href, tally), tally, then),
            )
        })
        .collect();
    by_owner.sort_by(|a, b| {
        a.0.unwrap_or(u64::MAX)
            .cmp(&b.0.unwrap_or(u64::MAX))
            .then_with(|| a.1.label.cmp(&b.1.label))
    });
    let (holding, statuses) = crate::gap_analysis::holding_the_worst(
        &state.db,
        user.organisation_id(),
        &report.systems,
        &report.summaries,
        &report.inherited,
        WORST_SHOWN,
    )
    .await?;
    let (worst, _) =
        lis_reports::gaps::worst_gaps(&state.catalog, &report.not_in_use, &holding, &statuses, WORST_SHOWN);
    let gaps_total = usize::try_from(analysis.whole.gaps()).unwrap_or(usize::MAX);
    let view = ReportView {
        today: report.today.to_string(),
        scope_label: report.scope_label.clone(),
        query: query_of(report.unit, report.owner, report.then.as_ref().map(|t| t.cycle.id)),
        units: super::inventory::unit_choices(&report.units, report.unit),
        people: super::inventory::person_choices(&offered_owners(&user, &report.people), report.owner),
        systems: analysis.systems,
        separate_analysis: analysis.separate_analysis,
        whole: compared(
            lang,
            tally_view(report.scope_label.clone(), None, &analysis.whole),
            &analysis.whole,
            report.then.as_ref().map(|t| &t.whole),
        ),
        severities: severity_labels(lang),
        by_unit: rows_with_systems
            .iter()
            .map(|row| {
                let now = &analysis.by_unit[row];
                let view = tally_view(report.row_label(lang, *row), unit_href(*row), now);
                compared(lang, view, now, report.then.as_ref().and_then(|t| t.by_row.get(row)))
            })
            .collect(),
        by_owner: by_owner.into_iter().map(|(_, view)| view).collect(),
        by_theme: themes
            .iter()
            .filter_map(|(id, name)| {
                let tally = analysis.by_theme.get(*id)?;
                Some(tally_view(name.clone(), None, tally))
            })
            .collect(),
        by_measure: CYBERSAKERHETSLAGEN_MEASURES
            .iter()
            .map(|(point, sv, en)| {
                let tally = analysis.by_measure.get(point).copied().unwrap_or_default();
                tally_view(format!("{point}. {}", word(lang, sv, en)), None, &tally)
            })
            .collect(),
        heatmap: Heatmap::new(themes.into_iter().map(|(_, name)| name).collect(), heatmap_rows),
        worst: worst.iter().map(|gap| gap_row(lang, gap, report.today)).collect(),
        gaps_total,
        changes: report
            .changes
            .0
            .iter()
            .take(CHANGES_SHOWN)
            .map(|change| ChangeRow {
                when: crate::time::local(change.when),
                system_id: change.system_id,
                system: report
                    .systems
                    .iter()
                    .find(|s| s.id == change.system_id)
                    .map(|s| s.name.clone())
                    .unwrap_or_default(),
                requirement: change.requirement_id.clone(),
                before: state_words(lang, change.before),
                after: state_words(lang, change.after),
                by: match change.actor.strip_prefix("token:") {
                    Some(token) => format!("{} {token}", word(lang, "API-token", "API token")),
                    None => change
                        .by
                        .and_then(|id| report.names.people.get(&id).cloned())
                        .unwrap_or_default(),
                },
            })
            .collect(),
        changes_total: report.changes.0.len(),
        changes_more: report.changes.1,
        offer_whole: !report.role_units_only,
        compare: report
            .then
            .as_ref()
            .map(|t| (t.cycle.name.clone(), crate::time::local(t.cycle.closed_at))),
        cycles: report
            .cycles
            .iter()
            .map(|c| {
                let chosen = report.then.as_ref().is_some_and(|t| t.cycle.id == c.id);
                ChoiceView::new(c.id.to_string(), c.name.clone(), chosen)
            })
            .collect(),
        may_close: lis_domain::authorize(&user.0.principal, Action::Change, Resource::AssessmentCycles).is_ok(),
    };
    Ok(page::render(&state, &env, "gap_report.html", &view)?.into_response())
}

/// The report's tables: a summary and every gap (with the real org unit of each system).
async fn tables(
    state: &AppState,
    user: &CurrentUser,
    params: &ReportParams,
) -> Result<(lis_reports::Table, lis_reports::Table), WebError> {
    let report = report(state, user, Lang::Sv, params).await?;
    let mut names = report.names.clone();
    // The summary counts units by their rows: name them as the page does.
    names.units = report
        .by_row
        .by_unit
        .keys()
        .filter_map(|row| Some((row.as_ref().copied()?, report.row_label(Lang::Sv, *row))))
        .collect();
    let summary = lis_reports::gaps::summary_table(&report.by_row, &names);
    let ids: Vec<i64> = report.systems.iter().map(|s| s.id).collect();
    let statuses = lis_store::gaps::statuses_with(&state.db, user.organisation_id(), &ids, &report.inherited).await?;
    let gaps = lis_reports::gaps::gaps(&state.catalog, &report.not_in_use, &report.systems, &statuses);
    let list = lis_reports::gaps::gap_table(&state.catalog, &gaps, &report.names, report.today);
    Ok((summary, list))
}

/// `GET /gaps/report.csv`: every gap of the report's scope, the worst first, one row each.
pub async fn report_csv(
    State(state): State<AppState>,
    user: CurrentUser,
    Query(params): Query<ReportParams>,
) -> Result<Response, WebError> {
    let (_, list) = tables(&state, &user, &params).await?;
    let bytes = list.to_csv().map_err(|e| WebError::Internal(e.to_string()))?;
    download::audit_export(&state, &user, "gap_report", "csv").await?;
    Ok(download::attachment(bytes, download::CSV, "gapanalys.csv"))
}

/// `GET /gaps/report.xlsx`: the summary and every gap as a workbook of two sheets.
pub async fn report_xlsx(
    State(state): State<AppState>,
    user: CurrentUser,
    Query(params): Query<ReportParams>,
) -> Result<Response, WebError> {
    let (summary, list) = tables(&state, &user, &params).await?;
    let bytes = lis_reports::workbook(&[&summary, &list]).map_err(|e| WebError::Internal(e.to_string()))?;
    download::audit_export(&state, &user, "gap_report", "xlsx").await?;
    Ok(download::attachment(bytes, download::XLSX, "gapanalys.xlsx"))
}

/// The gap analysis of every system in use of the organisation, as it stands today.
pub(crate) async fn whole_analysis(
    state: &AppState,
    organisation_id: i64,
) -> Result<(Vec<SystemFacts>, GapAnalysis), WebError> {
    let systems = lis_store::gaps::systems_in_use(&state.db, organisation_id).await?;
    let not_in_use = lis_store::soa::controls_not_in_use(&state.db, organisation_id).await?;
    let today = crate::time::today();
    let analysis =
        crate::gap_analysis::analyse(&state.db, &state.catalog, organisation_id, &systems, &not_in_use, today)
            .await?
            .analysis;
    Ok((systems, analysis))
}

/// A closed cycle as its list shows it.
#[derive(Serialize)]
struct CycleRow {
    id: i64,
    name: String,
    closed_at: String,
}

#[derive(Serialize)]
struct CyclesView {
    cycles: Vec<CycleRow>,
    may_close: bool,
    name: String,
    problems: Vec<String>,
}

async fn cycles_view(state: &AppState, user: &CurrentUser) -> Result<CyclesView, WebError> {
    Ok(CyclesView {
        cycles: lis_store::cycles::list(&state.db, user.0.person.organisation_id)
            .await?
            .into_iter()
            .map(|c| CycleRow {
                id: c.id,
                name: c.name,
                closed_at: crate::time::local(c.closed_at),
            })
            .collect(),
        may_close: lis_domain::authorize(&user.0.principal, Action::Change, Resource::AssessmentCycles).is_ok(),
        name: String::new(),
        problems: Vec::new(),
    })
}

/// `GET /gaps/cycles`: the closed assessment cycles, each comparable with the current state, and the CISO's form
/// to close one.
pub async fn cycles(State(state): State<AppState>, user: CurrentUser, env: PageEnv) -> Result<Response, WebError> {
    user.authorize(&state, Action::View, Resource::AssessmentCycles).await?;
    let view = cycles_view(&state, &user).await?;
    Ok(page::render(&state, &env, "assessment_cycles.html", &view)?.into_response())
}

/// `POST /gaps/cycles`: the CISO closes a cycle: every system's gap counts are frozen as they stand.
pub async fn close_cycle(
    State(state): State<AppState>,
    user: CurrentUser,
    env: PageEnv,
    crate::form::Form(sent): crate::form::Form<super::requirements::Sent>,
) -> Result<Response, WebError> {
    user.authorize(&state, Action::Change, Resource::AssessmentCycles)
        .await?;
    user.1.check_csrf(sent.get("csrf_token").map_or("", String::as_str))?;
    let organisation_id = user.0.person.organisation_id;
    let name = sent.get("name").cloned().unwrap_or_default();
    let counted_at = chrono::Utc::now();
    let (systems, analysis) = whole_analysis(&state, organisation_id).await?;
    let tallies: Vec<(&SystemFacts, Tally)> = systems
        .iter()
        .map(|system| (system, analysis.by_system.get(&system.id).copied().unwrap_or_default()))
        .collect();
    let txn = state.db.begin_change().await.map_err(lis_store::StoreError::from)?;
    match lis_store::cycles::close(
        &txn,
        &user.change_context(),
        organisation_id,
        &name,
        &tallies,
        counted_at,
    )
    .await
    {
        Ok(cycle) => {
            txn.commit().await.map_err(lis_store::StoreError::from)?;
            Ok(axum::response::Redirect::to(&format!("/gaps?compare={}", cycle.id)).into_response())
        }
        Err(lis_store::StoreError::Status(problems)) => {
            drop(txn);
            let mut view = cycles_view(&state, &user).await?;
            view.name = name;
            view.problems = problems
                .iter()
                .map(|p| match env.lang {
                    Lang::Sv => p.swedish(),
                    Lang::En => p.english(),
                })
                .collect();
            let page = page::render(&state, &env, "assessment_cycles.html", &view)?;
            Ok((axum::http::StatusCode::UNPROCESSABLE_ENTITY, page).into_response())
        }
        Err(err) => Err(err.into()),
    }
}
