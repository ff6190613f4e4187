//! Classification through the API: an informationsmängd's decided and draft classification, saving a draft,
//! approving it, and a system's levels with what decides each. The same store services, rules and authorization as
//! the pages: a token is named on no record, so approving through the API takes a CISO's token.

use std::collections::BTreeMap;

use axum::Json;
use axum::body::Bytes;
use axum::extract::{Path, State};
use axum::http::HeaderMap;
use chrono::{DateTime, NaiveDate, Utc};
use lis_domain::aspect::Aspect;
use lis_domain::classification::{ClassificationProblem, Proposal, default_valid_until, expired};
use lis_domain::inventory::ItemKind;
use lis_domain::{Action, Resource};
use lis_store::classification::{self as store, Status};
use lis_store::entity::{classification, inventory_item};
use lis_store::{ChangeTransaction, StoreError};
use serde::{Deserialize, Serialize};
use utoipa::ToSchema;

use super::caller::ApiCaller;
use super::inventory::{db_error, item_id, item_of_kind, item_resource, json_body};
use crate::error::FieldError;
use crate::{AppState, WebError};

/// One version of an informationsmängd's classification.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, ToSchema)]
pub struct ClassificationVersion {
    /// Its id.
    pub id: i64,
    /// `draft`, `approved` or `superseded`.
    pub status: String,
    /// The level of each aspect (`K`, `R`, `T` and, when classified, `S`).
    pub levels: BTreeMap<String, u8>,
    /// Why.
    pub justification: String,
    /// Until when it holds (`YYYY-MM-DD`).
    #[schema(value_type = String, format = Date)]
    pub valid_until: NaiveDate,
    /// Whether an approved classification is past its date.
    pub expired: bool,
    /// When it was approved.
    pub approved_at: Option<DateTime<Utc>>,
    /// Its version: send it back to change or approve a draft.
    pub version: i32,
    /// The common information type it is based on, if any.
    pub information_type: Option<i64>,
    /// Whether the CISO approved it below its information type's levels (the type then does not lift it).
    pub lowers_type: bool,
}

/// An informationsmängd's classification: the decided one and the draft, either possibly absent.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, ToSchema)]
pub struct ItemClassification {
    /// The informationsmängd.
    pub item: i64,
    /// The approved classification the systems inherit.
    pub approved: Option<ClassificationVersion>,
    /// The draft being worked on.
    pub draft: Option<ClassificationVersion>,
    /// The levels the systems holding it inherit: the approved ones, lifted to its information type's.
    pub in_force: BTreeMap<String, u8>,
}

/// A draft to save.
#[derive(Clone, Debug, Deserialize, ToSchema)]
#[serde(deny_unknown_fields)]
pub struct DraftInput {
    /// The level of each aspect the organisation classifies (`K`, `R`, `T`, and `S` unless switched off).
    pub levels: BTreeMap<String, u8>,
    /// Why; required when a level is not the one the answers propose (the API sends no answers).
    #[serde(default)]
    pub justification: String,
    /// Until when it holds; a year from today when left out.
    #[schema(value_type = Option<String>, format = Date)]
    pub valid_until: Option<NaiveDate>,
    /// The draft's version when changing a draft; left out to start one.
    pub version: Option<i32>,
    /// The common information type (its id, see `GET /api/v1/information-types`) it is based on; a level below the
    /// type's needs a justification, and the CISO to approve it.
    pub information_type: Option<i64>,
}

/// A system's level for one aspect, and what decides it.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, ToSchema)]
pub struct SystemLevel {
    /// `K`, `R`, `T` or `S`.
    pub aspect: String,
    /// The maximum over what the system holds and what runs on it.
    pub calculated: u8,
    /// The level that applies (an override's, or the calculated one).
    pub effective: u8,
    /// `nothing`, `information` (an informationsmängd it holds), `runs_on_it` (a system running on it) or
    /// `override`.
    pub source: String,
    /// The informationsmängd or system of `source`.
    pub source_id: Option<i64>,
    /// Whether an override is due for review because the calculated level moved since it was set.
    pub review_override: bool,
}

fn version_of(row: &classification::Model, today: NaiveDate) -> ClassificationVersion {
    ClassificationVersion {
        id: row.id,
        status: row.status.clone(),
        levels: store::levels_of(row)
            .into_iter()
            .map(|(aspect, level)| (aspect.letter().to_string(), level))
            .collect(),
        justification: row.justification.clone(),
        valid_until: row.valid_until,
        expired: row.status == Status::Approved.as_str() && expired(row.valid_until, today),
        approved_at: row.approved_at,
        version: row.version,
        information_type: row.information_type_id,
        lowers_type: row.lowers_type,
    }
}

