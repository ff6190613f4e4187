//! The gap analysis through the API: a system's applicable requirements with how it meets each (its own status or a
//! shared control's), recording a status, the gap counts per org unit, objektsägare, theme and measure of
//! cybersäkerhetslagen (optionally compared with a closed cycle), and the handlingsplan. The same store services,
//! rules and authorization as the pages.

use axum::Json;
use axum::body::Bytes;
use axum::extract::{Path, Query, State};
use axum::http::HeaderMap;
use chrono::NaiveDate;
use lis_domain::Action;
use lis_domain::action_plan::ActionStatus;
use lis_domain::gap::{RequirementStatus, Severity, StatusProblem, StatusRecord, Tally};
use lis_domain::inventory::ItemKind;
use lis_domain::law::CYBERSAKERHETSLAGEN_MEASURES;
use lis_store::action_plan::Link;
use lis_store::entity::inventory_item;
use lis_store::{ChangeTransaction, StoreError};
use serde::{Deserialize, Serialize};
use utoipa::ToSchema;

use super::caller::ApiCaller;
use super::inventory::{db_error, item_of_kind, json_body};
use crate::error::FieldError;
use crate::handlers::gaps::ReportParams;
use crate::i18n::Lang;
use crate::{AppState, WebError};

/// Counts over (system, applicable requirement) pairs.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, ToSchema)]
pub struct GapCounts {
    /// Applicable requirements (pairs).
    pub applicable: u64,
    /// Met: *uppfyllt* without a *brist*, or *ej tillämpligt*.
    pub met: u64,
    /// The share met in whole percent, rounded down; none when nothing applies.
    pub coverage_percent: Option<u64>,
    /// The share met weighted by the systems' levels, in whole percent.
    pub weighted_coverage_percent: Option<u64>,
    /// Not assessed.
    pub not_assessed: u64,
    /// Gaps by *brist*: försumbar, måttlig, betydande, allvarlig.
    pub by_severity: [u64; 4],
    /// Gaps past their due date.
    pub overdue: u64,
}

impl From<&Tally> for GapCounts {
    fn from(tally: &Tally) -> Self {
        Self {
            applicable: tally.applicable,
            met: tally.met,
            coverage_percent: tally.percent_met(),
            weighted_coverage_percent: tally.weighted_percent_met(),
            not_assessed: tally.not_assessed,
            by_severity: tally.by_severity,
            overdue: tally.overdue,
        }
    }
}

/// One part of the gap analysis: an org unit (with what lies below it), an objektsägare, a theme or a measure.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, ToSchema)]
pub struct GapPart {
    /// The org unit's or person's id, the theme's id or the measure's point; none for "without".
    pub id: Option<String>,
    /// Its name.
    pub name: String,
    /// The counts now.
    pub counts: GapCounts,
    /// The counts in the cycle compared with, when one is.
    pub then: Option<GapCounts>,
}

/// The gap analysis of the whole organisation, an org unit or an objektsägare.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, ToSchema)]
pub struct GapSummary {
    /// What it covers.
    pub scope: String,
    /// The day it was worked out.
    #[schema(value_type = String, format = Date)]
    pub as_of: NaiveDate,
    /// The closed cycle compared with, if any.
    pub compared_with: Option<String>,
    /// The systems counted.
    pub systems: usize,
    /// Systems at a level that needs a separate analysis (no requirements here).
    pub separate_analysis: usize,
    /// Everything.
    pub whole: GapCounts,
    /// Per org unit (the scope's children, each with what lies below it).
    pub by_unit: Vec<GapPart>,
    /// Per objektsägare.
    pub by_owner: Vec<GapPart>,
    /// Per control theme.
    pub by_theme: Vec<GapPart>,
    /// Per measure of cybersäkerhetslagen 2 kap. 3 § (1–10).
    pub by_measure: Vec<GapPart>,
    /// With a cycle compared with: each status or *brist* saved in the scope since it closed, newest first.
    pub changes: Vec<GapChange>,
    /// Whether older saves were left unread (they are in the audit trail).
    pub changes_more: bool,
}

/// A status or *brist* saved on a system since the compared cycle closed.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, ToSchema)]
pub struct GapChange {
    /// When it was saved.
    pub saved_at: chrono::DateTime<chrono::Utc>,
    /// Who saved it, as the audit trail names the actor (`person:<id>`, `token:<id>`).
    pub saved_by: String,
    /// The system's id.
    pub system: i64,
    /// The requirement's id in the catalogue.
    pub requirement: String,
    /// The status before (`ej_bedomd` when nothing was recorded).
    pub status_before: String,
    /// The *brist* before, if any.
    pub severity_before: Option<String>,
    /// The status after.
    pub status_after: String,
    /// The *brist* after, if any.
    pub severity_after: Option<String>,
}

