//! Signing in and out: the OpenID Connect flow (`/auth/login`, `/auth/callback`), `/auth/logout`, and in the demo
//! only, the demo sign-in (`/auth/demo`).

use lis_store::ChangeTransaction;
use std::net::{IpAddr, SocketAddr};

use axum::extract::{ConnectInfo, FromRequestParts, Query, State};
use axum::http::request::Parts;
use axum::http::{HeaderMap, HeaderValue, StatusCode, header};
use axum::response::{Html, IntoResponse, Redirect, Response};
use lis_domain::{Action, AuditAction, Resource, SubjectRef};
use lis_store::audit::{Change, ChangeContext};
use lis_store::sessions::{self, SessionData};
use serde::{Deserialize, Serialize};
use serde_json::json;

use crate::auth::oidc::SignInError;
use crate::auth::{CurrentUser, Visitor, clear_session_cookie, safe_return_to, session_cookie};
use crate::page::{self, PageEnv};
use crate::{AppState, WebError};

pub use lis_store::demo::DEMO_ISSUER;

/// The client's address, when the server knows it (it does not in in-process tests).
#[derive(Clone, Copy, Debug)]
pub struct ClientAddr(pub Option<IpAddr>);

impl<S: Send + Sync> FromRequestParts<S> for ClientAddr {
    type Rejection = std::convert::Infallible;

    async fn from_request_parts(parts: &mut Parts, _state: &S) -> Result<Self, Self::Rejection> {
        Ok(Self(
            parts
                .extensions
                .get::<ConnectInfo<SocketAddr>>()
                .map(|ConnectInfo(addr)| addr.ip()),
        ))
    }
}

fn rate_limited(state: &AppState, client: ClientAddr) -> Result<(), WebError> {
    if state.auth_rate_limit.allow(client.0) {
        Ok(())
    } else {
        Err(WebError::TooManyRequests)
    }
}

/// A redirect that also sets (or clears) the session cookie.
fn redirect_with_cookie(target: &str, cookie: HeaderValue) -> Response {
    let mut headers = HeaderMap::new();
    headers.insert(header::SET_COOKIE, cookie);
    (headers, Redirect::to(target)).into_response()
}

/// The query of `/auth/login`.
#[derive(Debug, Deserialize)]
pub struct LoginQuery {
    return_to: Option<String>,
}

/// `GET /auth/login`: starts the flow at the provider (or, in the demo, shows the demo sign-in).
pub async fn login(
    State(state): State<AppState>,
    client: ClientAddr,
    Query(query): Query<LoginQuery>,
) -> Result<Response, WebError> {
    rate_limited(&state, client)?;
    let return_to = safe_return_to(query.return_to.as_deref().unwrap_or("/"));
    if state.config.demo {
        let target = format!("/auth/demo?return_to={}", crate::error::encode_query_value(&return_to));
        return Ok(Redirect::to(&target).into_response());
    }
    let oidc = state.oidc.as_ref().ok_or(WebError::SignInNotConfigured)?;
    let started = match oidc.start(return_to).await {
        Ok(started) => started,
        Err(err) => return Err(sign_in_failure(&state, err).await),
    };
    let data = SessionData {
        csrf_token: sessions::new_token(),
        pending_sign_in: Some(started.pending),
        id_token: None,
    };
    let token = sessions::create(&state.db, &state.config.session_policy, None, &data).await?;
    Ok(redirect_with_cookie(
        &started.authorize_url,
        session_cookie(state.config.is_https(), &token),
    ))
}

/// The query the provider sends back to `/auth/callback`.
#[derive(Debug, Deserialize)]
pub struct CallbackQuery {
    code: Option<String>,
    state: Option<String>,
    error: Option<String>,
}

