//! The gap-analysis benchmark of issue #7: on the classified municipality, a status for every applicable requirement
//! of every system (about half a million rows), 30 shared controls, and an objektsägare of 40 systems. Measured:
//! "Mina brister" for that objektsägare, the report of the whole municipality with its heatmap, and changing a
//! shared control that 1 000 systems use, each against a *floor*: the same numbers from one hand-written SQL
//! statement, checked to agree with LIS's before they are timed.

use std::collections::{BTreeMap, BTreeSet, HashMap};
use std::fmt::Write as _;
use std::time::{Duration, Instant};

use anyhow::{Context as _, Result, anyhow, bail};
use chrono::{Days, NaiveDate, Utc};
use lis_catalog::Catalog;
use lis_domain::aspect::Aspect;
use lis_domain::gap::{RequirementStatus, Severity, StatusRecord, SystemFacts, Tally};
use lis_domain::rule::{Op, Rule};
use lis_store::audit::ChangeContext;
use lis_store::entity::{inventory_item, requirement_status, shared_control_use};
use lis_store::people::SignInIdentity;
use lis_store::shared_controls::Fields;
use lis_store::{ChangeTransaction, DatabaseConnection, TransactionTrait};
use sea_orm::ActiveValue::Set;
use sea_orm::{ColumnTrait, ConnectionTrait, DbBackend, EntityTrait, QueryFilter, Statement};

use crate::load::Loaded;
use crate::measure::{PageCase, PageResult, Samples, Server};
use crate::queries::{QueryLog, Tally as StatementTally};

/// The goal for "Mina brister" of an objektsägare of [`OWNED_SYSTEMS`] systems.
pub const MY_GAPS_TARGET: Duration = Duration::from_millis(50);
/// The goal for the report of the whole municipality with its heatmap.
pub const REPORT_TARGET: Duration = Duration::from_millis(300);
/// The goal for changing a shared control that [`SHARED_USERS`] systems use.
pub const SHARED_CHANGE_TARGET: Duration = Duration::from_millis(200);
/// The goal for LIS's time over the floor's.
pub const FLOOR_RATIO_TARGET: f64 = 2.0;
/// How many systems the measured objektsägare answers for.
pub const OWNED_SYSTEMS: usize = 40;
/// How many shared controls there are.
pub const SHARED_CONTROLS: usize = 30;
/// How many systems use the shared control that is changed.
pub const SHARED_USERS: usize = 1000;

/// One of LIS's measurements beside its floor.
#[derive(Clone, Debug)]
pub struct Compared {
    /// What LIS does, timed.
    pub lis: PageResult,
    /// The same numbers from one hand-written statement, timed the same number of times.
    pub floor: Samples,
    /// The floor's statement, for the report.
    pub floor_sql: String,
}

/// How many times the report is asked for with no summary stored (each works out every system).
const UNSUMMARISED_ROUNDS: usize = 10;

/// The shared control's change and its floors are timed this many times as often as the pages: each takes about a
/// millisecond, so many rounds cost little and keep the 95th percentile from resting on two or three samples.
const CHANGE_ROUNDS_PER_REPEAT: usize = 10;

/// How many times the report is asked for right after a change of the shared control.
const AFTER_CHANGE_ROUNDS: usize = 10;

/// The shared control `control` (meeting `requirements`) changed in round `round`: alternately to *delvis
/// uppfyllt* with a *måttlig brist* and back to *uppfyllt*.
fn change_fields(
    control: &lis_store::entity::shared_control::Model,
    requirements: &BTreeSet<String>,
    round: usize,
) -> Fields {
    let record = if round.is_multiple_of(2) {
        StatusRecord {
            status: Some(RequirementStatus::DelvisUppfyllt),
            severity: Some(Severity::Mattlig),
            how: format!("Omgång {round}: reservkraften är inte provad."),
            ..StatusRecord::default()
        }
    } else {
        StatusRecord {
            status: Some(RequirementStatus::Uppfyllt),
            how: format!("Omgång {round}: centralt i kommunens datacenter."),
            ..StatusRecord::default()
        }
    };
    Fields {
        name: control.name.clone(),
        description: control.description.clone(),
        record,
        requirements: requirements.clone(),
    }
}

/// `lis` over `floor`, guarded against a zero floor.
pub fn ratio(lis: Duration, floor: Duration) -> f64 {
    lis.as_secs_f64() / floor.as_secs_f64().max(1e-9)
}

