//! Sessions: idle and absolute timeouts, disabled people, a person without a role, the rate limit.

use axum::http::StatusCode;
use chrono::{Duration, Utc};
use lis_domain::Role;
use lis_store::entity::session;
use lis_tests::{BASE_URL, Backend, TestApp, on_both_databases};
use lis_web::WebConfig;
use sea_orm::{ActiveModelTrait, ActiveValue::Set, ColumnTrait, EntityTrait, PaginatorTrait, QueryFilter};

async fn the_session_of(app: &TestApp, person_id: i64) -> session::Model {
    session::Entity::find()
        .filter(session::Column::PersonId.eq(person_id))
        .one(&app.db)
        .await
        .expect("query")
        .expect("a session")
}

async fn an_idle_session_ends(backend: Backend) {
    let app = TestApp::demo(backend).await;
    let session = app.sign_in_as(Some(Role::Auditor)).await;
    assert_eq!(app.get_as(&session, "/").await.status, StatusCode::OK);
    let stored = the_session_of(&app, session.person_id).await;
    let idle = app.config.session_policy.idle;
    session::ActiveModel {
        id: Set(stored.id),
        last_seen_at: Set(Utc::now() - idle - Duration::seconds(1)),
        ..Default::default()
    }
    .update(&app.db)
    .await
    .expect("age the session");
    assert_eq!(
        app.get_as(&session, "/").await.status,
        StatusCode::SEE_OTHER,
        "an idle session is refused"
    );
    let left = session::Entity::find()
        .filter(session::Column::PersonId.eq(session.person_id))
        .count(&app.db)
        .await;
    assert_eq!(left.expect("count"), 0, "and deleted");
}

async fn a_session_ends_at_its_absolute_lifetime_however_busy(backend: Backend) {
    let app = TestApp::demo(backend).await;
    let session = app.sign_in_as(Some(Role::Auditor)).await;
    let stored = the_session_of(&app, session.person_id).await;
    let lifetime = stored.expires_at - stored.created_at;
    assert_eq!(
        lifetime, app.config.session_policy.absolute,
        "a signed-in session lasts the absolute lifetime"
    );
    session::ActiveModel {
        id: Set(stored.id),
        expires_at: Set(Utc::now() - Duration::seconds(1)),
        ..Default::default()
    }
    .update(&app.db)
    .await
    .expect("expire the session");
    assert_eq!(app.get_as(&session, "/").await.status, StatusCode::SEE_OTHER);
}

async fn a_person_without_a_role_is_told_whom_to_ask(backend: Backend) {
    let app = TestApp::demo(backend).await;
    let session = app.sign_in_as(None).await;
    let response = app.get_as(&session, "/").await;
    assert_eq!(response.status, StatusCode::FORBIDDEN);
    let body = &response.body;
    assert!(body.contains("Du har ingen roll i LIS ännu"), "{body}");
    assert!(body.contains("Utan Roll"), "their own name is shown: {body}");
    assert!(
        body.contains("Karin Lindqvist"),
        "the demo's administrator is named: {body}"
    );
    let account = app.get_as(&session, "/me").await;
    assert_eq!(account.status, StatusCode::OK, "their own account page works");
    assert!(account.body.contains("Ingen roll"), "{}", account.body);
}

async fn auth_routes_are_rate_limited(backend: Backend) {
    let mut config = WebConfig::new(BASE_URL);
    config.auth_requests_per_minute = 2;
    let app = TestApp::with_config(backend, config, None).await;
    assert_eq!(app.get("/auth/login").await.status, StatusCode::SERVICE_UNAVAILABLE);
    assert_eq!(app.get("/auth/callback").await.status, StatusCode::SERVICE_UNAVAILABLE);
    let limited = app.get("/auth/login").await;
    assert_eq!(limited.status, StatusCode::TOO_MANY_REQUESTS);
    assert!(limited.body.contains("För många försök"), "{}", limited.body);
    assert_eq!(
        app.get("/healthz").await.status,
        StatusCode::OK,
        "other routes are not limited"
    );
}

on_both_databases!(
    an_idle_session_ends,
    a_session_ends_at_its_absolute_lifetime_however_busy,
    a_person_without_a_role_is_told_whom_to_ask,
    auth_routes_are_rate_limited,
);