/// The gap analysis, per org unit, objektsägare, theme and measure of cybersäkerhetslagen.
#[utoipa::path(
    get,
    path = "/api/v1/gaps",
    operation_id = "gap_summary",
    tag = "gaps",
    params(
        ("unit" = Option<i64>, Query, description = "An org unit: the analysis of what lies below it."),
        ("owner" = Option<i64>, Query, description = "An objektsägare: the analysis of their objects (anyone may ask for their own)."),
        ("compare" = Option<i64>, Query, description = "A closed assessment cycle to compare with."),
    ),
    responses(
        (status = 200, description = "The analysis.", body = GapSummary),
        (status = 401, description = "No valid API token or session.", body = super::problem::Problem, content_type = "application/problem+json"),
        (status = 403, description = "The caller may not read it.", body = super::problem::Problem, content_type = "application/problem+json"),
    ),
    security(("api_token" = []))
)]
pub async fn summary(
    State(state): State<AppState>,
    caller: ApiCaller,
    Query(params): Query<ReportParams>,
) -> Result<Json<GapSummary>, WebError> {
    let report = crate::handlers::gaps::report(&state, &caller, Lang::Sv, &params).await?;
    let analysis = &report.by_row;
    let then = report.then.as_ref();
    let by_unit = analysis
        .by_unit
        .iter()
        .map(|(row, tally)| GapPart {
            id: report.row_unit(*row).and_then(|r| r.id).map(|id| id.to_string()),
            name: report.row_label(Lang::Sv, *row),
            counts: tally.into(),
            then: then.and_then(|t| t.by_row.get(row)).map(GapCounts::from),
        })
        .collect();
    let by_owner = analysis
        .by_owner
        .iter()
        .map(|(owner, tally)| GapPart {
            id: owner.map(|id| id.to_string()),
            name: owner
                .and_then(|id| report.names.people.get(&id).cloned())
                .unwrap_or_default(),
            counts: tally.into(),
            then: then.and_then(|t| t.by_owner.get(owner)).map(GapCounts::from),
        })
        .collect();
    let by_theme = state
        .catalog
        .themes
        .iter()
        .filter_map(|theme| {
            let tally = analysis.by_theme.get(&theme.id)?;
            Some(GapPart {
                id: Some(theme.id.clone()),
                name: theme.name.sv.clone(),
                counts: tally.into(),
                then: None,
            })
        })
        .collect();
    let by_measure = CYBERSAKERHETSLAGEN_MEASURES
        .iter()
        .map(|(point, swedish, _)| GapPart {
            id: Some(point.to_string()),
            name: (*swedish).to_owned(),
            counts: (&analysis.by_measure.get(point).copied().unwrap_or_default()).into(),
            then: None,
        })
        .collect();
    Ok(Json(GapSummary {
        scope: report.scope_label.clone(),
        as_of: report.today,
        compared_with: then.map(|t| t.cycle.name.clone()),
        systems: analysis.systems,
        separate_analysis: analysis.separate_analysis,
        whole: (&analysis.whole).into(),
        by_unit,
        by_owner,
        by_theme,
        by_measure,
        changes: report
            .changes
            .0
            .iter()
            .map(|change| GapChange {
                saved_at: change.when,
                saved_by: change.actor.clone(),
                system: change.system_id,
                requirement: change.requirement_id.clone(),
                status_before: change.before.0.as_str().to_owned(),
                severity_before: change.before.1.map(|s| s.as_str().to_owned()),
                status_after: change.after.0.as_str().to_owned(),
                severity_after: change.after.1.map(|s| s.as_str().to_owned()),
            })
            .collect(),
        changes_more: report.changes.1,
    }))
}

