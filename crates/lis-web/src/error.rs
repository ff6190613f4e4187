//! The one error type of the web layer and what is shown instead of a stack trace: a page for the pages, an RFC 9457
//! problem document (`application/problem+json`) for `/api`.

use axum::http::{HeaderValue, StatusCode, header};
use axum::response::{IntoResponse, Response};
use lis_domain::Denied;
use lis_store::StoreError;
use serde::Serialize;

/// One refused value of an API request: the field (a property's id such as `name`, or a query parameter) and why,
/// in Swedish and English.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, utoipa::ToSchema)]
pub struct FieldError {
    /// The field: a property's id (`name`, `hosting`), `version`, or a query parameter (`per_page`).
    pub field: String,
    /// What is wrong, in Swedish.
    pub message_sv: String,
    /// What is wrong, in English.
    pub message_en: String,
}

impl FieldError {
    /// A problem with `field`, worded in both languages.
    pub fn new(field: impl Into<String>, message_sv: impl Into<String>, message_en: impl Into<String>) -> Self {
        Self {
            field: field.into(),
            message_sv: message_sv.into(),
            message_en: message_en.into(),
        }
    }
}

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
    /// The API's version of [`WebError::Conflict`]: nothing was saved, and the record as it is now goes back to the
    /// client, which can make its change again on it.
    #[error("the record has changed since the version the request names")]
    Stale {
        /// The record as it is now, as the API shows it.
        current: Box<serde_json::Value>,
    },
    /// The request cannot be carried out as things stand; the texts say why and go to the client.
    #[error("refused: {en}")]
    Refused {
        /// Why, in Swedish.
        sv: String,
        /// Why, in English.
        en: String,
    },
    /// Values of an API request were refused, each named with its field; nothing was changed.
    #[error("invalid values: {}", .0.iter().map(|e| e.field.as_str()).collect::<Vec<_>>().join(", "))]
    Invalid(Vec<FieldError>),
    /// An API request came without credentials, or with a token that is unknown, revoked or expired.
    #[error("no valid API token")]
    Unauthenticated {
        /// Whether a token was presented (and refused), rather than none at all.
        token_refused: bool,
    },
    /// An API request that changes data came with a session cookie rather than an API token.
    #[error("changes through the API need an API token")]
    TokenRequired,
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
            Self::SelfDisable | Self::Conflict(_) | Self::Stale { .. } | Self::Refused { .. } => StatusCode::CONFLICT,
            Self::BadForm(_) => StatusCode::BAD_REQUEST,
            Self::Invalid(_) => StatusCode::UNPROCESSABLE_ENTITY,
            Self::Unauthenticated { .. } | Self::TokenRequired => StatusCode::UNAUTHORIZED,
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
            Self::Conflict(_) | Self::Stale { .. } | Self::Refused { .. } => "error_conflict",
            Self::BadForm(_) => "error_bad_form",
            Self::Invalid(_) => "error_invalid",
            Self::Unauthenticated { .. } => "error_unauthenticated",
            Self::TokenRequired => "error_token_required",
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
            // Two changes at once that a unique index keeps apart (a name, or a first version, taken by someone else
            // in the same moment, after this change checked): the later is refused as a conflict, not a failure.
            StoreError::Database(ref db) if is_unique_violation(db) => Self::Conflict(err.to_string()),
            StoreError::PersonDisabled { .. } => Self::SignInFailed {
                status: StatusCode::FORBIDDEN,
                cause: err.to_string(),
            },
            StoreError::Conflict { .. }
            | StoreError::AlreadyExists { .. }
            | StoreError::RetireBlocked { .. }
            | StoreError::Cycle { .. }
            | StoreError::Import(_) => Self::Conflict(err.to_string()),
            StoreError::Classification(problems) => refused(
                &problems,
                lis_domain::classification::ClassificationProblem::swedish,
                lis_domain::classification::ClassificationProblem::english,
            ),
            StoreError::Status(problems) => refused(
                &problems,
                lis_domain::gap::StatusProblem::swedish,
                lis_domain::gap::StatusProblem::english,
            ),
            StoreError::Evidence(problem) => refused(
                &[problem],
                lis_domain::evidence::EvidenceProblem::swedish,
                lis_domain::evidence::EvidenceProblem::english,
            ),
            StoreError::Action(problems) => refused(
                &problems,
                lis_domain::action_plan::ActionProblem::swedish,
                lis_domain::action_plan::ActionProblem::english,
            ),
            StoreError::InvalidDatabaseUrl { .. }
            | StoreError::InvalidName { .. }
            | StoreError::Database(_)
            | StoreError::Files(_)
            | StoreError::Serialize(_) => Self::Internal(err.to_string()),
        }
    }
}

