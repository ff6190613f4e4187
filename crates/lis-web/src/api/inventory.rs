//! The inventory through the API: lists with paging and filters, a record with its relations, creating, changing
//! and retiring. The same store services, rules and authorization as the pages; a token is named on no record.

use axum::Json;
use axum::body::Bytes;
use axum::extract::rejection::QueryRejection;
use axum::extract::{Path, Query, State};
use axum::http::{HeaderMap, StatusCode, header};
use axum::response::{IntoResponse, Response};
use lis_domain::inventory::{Field, Hosting, ItemKind, Lifecycle, ValueProblem};
use lis_domain::{Action, Resource};
use lis_store::ChangeTransaction;
use lis_store::StoreError;
use lis_store::entity::inventory_item;
use lis_store::inventory::{ItemFields, ListQuery, SortOrder};
use serde::Deserialize;
use serde_json::Value;
use utoipa::IntoParams;

use super::caller::ApiCaller;
use super::dto::{self, Item, ItemPage, Names};
use crate::error::FieldError;
use crate::{AppState, WebError};

/// The most records one page of a list holds.
pub const MAX_PER_PAGE: u64 = 500;

fn kind_from_path(raw: &str) -> Result<ItemKind, WebError> {
    raw.parse().map_err(|_| WebError::NotFound)
}

pub(crate) fn item_id(raw: &str) -> Result<i64, WebError> {
    raw.parse::<i64>().ok().filter(|id| *id > 0).ok_or(WebError::NotFound)
}

pub(crate) fn db_error(err: sea_orm::DbErr) -> WebError {
    StoreError::from(err).into()
}

/// The body of a request as JSON; anything else is a 400 problem.
pub(crate) fn json_body(headers: &HeaderMap, body: &Bytes) -> Result<Value, WebError> {
    let content_type = headers
        .get(header::CONTENT_TYPE)
        .and_then(|v| v.to_str().ok())
        .unwrap_or_default();
    let essence = content_type
        .split(';')
        .next()
        .unwrap_or_default()
        .trim()
        .to_ascii_lowercase();
    if essence != "application/json" && !essence.ends_with("+json") {
        return Err(WebError::BadForm(format!("content type {content_type:?} is not JSON")));
    }
    serde_json::from_slice(body).map_err(|err| WebError::BadForm(format!("the body is not JSON: {err}")))
}

/// The record `raw_id` of kind `kind` in use in the caller's organisation, once `action` on it is allowed; anything
/// else (another kind, retired, another organisation's) is not found.
pub(crate) async fn item_of_kind(
    state: &AppState,
    caller: &ApiCaller,
    raw_id: &str,
    action: Action,
    kind: ItemKind,
) -> Result<inventory_item::Model, WebError> {
    let item = lis_store::inventory::get(&state.db, caller.organisation_id, item_id(raw_id)?).await?;
    caller
        .authorize(state, action, item_resource(state, caller, &item).await?)
        .await?;
    if lis_store::inventory::kind_of(&item) != kind || (kind == ItemKind::System && item.retired_at.is_some()) {
        return Err(WebError::NotFound);
    }
    Ok(item)
}

/// The resource a record is for the authorization function: whether the caller is named on it.
pub(crate) async fn item_resource(
    state: &AppState,
    caller: &ApiCaller,
    item: &inventory_item::Model,
) -> Result<Resource, WebError> {
    let responsible = match caller.person_id() {
        Some(person_id) => lis_store::inventory::is_responsible(&state.db, person_id, item).await?,
        None => false,
    };
    Ok(Resource::InventoryItem { responsible })
}

/// The names of what `items` refer to, looked up at once.
async fn names_for(state: &AppState, organisation_id: i64, items: &[inventory_item::Model]) -> Result<Names, WebError> {
    let (units, people, objects) = dto::referenced_ids(items);
    Ok(Names {
        units: lis_store::organisation::units_by_ids(&state.db, organisation_id, units)
            .await?
            .into_iter()
            .map(|unit| (unit.id, unit.name))
            .collect(),
        people: lis_store::people::by_ids(&state.db, people).await?,
        objects: lis_store::inventory::by_ids(&state.db, objects).await?,
    })
}