/// How a system meets one applicable requirement.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, ToSchema)]
pub struct RequirementState {
    /// The requirement's id in the catalogue.
    pub requirement: String,
    /// Its control (ISO/IEC 27001:2022 Annex A).
    pub control: String,
    /// `ej_bedomd`, `ej_uppfyllt`, `delvis_uppfyllt`, `uppfyllt` or `ej_tillampligt`.
    pub status: String,
    /// `forsumbar`, `mattlig`, `betydande` or `allvarlig`, if there is a shortcoming.
    pub severity: Option<String>,
    /// How it is met here.
    pub how: String,
    /// Why it does not apply, or other reasoning.
    pub justification: String,
    /// When the shortcoming is to be remedied.
    #[schema(value_type = Option<String>, format = Date)]
    pub due: Option<NaiveDate>,
    /// When it was last verified.
    #[schema(value_type = Option<String>, format = Date)]
    pub verified: Option<NaiveDate>,
    /// A link to the evidence.
    pub evidence_url: String,
    /// Whether it is a gap.
    pub gap: bool,
    /// The shared control whose status this is, when inherited.
    pub inherited_from: Option<i64>,
    /// Whether the system's own status counts in place of a shared control's.
    pub local_exception: bool,
    /// The id of the person who answers for it.
    pub responsible: Option<i64>,
    /// The version of the system's own status: send it back to change it (none before the first).
    pub version: Option<i32>,
}

fn state_of(
    requirement: &lis_catalog::Requirement,
    record: &StatusRecord,
    inherited_from: Option<i64>,
    version: Option<i32>,
) -> RequirementState {
    RequirementState {
        requirement: requirement.id.clone(),
        control: requirement.control.clone(),
        status: record.status.unwrap_or(RequirementStatus::EjBedomd).as_str().to_owned(),
        severity: record.severity.map(|s| s.as_str().to_owned()),
        how: record.how.clone(),
        justification: record.justification.clone(),
        due: record.due,
        verified: record.verified,
        evidence_url: record.evidence_url.clone(),
        gap: record.is_gap(),
        inherited_from,
        local_exception: record.local_exception,
        responsible: record.responsible_person_id,
        version,
    }
}

/// The system `raw_id` in use of the caller's organisation, once `action` on it is allowed.
async fn system(
    state: &AppState,
    caller: &ApiCaller,
    raw_id: &str,
    action: Action,
) -> Result<inventory_item::Model, WebError> {
    item_of_kind(state, caller, raw_id, action, ItemKind::System).await
}

async fn states_of(state: &AppState, item: &inventory_item::Model) -> Result<Vec<RequirementState>, WebError> {
    let mut own = lis_store::requirement_status::of_system(&state.db, item.id).await?;
    let mut inherited = lis_store::shared_controls::inherited(&state.db, item.organisation_id, &[item.id])
        .await?
        .remove(&item.id)
        .unwrap_or_default();
    Ok(
        crate::handlers::requirements::applicable_to(state, item.organisation_id, item.id)
            .await?
            .into_iter()
            .map(|requirement| {
                let row = own.remove(&requirement.id);
                let record = row
                    .as_ref()
                    .map(lis_store::requirement_status::record_of)
                    .unwrap_or_default();
                let version = row.map(|r| r.version);
                match inherited.remove(&requirement.id) {
                    Some(given) if !record.local_exception => {
                        state_of(requirement, &given.record, Some(given.control_id), version)
                    }
                    _ => state_of(requirement, &record, None, version),
                }
            })
            .collect(),
    )
}

/// The requirements that apply to a system, with how it meets each.
#[utoipa::path(
    get,
    path = "/api/v1/items/{item}/requirements",
    operation_id = "system_requirements",
    tag = "gaps",
    params(("item" = i64, Path, description = "The system's id.")),
    responses(
        (status = 200, description = "Every applicable requirement with its status.", body = Vec<RequirementState>),
        (status = 401, description = "No valid API token or session.", body = super::problem::Problem, content_type = "application/problem+json"),
        (status = 403, description = "The caller may not read the system.", body = super::problem::Problem, content_type = "application/problem+json"),
        (status = 404, description = "No such system in use.", body = super::problem::Problem, content_type = "application/problem+json"),
    ),
    security(("api_token" = []))
)]
pub async fn requirements(
    State(state): State<AppState>,
    caller: ApiCaller,
    Path(raw_id): Path<String>,
) -> Result<Json<Vec<RequirementState>>, WebError> {
    let item = system(&state, &caller, &raw_id, Action::View).await?;
    Ok(Json(states_of(&state, &item).await?))
}

