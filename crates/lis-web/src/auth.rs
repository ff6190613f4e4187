//! Who is asking: the session cookie, the signed-in person and their roles, the CSRF token of their forms, and the
//! rate limit on sign-in routes.

pub mod oidc;
pub mod rate_limit;

use axum::extract::{FromRequestParts, Request, State};
use axum::http::request::Parts;
use axum::http::{HeaderMap, HeaderValue, header};
use axum::middleware::Next;
use axum::response::{IntoResponse, Response};
use chrono::Utc;
use lis_domain::{Action, Principal, Resource};
use lis_store::entity::person;
use lis_store::sessions::{self, ActiveSession};

use crate::{AppState, WebError};

/// The session cookie's name: with the `__Host-` prefix (which browsers accept only with `Secure`, `Path=/` and no
/// domain) when LIS is reached over https; a plain name on loopback http in the demo and tests.
pub fn cookie_name(https: bool) -> &'static str {
    if https { "__Host-lis_session" } else { "lis_session" }
}

/// The `Set-Cookie` value that gives the browser a session token.
pub fn session_cookie(https: bool, token: &str) -> HeaderValue {
    let secure = if https { "; Secure" } else { "" };
    let value = format!("{}={token}; Path=/; HttpOnly; SameSite=Lax{secure}", cookie_name(https));
    HeaderValue::from_str(&value).unwrap_or_else(|_| HeaderValue::from_static(""))
}

/// The `Set-Cookie` value that removes the session cookie.
pub fn clear_session_cookie(https: bool) -> HeaderValue {
    let secure = if https { "; Secure" } else { "" };
    let value = format!(
        "{}=; Path=/; HttpOnly; SameSite=Lax; Max-Age=0{secure}",
        cookie_name(https)
    );
    HeaderValue::from_str(&value).unwrap_or_else(|_| HeaderValue::from_static(""))
}

/// The token in the request's session cookie, if any.
fn cookie_token(headers: &HeaderMap, name: &str) -> Option<String> {
    headers
        .get_all(header::COOKIE)
        .iter()
        .filter_map(|v| v.to_str().ok())
        .flat_map(|v| v.split(';'))
        .filter_map(|pair| pair.trim().split_once('='))
        .find(|(key, _)| *key == name)
        .map(|(_, value)| value.to_owned())
        .filter(|value| !value.is_empty())
}

/// The person behind a request, with their roles.
#[derive(Clone, Debug)]
pub struct SignedIn {
    /// The person.
    pub person: person::Model,
    /// Their roles, for [`lis_domain::authorize`].
    pub principal: Principal,
}

/// Whoever sent the request: their session (if the cookie names a valid one) and, once signed in, who they are.
#[derive(Clone, Debug, Default)]
pub struct Visitor {
    /// The session, signed in or with a sign-in under way.
    pub session: Option<ActiveSession>,
    /// The signed-in person.
    pub signed_in: Option<SignedIn>,
}

impl Visitor {
    /// The CSRF token of the session, for forms.
    pub fn csrf_token(&self) -> Option<&str> {
        self.session
            .as_ref()
            .map(|s| s.data.csrf_token.as_str())
            .filter(|t| !t.is_empty())
    }

    /// Checks a form's CSRF token against the session's, in constant time.
    pub fn check_csrf(&self, submitted: &str) -> Result<(), WebError> {
        match self.csrf_token() {
            Some(expected) if constant_time_eq(expected.as_bytes(), submitted.as_bytes()) => Ok(()),
            _ => Err(WebError::CsrfRejected),
        }
    }
}

/// Compares two byte strings without stopping at the first difference.
fn constant_time_eq(a: &[u8], b: &[u8]) -> bool {
    a.len() == b.len() && a.iter().zip(b).fold(0u8, |acc, (x, y)| acc | (x ^ y)) == 0
}