async fn classification_of(state: &AppState, item_id: i64) -> Result<ItemClassification, WebError> {
    let today = Utc::now().date_naive();
    let approved = store::with_status(&state.db, item_id, Status::Approved).await?;
    let draft = store::with_status(&state.db, item_id, Status::Draft).await?;
    let in_force = lis_store::levels::approved_levels(&state.db, &std::collections::BTreeSet::from([item_id]))
        .await?
        .remove(&item_id)
        .unwrap_or_default()
        .into_iter()
        .map(|(aspect, level)| (aspect.letter().to_string(), level))
        .collect();
    Ok(ItemClassification {
        item: item_id,
        approved: approved.as_ref().map(|row| version_of(row, today)),
        draft: draft.as_ref().map(|row| version_of(row, today)),
        in_force,
    })
}

/// The informationsmängd `raw_id` of the caller's organisation, once `action` on it is allowed.
async fn information(
    state: &AppState,
    caller: &ApiCaller,
    raw_id: &str,
    action: Action,
) -> Result<inventory_item::Model, WebError> {
    item_of_kind(state, caller, raw_id, action, ItemKind::InformationSet).await
}

/// A classification problem as the field it concerns.
fn field_error(problem: &ClassificationProblem) -> FieldError {
    let field = match problem {
        ClassificationProblem::OutsideModel { aspect, .. }
        | ClassificationProblem::Missing { aspect }
        | ClassificationProblem::BelowType { aspect, .. } => format!("levels.{aspect}"),
        ClassificationProblem::TraceabilityOff => "levels.S".to_owned(),
        ClassificationProblem::JustificationMissing => "justification".to_owned(),
        ClassificationProblem::ValidityPast { .. } => "valid_until".to_owned(),
        ClassificationProblem::OverrideChangesNothing => "level".to_owned(),
        ClassificationProblem::NameMissing => "name".to_owned(),
    };
    FieldError::new(field, problem.swedish(), problem.english())
}

/// An informationsmängd's decided and draft classification.
#[utoipa::path(
    get,
    path = "/api/v1/items/{item}/classification",
    operation_id = "get_classification",
    tag = "classification",
    params(("item" = i64, Path, description = "The informationsmängd's id.")),
    responses(
        (status = 200, description = "The classification.", body = ItemClassification),
        (status = 401, description = "No valid API token or session.", body = super::problem::Problem, content_type = "application/problem+json"),
        (status = 403, description = "The caller may not read it.", body = super::problem::Problem, content_type = "application/problem+json"),
        (status = 404, description = "No such informationsmängd in the organisation.", body = super::problem::Problem, content_type = "application/problem+json"),
    ),
    security(("api_token" = []))
)]
pub async fn get(
    State(state): State<AppState>,
    caller: ApiCaller,
    Path(raw_id): Path<String>,
) -> Result<Json<ItemClassification>, WebError> {
    let item = information(&state, &caller, &raw_id, Action::View).await?;
    Ok(Json(classification_of(&state, item.id).await?))
}

