//! Security headers and request ids on every response.

use axum::body::Body;
use axum::http::Request;
use lis_tests::{Backend, TestApp, on_both_databases};
use lis_web::WebConfig;

async fn every_response_carries_the_security_headers(backend: Backend) {
    let app = TestApp::demo(backend).await;
    for uri in [
        "/",
        "/?lang=en",
        "/healthz",
        "/readyz",
        "/static/lis.css",
        "/finns-inte",
    ] {
        let response = app.get(uri).await;
        let csp = response.header("content-security-policy");
        assert!(csp.contains("script-src 'self'"), "{uri}: {csp}");
        assert!(csp.contains("frame-ancestors 'none'"), "{uri}: {csp}");
        assert!(
            !csp.contains("unsafe-inline") && !csp.contains("unsafe-eval"),
            "{uri}: {csp}"
        );
        assert_eq!(response.header("x-content-type-options"), "nosniff", "{uri}");
        assert_eq!(response.header("referrer-policy"), "same-origin", "{uri}");
        assert_eq!(response.header("x-frame-options"), "DENY", "{uri}");
        assert!(!response.header("x-request-id").is_empty(), "{uri}");
        assert!(
            response.header("strict-transport-security").is_empty(),
            "{uri}: no HSTS over http"
        );
    }
    assert_eq!(app.get("/").await.header("cache-control"), "no-store");
    assert!(
        app.get("/static/lis.css")
            .await
            .header("cache-control")
            .starts_with("public")
    );
}

async fn hsts_when_lis_is_reached_over_https(backend: Backend) {
    let config = WebConfig {
        base_url: "https://lis.exempelkommun.se".into(),
        demo: false,
    };
    let app = TestApp::with_config(backend, config).await;
    let response = app.get("/?lang=en").await;
    assert!(response.header("strict-transport-security").starts_with("max-age="));
    assert!(response.header("set-cookie").contains("Secure"));
}

async fn a_given_request_id_is_kept(backend: Backend) {
    let app = TestApp::new(backend).await;
    let request = Request::get("/healthz")
        .header("x-request-id", "abc-123")
        .body(Body::empty())
        .expect("request");
    assert_eq!(app.request(request).await.header("x-request-id"), "abc-123");
}

async fn the_page_loads_no_inline_script_or_style(backend: Backend) {
    let app = TestApp::demo(backend).await;
    let body = app.get("/").await.body;
    assert!(!body.contains("<script"), "no script at all yet");
    assert!(
        !body.contains("style=") && !body.contains("<style"),
        "styles come from /static/lis.css only"
    );
    assert!(body.contains(r#"<link rel="stylesheet" href="/static/lis.css">"#));
}

on_both_databases!(
    every_response_carries_the_security_headers,
    hsts_when_lis_is_reached_over_https,
    a_given_request_id_is_kept,
    the_page_loads_no_inline_script_or_style,
);
