//! The one error type of the web layer and the page a person sees instead of a stack trace.

use axum::http::{HeaderValue, StatusCode, header};
use axum::response::{IntoResponse, Response};
use lis_domain::Denied;
use lis_store::StoreError;

/// Why a request could not be answered as asked.
#[derive(Debug, thiserror::Error)]
pub enum WebError {
    /// No page or record at this address.
    #[error("not found")]
    NotFound,
    /// The page needs a signed-in person; the browser is sent to sign in and brought back to `return_to`.
    #[error("sign-in required")]
    SignInRequired {
        /// The local path to return to.
        return_to: String,
    },
    /// The authorization function refused.
    #[error("forbidden: {0}")]
    Forbidden(Denied),
    /// A form came without the session's CSRF token.
    #[error("the form's CSRF token is missing or wrong")]
    CsrfRejected,
    /// The record was changed by someone else since it was read; nothing was saved.
    #[error("conflict: {0}")]
    Conflict(String),
    /// A form's body did not parse.
    #[error("malformed form: {0}")]
    BadForm(String),
    /// An administrator tried to disable their own account.
    #[error("an administrator cannot disable themselves")]
    SelfDisable,
    /// Too many sign-in requests from one client.
    #[error("too many requests")]
    TooManyRequests,
    /// Sign-in is not configured on this installation.
    #[error("sign-in is not configured")]
    SignInNotConfigured,
    /// Sign-in failed: bad or missing state, a refused code, an invalid token, a disabled person.
    #[error("sign-in failed: {cause}")]
    SignInFailed {
        /// The status that fits the failure.
        status: StatusCode,
        /// What went wrong, for the log.
        cause: String,
    },
    /// The database does not answer.
    #[error("database unavailable: {0}")]
    Unavailable(String),
    /// A fault in LIS; the cause is logged, never shown.
    #[error("internal error: {0}")]
    Internal(String),
}

impl WebError {
    /// The HTTP status for this error.
    pub fn status(&self) -> StatusCode {
        match self {
            Self::NotFound => StatusCode::NOT_FOUND,
            Self::SignInRequired { .. } => StatusCode::SEE_OTHER,
            Self::Forbidden(_) | Self::CsrfRejected => StatusCode::FORBIDDEN,
            Self::SelfDisable | Self::Conflict(_) => StatusCode::CONFLICT,
            Self::BadForm(_) => StatusCode::BAD_REQUEST,
            Self::TooManyRequests => StatusCode::TOO_MANY_REQUESTS,
            Self::SignInNotConfigured | Self::Unavailable(_) => StatusCode::SERVICE_UNAVAILABLE,
            Self::SignInFailed { status, .. } => *status,
            Self::Internal(_) => StatusCode::INTERNAL_SERVER_ERROR,
        }
    }

    /// The prefix of the message keys that explain this error (`<prefix>_title`, `<prefix>_text`).
    pub fn message_key(&self) -> &'static str {
        match self {
            Self::NotFound => "error_not_found",
            Self::SignInRequired { .. } => "error_sign_in_required",
            Self::Forbidden(Denied::NoRole) => "error_no_role",
            Self::Forbidden(Denied::NotAllowed { .. }) => "error_forbidden",
            Self::CsrfRejected => "error_csrf",
            Self::SelfDisable => "error_self_disable",
            Self::Conflict(_) => "error_conflict",
            Self::BadForm(_) => "error_bad_form",
            Self::TooManyRequests => "error_rate_limited",
            Self::SignInNotConfigured => "error_sign_in_not_configured",
            Self::SignInFailed { .. } => "error_sign_in_failed",
            Self::Unavailable(_) => "error_unavailable",
            Self::Internal(_) => "error_internal",
        }
    }
}