/// A record as the API shows it, with its relations.
async fn full_item(state: &AppState, organisation_id: i64, item: &inventory_item::Model) -> Result<Item, WebError> {
    let names = names_for(state, organisation_id, std::slice::from_ref(item)).await?;
    let relations = lis_store::inventory::relations_of(&state.db, item.id).await?;
    Ok(dto::item_of(item, &names, Some(relations)))
}

/// The refusal for a change someone else's newer save overtook: the record as it is now goes back.
async fn stale(state: &AppState, organisation_id: i64, item_id: i64) -> Result<WebError, WebError> {
    let current = lis_store::inventory::get(&state.db, organisation_id, item_id).await?;
    let current = full_item(state, organisation_id, &current).await?;
    let current = serde_json::to_value(current).map_err(|err| WebError::Internal(err.to_string()))?;
    Ok(WebError::Stale {
        current: Box::new(current),
    })
}

/// Turns a refusal of the store into refused values named by their fields, when it concerns them.
fn refusal(err: StoreError, kind: ItemKind, fields: &ItemFields) -> WebError {
    let one = |field: Field, problem: ValueProblem| WebError::Invalid(vec![dto::field_error(field, &problem)]);
    match err {
        StoreError::AlreadyExists {
            kind: "external_id", ..
        } => one(Field::ExternalId, ValueProblem::Taken),
        StoreError::AlreadyExists {
            kind: "inventory_item", ..
        } => one(Field::Name, ValueProblem::Taken),
        StoreError::NotFound { kind: "org_unit", .. } => one(Field::OrgUnit, ValueProblem::Unknown),
        StoreError::NotFound {
            kind: "forvaltningsobjekt",
            ..
        } => one(Field::ManagementObject, ValueProblem::Unknown),
        StoreError::NotFound {
            kind: "inventory_item",
            ref id,
        } if fields.parent_id.is_some_and(|parent| parent.to_string() == *id) => {
            one(Field::ManagementObject, ValueProblem::Unknown)
        }
        StoreError::NotFound { kind: "person", ref id } => {
            let named: Vec<FieldError> = Field::of(kind)
                .filter(|&field| {
                    fields
                        .reference(field)
                        .flatten()
                        .is_some_and(|person| person.to_string() == *id)
                })
                .map(|field| dto::field_error(field, &ValueProblem::Unknown))
                .collect();
            if named.is_empty() {
                err.into()
            } else {
                WebError::Invalid(named)
            }
        }
        other => other.into(),
    }
}

fn retired_refusal() -> WebError {
    WebError::Refused {
        sv: "Posten är avvecklad och kan inte ändras.".to_owned(),
        en: "The record is retired and cannot be changed.".to_owned(),
    }
}

// --- Lists ----------------------------------------------------------------------------------------------------

/// The query of a list. Every filter is optional; values that do not parse are refused by name.
#[derive(Clone, Debug, Default, Deserialize, IntoParams)]
#[into_params(parameter_in = Query)]
pub struct ListParams {
    /// Words to find in the name or the external id, in any case.
    q: Option<String>,
    /// Only records of this org unit and the units below it (for systems: through their förvaltningsobjekt).
    #[param(value_type = Option<i64>)]
    unit: Option<String>,
    /// Only records this person is named on (for systems: also through their förvaltningsobjekt).
    #[param(value_type = Option<i64>)]
    person: Option<String>,
    /// Only systems in this stage of life.
    #[param(value_type = Option<dto::LifecycleValue>)]
    lifecycle: Option<String>,
    /// Only systems operated this way.
    #[param(value_type = Option<dto::HostingValue>)]
    hosting: Option<String>,
    /// Only systems with this tag.
    tag: Option<String>,
    /// Only systems of this förvaltningsobjekt.
    #[param(value_type = Option<i64>)]
    object: Option<String>,
    /// Include retired records (`true`); by default only records in use are listed.
    #[param(value_type = Option<bool>)]
    retired: Option<String>,
    /// `name` (A–Ö, the default), `name_desc` (Ö–A) or `changed` (most recently changed first).
    #[param(value_type = Option<String>, pattern = "^(name|name_desc|changed)$")]
    sort: Option<String>,
    /// The page, counting from 1.
    #[param(value_type = Option<u64>, minimum = 1)]
    page: Option<String>,
    /// Records per page: 1 to 500, 50 by default.
    #[param(value_type = Option<u64>, minimum = 1, maximum = 500)]
    per_page: Option<String>,
}

