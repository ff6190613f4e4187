//! Who calls the API: an API token (`Authorization: Bearer lis_…`), or a signed-in browser session, which may read
//! but not change. Both are asked through the one authorization function, like the pages.

use axum::extract::FromRequestParts;
use axum::http::request::Parts;
use axum::http::{HeaderMap, header};
use chrono::Utc;
use lis_domain::{Action, Principal, Resource};
use lis_store::audit::ChangeContext;

use crate::auth::Visitor;
use crate::{AppState, WebError};

/// How the caller proved who they are.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Credential {
    /// An API token, issued by the person `issued_by`.
    Token {
        /// The token's id.
        id: i64,
        /// The administrator who issued it.
        issued_by: i64,
    },
    /// A signed-in browser session of the person.
    Session {
        /// The person.
        person_id: i64,
    },
}

/// The caller of an API route. Handlers that take it refuse everyone else with `401` and `WWW-Authenticate: Bearer`.
#[derive(Clone, Debug)]
pub struct ApiCaller {
    /// How the authorization function sees the caller.
    pub principal: Principal,
    /// The organisation whose data the caller reaches.
    pub organisation_id: i64,
    /// The token or session.
    pub credential: Credential,
    /// The request's id, for the audit trail.
    pub request_id: Option<String>,
}

/// The secret of an `Authorization: Bearer …` header; `Err` for any other use of the header.
fn bearer(headers: &HeaderMap) -> Option<Result<&str, ()>> {
    let value = headers.get(header::AUTHORIZATION)?;
    let parsed = value
        .to_str()
        .ok()
        .and_then(|v| v.split_once(' '))
        .filter(|(scheme, _)| scheme.eq_ignore_ascii_case("bearer"))
        .map(|(_, secret)| secret.trim())
        .filter(|secret| !secret.is_empty())
        .ok_or(());
    Some(parsed)
}

impl FromRequestParts<AppState> for ApiCaller {
    type Rejection = WebError;

    async fn from_request_parts(parts: &mut Parts, state: &AppState) -> Result<Self, Self::Rejection> {
        let request_id = parts
            .headers
            .get(&crate::middleware::REQUEST_ID_HEADER)
            .and_then(|v| v.to_str().ok())
            .map(|id| id.chars().take(64).collect());
        // A token, when one is presented, is the only credential considered: never fall back to the cookie.
        if let Some(presented) = bearer(&parts.headers) {
            let refused = WebError::Unauthenticated { token_refused: true };
            let secret = presented.map_err(|()| refused)?;
            let Some(found) = lis_store::api_tokens::authenticate(&state.db, secret, Utc::now()).await? else {
                tracing::info!("an API request presented an unknown, revoked or expired token");
                return Err(WebError::Unauthenticated { token_refused: true });
            };
            return Ok(Self {
                principal: found.principal,
                organisation_id: found.token.organisation_id,
                credential: Credential::Token {
                    id: found.token.id,
                    issued_by: found.token.created_by,
                },
                request_id,
            });
        }
        let visitor = parts.extensions.get::<Visitor>().cloned().unwrap_or_default();
        match visitor.signed_in {
            Some(signed_in) => Ok(Self {
                principal: signed_in.principal,
                organisation_id: signed_in.person.organisation_id,
                credential: Credential::Session {
                    person_id: signed_in.person.id,
                },
                request_id,
            }),
            None => Err(WebError::Unauthenticated { token_refused: false }),
        }
    }
}

impl ApiCaller {
    /// Who is changing data, for the services and the audit trail: the token (and who issued it), or the person.
    pub fn change_context(&self) -> ChangeContext {
        match self.credential {
            Credential::Token { id, issued_by } => ChangeContext::token(id, issued_by, self.request_id.clone()),
            Credential::Session { person_id } => ChangeContext::person(person_id, self.request_id.clone()),
        }
    }

    /// The person whose records count as their own: the signed-in person; a token is named on no record.
    pub fn person_id(&self) -> Option<i64> {
        match self.credential {
            Credential::Token { .. } => None,
            Credential::Session { person_id } => Some(person_id),
        }
    }

    /// Asks the one authorization function, as the pages do; a refusal is written to the audit trail. A change
    /// allowed to a browser session is still refused: through the API, data is changed with a token only, so that
    /// no ambient credential (a cookie) can be ridden by another site.
    pub async fn authorize(&self, state: &AppState, action: Action, resource: Resource) -> Result<(), WebError> {
        if let Err(denied) = lis_domain::authorize(&self.principal, action, resource) {
            let ctx = self.change_context();
            crate::audit_log::access_denied(state, &ctx, self.organisation_id, action, resource).await;
            return Err(WebError::Forbidden(denied));
        }
        if action == Action::Change && matches!(self.credential, Credential::Session { .. }) {
            return Err(WebError::TokenRequired);
        }
        Ok(())
    }
}

#[cfg(test)]
mod tests {
    use axum::http::HeaderValue;

    use super::*;

    #[test]
    fn only_bearer_credentials_are_read() {
        let mut headers = HeaderMap::new();
        assert_eq!(bearer(&headers), None);
        headers.insert(header::AUTHORIZATION, HeaderValue::from_static("Bearer lis_abc"));
        assert_eq!(bearer(&headers), Some(Ok("lis_abc")));
        headers.insert(header::AUTHORIZATION, HeaderValue::from_static("bearer  lis_abc "));
        assert_eq!(bearer(&headers), Some(Ok("lis_abc")));
        for other in ["Basic dXNlcjpwdw==", "Bearer", "Bearer ", "lis_abc"] {
            headers.insert(header::AUTHORIZATION, HeaderValue::from_static(other));
            assert_eq!(bearer(&headers), Some(Err(())), "{other}");
        }
    }
}
