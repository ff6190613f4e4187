//! LIS's HTTP layer: the router, handlers, templates, languages, security headers and error pages.
//!
//! Errors: handlers return [`WebError`], which becomes a plain Swedish (or English) page carrying the request id;
//! the cause is logged once, by the error-page middleware, never shown.

pub mod api;
mod audit_log;
pub mod auth;
mod download;
mod error;
mod form;
pub mod gap_analysis;
mod handlers;
mod heatmap;
pub mod i18n;
mod import_jobs;
pub mod inventory_files;
mod middleware;
mod page;
mod router;
mod state;
mod templates;
pub mod time;

pub use api::openapi_json;
pub use error::{FieldError, WebError};
pub use handlers::auth::DEMO_ISSUER;
pub use handlers::gaps::MY_GAPS_PER_PAGE;
pub use router::{RouteEntry, route_table, router};
pub use state::{App, AppState, WebConfig};
pub use templates::Templates;