impl ListParams {
    /// The store's query, or every parameter that does not parse.
    fn query(&self, kind: ItemKind, tree: &lis_domain::OrgTree) -> Result<ListQuery, Vec<FieldError>> {
        let mut errors = Vec::new();
        let given = |raw: &Option<String>| {
            raw.as_deref()
                .map(str::trim)
                .filter(|r| !r.is_empty())
                .map(str::to_owned)
        };
        let mut refuse = |name: &str, sv: String, en: String| errors.push(FieldError::new(name, sv, en));
        let mut query = ListQuery::new(kind);
        query.search = given(&self.q);
        query.tag = given(&self.tag);
        let mut id = |name: &str, raw: &Option<String>| match given(raw).map(|r| r.parse::<i64>()) {
            None => None,
            Some(Ok(id)) => Some(id),
            Some(Err(_)) => {
                refuse(
                    name,
                    format!("{name} ska vara ett id (ett heltal)"),
                    format!("{name} must be an id (an integer)"),
                );
                None
            }
        };
        let unit = id("unit", &self.unit);
        query.person_id = id("person", &self.person);
        query.parent_id = id("object", &self.object);
        let mut problems = Vec::new();
        if let Some(unit) = unit {
            let subtree = tree.subtree(unit);
            if subtree.is_empty() {
                problems.push(FieldError::new(
                    "unit",
                    "unit är ingen organisationsenhet i bruk i organisationen",
                    "unit is no org unit in use in the organisation",
                ));
            }
            query.org_units = Some(subtree);
        }
        if let Some(raw) = given(&self.lifecycle) {
            match raw.parse::<Lifecycle>() {
                Ok(lifecycle) => query.lifecycle = Some(lifecycle),
                Err(_) => problems.push(choice_error("lifecycle", Lifecycle::ALL.iter().map(|l| l.as_str()))),
            }
        }
        if let Some(raw) = given(&self.hosting) {
            match raw.parse::<Hosting>() {
                Ok(hosting) => query.hosting = Some(hosting),
                Err(_) => problems.push(choice_error("hosting", Hosting::ALL.iter().map(|h| h.as_str()))),
            }
        }
        match given(&self.retired).as_deref() {
            None | Some("false" | "0") => {}
            Some("true" | "1") => query.include_retired = true,
            Some(_) => problems.push(choice_error("retired", ["true", "false"])),
        }
        match given(&self.sort).as_deref() {
            None | Some("name") => {}
            Some("name_desc") => query.sort = SortOrder::NameDescending,
            Some("changed") => query.sort = SortOrder::RecentlyChanged,
            Some(_) => problems.push(choice_error("sort", ["name", "name_desc", "changed"])),
        }
        match given(&self.page).map(|p| p.parse::<u64>()) {
            None => {}
            Some(Ok(page)) if page >= 1 => query.page = page,
            Some(_) => problems.push(FieldError::new(
                "page",
                "page ska vara ett heltal från 1 och uppåt",
                "page must be a whole number from 1 up",
            )),
        }
        match given(&self.per_page).map(|p| p.parse::<u64>()) {
            None => {}
            Some(Ok(per_page)) if (1..=MAX_PER_PAGE).contains(&per_page) => query.per_page = per_page,
            Some(_) => problems.push(FieldError::new(
                "per_page",
                format!("per_page ska vara ett heltal från 1 till {MAX_PER_PAGE}"),
                format!("per_page must be a whole number from 1 to {MAX_PER_PAGE}"),
            )),
        }
        errors.extend(problems);
        if errors.is_empty() { Ok(query) } else { Err(errors) }
    }
}