/// A command a rule refused, saying every problem in both languages.
fn refused<P>(problems: &[P], swedish: fn(&P) -> String, english: fn(&P) -> String) -> WebError {
    let join = |say: fn(&P) -> String| problems.iter().map(say).collect::<Vec<_>>().join(" ");
    WebError::Refused {
        sv: join(swedish),
        en: join(english),
    }
}

/// Whether a database error means the database cannot be reached rather than that a statement failed.
fn is_connection_failure(err: &sea_orm::DbErr) -> bool {
    matches!(err, sea_orm::DbErr::Conn(_) | sea_orm::DbErr::ConnectionAcquire(_))
}

/// Whether a database error is a unique index refusing a row that another change wrote first.
fn is_unique_violation(err: &sea_orm::DbErr) -> bool {
    matches!(err.sql_err(), Some(sea_orm::SqlErr::UniqueConstraintViolation(_)))
}

/// Carried on an error response so that the error-page middleware can log the cause once and render the page or
/// the problem document.
#[derive(Clone, Debug)]
pub(crate) struct ErrorReport {
    pub(crate) message_key: &'static str,
    pub(crate) cause: Option<String>,
    pub(crate) details: ProblemDetails,
}

/// What an error tells an API client beyond its status and texts.
#[derive(Clone, Debug, Default)]
pub(crate) enum ProblemDetails {
    /// Nothing more.
    #[default]
    None,
    /// The refused values, by field.
    Errors(Vec<FieldError>),
    /// The record as it is now.
    Current(Box<serde_json::Value>),
    /// Why, in place of the usual text: (Swedish, English).
    Detail(String, String),
}

/// The `WWW-Authenticate` challenge of the API (RFC 6750), naming a refused token as such.
fn bearer_challenge(token_refused: bool) -> HeaderValue {
    if token_refused {
        HeaderValue::from_static("Bearer realm=\"LIS\", error=\"invalid_token\"")
    } else {
        HeaderValue::from_static("Bearer realm=\"LIS\"")
    }
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
            Self::Refused { en, .. } => Some(en.clone()),
            Self::Invalid(_) | Self::Stale { .. } => Some(self.to_string()),
            Self::NotFound
            | Self::SignInRequired { .. }
            | Self::CsrfRejected
            | Self::SelfDisable
            | Self::TooManyRequests
            | Self::SignInNotConfigured
            | Self::Unauthenticated { .. }
            | Self::TokenRequired => None,
        };
        let mut response = self.status().into_response();
        match &self {
            Self::Unauthenticated { token_refused } => {
                response
                    .headers_mut()
                    .insert(header::WWW_AUTHENTICATE, bearer_challenge(*token_refused));
            }
            Self::TokenRequired => {
                response
                    .headers_mut()
                    .insert(header::WWW_AUTHENTICATE, bearer_challenge(false));
            }
            _ => {}
        }
        let message_key = self.message_key();
        let details = match self {
            Self::Invalid(errors) => ProblemDetails::Errors(errors),
            Self::Stale { current } => ProblemDetails::Current(current),
            Self::Refused { sv, en } => ProblemDetails::Detail(sv, en),
            _ => ProblemDetails::None,
        };
        response.extensions_mut().insert(ErrorReport {
            message_key,
            cause,
            details,
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
        assert_eq!(WebError::Invalid(Vec::new()).status(), StatusCode::UNPROCESSABLE_ENTITY);
        assert_eq!(WebError::TokenRequired.status(), StatusCode::UNAUTHORIZED);
        assert_eq!(
            WebError::Unauthenticated { token_refused: true }.status(),
            StatusCode::UNAUTHORIZED
        );
        let stale = WebError::Stale {
            current: Box::new(serde_json::Value::Null),
        };
        assert_eq!(stale.status(), StatusCode::CONFLICT);
        let from_store = WebError::from(StoreError::NotFound {
            kind: "org_unit",
            id: "1".into(),
        });
        assert_eq!(from_store.status(), StatusCode::NOT_FOUND);
    }

    #[test]
    fn the_api_asks_for_a_bearer_token() {
        let response = WebError::Unauthenticated { token_refused: true }.into_response();
        let challenge = response
            .headers()
            .get(header::WWW_AUTHENTICATE)
            .and_then(|v| v.to_str().ok());
        assert_eq!(challenge, Some("Bearer realm=\"LIS\", error=\"invalid_token\""));
        let response = WebError::TokenRequired.into_response();
        let challenge = response
            .headers()
            .get(header::WWW_AUTHENTICATE)
            .and_then(|v| v.to_str().ok());
        assert_eq!(challenge, Some("Bearer realm=\"LIS\""));
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