/// A status to record.
#[derive(Clone, Debug, Deserialize, ToSchema)]
#[serde(deny_unknown_fields)]
pub struct StatusInput {
    /// `ej_bedomd`, `ej_uppfyllt`, `delvis_uppfyllt`, `uppfyllt` or `ej_tillampligt`.
    pub status: String,
    /// `forsumbar`, `mattlig`, `betydande` or `allvarlig`; also allowed on `uppfyllt`.
    pub severity: Option<String>,
    /// How it is met here.
    #[serde(default)]
    pub how: String,
    /// Why it does not apply (required for `ej_tillampligt`).
    #[serde(default)]
    pub justification: String,
    /// When the shortcoming is to be remedied.
    #[schema(value_type = Option<String>, format = Date)]
    pub due: Option<NaiveDate>,
    /// When it was last verified.
    #[schema(value_type = Option<String>, format = Date)]
    pub verified: Option<NaiveDate>,
    /// A link (https) to the evidence.
    #[serde(default)]
    pub evidence_url: String,
    /// Record it as a local exception to a shared control the system uses.
    #[serde(default)]
    pub local_exception: bool,
    /// The id of the person who answers for it.
    pub responsible: Option<i64>,
    /// The version of the system's own status, when there is one.
    pub version: Option<i32>,
}

fn status_field_error(problem: &StatusProblem) -> FieldError {
    let field = match problem {
        StatusProblem::JustificationMissing => "justification",
        StatusProblem::RequirementDoesNotApply => "requirement",
        StatusProblem::EvidenceUrl => "evidence_url",
        StatusProblem::TooLong => "how",
        StatusProblem::NameMissing | StatusProblem::NameTaken => "name",
        StatusProblem::UnknownPerson => "responsible",
        StatusProblem::UnknownRequirement { .. } => "requirements",
    };
    FieldError::new(field, problem.swedish(), problem.english())
}

/// Records how a system meets a requirement that applies to it.
#[utoipa::path(
    put,
    path = "/api/v1/items/{item}/requirements/{requirement}",
    operation_id = "record_requirement_status",
    tag = "gaps",
    params(
        ("item" = i64, Path, description = "The system's id."),
        ("requirement" = String, Path, description = "The requirement's id in the catalogue."),
    ),
    request_body(content = StatusInput, content_type = "application/json", description = "The status."),
    responses(
        (status = 200, description = "Recorded; the requirement's state now.", body = RequirementState),
        (status = 400, description = "The body is not JSON of this shape.", body = super::problem::Problem, content_type = "application/problem+json"),
        (status = 401, description = "No valid API token.", body = super::problem::Problem, content_type = "application/problem+json"),
        (status = 403, description = "The token's role may not change the system.", body = super::problem::Problem, content_type = "application/problem+json"),
        (status = 404, description = "No such system in use, or no such requirement in the catalogue.", body = super::problem::Problem, content_type = "application/problem+json"),
        (status = 409, description = "The status was saved by someone else in between.", body = super::problem::Problem, content_type = "application/problem+json"),
        (status = 422, description = "An unknown status or brist, not applicable without a justification, a requirement that does not apply, a bad link (`errors` names each field).", body = super::problem::Problem, content_type = "application/problem+json"),
    ),
    security(("api_token" = []))
)]
pub async fn record(
    State(state): State<AppState>,
    caller: ApiCaller,
    Path((raw_id, requirement_id)): Path<(String, String)>,
    headers: HeaderMap,
    body: Bytes,
) -> Result<Json<RequirementState>, WebError> {
    let item = system(&state, &caller, &raw_id, Action::Change).await?;
    if !state.catalog.requirements.iter().any(|r| r.id == requirement_id) {
        return Err(WebError::NotFound);
    }
    let input: StatusInput = serde_json::from_value(json_body(&headers, &body)?)
        .map_err(|err| WebError::BadForm(format!("the body is not a status: {err}")))?;
    let mut errors = Vec::new();
    let status = input.status.parse::<RequirementStatus>().ok();
    if status.is_none() {
        errors.push(FieldError::new(
            "status",
            "Okänd status: ej_bedomd, ej_uppfyllt, delvis_uppfyllt, uppfyllt eller ej_tillampligt.",
            "Unknown status: ej_bedomd, ej_uppfyllt, delvis_uppfyllt, uppfyllt or ej_tillampligt.",
        ));
    }
    let severity = match input.severity.as_deref().filter(|s| !s.is_empty()) {
        None => None,
        Some(raw) => {
            let parsed = raw.parse::<Severity>().ok();
            if parsed.is_none() {
                errors.push(FieldError::new(
                    "severity",
                    "Okänd brist: forsumbar, mattlig, betydande eller allvarlig.",
                    "Unknown shortcoming: forsumbar, mattlig, betydande or allvarlig.",
                ));
            }
            parsed
        }
    };
    if !errors.is_empty() {
        return Err(WebError::Invalid(errors));
    }
    let record = StatusRecord {
        status,
        severity,
        how: input.how,
        justification: input.justification,
        due: input.due,
        verified: input.verified,
        evidence_url: input.evidence_url,
        local_exception: input.local_exception,
        responsible_person_id: input.responsible,
    };
    let applies = crate::handlers::requirements::applies_to(&state, &item, &requirement_id).await?;
    let txn = state.db.begin_change().await.map_err(db_error)?;
    let saved = lis_store::requirement_status::record(
        &txn,
        &caller.change_context(),
        item.organisation_id,
        item.id,
        &requirement_id,
        applies,
        &record,
        input.version,
    )
    .await;
    match saved {
        Ok(_) => txn.commit().await.map_err(db_error)?,
        Err(StoreError::Status(problems)) => {
            return Err(WebError::Invalid(problems.iter().map(status_field_error).collect()));
        }
        Err(err) => return Err(err.into()),
    }
    states_of(&state, &item)
        .await?
        .into_iter()
        .find(|s| s.requirement == requirement_id)
        .map(Json)
        .ok_or(WebError::NotFound)
}