/// Saves the draft of an informationsmängd's classification (creates it, or changes it at the version given).
#[utoipa::path(
    put,
    path = "/api/v1/items/{item}/classification",
    operation_id = "save_classification_draft",
    tag = "classification",
    params(("item" = i64, Path, description = "The informationsmängd's id.")),
    request_body(content = DraftInput, content_type = "application/json", description = "The levels and why."),
    responses(
        (status = 200, description = "Saved; the classification as it is now.", body = ItemClassification),
        (status = 400, description = "The body is not JSON of this shape.", body = super::problem::Problem, content_type = "application/problem+json"),
        (status = 401, description = "No valid API token.", body = super::problem::Problem, content_type = "application/problem+json"),
        (status = 403, description = "The token's role may not change it.", body = super::problem::Problem, content_type = "application/problem+json"),
        (status = 404, description = "No such informationsmängd in use.", body = super::problem::Problem, content_type = "application/problem+json"),
        (status = 409, description = "The draft was saved by someone else in between.", body = super::problem::Problem, content_type = "application/problem+json"),
        (status = 422, description = "A level outside the model, S when it is not classified, a missing justification or a past date (`errors` names each field).", body = super::problem::Problem, content_type = "application/problem+json"),
    ),
    security(("api_token" = []))
)]
pub async fn save(
    State(state): State<AppState>,
    caller: ApiCaller,
    Path(raw_id): Path<String>,
    headers: HeaderMap,
    body: Bytes,
) -> Result<Json<ItemClassification>, WebError> {
    let item = information(&state, &caller, &raw_id, Action::Change).await?;
    let input: DraftInput = serde_json::from_value(json_body(&headers, &body)?)
        .map_err(|err| WebError::BadForm(format!("the body is not a draft: {err}")))?;
    let mut levels = BTreeMap::new();
    let mut errors = Vec::new();
    for (letter, level) in &input.levels {
        match letter.parse::<Aspect>() {
            Ok(aspect) => {
                levels.insert(aspect, *level);
            }
            Err(_) => errors.push(FieldError::new(
                format!("levels.{letter}"),
                "Okänd aspekt: K, R, T eller S.",
                "Unknown aspect: K, R, T or S.",
            )),
        }
    }
    if !errors.is_empty() {
        return Err(WebError::Invalid(errors));
    }
    // Without answers, the type's levels are the proposal: a level below them needs a justification.
    let mut proposed = levels.clone();
    if let Some(type_id) = input.information_type {
        let chosen = lis_store::information_types::get(&state.db, item.organisation_id, type_id)
            .await
            .map_err(|_| {
                WebError::Invalid(vec![FieldError::new(
                    "information_type",
                    "Ingen sådan informationstyp i bruk.",
                    "No such information type in use.",
                )])
            })?;
        for (aspect, level) in lis_store::information_types::levels_of(&chosen) {
            proposed.entry(aspect).and_modify(|p| *p = (*p).max(level));
        }
    }
    let proposal = Proposal {
        proposed,
        levels,
        justification: input.justification,
        valid_until: input
            .valid_until
            .unwrap_or_else(|| default_valid_until(Utc::now().date_naive())),
        information_type: input.information_type,
    };
    let model = crate::handlers::classification::model_of(&state, item.organisation_id).await?;
    let txn = state.db.begin_change().await.map_err(db_error)?;
    let saved = store::save_draft(
        &txn,
        &caller.change_context(),
        item.organisation_id,
        item.id,
        model,
        &proposal,
        &store::Answers::new(),
        input.version,
    )
    .await;
    match saved {
        Ok(_) => {
            txn.commit().await.map_err(db_error)?;
            Ok(Json(classification_of(&state, item.id).await?))
        }
        Err(StoreError::Classification(problems)) => Err(WebError::Invalid(problems.iter().map(field_error).collect())),
        Err(err) => Err(err.into()),
    }
}

/// Approves the draft: it becomes the classification the systems inherit, in the same transaction.
#[utoipa::path(
    post,
    path = "/api/v1/items/{item}/classification/approve",
    operation_id = "approve_classification",
    tag = "classification",
    params(("item" = i64, Path, description = "The informationsmängd's id.")),
    request_body(content = super::dto::VersionSeen, content_type = "application/json", description = "The draft's version."),
    responses(
        (status = 200, description = "Approved; the classification as it is now.", body = ItemClassification),
        (status = 400, description = "The body is not JSON.", body = super::problem::Problem, content_type = "application/problem+json"),
        (status = 401, description = "No valid API token.", body = super::problem::Problem, content_type = "application/problem+json"),
        (status = 403, description = "Only the informationsägare or the CISO approves.", body = super::problem::Problem, content_type = "application/problem+json"),
        (status = 404, description = "No such informationsmängd, or no draft.", body = super::problem::Problem, content_type = "application/problem+json"),
        (status = 409, description = "The draft changed since that version.", body = super::problem::Problem, content_type = "application/problem+json"),
        (status = 422, description = "The version was missing or not a number, or a level is below the information type's and the token is not the CISO's.", body = super::problem::Problem, content_type = "application/problem+json"),
    ),
    security(("api_token" = []))
)]
pub async fn approve(
    State(state): State<AppState>,
    caller: ApiCaller,
    Path(raw_id): Path<String>,
    headers: HeaderMap,
    body: Bytes,
) -> Result<Json<ItemClassification>, WebError> {
    let item = information(&state, &caller, &raw_id, Action::Change).await?;
    let decision = Resource::ClassificationDecision {
        information_owner: caller.person_id().is_some() && caller.person_id() == item.owner_person_id,
    };
    caller.authorize(&state, Action::Change, decision).await?;
    let seen = super::dto::version_seen_from(json_body(&headers, &body)?).map_err(WebError::Invalid)?;
    let txn = state.db.begin_change().await.map_err(db_error)?;
    let may_lower = lis_domain::authorize(&caller.principal, Action::Change, Resource::LevelLowering).is_ok();
    match store::approve(
        &txn,
        &caller.change_context(),
        item.organisation_id,
        item.id,
        seen,
        may_lower,
    )
    .await
    {
        Ok(_) => {}
        Err(StoreError::Classification(problems)) => {
            return Err(WebError::Invalid(problems.iter().map(field_error).collect()));
        }
        Err(err) => return Err(err.into()),
    }
    txn.commit().await.map_err(db_error)?;
    Ok(Json(classification_of(&state, item.id).await?))
}

