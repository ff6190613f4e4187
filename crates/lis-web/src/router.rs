//! Every route of LIS in one place, and the layers around them.

use axum::Router;
use axum::middleware::from_fn_with_state;
use axum::routing::get;
use tower::ServiceBuilder;
use tower_http::catch_panic::CatchPanicLayer;
use tower_http::request_id::{MakeRequestUuid, PropagateRequestIdLayer, SetRequestIdLayer};
use tower_http::trace::TraceLayer;

use crate::handlers::{health, home, statics};
use crate::middleware::{self, REQUEST_ID_HEADER};
use crate::{AppState, WebError};

/// Builds the whole application: pages, probes and static files, wrapped in request ids, tracing, security
/// headers, the language cookie and error pages.
pub fn router(state: AppState) -> Router {
    let pages = Router::new().route("/", get(home::home));
    let probes = Router::new()
        .route("/healthz", get(health::healthz))
        .route("/readyz", get(health::readyz));
    let assets = Router::new()
        .route("/static/lis.css", get(statics::stylesheet))
        .route("/static/favicon.svg", get(statics::icon))
        .route("/favicon.ico", get(statics::icon));

    let layers = ServiceBuilder::new()
        .layer(SetRequestIdLayer::new(REQUEST_ID_HEADER, MakeRequestUuid))
        .layer(TraceLayer::new_for_http().make_span_with(middleware::request_span))
        .layer(PropagateRequestIdLayer::new(REQUEST_ID_HEADER))
        .layer(CatchPanicLayer::new())
        .layer(from_fn_with_state(state.clone(), middleware::security_headers))
        .layer(from_fn_with_state(state.clone(), middleware::remember_language))
        .layer(from_fn_with_state(state.clone(), middleware::error_pages));

    Router::new()
        .merge(pages)
        .merge(probes)
        .merge(assets)
        .fallback(not_found)
        .layer(layers)
        .with_state(state)
}

async fn not_found() -> WebError {
    WebError::NotFound
}
