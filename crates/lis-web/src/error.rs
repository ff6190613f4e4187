//! The one error type of the web layer and the page a person sees instead of a stack trace.

use axum::http::StatusCode;
use axum::response::{IntoResponse, Response};
use lis_store::StoreError;

/// Why a request could not be answered as asked.
#[derive(Debug, thiserror::Error)]
pub enum WebError {
    /// No page or record at this address.
    #[error("not found")]
    NotFound,
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
            Self::Unavailable(_) => StatusCode::SERVICE_UNAVAILABLE,
            Self::Internal(_) => StatusCode::INTERNAL_SERVER_ERROR,
        }
    }

    /// The prefix of the message keys that explain this error (`<prefix>_title`, `<prefix>_text`).
    pub fn message_key(&self) -> &'static str {
        match self {
            Self::NotFound => "error_not_found",
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
        let cause = match &self {
            Self::NotFound => None,
            Self::Unavailable(cause) | Self::Internal(cause) => Some(cause.clone()),
        };
        let mut response = self.status().into_response();
        response.extensions_mut().insert(ErrorReport {
            message_key: self.message_key(),
            cause,
        });
        response
    }
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
        let from_store = WebError::from(StoreError::NotFound {
            kind: "org_unit",
            id: "1".into(),
        });
        assert_eq!(from_store.status(), StatusCode::NOT_FOUND);
    }
}
