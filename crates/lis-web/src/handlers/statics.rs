//! Files served from the binary: the stylesheet. Nothing is loaded from another origin.

use axum::http::header;
use axum::response::IntoResponse;

/// The stylesheet, compiled into the binary.
const STYLESHEET: &str = include_str!("../../static/lis.css");

/// `GET /static/lis.css`.
pub async fn stylesheet() -> impl IntoResponse {
    (
        [
            (header::CONTENT_TYPE, "text/css; charset=utf-8"),
            (header::CACHE_CONTROL, "public, max-age=3600"),
        ],
        STYLESHEET,
    )
}