/// Reads the session named by the cookie (if valid), the person and their roles, and puts them on the request as a
/// [`Visitor`] for extractors, and on the response for the error pages. When the database cannot say who is asking,
/// the answer is that LIS is unavailable, not that the person is anonymous.
pub async fn load_visitor(State(state): State<AppState>, mut request: Request, next: Next) -> Response {
    let visitor = match resolve_visitor(&state, request.headers()).await {
        Ok(visitor) => visitor,
        Err(err) => return WebError::from(err).into_response(),
    };
    request.extensions_mut().insert(visitor.clone());
    let mut response = next.run(request).await;
    response.extensions_mut().insert(visitor);
    response
}

async fn resolve_visitor(state: &AppState, headers: &HeaderMap) -> Result<Visitor, lis_store::StoreError> {
    let Some(token) = cookie_token(headers, cookie_name(state.config.is_https())) else {
        return Ok(Visitor::default());
    };
    let now = Utc::now();
    let Some(session) = sessions::find(&state.db, &state.config.session_policy, &token, now).await? else {
        return Ok(Visitor::default());
    };
    // Marking the session as seen (at most once a minute) is worth no failed page: while a long change holds the
    // write lock (an import), it is left to a later request.
    if let Err(err) = sessions::touch(&state.db, &session, now).await {
        tracing::warn!(error = %err, "session not marked as seen");
    }
    let signed_in = match &session.person {
        Some(person) => Some(SignedIn {
            principal: lis_store::people::principal(&state.db, person.id).await?,
            person: person.clone(),
        }),
        None => None,
    };
    Ok(Visitor {
        session: Some(session),
        signed_in,
    })
}

impl<S: Send + Sync> FromRequestParts<S> for Visitor {
    type Rejection = std::convert::Infallible;

    async fn from_request_parts(parts: &mut Parts, _state: &S) -> Result<Self, Self::Rejection> {
        Ok(parts.extensions.get::<Visitor>().cloned().unwrap_or_default())
    }
}

/// A signed-in person: handlers that take it send everyone else to sign in. The third field is the request's id, for
/// the audit trail.
#[derive(Clone, Debug)]
pub struct CurrentUser(pub SignedIn, pub Visitor, pub Option<String>);

impl<S: Send + Sync> FromRequestParts<S> for CurrentUser {
    type Rejection = WebError;

    async fn from_request_parts(parts: &mut Parts, _state: &S) -> Result<Self, Self::Rejection> {
        let visitor = parts.extensions.get::<Visitor>().cloned().unwrap_or_default();
        match visitor.signed_in.clone() {
            Some(signed_in) => {
                let request_id = parts
                    .headers
                    .get(&crate::middleware::REQUEST_ID_HEADER)
                    .and_then(|v| v.to_str().ok())
                    .map(|id| id.chars().take(64).collect());
                Ok(Self(signed_in, visitor, request_id))
            }
            None => Err(WebError::SignInRequired {
                return_to: return_path(&parts.uri),
            }),
        }
    }
}

impl CurrentUser {
    /// Who is changing data and through which request, for the services and the audit trail.
    pub fn change_context(&self) -> lis_store::audit::ChangeContext {
        lis_store::audit::ChangeContext::person(self.0.person.id, self.2.clone())
    }

    /// Asks the one authorization function; a refusal is written to the audit trail (and logged once by the
    /// error-page middleware).
    pub async fn authorize(&self, state: &AppState, action: Action, resource: Resource) -> Result<(), WebError> {
        match lis_domain::authorize(&self.0.principal, action, resource) {
            Ok(()) => Ok(()),
            Err(denied) => {
                let ctx = self.change_context();
                crate::audit_log::access_denied(state, &ctx, self.0.person.organisation_id, action, resource).await;
                Err(WebError::Forbidden(denied))
            }
        }
    }
}

/// The path (and query) to come back to after signing in: only a local path, never another site.
pub fn return_path(uri: &axum::http::Uri) -> String {
    let path = uri.path_and_query().map(|p| p.as_str()).unwrap_or("/");
    safe_return_to(path)
}