/// `GET /auth/callback`: checks `state`, exchanges the code, validates the ID token, records the sign-in and
/// starts a new session (a new id, so that a session fixed before sign-in is worthless).
pub async fn callback(
    State(state): State<AppState>,
    client: ClientAddr,
    visitor: Visitor,
    Query(query): Query<CallbackQuery>,
) -> Result<Response, WebError> {
    rate_limited(&state, client)?;
    let oidc = state.oidc.as_ref().ok_or(WebError::SignInNotConfigured)?;
    let Some(session) = visitor.session.as_ref() else {
        return Err(refuse(
            &state,
            StatusCode::BAD_REQUEST,
            "no sign-in is under way in this browser",
        )
        .await);
    };
    let Some(pending) = session.data.pending_sign_in.clone() else {
        return Err(refuse(
            &state,
            StatusCode::BAD_REQUEST,
            "no sign-in is under way in this session",
        )
        .await);
    };
    // One attempt per state: whatever happens next, this pending sign-in is used up.
    sessions::delete(&state.db, &session.id).await?;
    if let Some(error) = query.error {
        return Err(refuse(
            &state,
            StatusCode::UNAUTHORIZED,
            &format!("the provider reported {error:?}"),
        )
        .await);
    }
    let states_match = query
        .state
        .as_deref()
        .is_some_and(|s| s.as_bytes() == pending.state.as_bytes());
    if !states_match {
        return Err(refuse(
            &state,
            StatusCode::BAD_REQUEST,
            "the state parameter is missing or does not match",
        )
        .await);
    }
    let Some(code) = query.code else {
        return Err(refuse(
            &state,
            StatusCode::BAD_REQUEST,
            "the provider sent no authorization code",
        )
        .await);
    };
    let finished = match oidc.finish(code, &pending).await {
        Ok(finished) => finished,
        Err(err) => return Err(sign_in_failure(&state, err).await),
    };
    let organisation = lis_store::organisation::primary_organisation(&state.db)
        .await?
        .ok_or_else(|| WebError::Internal("no organisation exists to sign in to".to_owned()))?;
    let txn = state.db.begin_change().await.map_err(lis_store::StoreError::from)?;
    let person = match lis_store::people::sign_in(
        &txn,
        &ChangeContext::system("sign-in"),
        organisation.id,
        &finished.identity,
    )
    .await
    {
        Ok(person) => person,
        Err(err @ lis_store::StoreError::PersonDisabled { .. }) => {
            drop(txn);
            return Err(refuse(&state, StatusCode::FORBIDDEN, &err.to_string()).await);
        }
        Err(err) => return Err(err.into()),
    };
    txn.commit().await.map_err(lis_store::StoreError::from)?;
    let data = SessionData {
        csrf_token: sessions::new_token(),
        pending_sign_in: None,
        id_token: Some(finished.id_token),
    };
    let token = sessions::create(&state.db, &state.config.session_policy, Some(person.id), &data).await?;
    tracing::info!(person.id = person.id, "signed in");
    Ok(redirect_with_cookie(
        &pending.return_to,
        session_cookie(state.config.is_https(), &token),
    ))
}

async fn refuse(state: &AppState, status: StatusCode, reason: &str) -> WebError {
    crate::audit_log::sign_in_failed(state, reason).await;
    WebError::SignInFailed {
        status,
        cause: reason.to_owned(),
    }
}

async fn sign_in_failure(state: &AppState, err: SignInError) -> WebError {
    let status = match &err {
        SignInError::ProviderUnavailable(_) => StatusCode::BAD_GATEWAY,
        SignInError::CodeRefused(_) => StatusCode::BAD_REQUEST,
        SignInError::InvalidToken(_) => StatusCode::UNAUTHORIZED,
        SignInError::Misconfigured(_) => StatusCode::INTERNAL_SERVER_ERROR,
    };
    refuse(state, status, &err.to_string()).await
}

/// A form that carries only the CSRF token.
#[derive(Debug, Deserialize)]
pub struct CsrfOnly {
    csrf_token: String,
}

/// `POST /auth/logout`: ends the session and, when the provider has one, continues at its end-session endpoint.
pub async fn logout(
    State(state): State<AppState>,
    user: CurrentUser,
    form: crate::form::Form<CsrfOnly>,
) -> Result<Response, WebError> {
    user.authorize(&state, Action::Change, Resource::OwnAccount).await?;
    let visitor = &user.1;
    visitor.check_csrf(&form.0.csrf_token)?;
    let Some(session) = visitor.session.as_ref() else {
        return Ok(Redirect::to("/").into_response());
    };
    let person = &user.0.person;
    let txn = state.db.begin_change().await.map_err(lis_store::StoreError::from)?;
    sessions::delete(&txn, &session.id).await?;
    let change = Change {
        organisation_id: Some(person.organisation_id),
        action: AuditAction::SignOut,
        subject: SubjectRef::new("person", person.id),
        before: None,
        after: None,
    };
    lis_store::audit::append(&txn, &user.change_context(), change).await?;
    txn.commit().await.map_err(lis_store::StoreError::from)?;
    let target = match (&state.oidc, person.oidc_issuer.as_str()) {
        (Some(oidc), issuer) if issuer != DEMO_ISSUER => oidc
            .end_session_url(session.data.id_token.as_deref())
            .await
            .unwrap_or_else(|| "/".to_owned()),
        _ => "/".to_owned(),
    };
    Ok(redirect_with_cookie(
        &target,
        clear_session_cookie(state.config.is_https()),
    ))
}