fn choice_error<'a>(name: &str, allowed: impl IntoIterator<Item = &'a str>) -> FieldError {
    let allowed: Vec<&str> = allowed.into_iter().collect();
    FieldError::new(
        name,
        format!("{name} ska vara ett av {}", allowed.join(", ")),
        format!("{name} must be one of {}", allowed.join(", ")),
    )
}

/// Lists records of one kind: searched, filtered, sorted and paged on the server.
#[utoipa::path(
    get,
    path = "/api/v1/inventory/{kind}",
    tag = "inventory",
    params(("kind" = dto::KindValue, Path, description = "The kind of record to list."), ListParams),
    responses(
        (status = 200, description = "One page of the list.", body = ItemPage),
        (status = 401, description = "No valid API token.", body = super::problem::Problem, content_type = "application/problem+json"),
        (status = 403, description = "The token's role may not read the inventory.", body = super::problem::Problem, content_type = "application/problem+json"),
        (status = 404, description = "No such kind of record.", body = super::problem::Problem, content_type = "application/problem+json"),
        (status = 422, description = "A parameter was refused; `errors` names it.", body = super::problem::Problem, content_type = "application/problem+json"),
    ),
    security(("api_token" = []))
)]
pub async fn list(
    State(state): State<AppState>,
    caller: ApiCaller,
    Path(raw_kind): Path<String>,
    params: Result<Query<ListParams>, QueryRejection>,
) -> Result<Json<ItemPage>, WebError> {
    let kind = kind_from_path(&raw_kind)?;
    caller.authorize(&state, Action::View, Resource::Inventory).await?;
    let Query(params) = params.map_err(|rejection| WebError::BadForm(rejection.body_text()))?;
    let organisation_id = caller.organisation_id;
    let tree = lis_store::organisation::org_tree(&state.db, organisation_id).await?;
    let query = params.query(kind, &tree).map_err(WebError::Invalid)?;
    let page = lis_store::inventory::list(&state.db, organisation_id, &query).await?;
    let names = names_for(&state, organisation_id, &page.items).await?;
    Ok(Json(ItemPage {
        items: page.items.iter().map(|item| dto::item_of(item, &names, None)).collect(),
        total: page.total,
        page: query.page,
        per_page: query.per_page,
    }))
}

// --- One record -------------------------------------------------------------------------------------------------

/// Reads a record (retired ones too) with every property, the names of what it refers to, and its relations both
/// ways.
#[utoipa::path(
    get,
    path = "/api/v1/items/{item}",
    tag = "inventory",
    params(("item" = i64, Path, description = "The record's id.")),
    responses(
        (status = 200, description = "The record.", body = Item),
        (status = 401, description = "No valid API token.", body = super::problem::Problem, content_type = "application/problem+json"),
        (status = 403, description = "The token's role may not read it.", body = super::problem::Problem, content_type = "application/problem+json"),
        (status = 404, description = "No such record in the organisation.", body = super::problem::Problem, content_type = "application/problem+json"),
    ),
    security(("api_token" = []))
)]
pub async fn get(
    State(state): State<AppState>,
    caller: ApiCaller,
    Path(raw_id): Path<String>,
) -> Result<Json<Item>, WebError> {
    let item_id = item_id(&raw_id)?;
    let item = lis_store::inventory::get(&state.db, caller.organisation_id, item_id).await?;
    caller
        .authorize(&state, Action::View, item_resource(&state, &caller, &item).await?)
        .await?;
    Ok(Json(full_item(&state, caller.organisation_id, &item).await?))
}

// --- Changes ------------------------------------------------------------------------------------------------------

