//! LIS's HTTP layer: the router, handlers, templates, languages, security headers and error pages.
//!
//! Errors: handlers return [`WebError`], which becomes a plain Swedish (or English) page carrying the request id;
//! the cause is logged once, by the error-page middleware, never shown.

mod error;
mod handlers;
pub mod i18n;
mod middleware;
mod router;
mod state;
mod templates;

pub use error::WebError;
pub use router::router;
pub use state::{App, AppState, WebConfig};
pub use templates::Templates;
