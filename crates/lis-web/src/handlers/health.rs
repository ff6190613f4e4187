//! Probes for load balancers and orchestrators: `/healthz` (the process answers) and `/readyz` (the database
//! answers too).

use axum::extract::State;
use axum::http::StatusCode;

use crate::AppState;

/// `GET /healthz`: 200 as long as the process serves requests.
pub async fn healthz() -> &'static str {
    "ok\n"
}

/// `GET /readyz`: 200 when the database answers, 503 when it does not.
pub async fn readyz(State(state): State<AppState>) -> (StatusCode, &'static str) {
    match lis_store::database::ping(&state.db).await {
        Ok(()) => (StatusCode::OK, "ready\n"),
        Err(err) => {
            tracing::warn!(error = %err, "readiness check failed");
            (StatusCode::SERVICE_UNAVAILABLE, "database unavailable\n")
        }
    }
}
