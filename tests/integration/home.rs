//! The start page: the organisation tree, in Swedish by default and in English on request.

use axum::body::Body;
use axum::http::{Request, StatusCode, header};
use lis_domain::Role;
use lis_tests::{Backend, TestApp, on_both_databases};

async fn start_page_shows_the_demo_municipality_in_swedish(backend: Backend) {
    let app = TestApp::demo(backend).await;
    let session = app.sign_in_as(Some(Role::Auditor)).await;
    let response = app.get_as(&session, "/").await;
    assert_eq!(response.status, StatusCode::OK);
    assert!(response.header("content-type").starts_with("text/html"));
    let body = &response.body;
    assert!(body.contains(r#"<html lang="sv">"#), "{body}");
    assert!(body.contains("<h1>Exempelkommun</h1>"), "{body}");
    assert!(body.contains("Demoläge"), "the demo banner is shown");
    for unit in [
        "Kommunfullmäktige",
        "Kommunstyrelsen",
        "Socialnämnden",
        "Sektor utbildning",
        "Hemtjänsten",
    ] {
        assert!(body.contains(unit), "{unit} is missing from the start page");
    }
    // Nested: the förvaltning is listed inside its nämnd's list item.
    let namnd = body.find("Barn- och utbildningsnämnden").expect("nämnd");
    let sektor = body.find("Sektor utbildning").expect("sektor");
    assert!(
        namnd < sektor && !body[namnd..sektor].contains("</li>"),
        "Sektor utbildning is nested in its nämnd"
    );
    assert!(body.contains("47 organisatoriska enheter"), "{body}");
    assert!(
        body.contains("Test auditor (granskare)"),
        "the person and their role are shown: {body}"
    );
}

async fn english_on_request_and_kept_in_a_cookie(backend: Backend) {
    let app = TestApp::demo(backend).await;
    let session = app.sign_in_as(Some(Role::Ciso)).await;
    let response = app.get_as(&session, "/?lang=en").await;
    assert_eq!(response.status, StatusCode::OK);
    assert!(response.body.contains(r#"<html lang="en">"#));
    assert!(response.body.contains("Information security management system"));
    assert!(response.body.contains("På svenska"), "offers the way back to Swedish");
    let cookie = response.header("set-cookie");
    assert!(
        cookie.starts_with("lis_lang=en;") && cookie.contains("SameSite=Lax"),
        "{cookie}"
    );

    let cookies = format!("lis_lang=en; {}", session.cookie);
    let request = Request::get("/")
        .header(header::COOKIE, cookies)
        .body(Body::empty())
        .expect("request");
    let again = app.request(request).await;
    assert!(
        again.body.contains(r#"<html lang="en">"#),
        "the cookie keeps the choice"
    );
    assert!(again.header("set-cookie").is_empty(), "nothing to set without ?lang=");
}

async fn anonymous_visitors_are_sent_to_sign_in(backend: Backend) {
    let app = TestApp::new(backend).await;
    let response = app.get("/admin/people?sort=name").await;
    assert_eq!(response.status, StatusCode::SEE_OTHER);
    assert_eq!(
        response.header("location"),
        "/auth/login?return_to=/admin/people%3Fsort%3Dname"
    );
}

async fn unknown_addresses_get_a_swedish_404_page(backend: Backend) {
    let app = TestApp::new(backend).await;
    let response = app.get("/finns-inte").await;
    assert_eq!(response.status, StatusCode::NOT_FOUND);
    assert!(response.body.contains("Sidan finns inte"), "{}", response.body);
    assert!(response.body.contains(response.header("x-request-id")));
    let english = app.get("/finns-inte?lang=en").await;
    assert!(english.body.contains("Page not found"));
}

on_both_databases!(
    start_page_shows_the_demo_municipality_in_swedish,
    english_on_request_and_kept_in_a_cookie,
    anonymous_visitors_are_sent_to_sign_in,
    unknown_addresses_get_a_swedish_404_page,
);