#[derive(Serialize)]
struct DemoPersonView {
    id: i64,
    name: String,
    roles: Vec<lis_domain::Role>,
}

#[derive(Serialize)]
struct DemoView {
    people: Vec<DemoPersonView>,
    return_to: String,
    csrf_token: String,
}

/// `GET /auth/demo` (demo only): the demo's people, one per role, to sign in as without a provider.
pub async fn demo_page(
    State(state): State<AppState>,
    mut env: PageEnv,
    Query(query): Query<LoginQuery>,
) -> Result<Response, WebError> {
    // The form needs a CSRF token, and so a session, before anyone has signed in.
    let (csrf_token, cookie) = match env.visitor.csrf_token() {
        Some(token) => (token.to_owned(), None),
        None => {
            let data = SessionData {
                csrf_token: sessions::new_token(),
                ..SessionData::default()
            };
            let token = sessions::create(&state.db, &state.config.session_policy, None, &data).await?;
            (data.csrf_token, Some(session_cookie(state.config.is_https(), &token)))
        }
    };
    env.visitor.signed_in = None;
    let organisation = lis_store::organisation::primary_organisation(&state.db)
        .await?
        .ok_or(WebError::NotFound)?;
    let people = lis_store::people::list(&state.db, organisation.id)
        .await?
        .into_iter()
        .filter(|p| p.person.oidc_issuer == DEMO_ISSUER && !p.person.disabled)
        .map(|p| DemoPersonView {
            id: p.person.id,
            name: p.person.display_name,
            roles: p.roles,
        })
        .collect();
    let view = DemoView {
        people,
        return_to: safe_return_to(query.return_to.as_deref().unwrap_or("/")),
        csrf_token,
    };
    let html: Html<String> = page::render(&state, &env, "demo_sign_in.html", &view)?;
    let mut response = html.into_response();
    if let Some(cookie) = cookie {
        response.headers_mut().insert(header::SET_COOKIE, cookie);
    }
    Ok(response)
}

/// The demo sign-in form.
#[derive(Debug, Deserialize)]
pub struct DemoSignIn {
    csrf_token: String,
    person_id: i64,
    return_to: Option<String>,
}

/// `POST /auth/demo` (demo only): signs in as one of the demo's people.
pub async fn demo_sign_in(
    State(state): State<AppState>,
    client: ClientAddr,
    visitor: Visitor,
    form: crate::form::Form<DemoSignIn>,
) -> Result<Response, WebError> {
    rate_limited(&state, client)?;
    let form = form.0;
    visitor.check_csrf(&form.csrf_token)?;
    let organisation = lis_store::organisation::primary_organisation(&state.db)
        .await?
        .ok_or(WebError::NotFound)?;
    let person = lis_store::people::get(&state.db, organisation.id, form.person_id).await?;
    if person.oidc_issuer != DEMO_ISSUER || person.disabled {
        return Err(refuse(&state, StatusCode::FORBIDDEN, "not a demo person").await);
    }
    let txn = state.db.begin_change().await.map_err(lis_store::StoreError::from)?;
    if let Some(old) = &visitor.session {
        sessions::delete(&txn, &old.id).await?;
    }
    let change = Change {
        organisation_id: Some(organisation.id),
        action: AuditAction::SignIn,
        subject: SubjectRef::new("person", person.id),
        before: None,
        after: Some(json!({ "method": "demo" })),
    };
    lis_store::audit::append(&txn, &ChangeContext::person(person.id, None), change).await?;
    let data = SessionData {
        csrf_token: sessions::new_token(),
        ..SessionData::default()
    };
    let token = sessions::create(&txn, &state.config.session_policy, Some(person.id), &data).await?;
    txn.commit().await.map_err(lis_store::StoreError::from)?;
    let target = safe_return_to(form.return_to.as_deref().unwrap_or("/"));
    Ok(redirect_with_cookie(
        &target,
        session_cookie(state.config.is_https(), &token),
    ))
}
