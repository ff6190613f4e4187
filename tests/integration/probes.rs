//! `/healthz` and `/readyz`.

use axum::http::StatusCode;
use lis_tests::{Backend, TestApp, on_both_databases};

async fn healthz_answers_while_the_process_runs(backend: Backend) {
    let app = TestApp::new(backend).await;
    let response = app.get("/healthz").await;
    assert_eq!(response.status, StatusCode::OK);
    assert_eq!(response.body, "ok\n");
}

async fn readyz_answers_when_the_database_does(backend: Backend) {
    let app = TestApp::new(backend).await;
    let response = app.get("/readyz").await;
    assert_eq!(response.status, StatusCode::OK);
    assert_eq!(response.body, "ready\n");
}

async fn readyz_is_503_when_the_database_is_gone(backend: Backend) {
    let app = TestApp::new(backend).await;
    app.db.close_by_ref().await.expect("close the pool");
    let response = app.get("/readyz").await;
    assert_eq!(response.status, StatusCode::SERVICE_UNAVAILABLE);
    assert_eq!(response.body, "database unavailable\n");
    // The process itself is still alive.
    assert_eq!(app.get("/healthz").await.status, StatusCode::OK);
}

async fn pages_say_the_database_is_unavailable_when_it_is_gone(backend: Backend) {
    let app = TestApp::new(backend).await;
    let session = app.sign_in_as(Some(lis_domain::Role::Auditor)).await;
    app.db.close_by_ref().await.expect("close the pool");
    let response = app.get_as(&session, "/").await;
    assert_eq!(response.status, StatusCode::SERVICE_UNAVAILABLE);
    assert!(
        response.body.contains("LIS är inte tillgängligt just nu"),
        "{}",
        response.body
    );
    let request_id = response.header("x-request-id");
    assert!(!request_id.is_empty());
    assert!(response.body.contains(request_id), "the page names the request id");
}

on_both_databases!(
    healthz_answers_while_the_process_runs,
    readyz_answers_when_the_database_does,
    readyz_is_503_when_the_database_is_gone,
    pages_say_the_database_is_unavailable_when_it_is_gone,
);