/// A system's levels by the maximum principle, with what decides each (empty aspects are at 0 from nothing).
#[utoipa::path(
    get,
    path = "/api/v1/items/{item}/levels",
    operation_id = "get_system_levels",
    tag = "classification",
    params(("item" = i64, Path, description = "The system's id.")),
    responses(
        (status = 200, description = "The levels, one per aspect.", body = [SystemLevel]),
        (status = 401, description = "No valid API token or session.", body = super::problem::Problem, content_type = "application/problem+json"),
        (status = 403, description = "The caller may not read it.", body = super::problem::Problem, content_type = "application/problem+json"),
        (status = 404, description = "No such system in the organisation.", body = super::problem::Problem, content_type = "application/problem+json"),
    ),
    security(("api_token" = []))
)]
pub async fn levels(
    State(state): State<AppState>,
    caller: ApiCaller,
    Path(raw_id): Path<String>,
) -> Result<Json<Vec<SystemLevel>>, WebError> {
    let item = lis_store::inventory::get(&state.db, caller.organisation_id, item_id(&raw_id)?).await?;
    caller
        .authorize(&state, Action::View, item_resource(&state, &caller, &item).await?)
        .await?;
    if lis_store::inventory::kind_of(&item) != ItemKind::System {
        return Err(WebError::NotFound);
    }
    let model = crate::handlers::classification::model_of(&state, item.organisation_id).await?;
    let stored = lis_store::levels::of_system(&state.db, item.id).await?;
    let levels = crate::handlers::classification::aspects(model)
        .into_iter()
        .map(|aspect| match stored.get(&aspect) {
            Some(row) => SystemLevel {
                aspect: aspect.letter().to_string(),
                calculated: u8::try_from(row.calculated).unwrap_or(0),
                effective: u8::try_from(row.effective).unwrap_or(0),
                source: row.source_kind.clone(),
                source_id: row.source_id,
                review_override: row.review_override,
            },
            None => SystemLevel {
                aspect: aspect.letter().to_string(),
                calculated: 0,
                effective: 0,
                source: "nothing".to_owned(),
                source_id: None,
                review_override: false,
            },
        })
        .collect();
    Ok(Json(levels))
}

/// A common information type: a classification the CISO decided once for the organisation.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, ToSchema)]
pub struct InformationType {
    /// Its id: send it as `information_type` with a draft to base the classification on it.
    pub id: i64,
    /// Its name.
    pub name: String,
    /// What information it covers.
    pub description: String,
    /// The level of each aspect (`K`, `R`, `T` and, when classified, `S`).
    pub levels: BTreeMap<String, u8>,
    /// Why these levels.
    pub justification: String,
    /// Whether it is retired (it then raises nothing and cannot be chosen).
    pub retired: bool,
}

/// The organisation's common information types, retired ones included, by name.
#[utoipa::path(
    get,
    path = "/api/v1/information-types",
    operation_id = "list_information_types",
    tag = "classification",
    responses(
        (status = 200, description = "The types.", body = [InformationType]),
        (status = 401, description = "No valid API token or session.", body = super::problem::Problem, content_type = "application/problem+json"),
        (status = 403, description = "The caller holds no role.", body = super::problem::Problem, content_type = "application/problem+json"),
    ),
    security(("api_token" = []))
)]
pub async fn information_types(
    State(state): State<AppState>,
    caller: ApiCaller,
) -> Result<Json<Vec<InformationType>>, WebError> {
    caller
        .authorize(&state, Action::View, Resource::InformationTypes)
        .await?;
    let types = lis_store::information_types::list(&state.db, caller.organisation_id, true).await?;
    Ok(Json(
        types
            .iter()
            .map(|row| InformationType {
                id: row.id,
                name: row.name.clone(),
                description: row.description.clone(),
                levels: lis_store::information_types::levels_of(row)
                    .into_iter()
                    .map(|(aspect, level)| (aspect.letter().to_string(), level))
                    .collect(),
                justification: row.justification.clone(),
                retired: row.retired_at.is_some(),
            })
            .collect(),
    ))
}
