//! Files served from the binary: the stylesheet, the icon and the one script. Nothing is loaded from another origin.

use axum::http::header;
use axum::response::IntoResponse;

/// The stylesheet, compiled into the binary.
const STYLESHEET: &str = include_str!("../../static/lis.css");

/// The icon browsers show in tabs and bookmarks, compiled into the binary.
const ICON: &str = include_str!("../../static/favicon.svg");

/// The script that keeps a running import's page up to date (pages work without it), compiled into the binary.
const PROGRESS_SCRIPT: &str = include_str!("../../static/progress.js");

/// A static file with its content type, cacheable for an hour.
fn asset(content_type: &'static str, body: &'static str) -> impl IntoResponse {
    (
        [
            (header::CONTENT_TYPE, content_type),
            (header::CACHE_CONTROL, "public, max-age=3600"),
        ],
        body,
    )
}

/// `GET /static/lis.css`.
pub async fn stylesheet() -> impl IntoResponse {
    asset("text/css; charset=utf-8", STYLESHEET)
}

/// `GET /static/favicon.svg`, also answered at `/favicon.ico`, where browsers look by default.
pub async fn icon() -> impl IntoResponse {
    asset("image/svg+xml", ICON)
}

/// `GET /static/progress.js`.
pub async fn progress_script() -> impl IntoResponse {
    asset("text/javascript; charset=utf-8", PROGRESS_SCRIPT)
}
