//! Administration of API tokens: the list, issuing a token (its secret is shown on the answer page only, once) and
//! revoking one. Organisation-wide administrators change them; the CISO and auditors see them.

use axum::extract::{Path, Query, State};
use axum::http::StatusCode;
use axum::response::{Html, IntoResponse, Redirect, Response};
use chrono::{Duration, Utc};
use lis_domain::{Action, Resource, Role};
use lis_store::ChangeTransaction;
use lis_store::api_tokens::NewToken;
use serde::{Deserialize, Serialize};

use crate::auth::CurrentUser;
use crate::form::Form;
use crate::page::{self, PageEnv};
use crate::{AppState, WebError};

/// The longest name a token may have.
const NAME_MAX: usize = 100;

/// How long a new token may be valid, as the form offers it: (form value, days; none for no end).
const VALIDITY: [(&str, Option<i64>); 4] = [("30", Some(30)), ("90", Some(90)), ("365", Some(365)), ("", None)];

#[derive(Serialize)]
struct TokenRow {
    id: i64,
    name: String,
    role: String,
    prefix: String,
    created_at: String,
    created_by: String,
    last_used_at: Option<String>,
    expires_at: Option<String>,
    revoked_at: Option<String>,
    expired: bool,
}

#[derive(Serialize)]
struct IssuedView {
    name: String,
    role: String,
    secret: String,
}

#[derive(Serialize)]
struct TokensView {
    tokens: Vec<TokenRow>,
    may_change: bool,
    roles: Vec<Role>,
    issued: Option<IssuedView>,
    revoked: bool,
    problems: Vec<&'static str>,
    name: String,
    role: String,
    validity: String,
}

async fn tokens_page(
    state: &AppState,
    user: &CurrentUser,
    env: &PageEnv,
    mut view: TokensView,
) -> Result<Html<String>, WebError> {
    let organisation_id = user.0.person.organisation_id;
    let tokens = lis_store::api_tokens::list(&state.db, organisation_id).await?;
    let people = lis_store::people::by_ids(&state.db, tokens.iter().map(|t| t.created_by)).await?;
    let now = Utc::now();
    view.tokens = tokens
        .into_iter()
        .map(|token| TokenRow {
            id: token.id,
            expired: token.expires_at.is_some_and(|at| at <= now),
            created_by: people
                .get(&token.created_by)
                .map(|p| p.display_name.clone())
                .unwrap_or_default(),
            name: token.name,
            role: token.role,
            prefix: token.token_prefix,
            created_at: crate::time::local(token.created_at),
            last_used_at: token.last_used_at.map(crate::time::local),
            expires_at: token.expires_at.map(crate::time::local),
            revoked_at: token.revoked_at.map(crate::time::local),
        })
        .collect();
    view.may_change = lis_domain::authorize(&user.0.principal, Action::Change, Resource::ApiTokens).is_ok();
    page::render(state, env, "admin_api_tokens.html", &view)
}

fn empty_view() -> TokensView {
    TokensView {
        tokens: Vec::new(),
        may_change: false,
        roles: Role::ALL.to_vec(),
        issued: None,
        revoked: false,
        problems: Vec::new(),
        name: String::new(),
        role: Role::Auditor.as_str().to_owned(),
        validity: "365".to_owned(),
    }
}

/// The query of the token list.
#[derive(Debug, Default, Deserialize)]
pub struct ListQuery {
    #[serde(default)]
    revoked: String,
}

/// `GET /admin/api-tokens`: every token with its role, prefix, creation, last use and whether it is revoked.
pub async fn list(
    State(state): State<AppState>,
    user: CurrentUser,
    env: PageEnv,
    Query(query): Query<ListQuery>,
) -> Result<Html<String>, WebError> {
    user.authorize(&state, Action::View, Resource::ApiTokens).await?;
    let mut view = empty_view();
    view.revoked = query.revoked == "1";
    tokens_page(&state, &user, &env, view).await
}

/// The form that issues a token.
#[derive(Debug, Deserialize)]
pub struct IssueForm {
    csrf_token: String,
    #[serde(default)]
    name: String,
    #[serde(default)]
    role: String,
    #[serde(default)]
    validity: String,
}

/// `POST /admin/api-tokens`: issues a token and shows its secret, this once; or the form again with its problems.
pub async fn issue(
    State(state): State<AppState>,
    user: CurrentUser,
    env: PageEnv,
    Form(form): Form<IssueForm>,
) -> Result<Response, WebError> {
    user.authorize(&state, Action::Change, Resource::ApiTokens).await?;
    user.1.check_csrf(&form.csrf_token)?;
    let mut problems = Vec::new();
    let name = match lis_domain::inventory::line(&form.name, NAME_MAX) {
        Ok(Some(name)) => Some(name),
        Ok(None) | Err(_) => {
            problems.push("api_tokens_problem_name");
            None
        }
    };
    let role = form.role.parse::<Role>().ok();
    if role.is_none() {
        problems.push("api_tokens_problem_role");
    }
    let validity = VALIDITY.iter().find(|(value, _)| *value == form.validity.trim());
    if validity.is_none() {
        problems.push("api_tokens_problem_validity");
    }
    let (Some(name), Some(role), Some((_, days))) = (name, role, validity) else {
        let mut view = empty_view();
        view.problems = problems;
        view.name = form.name;
        view.role = form.role;
        view.validity = form.validity;
        let html = tokens_page(&state, &user, &env, view).await?;
        return Ok((StatusCode::UNPROCESSABLE_ENTITY, html).into_response());
    };
    let new = NewToken {
        name,
        role,
        expires_at: days.map(|days| Utc::now() + Duration::days(days)),
    };
    let txn = state.db.begin_change().await.map_err(lis_store::StoreError::from)?;
    let issued = lis_store::api_tokens::issue(
        &txn,
        &user.change_context(),
        user.0.person.organisation_id,
        user.0.person.id,
        new,
    )
    .await?;
    txn.commit().await.map_err(lis_store::StoreError::from)?;
    let mut view = empty_view();
    view.issued = Some(IssuedView {
        name: issued.token.name,
        role: issued.token.role,
        secret: issued.secret,
    });
    // The answer is the page itself, not a redirect: the secret must not travel in a URL. Every page is no-store.
    let html = tokens_page(&state, &user, &env, view).await?;
    Ok((StatusCode::OK, html).into_response())
}

/// A form that carries only the CSRF token.
#[derive(Debug, Deserialize)]
pub struct CsrfForm {
    csrf_token: String,
}

/// `POST /admin/api-tokens/{token}/revoke`: revokes a token; it stops working at once.
pub async fn revoke(
    State(state): State<AppState>,
    user: CurrentUser,
    Path(raw_id): Path<String>,
    Form(form): Form<CsrfForm>,
) -> Result<Response, WebError> {
    user.authorize(&state, Action::Change, Resource::ApiTokens).await?;
    user.1.check_csrf(&form.csrf_token)?;
    let token_id = raw_id
        .parse::<i64>()
        .ok()
        .filter(|id| *id > 0)
        .ok_or(WebError::NotFound)?;
    let txn = state.db.begin_change().await.map_err(lis_store::StoreError::from)?;
    lis_store::api_tokens::revoke(&txn, &user.change_context(), user.0.person.organisation_id, token_id).await?;
    txn.commit().await.map_err(lis_store::StoreError::from)?;
    Ok(Redirect::to("/admin/api-tokens?revoked=1").into_response())
}