impl From<StoreError> for WebError {
    fn from(err: StoreError) -> Self {
        match err {
            StoreError::NotFound { .. } => Self::NotFound,
            StoreError::Unreachable { .. } => Self::Unavailable(err.to_string()),
            StoreError::Database(ref db) if is_connection_failure(db) => Self::Unavailable(err.to_string()),
            StoreError::PersonDisabled { .. } => Self::SignInFailed {
                status: StatusCode::FORBIDDEN,
                cause: err.to_string(),
            },
            StoreError::Conflict { .. }
            | StoreError::AlreadyExists { .. }
            | StoreError::RetireBlocked { .. }
            | StoreError::Cycle { .. }
            | StoreError::Import(_) => Self::Conflict(err.to_string()),
            StoreError::InvalidDatabaseUrl { .. }
            | StoreError::InvalidName { .. }
            | StoreError::Database(_)
            | StoreError::Serialize(_) => Self::Internal(err.to_string()),
        }
    }
}

/// Whether a database error means the database cannot be reached rather than that a statement failed.
fn is_connection_failure(err: &sea_orm::DbErr) -> bool {
    matches!(err, sea_orm::DbErr::Conn(_) | sea_orm::DbErr::ConnectionAcquire(_))
}

/// Carried on an error response so that the error-page middleware can log the cause once and render the page.
#[derive(Clone, Debug)]
pub(crate) struct ErrorReport {
    pub(crate) message_key: &'static str,
    pub(crate) cause: Option<String>,
}

impl IntoResponse for WebError {
    fn into_response(self) -> Response {
        if let Self::SignInRequired { return_to } = &self {
            let target = format!("/auth/login?return_to={}", encode_query_value(return_to));
            let mut response = StatusCode::SEE_OTHER.into_response();
            if let Ok(location) = HeaderValue::from_str(&target) {
                response.headers_mut().insert(header::LOCATION, location);
            }
            return response;
        }
        let cause = match &self {
            Self::Unavailable(cause)
            | Self::Internal(cause)
            | Self::SignInFailed { cause, .. }
            | Self::BadForm(cause)
            | Self::Conflict(cause) => Some(cause.clone()),
            Self::Forbidden(denied) => Some(denied.to_string()),
            Self::NotFound
            | Self::SignInRequired { .. }
            | Self::CsrfRejected
            | Self::SelfDisable
            | Self::TooManyRequests
            | Self::SignInNotConfigured => None,
        };
        let mut response = self.status().into_response();
        response.extensions_mut().insert(ErrorReport {
            message_key: self.message_key(),
            cause,
        });
        response
    }
}

/// Percent-encodes a value for a query string.
pub(crate) fn encode_query_value(value: &str) -> String {
    value
        .bytes()
        .map(|b| match b {
            b'A'..=b'Z' | b'a'..=b'z' | b'0'..=b'9' | b'-' | b'_' | b'.' | b'~' | b'/' => (b as char).to_string(),
            other => format!("%{other:02X}"),
        })
        .collect()
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn statuses() {
        assert_eq!(WebError::NotFound.status(), StatusCode::NOT_FOUND);
        assert_eq!(
            WebError::Unavailable(String::new()).status(),
            StatusCode::SERVICE_UNAVAILABLE
        );
        assert_eq!(
            WebError::Internal(String::new()).status(),
            StatusCode::INTERNAL_SERVER_ERROR
        );
        assert_eq!(WebError::Forbidden(Denied::NoRole).status(), StatusCode::FORBIDDEN);
        assert_eq!(WebError::CsrfRejected.status(), StatusCode::FORBIDDEN);
        assert_eq!(WebError::TooManyRequests.status(), StatusCode::TOO_MANY_REQUESTS);
        let from_store = WebError::from(StoreError::NotFound {
            kind: "org_unit",
            id: "1".into(),
        });
        assert_eq!(from_store.status(), StatusCode::NOT_FOUND);
    }

    #[test]
    fn sign_in_redirects_keep_the_way_back() {
        let response = WebError::SignInRequired {
            return_to: "/admin/people?q=a b".into(),
        }
        .into_response();
        assert_eq!(response.status(), StatusCode::SEE_OTHER);
        let location = response.headers().get(header::LOCATION).and_then(|v| v.to_str().ok());
        assert_eq!(location, Some("/auth/login?return_to=/admin/people%3Fq%3Da%20b"));
    }
}
