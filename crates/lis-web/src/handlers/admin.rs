//! Administration: people (their roles and sessions; disabling and ending sessions) and the role mapping.

use axum::extract::{Path, State};
use axum::http::StatusCode;
use axum::response::{Html, IntoResponse, Redirect, Response};
use chrono::Utc;
use lis_domain::{Action, Resource, Role, RoleMapError};
use lis_store::ChangeTransaction;
use serde::{Deserialize, Serialize};

use crate::auth::CurrentUser;
use crate::form::Form;
use crate::page::{self, PageEnv};
use crate::{AppState, WebError};

/// A person id from the path; anything that is not one is "not found" before the database is asked.
fn person_id(raw: &str) -> Result<i64, WebError> {
    raw.parse::<i64>().ok().filter(|id| *id > 0).ok_or(WebError::NotFound)
}

#[derive(Serialize)]
struct PersonRow {
    id: i64,
    name: String,
    email: Option<String>,
    disabled: bool,
    roles: Vec<Role>,
    active_sessions: usize,
}

#[derive(Serialize)]
struct PeopleView {
    people: Vec<PersonRow>,
}

/// `GET /admin/people`: everyone who has signed in, with roles and sessions.
pub async fn people(State(state): State<AppState>, user: CurrentUser, env: PageEnv) -> Result<Html<String>, WebError> {
    user.authorize(&state, Action::View, Resource::People).await?;
    let organisation_id = user.0.person.organisation_id;
    let people = lis_store::people::list(&state.db, organisation_id)
        .await?
        .into_iter()
        .map(|p| PersonRow {
            id: p.person.id,
            name: p.person.display_name,
            email: p.person.email,
            disabled: p.person.disabled,
            roles: p.roles,
            active_sessions: p.active_sessions,
        })
        .collect();
    page::render(&state, &env, "admin_people.html", &PeopleView { people })
}

#[derive(Serialize)]
struct SessionRow {
    created_at: String,
    last_seen_at: String,
    expires_at: String,
}

#[derive(Serialize)]
struct PersonView {
    id: i64,
    name: String,
    email: Option<String>,
    issuer: String,
    disabled: bool,
    is_self: bool,
    may_change: bool,
    sessions: Vec<SessionRow>,
}

/// `GET /admin/people/{id}`: one person and their active sessions.
pub async fn person(
    State(state): State<AppState>,
    user: CurrentUser,
    env: PageEnv,
    Path(raw_id): Path<String>,
) -> Result<Html<String>, WebError> {
    user.authorize(&state, Action::View, Resource::People).await?;
    let id = person_id(&raw_id)?;
    let person = lis_store::people::get(&state.db, user.0.person.organisation_id, id).await?;
    let time = |t: chrono::DateTime<Utc>| crate::time::local(t);
    let sessions = lis_store::sessions::list_for_person(&state.db, id, Utc::now())
        .await?
        .into_iter()
        .map(|s| SessionRow {
            created_at: time(s.created_at),
            last_seen_at: time(s.last_seen_at),
            expires_at: time(s.expires_at),
        })
        .collect();
    let view = PersonView {
        id,
        name: person.display_name,
        email: person.email,
        issuer: person.oidc_issuer,
        disabled: person.disabled,
        is_self: id == user.0.person.id,
        may_change: lis_domain::authorize(&user.0.principal, Action::Change, Resource::People).is_ok(),
        sessions,
    };
    page::render(&state, &env, "admin_person.html", &view)
}

/// A form that carries only the CSRF token.
#[derive(Debug, Deserialize)]
pub struct CsrfForm {
    csrf_token: String,
}

async fn set_disabled(
    state: AppState,
    user: CurrentUser,
    raw_id: &str,
    token: &str,
    disabled: bool,
) -> Result<Response, WebError> {
    user.authorize(&state, Action::Change, Resource::People).await?;
    user.1.check_csrf(token)?;
    let id = person_id(raw_id)?;
    if disabled && id == user.0.person.id {
        return Err(WebError::SelfDisable);
    }
    let txn = state.db.begin_change().await.map_err(lis_store::StoreError::from)?;
    lis_store::people::set_disabled(
        &txn,
        &user.change_context(),
        user.0.person.organisation_id,
        id,
        disabled,
    )
    .await?;
    txn.commit().await.map_err(lis_store::StoreError::from)?;
    Ok(Redirect::to(&format!("/admin/people/{id}")).into_response())
}

/// `POST /admin/people/{id}/disable`: disables the person and ends their sessions.
pub async fn disable(
    State(state): State<AppState>,
    user: CurrentUser,
    Path(raw_id): Path<String>,
    Form(form): Form<CsrfForm>,
) -> Result<Response, WebError> {
    set_disabled(state, user, &raw_id, &form.csrf_token, true).await
}

/// `POST /admin/people/{id}/enable`: lets a disabled person sign in again.
pub async fn enable(
    State(state): State<AppState>,
    user: CurrentUser,
    Path(raw_id): Path<String>,
    Form(form): Form<CsrfForm>,
) -> Result<Response, WebError> {
    set_disabled(state, user, &raw_id, &form.csrf_token, false).await
}