/// What was measured.
#[derive(Clone, Debug)]
pub struct GapsResult {
    /// Status rows written for the set-up.
    pub statuses: usize,
    /// Writing them.
    pub setup: Duration,
    /// Systems analysed (not retired).
    pub systems: usize,
    /// Applicable (system, requirement) pairs, and how many of them are met, in the whole municipality.
    pub whole: Tally,
    /// Systems of the measured objektsägare.
    pub owned: usize,
    /// The gaps "Mina brister" lists.
    pub owned_gaps: u64,
    /// Shared controls created.
    pub shared_controls: usize,
    /// "Mina brister" against its floor.
    pub my_gaps: Compared,
    /// The report of the whole municipality against its floor.
    pub report: Compared,
    /// The report's work step by step, called directly as the page calls it: (step, timings).
    pub report_steps: Vec<(&'static str, Samples)>,
    /// The report page with no summary stored: every system's statuses read and counted, the summaries stored.
    pub report_unsummarised: Samples,
    /// The report page right after each change of the shared control: its users' summaries worked out again.
    pub report_after_change: Samples,
    /// Changing the shared control: LIS's service in a transaction with its audit event, committed.
    pub change: Samples,
    /// The statements of all the changes, the most time first.
    pub change_statements: Vec<(String, StatementTally)>,
    /// The floor of a change: the control updated and its audit event written by hand-written SQL, committed.
    pub change_floor: Samples,
    /// The floor's SQL.
    pub change_floor_sql: String,
    /// The control's row updated alone, without an audit event: one `UPDATE`, committed.
    pub change_bare: Samples,
    /// Its statement.
    pub change_bare_sql: String,
    /// Systems inheriting from the changed control that showed its last status afterwards, and those that kept
    /// their own because they record a local exception.
    pub change_seen: (usize, usize),
}

/// A deterministic spread of `n` over 0..100.
fn spread(a: usize, b: usize) -> usize {
    a.wrapping_mul(2_654_435_761)
        .wrapping_add(b.wrapping_mul(40_503))
        .rotate_left(7)
        % 100
}

/// The status generated for requirement `r` of system `s`: half met, a tenth each not assessed and not applicable,
/// the rest gaps of every severity, some overdue.
fn generated_status(s: usize, r: usize, today: NaiveDate) -> StatusRecord {
    let n = spread(s, r);
    let due = |days_ago: bool| {
        if days_ago {
            today.checked_sub_days(Days::new(30))
        } else {
            today.checked_add_days(Days::new(90))
        }
    };
    let (status, severity, due) = match n {
        0..=49 => (RequirementStatus::Uppfyllt, None, None),
        50..=54 => (RequirementStatus::Uppfyllt, Some(Severity::Forsumbar), None),
        55..=69 => (
            RequirementStatus::DelvisUppfyllt,
            Some(Severity::Mattlig),
            due(n.is_multiple_of(3)),
        ),
        70..=74 => (
            RequirementStatus::EjUppfyllt,
            Some(Severity::Betydande),
            due(n.is_multiple_of(2)),
        ),
        75..=79 => (
            RequirementStatus::EjUppfyllt,
            Some(Severity::Allvarlig),
            due(n % 2 == 1),
        ),
        80..=89 => (RequirementStatus::EjTillampligt, None, None),
        _ => (RequirementStatus::EjBedomd, None, None),
    };
    StatusRecord {
        status: Some(status),
        severity,
        due,
        justification: if status == RequirementStatus::EjTillampligt {
            "Systemet saknar den funktionen.".to_owned()
        } else {
            String::new()
        },
        local_exception: spread(r, s) == 0,
        ..StatusRecord::default()
    }
}

/// Writes a status for every applicable requirement of every system (set-up: multi-row inserts, no audit events).
async fn write_statuses(
    db: &DatabaseConnection,
    catalog: &Catalog,
    organisation_id: i64,
    person: i64,
    systems: &[SystemFacts],
    today: NaiveDate,
) -> Result<usize> {
    let index: HashMap<&str, usize> = catalog
        .requirements
        .iter()
        .enumerate()
        .map(|(i, r)| (r.id.as_str(), i))
        .collect();
    let not_in_use = lis_store::soa::controls_not_in_use(db, organisation_id).await?;
    let now = Utc::now();
    let mut rows = Vec::new();
    for (s, system) in systems.iter().enumerate() {
        for requirement in catalog.applicable_in_use(&system.profile, &not_in_use) {
            let r = index.get(requirement.id.as_str()).copied().unwrap_or(0);
            let record = generated_status(s, r, today);
            rows.push(requirement_status::ActiveModel {
                organisation_id: Set(organisation_id),
                system_id: Set(system.id),
                requirement_id: Set(requirement.id.clone()),
                status: Set(record.status.map(|s| s.as_str().to_owned()).unwrap_or_default()),
                severity: Set(record.severity.map(|s| s.as_str().to_owned())),
                how: Set(String::new()),
                justification: Set(record.justification),
                due_date: Set(record.due),
                verified_on: Set(None),
                evidence_url: Set(String::new()),
                updated_by_person_id: Set(person),
                updated_at: Set(now),
                version: Set(1),
                local_exception: Set(record.local_exception),
                responsible_person_id: Set(None),
                ..Default::default()
            });
        }
    }
    let written = rows.len();
    let txn = db.begin().await?;
    let mut rest = rows.into_iter().peekable();
    while rest.peek().is_some() {
        let chunk: Vec<_> = rest.by_ref().take(400).collect();
        requirement_status::Entity::insert_many(chunk)
            .exec_without_returning(&txn)
            .await
            .context("inserting statuses")?;
    }
    txn.commit().await?;
    Ok(written)
}

/// The requirements of grundskydd (those that always apply), which the shared controls meet.
fn always_applying(catalog: &Catalog) -> Vec<String> {
    catalog
        .requirements
        .iter()
        .filter(|r| r.applies == Rule::Always)
        .map(|r| r.id.clone())
        .collect()
}

/// Creates [`SHARED_CONTROLS`] shared controls through LIS's service, each meeting a few grundskydd requirements:
/// the first, to be changed, used by [`SHARED_USERS`] application systems; the others by two platforms each (and so
/// by what runs on them). Returns the first's id and its users.
async fn create_shared_controls(
    db: &DatabaseConnection,
    catalog: &Catalog,
    loaded: &Loaded,
    platforms: usize,
    in_use: &BTreeSet<i64>,
) -> Result<(i64, Vec<i64>)> {
    let known = |id: &str| catalog.requirements.iter().any(|r| r.id == id);
    let grundskydd = always_applying(catalog);
    if grundskydd.len() < 4 {
        bail!("the catalogue has too few grundskydd requirements for the shared controls");
    }
    let ctx = ChangeContext::person(loaded.signed_in_person_id, None);
    let txn = db.begin_change().await?;
    let mut ids = Vec::new();
    for n in 0..SHARED_CONTROLS {
        let requirements: BTreeSet<String> = (0..4)
            .map(|k| grundskydd[(n * 3 + k) % grundskydd.len()].clone())
            .collect();
        let fields = Fields {
            name: format!("Gemensam skyddsåtgärd {}", n + 1),
            description: "Drivs centralt av IT-avdelningen.".to_owned(),
            record: StatusRecord {
                status: Some(RequirementStatus::Uppfyllt),
                how: "Centralt i kommunens datacenter.".to_owned(),
                ..StatusRecord::default()
            },
            requirements,
        };
        ids.push(
            lis_store::shared_controls::create(&txn, &ctx, loaded.organisation_id, &fields, &known)
                .await?
                .id,
        );
    }
    txn.commit().await?;
    let changed = *ids.first().ok_or_else(|| anyhow!("no shared control"))?;
    let users: Vec<i64> = loaded.system_ids[platforms.min(loaded.system_ids.len())..]
        .iter()
        .copied()
        .filter(|id| in_use.contains(id))
        .take(SHARED_USERS)
        .collect();
    let mut links: BTreeSet<(i64, i64)> = users.iter().map(|system| (changed, *system)).collect();
    let platform_ids: Vec<i64> = loaded.system_ids[..platforms.min(loaded.system_ids.len())]
        .iter()
        .copied()
        .filter(|id| in_use.contains(id))
        .collect();
    for (n, id) in ids.iter().enumerate().skip(1) {
        for k in 0..2 {
            if let Some(platform) = platform_ids.get((n * 7 + k * 13) % platform_ids.len().max(1)) {
                links.insert((*id, *platform));
            }
        }
    }
    let links: Vec<shared_control_use::ActiveModel> = links
        .into_iter()
        .map(|(control, system)| shared_control_use::ActiveModel {
            shared_control_id: Set(control),
            system_id: Set(system),
        })
        .collect();
    shared_control_use::Entity::insert_many(links)
        .exec_without_returning(db)
        .await?;
    Ok((changed, users))
}

/// Some of `objects` (id, systems) whose systems add up to `wanted`, or to the largest sum below it that some of
/// them reach (subset sum, by the sums reachable with the objects taken in order).
fn objects_summing_to(objects: &[(i64, usize)], wanted: usize) -> Vec<i64> {
    // reached[sum] = the object that first reached that sum, and the sum before it.
    let mut reached: Vec<Option<(usize, usize)>> = vec![None; wanted + 1];
    let mut sums = vec![0_usize];
    for (index, (_, n)) in objects.iter().enumerate() {
        let before = sums.clone();
        for sum in before {
            let next = sum + n;
            if *n > 0 && next <= wanted && next > 0 && reached[next].is_none() {
                reached[next] = Some((index, sum));
                sums.push(next);
            }
        }
    }
    let mut sum = (0..=wanted).rev().find(|s| reached[*s].is_some()).unwrap_or(0);
    let mut chosen = Vec::new();
    while let Some((index, previous)) = reached.get(sum).copied().flatten() {
        chosen.push(objects[index].0);
        sum = previous;
    }
    chosen
}

/// Makes a new person the objektsägare of förvaltningsobjekt with [`OWNED_SYSTEMS`] systems in all (as near as
/// the objects allow) and returns the person's id and how many systems they answer for.
async fn make_owner(db: &DatabaseConnection, loaded: &Loaded, systems: &[SystemFacts]) -> Result<(i64, usize)> {
    let parents: HashMap<i64, Option<i64>> = inventory_item::Entity::find()
        .filter(inventory_item::Column::OrganisationId.eq(loaded.organisation_id))
        .filter(inventory_item::Column::Id.is_in(systems.iter().map(|s| s.id)))
        .all(db)
        .await?
        .into_iter()
        .map(|item| (item.id, item.parent_id))
        .collect();
    let mut per_object: BTreeMap<i64, usize> = BTreeMap::new();
    for parent in parents.values().flatten() {
        *per_object.entry(*parent).or_default() += 1;
    }
    let objects: Vec<(i64, usize)> = per_object.into_iter().collect();
    let chosen = objects_summing_to(&objects, OWNED_SYSTEMS);
    let owned = objects
        .iter()
        .filter(|(id, _)| chosen.contains(id))
        .map(|(_, n)| n)
        .sum();
    let ctx = ChangeContext::system("lis-bench");
    let txn = db.begin_change().await?;
    let identity = SignInIdentity {
        issuer: "urn:lis:bench".to_owned(),
        subject: "bench-owner".to_owned(),
        display_name: "Bänk Objektsägare".to_owned(),
        email: Some("objektsagare@storkommun.se".to_owned()),
        groups: Vec::new(),
    };
    let person = lis_store::people::create(&txn, &ctx, loaded.organisation_id, &identity).await?;
    txn.commit().await?;
    inventory_item::Entity::update_many()
        .col_expr(
            inventory_item::Column::OwnerPersonId,
            sea_orm::sea_query::Expr::value(person.id),
        )
        .filter(inventory_item::Column::Id.is_in(chosen))
        .exec(db)
        .await?;
    Ok((person.id, owned))
}

/// A rule as an SQL condition over the columns `k`, `r`, `t` and `s`.
fn rule_sql(rule: &Rule) -> String {
    match rule {
        Rule::Always => "1 = 1".to_owned(),
        Rule::Compare { aspect, op, level } => {
            let column = aspect.letter().to_ascii_lowercase();
            let op = match op {
                Op::AtLeast => ">=",
                Op::Above => ">",
                Op::Equal => "=",
                Op::AtMost => "<=",
                Op::Below => "<",
            };
            format!("{column} {op} {level}")
        }
        Rule::And(a, b) => format!("({} AND {})", rule_sql(a), rule_sql(b)),
        Rule::Or(a, b) => format!("({} OR {})", rule_sql(a), rule_sql(b)),
    }
}

/// An SQL string literal.
fn quoted(text: &str) -> String {
    format!("'{}'", text.replace('\'', "''"))
}

/// The hand-written statement behind both floors, up to the pairs counted: every (system, applicable requirement)
/// pair of the organisation's systems not retired (`scope` narrows them) with the status that counts, the shared
/// controls' best unless the system records a local exception. The catalogue, which lives in files rather than in
/// the database, is given inline: each requirement with its theme, its rule and the aspects it protects.
fn counted_pairs(backend: DbBackend, catalog: &Catalog, organisation_id: i64, scope: &str, today: NaiveDate) -> String {
    let theme_of: HashMap<&str, &str> = catalog
        .controls
        .iter()
        .map(|c| (c.id.as_str(), c.theme.as_str()))
        .collect();
    let mut rules: Vec<String> = Vec::new();
    let mut values = Vec::new();
    for requirement in &catalog.requirements {
        let rule = rule_sql(&requirement.applies);
        let number = rules.iter().position(|r| *r == rule).unwrap_or_else(|| {
            rules.push(rule);
            rules.len() - 1
        });
        let protects = |aspect| i32::from(requirement.aspects.contains(&aspect));
        values.push(format!(
            "({}, {}, {number}, {}, {}, {}, {})",
            quoted(&requirement.id),
            quoted(theme_of.get(requirement.control.as_str()).copied().unwrap_or("")),
            protects(Aspect::K),
            protects(Aspect::R),
            protects(Aspect::T),
            protects(Aspect::S),
        ));
    }
    let mut applies = String::from("CASE req.rule_no");
    for (number, rule) in rules.iter().enumerate() {
        let _ = write!(applies, " WHEN {number} THEN {rule}");
    }
    applies.push_str(" END");
    if backend == DbBackend::Postgres {
        // PostgreSQL wants a boolean from every branch and a CASE over booleans.
        applies = format!("({applies})");
    } else {
        applies = format!("({applies}) = 1");
    }
    let greatest = if backend == DbBackend::Postgres {
        "GREATEST"
    } else {
        "MAX"
    };
    let values = values.join(",\n    ");
    format!(
        "WITH RECURSIVE
req (requirement_id, theme, rule_no, on_k, on_r, on_t, on_s) AS (VALUES
    {values}),
systems AS (
  SELECT sys.id, obj.org_unit_id AS unit, obj.owner_person_id AS owner,
    COALESCE(MAX(CASE WHEN lv.aspect = 'K' THEN lv.effective END), 0) AS k,
    COALESCE(MAX(CASE WHEN lv.aspect = 'R' THEN lv.effective END), 0) AS r,
    COALESCE(MAX(CASE WHEN lv.aspect = 'T' THEN lv.effective END), 0) AS t,
    COALESCE(MAX(CASE WHEN lv.aspect = 'S' THEN lv.effective END), 0) AS s
  FROM inventory_item sys
  LEFT JOIN inventory_item obj ON obj.id = sys.parent_id
  LEFT JOIN system_level lv ON lv.system_id = sys.id
  WHERE sys.organisation_id = {organisation_id} AND sys.kind = 'system' AND sys.retired_at IS NULL
    AND (sys.lifecycle IS NULL OR sys.lifecycle <> 'retired'){scope}
  GROUP BY sys.id, obj.org_unit_id, obj.owner_person_id),
pairs AS (
  SELECT systems.id AS system_id, systems.unit, systems.owner, req.requirement_id, req.theme,
    {greatest}(1, CASE WHEN req.on_k = 1 THEN k ELSE 0 END, CASE WHEN req.on_r = 1 THEN r ELSE 0 END,
      CASE WHEN req.on_t = 1 THEN t ELSE 0 END, CASE WHEN req.on_s = 1 THEN s ELSE 0 END) AS weight
  FROM systems JOIN req ON {applies}
  WHERE k < 4 AND r < 4 AND t < 4 AND s < 4),
reach (control_id, system_id) AS (
  SELECT u.shared_control_id, u.system_id FROM shared_control_use u
  JOIN shared_control c ON c.id = u.shared_control_id
  WHERE c.organisation_id = {organisation_id} AND c.retired_at IS NULL
  UNION
  SELECT reach.control_id, rel.from_item_id FROM reach
  JOIN inventory_relation rel ON rel.to_item_id = reach.system_id AND rel.kind = 'runs_on'
    AND rel.organisation_id = {organisation_id}),
given AS (
  SELECT system_id, requirement_id, status, severity, due_date FROM (
    SELECT reach.system_id, cr.requirement_id, c.status, c.severity, c.due_date,
      ROW_NUMBER() OVER (PARTITION BY reach.system_id, cr.requirement_id ORDER BY
        CASE WHEN (c.status = 'uppfyllt' AND c.severity IS NULL) OR c.status = 'ej_tillampligt' THEN 0 ELSE 1 END,
        CASE c.severity WHEN 'allvarlig' THEN 4 WHEN 'betydande' THEN 3 WHEN 'mattlig' THEN 2
          WHEN 'forsumbar' THEN 1 ELSE 0 END,
        CASE c.status WHEN 'ej_uppfyllt' THEN 3 WHEN 'delvis_uppfyllt' THEN 2 WHEN 'uppfyllt' THEN 0
          WHEN 'ej_tillampligt' THEN 0 ELSE 1 END) AS n
    FROM reach
    JOIN shared_control c ON c.id = reach.control_id
    JOIN shared_control_requirement cr ON cr.shared_control_id = c.id) ranked
  WHERE n = 1),
counting AS (
  SELECT pairs.system_id, pairs.requirement_id, pairs.unit, pairs.owner, pairs.theme, pairs.weight,
    CASE WHEN given.system_id IS NOT NULL AND (own.local_exception IS NULL OR NOT own.local_exception)
      THEN given.status ELSE own.status END AS status,
    CASE WHEN given.system_id IS NOT NULL AND (own.local_exception IS NULL OR NOT own.local_exception)
      THEN given.severity ELSE own.severity END AS severity,
    CASE WHEN given.system_id IS NOT NULL AND (own.local_exception IS NULL OR NOT own.local_exception)
      THEN given.due_date ELSE own.due_date END AS due_date
  FROM pairs
  LEFT JOIN requirement_status own ON own.system_id = pairs.system_id AND own.requirement_id = pairs.requirement_id
  LEFT JOIN given ON given.system_id = pairs.system_id AND given.requirement_id = pairs.requirement_id),
counted AS (
  SELECT counting.*,
    CASE WHEN (status = 'uppfyllt' AND severity IS NULL) OR status = 'ej_tillampligt' THEN 1 ELSE 0 END AS met,
    CASE WHEN due_date < '{today}' THEN 1 ELSE 0 END AS past_due
  FROM counting)"
    )
}

/// The floor of the report: the tallies per org unit, objektsägare and control theme (the heatmap's cells and the
/// per-owner rows; the whole is their sum), in one statement.
fn report_floor_sql(backend: DbBackend, catalog: &Catalog, organisation_id: i64, today: NaiveDate) -> String {
    let pairs = counted_pairs(backend, catalog, organisation_id, "", today);
    format!(
        "{pairs}
SELECT unit, owner, theme, COUNT(*) AS applicable, SUM(met) AS met, SUM(weight) AS weight,
  SUM(met * weight) AS weighted_met,
  SUM(CASE WHEN status IS NULL OR status = 'ej_bedomd' THEN 1 ELSE 0 END) AS not_assessed,
  SUM(CASE WHEN met = 0 AND severity = 'forsumbar' THEN 1 ELSE 0 END) AS forsumbar,
  SUM(CASE WHEN met = 0 AND severity = 'mattlig' THEN 1 ELSE 0 END) AS mattlig,
  SUM(CASE WHEN met = 0 AND severity = 'betydande' THEN 1 ELSE 0 END) AS betydande,
  SUM(CASE WHEN met = 0 AND severity = 'allvarlig' THEN 1 ELSE 0 END) AS allvarlig,
  SUM(CASE WHEN met = 0 AND status IS NOT NULL THEN past_due ELSE 0 END) AS overdue
FROM counted GROUP BY unit, owner, theme"
    )
}

/// The floor of "Mina brister": every gap of the objektsägare's systems, the worst first, in one statement.
fn my_gaps_floor_sql(
    backend: DbBackend,
    catalog: &Catalog,
    organisation_id: i64,
    owner: i64,
    today: NaiveDate,
) -> String {
    let scope = format!(" AND obj.owner_person_id = {owner}");
    let pairs = counted_pairs(backend, catalog, organisation_id, &scope, today);
    format!(
        "{pairs}
SELECT counted.system_id, counted.requirement_id, counted.status, counted.severity, counted.due_date
FROM counted JOIN inventory_item item ON item.id = counted.system_id
WHERE met = 0
ORDER BY CASE severity WHEN 'allvarlig' THEN 4 WHEN 'betydande' THEN 3 WHEN 'mattlig' THEN 2
  WHEN 'forsumbar' THEN 1 ELSE 0 END DESC,
  CASE status WHEN 'ej_uppfyllt' THEN 3 WHEN 'delvis_uppfyllt' THEN 2 WHEN 'uppfyllt' THEN 0 ELSE 1 END DESC,
  item.name, counted.requirement_id"
    )
}

/// Runs `sql` `warm_up` times untimed, then `count` times timed; returns the timings and the last answer's rows.
async fn time_statement(
    db: &DatabaseConnection,
    sql: &str,
    warm_up: usize,
    count: usize,
) -> Result<(Samples, Vec<sea_orm::QueryResult>)> {
    let statement = Statement::from_string(db.get_database_backend(), sql.to_owned());
    let mut rows = db
        .query_all_raw(statement.clone())
        .await
        .context("the floor's statement")?;
    for _ in 1..warm_up {
        rows = db.query_all_raw(statement.clone()).await?;
    }
    let mut samples = Vec::with_capacity(count);
    for _ in 0..count {
        let started = Instant::now();
        rows = db.query_all_raw(statement.clone()).await?;
        samples.push(started.elapsed());
    }
    Ok((Samples(samples), rows))
}

/// A tally from one row of the report's floor.
fn tally_of(row: &sea_orm::QueryResult) -> Result<Tally> {
    let get = |column: &str| -> Result<u64> {
        let value: Option<i64> = row.try_get("", column)?;
        Ok(u64::try_from(value.unwrap_or(0)).unwrap_or(0))
    };
    Ok(Tally {
        applicable: get("applicable")?,
        met: get("met")?,
        weight: get("weight")?,
        weighted_met: get("weighted_met")?,
        not_assessed: get("not_assessed")?,
        by_severity: [get("forsumbar")?, get("mattlig")?, get("betydande")?, get("allvarlig")?],
        overdue: get("overdue")?,
    })
}

/// Sets up the statuses, shared controls and objektsägare, then measures.
#[allow(clippy::too_many_arguments)]
pub async fn measure(
    db: &DatabaseConnection,
    queries: &QueryLog,
    catalog: &Catalog,
    ciso: &Server,
    loaded: &Loaded,
    platforms: usize,
    warm_up: usize,
    repeats: usize,
) -> Result<GapsResult> {
    let organisation_id = loaded.organisation_id;
    let today = lis_web::time::today();
    let started = Instant::now();
    let systems = lis_store::gaps::systems_in_use(db, organisation_id).await?;
    let statuses = write_statuses(
        db,
        catalog,
        organisation_id,
        loaded.signed_in_person_id,
        &systems,
        today,
    )
    .await?;
    let in_use: BTreeSet<i64> = systems.iter().map(|s| s.id).collect();
    let (changed, users) = create_shared_controls(db, catalog, loaded, platforms, &in_use).await?;
    let (owner, owned) = make_owner(db, loaded, &systems).await?;
    db.execute_unprepared("ANALYZE").await?;
    if db.get_database_backend() == DbBackend::Sqlite {
        // A database in use has long since moved its write-ahead log into the file; half a million rows just
        // written would otherwise be read through the log.
        db.execute_unprepared("PRAGMA wal_checkpoint(TRUNCATE)").await?;
    }
    let setup = started.elapsed();
    let backend = db.get_database_backend();

    // LIS's numbers, computed as the pages compute them, to check the floors against.
    let not_in_use = lis_store::soa::controls_not_in_use(db, organisation_id).await?;
    if !not_in_use.is_empty() {
        bail!("the floors assume every control in use");
    }
    let systems = lis_store::gaps::systems_in_use(db, organisation_id).await?;
    let ids: Vec<i64> = systems.iter().map(|s| s.id).collect();
    let recorded = lis_store::gaps::statuses(db, organisation_id, &ids).await?;
    let analysis = lis_reports::gaps::analyse(catalog, &not_in_use, &systems, &recorded, today);
    let owners_systems: Vec<SystemFacts> = systems
        .iter()
        .filter(|s| s.owner_person_id == Some(owner))
        .cloned()
        .collect();
    let owners_gaps = lis_reports::gaps::gaps(catalog, &not_in_use, &owners_systems, &recorded).len();

    // The report.
    let report_sql = report_floor_sql(backend, catalog, organisation_id, today);
    let (report_floor, rows) = time_statement(db, &report_sql, warm_up.max(1), repeats).await?;
    let mut floor_whole = Tally::default();
    let mut floor_cells: BTreeMap<(Option<i64>, String), Tally> = BTreeMap::new();
    let mut floor_owners: BTreeMap<Option<i64>, Tally> = BTreeMap::new();
    for row in &rows {
        let tally = tally_of(row)?;
        let unit: Option<i64> = row.try_get("", "unit")?;
        let owner_id: Option<i64> = row.try_get("", "owner")?;
        let theme: String = row.try_get("", "theme")?;
        floor_whole.merge(&tally);
        floor_cells.entry((unit, theme)).or_default().merge(&tally);
        floor_owners.entry(owner_id).or_default().merge(&tally);
    }
    if floor_whole != analysis.whole {
        bail!(
            "the report's floor disagrees with LIS: {floor_whole:?} against {:?}",
            analysis.whole
        );
    }
    if floor_cells != analysis.by_unit_and_theme || floor_owners != analysis.by_owner {
        bail!("the report's floor disagrees with LIS per org unit and theme or per objektsägare");
    }
    let report = crate::measure::page(
        ciso,
        queries,
        PageCase {
            name: "Gap report of the whole municipality with its heatmap".to_owned(),
            uri: "/gaps".to_owned(),
            target: Some(REPORT_TARGET),
            note: format!(
                "{} systems, {} requirements applicable, {} gaps",
                crate::report::count(u64::try_from(systems.len()).unwrap_or(0)),
                crate::report::count(analysis.whole.applicable),
                crate::report::count(analysis.whole.gaps()),
            ),
        },
        warm_up,
        repeats,
    )
    .await?;

    let report_steps = report_steps(db, catalog, organisation_id, repeats).await?;
    // The report when no summary is stored, as after a change of the catalogue or the SoA: fewer rounds, each
    // working out every system.
    let mut report_unsummarised = Vec::with_capacity(UNSUMMARISED_ROUNDS);
    let forget = Statement::from_string(
        backend,
        format!("DELETE FROM gap_summary WHERE organisation_id = {organisation_id}"),
    );
    for _ in 0..UNSUMMARISED_ROUNDS {
        db.execute_raw(forget.clone()).await?;
        report_unsummarised.push(ciso.get_ok("/gaps").await?.took);
    }

    // "Mina brister".
    let my_sql = my_gaps_floor_sql(backend, catalog, organisation_id, owner, today);
    let (my_floor, rows) = time_statement(db, &my_sql, warm_up.max(1), repeats).await?;
    if rows.len() != owners_gaps {
        bail!("the floor of Mina brister lists {} gaps, LIS {owners_gaps}", rows.len());
    }
    let owner_server = Server::new(db, owner).await?;
    let my_gaps = crate::measure::page(
        &owner_server,
        queries,
        PageCase {
            name: format!("Mina brister of an objektsägare of {owned} systems"),
            uri: "/mine/gaps".to_owned(),
            target: Some(MY_GAPS_TARGET),
            note: format!(
                "{} gaps, the first {} listed",
                crate::report::count(u64::try_from(owners_gaps).unwrap_or(0)),
                lis_web::MY_GAPS_PER_PAGE
            ),
        },
        warm_up,
        repeats,
    )
    .await?;

    // Changing the shared control used by SHARED_USERS systems, alternately to partly met and back to met.
    let known = |id: &str| catalog.requirements.iter().any(|r| r.id == id);
    let ctx = ChangeContext::person(loaded.signed_in_person_id, None);
    let mut control = lis_store::shared_controls::get(db, organisation_id, changed).await?;
    let requirements = lis_store::shared_controls::requirements_of(db, changed).await?;
    // The report right after a change, which works out the summaries of the control's users again: the changes
    // here are not timed.
    let mut report_after_change = Vec::with_capacity(AFTER_CHANGE_ROUNDS);
    for round in 0..AFTER_CHANGE_ROUNDS {
        let fields = change_fields(&control, &requirements, round);
        let txn = db.begin_change().await?;
        control =
            lis_store::shared_controls::update(&txn, &ctx, organisation_id, changed, &fields, &known, control.version)
                .await
                .context("changing the shared control")?;
        txn.commit().await?;
        report_after_change.push(ciso.get_ok("/gaps").await?.took);
    }
    let change_rounds = repeats * CHANGE_ROUNDS_PER_REPEAT;
    let mut change = Vec::with_capacity(change_rounds);
    let mut last = StatusRecord::default();
    queries.start();
    for round in 0..change_rounds {
        let fields = change_fields(&control, &requirements, round);
        let begun = Instant::now();
        let txn = db.begin_change().await?;
        control =
            lis_store::shared_controls::update(&txn, &ctx, organisation_id, changed, &fields, &known, control.version)
                .await
                .context("changing the shared control")?;
        txn.commit().await?;
        change.push(begun.elapsed());
        last = fields.record;
    }
    let change_statements = queries.stop();
    // Every user shows the last status for the control's first requirement, unless it records a local exception.
    let first = requirements
        .iter()
        .next()
        .ok_or_else(|| anyhow!("the shared control meets nothing"))?;
    let after = lis_store::gaps::statuses(db, organisation_id, &users).await?;
    let mut change_seen = (0, 0);
    for system in &users {
        let record = after.get(system).and_then(|of| of.get(first));
        match record {
            Some(r) if r.local_exception => change_seen.1 += 1,
            Some(r) if r.status == last.status && r.severity == last.severity => change_seen.0 += 1,
            other => bail!("system {system} does not show the shared control's new status: {other:?}"),
        }
    }
    let person = loaded.signed_in_person_id;
    let change_floor_sql = change_floor_sql(backend, changed, person);
    let change_bare_sql = format!(
        "UPDATE shared_control SET status = CASE WHEN status = 'uppfyllt' THEN 'delvis_uppfyllt' ELSE 'uppfyllt' END, \
         version = version + 1 WHERE id = {changed}"
    );
    let change_floor = time_change(db, &change_floor_sql, change_rounds).await?;
    let change_bare = time_change(db, &change_bare_sql, change_rounds).await?;

    Ok(GapsResult {
        statuses,
        setup,
        systems: systems.len(),
        whole: analysis.whole,
        owned,
        owned_gaps: u64::try_from(owners_gaps).unwrap_or(0),
        shared_controls: SHARED_CONTROLS,
        my_gaps: Compared {
            lis: my_gaps,
            floor: my_floor,
            floor_sql: my_sql,
        },
        report: Compared {
            lis: report,
            floor: report_floor,
            floor_sql: report_sql,
        },
        report_steps,
        report_unsummarised: Samples(report_unsummarised),
        report_after_change: Samples(report_after_change),
        change: Samples(change),
        change_statements,
        change_floor,
        change_floor_sql,
        change_bare,
        change_bare_sql,
        change_seen,
    })
}

/// The floor of changing shared control `id` as person `person` does it: the row updated (status turned over,
/// version counted up) and an audit event with the row before and after written, atomically. On PostgreSQL one
/// statement; on SQLite, where a statement cannot write two tables, the two statements of one transaction, sent as one
/// text.
fn change_floor_sql(backend: DbBackend, id: i64, person: i64) -> String {
    let columns = "organisation_id, occurred_at, actor, actor_person_id, action, subject_kind, subject_id, \"before\", \
                   \"after\"";
    let turned = "CASE WHEN status = 'uppfyllt' THEN 'delvis_uppfyllt' ELSE 'uppfyllt' END";
    match backend {
        DbBackend::Postgres => format!(
            "WITH old AS (SELECT * FROM shared_control WHERE id = {id} FOR UPDATE), \
             changed AS (UPDATE shared_control AS c SET status = CASE WHEN old.status = 'uppfyllt' \
             THEN 'delvis_uppfyllt' ELSE 'uppfyllt' END, version = old.version + 1 FROM old WHERE c.id = old.id \
             RETURNING c.*) \
             INSERT INTO audit_event ({columns}) SELECT changed.organisation_id, now(), 'person:{person}', {person}, \
             'update', 'shared_control', CAST(changed.id AS text), row_to_json(old), row_to_json(changed) \
             FROM changed, old"
        ),
        _ => {
            let snapshot = |status: &str, version: &str| {
                format!(
                    "json_object('name', name, 'description', description, 'status', {status}, 'severity', \
                     severity, 'how', how, 'justification', justification, 'due', due_date, 'verified', verified_on, \
                     'evidence_url', evidence_url, 'responsible', responsible_person_id, 'version', {version})"
                )
            };
            format!(
                "BEGIN IMMEDIATE; \
                 INSERT INTO audit_event ({columns}) SELECT organisation_id, \
                 strftime('%Y-%m-%dT%H:%M:%f+00:00', 'now'), 'person:{person}', {person}, 'update', \
                 'shared_control', CAST(id AS TEXT), {}, {} FROM shared_control WHERE id = {id}; \
                 UPDATE shared_control SET status = {turned}, version = version + 1 WHERE id = {id}; \
                 COMMIT;",
                snapshot("status", "version"),
                snapshot(turned, "version + 1"),
            )
        }
    }
}

/// Runs `sql` once untimed, then `repeats` times timed.
async fn time_change(db: &DatabaseConnection, sql: &str, repeats: usize) -> Result<Samples> {
    db.execute_unprepared(sql).await?;
    let mut took = Vec::with_capacity(repeats);
    for _ in 0..repeats {
        let begun = Instant::now();
        db.execute_unprepared(sql).await?;
        took.push(begun.elapsed());
    }
    Ok(Samples(took))
}

/// Times the steps of the report of the whole organisation `repeats` times, as the page takes them with every
/// summary stored: what is read and what is counted.
async fn report_steps(
    db: &DatabaseConnection,
    catalog: &Catalog,
    organisation_id: i64,
    repeats: usize,
) -> Result<Vec<(&'static str, Samples)>> {
    let names = [
        "reading the systems with their levels (`lis_store::gaps::systems_in_use`)",
        "the analysis from the stored summaries (`lis_web::gap_analysis::analyse`: what the systems inherit from \
         shared controls, every summary read and checked, rolled up)",
        "reading the statuses of the systems that hold the 50 worst gaps (`lis_web::gap_analysis::holding_the_worst`)",
        "ranking the 50 worst gaps (`lis_reports::gaps::worst_gaps` over those systems)",
    ];
    let mut steps: Vec<Vec<Duration>> = vec![Vec::with_capacity(repeats); names.len()];
    let today = lis_web::time::today();
    for _ in 0..repeats {
        let mut clock = Instant::now();
        let mut lap = |step: usize, steps: &mut Vec<Vec<Duration>>| {
            steps[step].push(clock.elapsed());
            clock = Instant::now();
        };
        let not_in_use = lis_store::soa::controls_not_in_use(db, organisation_id).await?;
        let systems = lis_store::gaps::systems_in_use(db, organisation_id).await?;
        lap(0, &mut steps);
        let analysed =
            lis_web::gap_analysis::analyse(db, catalog, organisation_id, &systems, &not_in_use, today).await?;
        lap(1, &mut steps);
        let (holding, statuses) = lis_web::gap_analysis::holding_the_worst(
            db,
            organisation_id,
            &systems,
            &analysed.summaries,
            &analysed.inherited,
            50,
        )
        .await?;
        lap(2, &mut steps);
        let (worst, _) = lis_reports::gaps::worst_gaps(catalog, &not_in_use, &holding, &statuses, 50);
        lap(3, &mut steps);
        let analysis = analysed.analysis;
        if analysis.whole.gaps() > 0 && worst.is_empty() {
            bail!("the report found gaps but not the worst of them");
        }
    }
    Ok(names.into_iter().zip(steps.into_iter().map(Samples)).collect())
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn objects_are_chosen_to_add_up_to_the_systems_wanted() {
        let objects = [(1, 25), (2, 12), (3, 9), (4, 6), (5, 3)];
        let chosen = objects_summing_to(&objects, 40);
        let sum: usize = objects
            .iter()
            .filter(|(id, _)| chosen.contains(id))
            .map(|(_, n)| n)
            .sum();
        assert_eq!(sum, 40, "{chosen:?}");
        assert_eq!(objects_summing_to(&[(1, 50)], 40), Vec::<i64>::new());
        let chosen = objects_summing_to(&[(1, 7), (2, 7)], 40);
        assert_eq!(chosen.len(), 2, "as near as the objects allow");
    }

    #[test]
    fn rules_become_sql_conditions() {
        let rule = Rule::parse("K >= 2 AND (T > 1 OR S = 3)").expect("a rule");
        assert_eq!(rule_sql(&rule), "(k >= 2 AND (t > 1 OR s = 3))");
        assert_eq!(rule_sql(&Rule::Always), "1 = 1");
        assert_eq!(quoted("it's"), "'it''s'");
    }

    #[test]
    fn generated_statuses_are_mostly_met_and_every_kind_occurs() {
        let today = NaiveDate::from_ymd_opt(2026, 11, 26).expect("a date");
        let records: Vec<StatusRecord> = (0..50)
            .flat_map(|s| (0..40).map(move |r| generated_status(s, r, today)))
            .collect();
        let met = records.iter().filter(|r| !r.is_gap()).count();
        assert!(met * 100 / records.len() >= 50, "{met} of {}", records.len());
        for status in RequirementStatus::ALL {
            assert!(records.iter().any(|r| r.status == Some(*status)), "{status:?}");
        }
        assert!(records.iter().any(|r| r.due.is_some_and(|d| d < today)), "some overdue");
        assert!(records.iter().any(|r| r.local_exception), "some local exceptions");
    }
}