/// Accepts a return target only if it is a path on LIS (`/…` but not `//…`, which browsers read as another host), with
/// no backslash or control character anywhere (browsers drop tabs and newlines, and read `\` as `/`).
pub fn safe_return_to(target: &str) -> String {
    let clean = !target.contains('\\') && !target.chars().any(char::is_control);
    if clean && target.starts_with('/') && !target.starts_with("//") {
        target.to_owned()
    } else {
        "/".to_owned()
    }
}

/// Whoever asks for something, through a page (a signed-in person) or the API (a token or a session): what the
/// handlers that serve both need of them.
pub(crate) trait Asker {
    /// Their organisation.
    fn organisation_id(&self) -> i64;
    /// The person whose records count as theirs (a token has none).
    fn person_id(&self) -> Option<i64>;
    /// Whether the authorization function allows `action` on `resource`, asked without recording a refusal (for
    /// what a page offers, not for what it serves).
    fn may(&self, action: Action, resource: Resource) -> bool;
    /// The org units whose gap report a role limited to them lets the visitor read
    /// ([`lis_domain::Principal::report_units`]).
    fn report_units(&self) -> Vec<i64>;
    /// Asks the one authorization function; a refusal is audited.
    async fn authorize(&self, state: &AppState, action: Action, resource: Resource) -> Result<(), WebError>;
}

impl Asker for CurrentUser {
    fn organisation_id(&self) -> i64 {
        self.0.person.organisation_id
    }

    fn person_id(&self) -> Option<i64> {
        Some(self.0.person.id)
    }

    fn may(&self, action: Action, resource: Resource) -> bool {
        lis_domain::authorize(&self.0.principal, action, resource).is_ok()
    }

    fn report_units(&self) -> Vec<i64> {
        self.0.principal.report_units()
    }

    async fn authorize(&self, state: &AppState, action: Action, resource: Resource) -> Result<(), WebError> {
        CurrentUser::authorize(self, state, action, resource).await
    }
}

impl Asker for crate::api::caller::ApiCaller {
    fn organisation_id(&self) -> i64 {
        self.organisation_id
    }

    fn person_id(&self) -> Option<i64> {
        crate::api::caller::ApiCaller::person_id(self)
    }

    fn may(&self, action: Action, resource: Resource) -> bool {
        lis_domain::authorize(&self.principal, action, resource).is_ok()
    }

    fn report_units(&self) -> Vec<i64> {
        self.principal.report_units()
    }

    async fn authorize(&self, state: &AppState, action: Action, resource: Resource) -> Result<(), WebError> {
        crate::api::caller::ApiCaller::authorize(self, state, action, resource).await
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn return_targets_stay_on_lis() {
        assert_eq!(safe_return_to("/admin/people?x=1"), "/admin/people?x=1");
        for hostile in [
            "//evil.example/",
            "https://evil.example/",
            "/\\evil.example",
            "/\t/evil.example",
            "/\n/evil.example",
            "/x\\..\\\\evil.example",
            "javascript:alert(1)",
            "",
        ] {
            assert_eq!(safe_return_to(hostile), "/", "{hostile}");
        }
    }

    #[test]
    fn cookie_names_and_attributes() {
        assert_eq!(cookie_name(true), "__Host-lis_session");
        let secure = session_cookie(true, "abc");
        assert_eq!(
            secure.to_str().ok(),
            Some("__Host-lis_session=abc; Path=/; HttpOnly; SameSite=Lax; Secure")
        );
        let plain = session_cookie(false, "abc");
        assert_eq!(
            plain.to_str().ok(),
            Some("lis_session=abc; Path=/; HttpOnly; SameSite=Lax")
        );
        assert!(
            clear_session_cookie(false)
                .to_str()
                .unwrap_or_default()
                .contains("Max-Age=0")
        );
    }

    #[test]
    fn csrf_tokens_compare_whole() {
        assert!(constant_time_eq(b"abc", b"abc"));
        assert!(!constant_time_eq(b"abc", b"abd"));
        assert!(!constant_time_eq(b"abc", b"abcd"));
    }
}