/// Creates a record of a kind from its properties (references as ids).
#[utoipa::path(
    post,
    path = "/api/v1/inventory/{kind}",
    tag = "inventory",
    params(("kind" = dto::KindValue, Path, description = "The kind of record to create.")),
    request_body(content = dto::ItemProperties, content_type = "application/json", description = "The new record's properties."),
    responses(
        (status = 201, description = "Created; `Location` is the record's address.", body = Item,
            headers(("Location" = String, description = "The new record's address in the API."))),
        (status = 400, description = "The body is not JSON.", body = super::problem::Problem, content_type = "application/problem+json"),
        (status = 401, description = "No valid API token (a browser session may not change data through the API).", body = super::problem::Problem, content_type = "application/problem+json"),
        (status = 403, description = "The token's role may not change the inventory.", body = super::problem::Problem, content_type = "application/problem+json"),
        (status = 404, description = "No such kind of record.", body = super::problem::Problem, content_type = "application/problem+json"),
        (status = 422, description = "Values were refused; `errors` names each field. Nothing was created.", body = super::problem::Problem, content_type = "application/problem+json"),
    ),
    security(("api_token" = []))
)]
pub async fn create(
    State(state): State<AppState>,
    caller: ApiCaller,
    Path(raw_kind): Path<String>,
    headers: HeaderMap,
    body: Bytes,
) -> Result<Response, WebError> {
    let kind = kind_from_path(&raw_kind)?;
    caller.authorize(&state, Action::Change, Resource::Inventory).await?;
    let properties = dto::properties_from(json_body(&headers, &body)?).map_err(WebError::Invalid)?;
    let fields = dto::fields_from(kind, &properties).map_err(WebError::Invalid)?;
    let organisation_id = caller.organisation_id;
    let txn = state.db.begin_change().await.map_err(db_error)?;
    let created =
        match lis_store::inventory::create(&txn, &caller.change_context(), organisation_id, kind, fields.clone()).await
        {
            Ok(created) => created,
            Err(err) => return Err(refusal(err, kind, &fields)),
        };
    txn.commit().await.map_err(db_error)?;
    let location = format!("/api/v1/items/{}", created.id);
    let item = full_item(&state, organisation_id, &created).await?;
    Ok((StatusCode::CREATED, [(header::LOCATION, location)], Json(item)).into_response())
}

/// Changes a record: every property as it is to be, and the version it was read at. A newer version saved in
/// between is not overwritten: the answer is 409 with the record as it is now.
#[utoipa::path(
    put,
    path = "/api/v1/items/{item}",
    tag = "inventory",
    params(("item" = i64, Path, description = "The record's id.")),
    request_body(content = dto::ItemChange, content_type = "application/json", description = "The version read and every property."),
    responses(
        (status = 200, description = "Saved (or unchanged, when nothing differed).", body = Item),
        (status = 400, description = "The body is not JSON.", body = super::problem::Problem, content_type = "application/problem+json"),
        (status = 401, description = "No valid API token (a browser session may not change data through the API).", body = super::problem::Problem, content_type = "application/problem+json"),
        (status = 403, description = "The token's role may not change it.", body = super::problem::Problem, content_type = "application/problem+json"),
        (status = 404, description = "No such record in the organisation.", body = super::problem::Problem, content_type = "application/problem+json"),
        (status = 409, description = "Someone else saved a newer version (`current` holds it), or the record is retired. Nothing was saved.", body = super::problem::Problem, content_type = "application/problem+json"),
        (status = 422, description = "Values were refused; `errors` names each field. Nothing was saved.", body = super::problem::Problem, content_type = "application/problem+json"),
    ),
    security(("api_token" = []))
)]
pub async fn update(
    State(state): State<AppState>,
    caller: ApiCaller,
    Path(raw_id): Path<String>,
    headers: HeaderMap,
    body: Bytes,
) -> Result<Json<Item>, WebError> {
    let item_id = item_id(&raw_id)?;
    let organisation_id = caller.organisation_id;
    let item = lis_store::inventory::get(&state.db, organisation_id, item_id).await?;
    caller
        .authorize(&state, Action::Change, item_resource(&state, &caller, &item).await?)
        .await?;
    let (seen, properties) = dto::change_from(json_body(&headers, &body)?).map_err(WebError::Invalid)?;
    if item.retired_at.is_some() {
        return Err(retired_refusal());
    }
    let kind = lis_store::inventory::kind_of(&item);
    let fields = dto::fields_from(kind, &properties).map_err(WebError::Invalid)?;
    let txn = state.db.begin_change().await.map_err(db_error)?;
    let ctx = caller.change_context();
    match lis_store::inventory::update(&txn, &ctx, organisation_id, item_id, fields.clone(), seen).await {
        Ok(updated) => {
            txn.commit().await.map_err(db_error)?;
            Ok(Json(full_item(&state, organisation_id, &updated).await?))
        }
        Err(StoreError::Conflict { .. }) => {
            drop(txn);
            Err(stale(&state, organisation_id, item_id).await?)
        }
        Err(err) => Err(refusal(err, kind, &fields)),
    }
}