/// A gap an action remedies.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, ToSchema)]
pub struct GapRef {
    /// The system.
    pub system: i64,
    /// The requirement.
    pub requirement: String,
}

/// An action of the handlingsplan.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, ToSchema)]
pub struct PlanAction {
    /// Its id.
    pub id: i64,
    /// What is to be done.
    pub activity: String,
    /// The goal it serves.
    pub goal: String,
    /// `hog`, `medel` or `lag`.
    pub priority: Option<String>,
    /// Cost and resources.
    pub cost: String,
    /// The person responsible.
    pub responsible: Option<i64>,
    /// When it starts.
    #[schema(value_type = Option<String>, format = Date)]
    pub start: Option<NaiveDate>,
    /// When it is to be done.
    #[schema(value_type = Option<String>, format = Date)]
    pub end: Option<NaiveDate>,
    /// `ej_paborjad`, `pagaende`, `genomford` or `avbruten`.
    pub status: String,
    /// Whether it is past its end and neither done nor cancelled.
    pub overdue: bool,
    /// The gaps it remedies.
    pub gaps: Vec<GapRef>,
    /// The shared controls it improves.
    pub shared_controls: Vec<i64>,
    /// Its version.
    pub version: i32,
}

/// The handlingsplan of the organisation, or of one objektsägare's objects.
#[utoipa::path(
    get,
    path = "/api/v1/actions",
    operation_id = "action_plan",
    tag = "gaps",
    params(("owner" = Option<i64>, Query, description = "An objektsägare: the actions remedying gaps of their systems (anyone may ask for their own).")),
    responses(
        (status = 200, description = "The actions, the earliest end first.", body = Vec<PlanAction>),
        (status = 401, description = "No valid API token or session.", body = super::problem::Problem, content_type = "application/problem+json"),
        (status = 403, description = "The caller may not read it.", body = super::problem::Problem, content_type = "application/problem+json"),
    ),
    security(("api_token" = []))
)]
pub async fn actions(
    State(state): State<AppState>,
    caller: ApiCaller,
    Query(params): Query<ReportParams>,
) -> Result<Json<Vec<PlanAction>>, WebError> {
    let (_, _, actions) = crate::handlers::action_plan::plan_of(&state, &caller, &params).await?;
    let today = crate::time::today();
    Ok(Json(
        actions
            .into_iter()
            .map(|(action, links)| {
                let fields = lis_store::action_plan::fields_of(&action);
                PlanAction {
                    id: action.id,
                    overdue: fields.is_overdue(today),
                    activity: action.activity,
                    goal: action.goal,
                    priority: action.priority,
                    cost: action.cost,
                    responsible: action.responsible_person_id,
                    start: action.start_date,
                    end: action.end_date,
                    status: fields.status.unwrap_or(ActionStatus::EjPaborjad).as_str().to_owned(),
                    gaps: links
                        .iter()
                        .filter_map(|link| match link {
                            Link::Gap {
                                system_id,
                                requirement_id,
                            } => Some(GapRef {
                                system: *system_id,
                                requirement: requirement_id.clone(),
                            }),
                            Link::SharedControl(_) => None,
                        })
                        .collect(),
                    shared_controls: links
                        .iter()
                        .filter_map(|link| match link {
                            Link::SharedControl(id) => Some(*id),
                            Link::Gap { .. } => None,
                        })
                        .collect(),
                    version: action.version,
                }
            })
            .collect(),
    ))
}