/// `POST /admin/people/{id}/sessions/end`: ends every session of the person.
pub async fn end_sessions(
    State(state): State<AppState>,
    user: CurrentUser,
    Path(raw_id): Path<String>,
    Form(form): Form<CsrfForm>,
) -> Result<Response, WebError> {
    user.authorize(&state, Action::Change, Resource::People).await?;
    user.1.check_csrf(&form.csrf_token)?;
    let id = person_id(&raw_id)?;
    let txn = state.db.begin_change().await.map_err(lis_store::StoreError::from)?;
    lis_store::people::end_sessions(&txn, &user.change_context(), user.0.person.organisation_id, id).await?;
    txn.commit().await.map_err(lis_store::StoreError::from)?;
    Ok(Redirect::to(&format!("/admin/people/{id}")).into_response())
}

#[derive(Serialize)]
struct UnitRow {
    id: i64,
    name: String,
    depth: usize,
}

#[derive(Serialize)]
struct RoleMappingView {
    text: String,
    may_change: bool,
    errors: Vec<RoleMapError>,
    saved: bool,
    roles: Vec<Role>,
    units: Vec<UnitRow>,
}

/// The organisation's units in tree order with their depth, for writing `role@unit-id`.
fn flatten(nodes: &[lis_domain::OrgTreeNode], depth: usize, rows: &mut Vec<UnitRow>) {
    for node in nodes {
        rows.push(UnitRow {
            id: node.id,
            name: node.name.clone(),
            depth,
        });
        flatten(&node.children, depth + 1, rows);
    }
}

/// Renders the role mapping page with `text` in the form and `errors` listed above it.
async fn role_mapping_page(
    state: &AppState,
    env: &PageEnv,
    user: &CurrentUser,
    text: String,
    errors: Vec<RoleMapError>,
    saved: bool,
) -> Result<Html<String>, WebError> {
    let tree = lis_store::organisation::org_tree(&state.db, user.0.person.organisation_id).await?;
    let mut units = Vec::new();
    flatten(&tree.roots, 0, &mut units);
    let view = RoleMappingView {
        text,
        may_change: lis_domain::authorize(&user.0.principal, Action::Change, Resource::RoleMapping).is_ok(),
        errors,
        saved,
        roles: Role::ALL.to_vec(),
        units,
    };
    page::render(state, env, "admin_role_mapping.html", &view)
}

/// The query of the role mapping page.
#[derive(Debug, Deserialize)]
pub struct SavedQuery {
    saved: Option<String>,
}

/// `GET /admin/role-mapping`: which provider group gives which role.
pub async fn role_mapping(
    State(state): State<AppState>,
    user: CurrentUser,
    env: PageEnv,
    axum::extract::Query(query): axum::extract::Query<SavedQuery>,
) -> Result<Html<String>, WebError> {
    user.authorize(&state, Action::View, Resource::RoleMapping).await?;
    let entries = lis_store::role_mapping::entries(&state.db, user.0.person.organisation_id).await?;
    let text = entries.iter().map(ToString::to_string).collect::<Vec<_>>().join("\n");
    role_mapping_page(&state, &env, &user, text, Vec::new(), query.saved.is_some()).await
}

/// The role mapping form.
#[derive(Debug, Deserialize)]
pub struct RoleMappingForm {
    csrf_token: String,
    mapping: String,
}

/// `POST /admin/role-mapping`: replaces the mapping, or shows the form again with every problem listed.
pub async fn save_role_mapping(
    State(state): State<AppState>,
    user: CurrentUser,
    env: PageEnv,
    Form(form): Form<RoleMappingForm>,
) -> Result<Response, WebError> {
    user.authorize(&state, Action::Change, Resource::RoleMapping).await?;
    user.1.check_csrf(&form.csrf_token)?;
    let organisation_id = user.0.person.organisation_id;
    let parsed = match lis_domain::parse_role_map(&form.mapping) {
        Ok(entries) => {
            let unknown = lis_store::role_mapping::unknown_units(&state.db, organisation_id, &entries).await?;
            let errors: Vec<RoleMapError> = entries
                .iter()
                .enumerate()
                .filter(|(_, entry)| entry.org_unit_id.is_some_and(|unit| unknown.contains(&unit)))
                .map(|(index, entry)| RoleMapError {
                    entry: index + 1,
                    text: entry.to_string(),
                    problem: lis_domain::RoleMapProblem::UnknownUnit,
                })
                .collect();
            if errors.is_empty() { Ok(entries) } else { Err(errors) }
        }
        Err(errors) => Err(errors),
    };
    match parsed {
        Ok(entries) => {
            let txn = state.db.begin_change().await.map_err(lis_store::StoreError::from)?;
            lis_store::role_mapping::replace(&txn, &user.change_context(), organisation_id, &entries).await?;
            txn.commit().await.map_err(lis_store::StoreError::from)?;
            Ok(Redirect::to("/admin/role-mapping?saved=1").into_response())
        }
        Err(errors) => {
            let html = role_mapping_page(&state, &env, &user, form.mapping, errors, false).await?;
            Ok((StatusCode::UNPROCESSABLE_ENTITY, html).into_response())
        }
    }
}