/// Retires a record: it keeps its history and relations and leaves the lists. A förvaltningsobjekt with systems in
/// use is not retired.
#[utoipa::path(
    post,
    path = "/api/v1/items/{item}/retire",
    tag = "inventory",
    params(("item" = i64, Path, description = "The record's id.")),
    request_body(content = dto::VersionSeen, content_type = "application/json", description = "The version read."),
    responses(
        (status = 200, description = "Retired.", body = Item),
        (status = 400, description = "The body is not JSON.", body = super::problem::Problem, content_type = "application/problem+json"),
        (status = 401, description = "No valid API token (a browser session may not change data through the API).", body = super::problem::Problem, content_type = "application/problem+json"),
        (status = 403, description = "The token's role may not change it.", body = super::problem::Problem, content_type = "application/problem+json"),
        (status = 404, description = "No such record in the organisation.", body = super::problem::Problem, content_type = "application/problem+json"),
        (status = 409, description = "A newer version was saved (`current` holds it), the record is retired already, or a förvaltningsobjekt still has systems in use (`detail` names them).", body = super::problem::Problem, content_type = "application/problem+json"),
        (status = 422, description = "The version was missing or not a number.", body = super::problem::Problem, content_type = "application/problem+json"),
    ),
    security(("api_token" = []))
)]
pub async fn retire(
    State(state): State<AppState>,
    caller: ApiCaller,
    Path(raw_id): Path<String>,
    headers: HeaderMap,
    body: Bytes,
) -> Result<Json<Item>, WebError> {
    let item_id = item_id(&raw_id)?;
    let organisation_id = caller.organisation_id;
    let item = lis_store::inventory::get(&state.db, organisation_id, item_id).await?;
    caller
        .authorize(&state, Action::Change, item_resource(&state, &caller, &item).await?)
        .await?;
    let seen = dto::version_seen_from(json_body(&headers, &body)?).map_err(WebError::Invalid)?;
    if item.retired_at.is_some() {
        return Err(WebError::Refused {
            sv: "Posten är redan avvecklad.".to_owned(),
            en: "The record is retired already.".to_owned(),
        });
    }
    let txn = state.db.begin_change().await.map_err(db_error)?;
    match lis_store::inventory::retire(&txn, &caller.change_context(), organisation_id, item_id, seen).await {
        Ok(retired) => {
            txn.commit().await.map_err(db_error)?;
            Ok(Json(full_item(&state, organisation_id, &retired).await?))
        }
        Err(StoreError::Conflict { .. }) => {
            drop(txn);
            Err(stale(&state, organisation_id, item_id).await?)
        }
        Err(StoreError::RetireBlocked { names }) => Err(WebError::Refused {
            sv: format!(
                "Förvaltningsobjektet har system i drift. Avveckla eller flytta dem först: {}.",
                names.join(", ")
            ),
            en: format!(
                "The förvaltningsobjekt has systems in use. Retire or move them first: {}.",
                names.join(", ")
            ),
        }),
        Err(err) => Err(err.into()),
    }
}
