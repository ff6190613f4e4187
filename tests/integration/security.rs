//! Security headers, request ids and the cross-origin check on every response.

use axum::body::Body;
use axum::http::{Request, StatusCode, header};
use lis_domain::Role;
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
        "/favicon.ico",
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
    let session = app.sign_in_as(Some(Role::Auditor)).await;
    assert_eq!(app.get_as(&session, "/").await.header("cache-control"), "no-store");
    assert!(
        app.get("/static/lis.css")
            .await
            .header("cache-control")
            .starts_with("public")
    );
}

async fn hsts_when_lis_is_reached_over_https(backend: Backend) {
    let app = TestApp::with_config(backend, WebConfig::new("https://lis.exempelkommun.se"), None).await;
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
    let session = app.sign_in_as(Some(Role::Admin)).await;
    let body = app.get_as(&session, "/").await.body;
    assert!(body.contains("<h1>Exempelkommun</h1>"), "{body}");
    assert!(!body.contains("<script"), "no script at all yet");
    assert!(
        !body.contains("style=") && !body.contains("<style"),
        "styles come from /static/lis.css only"
    );
    assert!(body.contains(r#"<link rel="stylesheet" href="/static/lis.css">"#));
}

async fn cross_site_posts_are_refused_before_they_reach_a_handler(backend: Backend) {
    let app = TestApp::demo(backend).await;
    let session = app.sign_in_as(Some(Role::Admin)).await;
    let mapping = format!("csrf_token={}&mapping=evil%3Dadmin", session.csrf_token);
    for (name, value) in [("origin", "https://evil.example"), ("sec-fetch-site", "cross-site")] {
        let request = Request::post("/admin/role-mapping")
            .header(header::COOKIE, &session.cookie)
            .header(header::CONTENT_TYPE, "application/x-www-form-urlencoded")
            .header(name, value)
            .body(Body::from(mapping.clone()))
            .expect("request");
        let response = app.request(request).await;
        assert_eq!(response.status, StatusCode::FORBIDDEN, "{name}: {value}");
    }
    let organisation = app.organisation_id().await;
    let entries = lis_store::role_mapping::entries(&app.db, organisation)
        .await
        .expect("entries");
    assert!(entries.is_empty(), "nothing was saved: {entries:?}");
}

async fn forms_without_the_session_token_are_refused(backend: Backend) {
    let app = TestApp::demo(backend).await;
    let session = app.sign_in_as(Some(Role::Admin)).await;
    let wrong = app
        .post_form(
            Some(&session.cookie),
            "/admin/role-mapping",
            &[("csrf_token", "gissat"), ("mapping", "x=admin")],
        )
        .await;
    assert_eq!(wrong.status, StatusCode::FORBIDDEN);
    assert!(wrong.body.contains("Formuläret kunde inte tas emot"), "{}", wrong.body);
    let missing = app
        .post_form(Some(&session.cookie), "/admin/role-mapping", &[("mapping", "x=admin")])
        .await;
    assert_eq!(missing.status, StatusCode::BAD_REQUEST);
    let organisation = app.organisation_id().await;
    assert!(
        lis_store::role_mapping::entries(&app.db, organisation)
            .await
            .expect("entries")
            .is_empty()
    );
}

on_both_databases!(
    every_response_carries_the_security_headers,
    hsts_when_lis_is_reached_over_https,
    a_given_request_id_is_kept,
    the_page_loads_no_inline_script_or_style,
    cross_site_posts_are_refused_before_they_reach_a_handler,
    forms_without_the_session_token_are_refused,
);
