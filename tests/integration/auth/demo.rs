//! The demo sign-in: pick a demo person, get a new session; absent under `lis serve`.

use axum::http::StatusCode;
use lis_store::entity::person;
use lis_tests::{Backend, TestApp, on_both_databases};
use sea_orm::{ColumnTrait, EntityTrait, QueryFilter};

/// The demo page's session cookie and CSRF token, read from the page.
async fn open_demo_page(app: &TestApp) -> (String, String) {
    let page = app.get("/auth/demo").await;
    assert_eq!(page.status, StatusCode::OK, "{}", page.body);
    let cookie = page
        .session_cookie()
        .expect("the demo page starts a session for its form");
    let marker = r#"name="csrf_token" value=""#;
    let start = page.body.find(marker).expect("a CSRF token in the form") + marker.len();
    let token = page.body[start..].split('"').next().expect("token").to_owned();
    (cookie, token)
}

async fn demo_person_id(app: &TestApp, name: &str) -> i64 {
    person::Entity::find()
        .filter(person::Column::DisplayName.eq(name))
        .one(&app.db)
        .await
        .expect("query")
        .expect(name)
        .id
}

async fn a_visitor_signs_in_as_a_demo_person_and_out_again(backend: Backend) {
    let app = TestApp::demo(backend).await;
    let start = app.get("/").await;
    assert_eq!(start.status, StatusCode::SEE_OTHER);
    let login = app.get(start.header("location")).await;
    assert_eq!(
        login.status,
        StatusCode::SEE_OTHER,
        "the demo's login goes to the demo sign-in"
    );
    assert!(
        login.header("location").starts_with("/auth/demo"),
        "{}",
        login.header("location")
    );

    let (anonymous_cookie, token) = open_demo_page(&app).await;
    let page = app.get("/auth/demo").await;
    for name in [
        "Karin Lindqvist",
        "Per Sandberg",
        "Leila Haddad",
        "Gunnar Ek",
        "Maria Johansson",
    ] {
        assert!(page.body.contains(name), "{name} is offered");
    }
    let per = demo_person_id(&app, "Per Sandberg").await.to_string();
    let fields = [
        ("csrf_token", token.as_str()),
        ("person_id", per.as_str()),
        ("return_to", "/me"),
    ];
    let signed_in = app.post_form(Some(&anonymous_cookie), "/auth/demo", &fields).await;
    assert_eq!(signed_in.status, StatusCode::SEE_OTHER, "{}", signed_in.body);
    assert_eq!(signed_in.header("location"), "/me");
    let cookie = signed_in.session_cookie().expect("a new session");
    assert_ne!(cookie, anonymous_cookie, "signing in starts a new session id");

    let request = |cookie: &str, uri: &str| {
        axum::http::Request::get(uri)
            .header(axum::http::header::COOKIE, cookie)
            .body(axum::body::Body::empty())
            .expect("request")
    };
    let home = app.request(request(&cookie, "/")).await;
    assert_eq!(home.status, StatusCode::OK);
    assert!(
        home.body.contains("Per Sandberg (informationssäkerhetssamordnare)"),
        "{}",
        home.body
    );
    let old = app.request(request(&anonymous_cookie, "/")).await;
    assert_eq!(old.status, StatusCode::SEE_OTHER, "the pre-sign-in session is gone");

    // Sign out with the token of the new session, found in the page's sign-out form.
    let marker = r#"name="csrf_token" value=""#;
    let start = home.body.find(marker).expect("sign-out form") + marker.len();
    let csrf = home.body[start..].split('"').next().expect("token");
    let out = app
        .post_form(Some(&cookie), "/auth/logout", &[("csrf_token", csrf)])
        .await;
    assert_eq!(out.status, StatusCode::SEE_OTHER);
    assert_eq!(out.header("location"), "/");
    assert!(out.header("set-cookie").contains("Max-Age=0"), "the cookie is cleared");
    let after = app.request(request(&cookie, "/")).await;
    assert_eq!(
        after.status,
        StatusCode::SEE_OTHER,
        "the old cookie is refused after signing out"
    );

    let events = lis_store::audit::all_events(&app.db).await.expect("events");
    let actions: Vec<&str> = events.iter().map(|e| e.action.as_str()).collect();
    assert!(
        actions.contains(&"sign_in") && actions.contains(&"sign_out"),
        "{actions:?}"
    );
}

async fn the_demo_sign_in_needs_the_form_token(backend: Backend) {
    let app = TestApp::demo(backend).await;
    let (cookie, _token) = open_demo_page(&app).await;
    let karin = demo_person_id(&app, "Karin Lindqvist").await.to_string();
    let forged = app
        .post_form(
            Some(&cookie),
            "/auth/demo",
            &[("csrf_token", "x"), ("person_id", karin.as_str())],
        )
        .await;
    assert_eq!(forged.status, StatusCode::FORBIDDEN);
    assert!(forged.session_cookie().is_none(), "no session was created");
}

async fn the_demo_sign_in_does_not_exist_under_serve(backend: Backend) {
    let app = TestApp::new(backend).await;
    assert_eq!(app.get("/auth/demo").await.status, StatusCode::NOT_FOUND);
    let posted = app
        .post_form(None, "/auth/demo", &[("csrf_token", "x"), ("person_id", "1")])
        .await;
    assert_eq!(posted.status, StatusCode::NOT_FOUND);
    assert!(lis_web::route_table(false).iter().all(|r| r.path != "/auth/demo"));
    assert!(lis_web::route_table(true).iter().any(|r| r.path == "/auth/demo"));
}

async fn sign_in_without_a_provider_says_it_is_not_configured(backend: Backend) {
    let app = TestApp::new(backend).await;
    let response = app.get("/auth/login").await;
    assert_eq!(response.status, StatusCode::SERVICE_UNAVAILABLE);
    assert!(
        response.body.contains("Inloggning är inte konfigurerad"),
        "{}",
        response.body
    );
}

on_both_databases!(
    a_visitor_signs_in_as_a_demo_person_and_out_again,
    the_demo_sign_in_needs_the_form_token,
    the_demo_sign_in_does_not_exist_under_serve,
    sign_in_without_a_provider_says_it_is_not_configured,
);
