//! [`TestApp`]: the real router over a fresh database, driven in-process.

use axum::Router;
use axum::body::Body;
use axum::http::{HeaderMap, Request, StatusCode};
use http_body_util::BodyExt;
use lis_store::{Backend, DatabaseConnection, DatabaseUrl};
use lis_web::{App, AppState, Templates, WebConfig};
use tower::ServiceExt;

use crate::postgres::{self, DroppedDatabase};

/// The application over a fresh, migrated database of its own.
#[derive(Debug)]
pub struct TestApp {
    /// The database, for arranging data and checking what requests changed.
    pub db: DatabaseConnection,
    router: Router,
    // Declared last so that the database is dropped after the pool above is.
    _database: Option<DroppedDatabase>,
}

impl TestApp {
    /// A migrated, empty database on the given backend, served as `lis serve` would.
    pub async fn new(backend: Backend) -> Self {
        Self::with_config(
            backend,
            WebConfig {
                base_url: "http://127.0.0.1:8080".into(),
                demo: false,
            },
        )
        .await
    }

    /// The demo: Exempelkommun loaded, with the demo banner.
    pub async fn demo(backend: Backend) -> Self {
        let app = Self::with_config(
            backend,
            WebConfig {
                base_url: "http://127.0.0.1:8080".into(),
                demo: true,
            },
        )
        .await;
        lis_store::demo::load(&app.db, &lis_store::demo::exempelkommun())
            .await
            .expect("load the demo");
        app
    }

    /// A migrated, empty database with the given web configuration.
    pub async fn with_config(backend: Backend, config: WebConfig) -> Self {
        let (db, database) = migrated_connection(backend).await;
        let state = AppState::new(App {
            db: db.clone(),
            templates: Templates::for_this_build(),
            config,
        });
        Self {
            db,
            router: lis_web::router(state),
            _database: database,
        }
    }

    /// Sends a GET request.
    pub async fn get(&self, uri: &str) -> TestResponse {
        self.request(Request::get(uri).body(Body::empty()).expect("request"))
            .await
    }

    /// Sends any request.
    pub async fn request(&self, request: Request<Body>) -> TestResponse {
        let response = self
            .router
            .clone()
            .oneshot(request)
            .await
            .expect("the router is infallible");
        let (parts, body) = response.into_parts();
        let bytes = body.collect().await.expect("read the body").to_bytes();
        TestResponse {
            status: parts.status,
            headers: parts.headers,
            body: String::from_utf8(bytes.to_vec()).expect("a UTF-8 body"),
        }
    }
}

/// A fresh connection to an empty database with no migrations applied: in-memory SQLite, or a new PostgreSQL
/// database.
pub async fn empty_connection(backend: Backend) -> (DatabaseConnection, Option<DroppedDatabase>) {
    match backend {
        Backend::Sqlite => {
            let url = DatabaseUrl::parse("sqlite::memory:").expect("memory url");
            (lis_store::connect(&url).await.expect("open in-memory SQLite"), None)
        }
        Backend::Postgres => {
            let database = postgres::empty_database().await;
            let db = postgres::connect(Some(database.name())).await;
            (db, Some(database))
        }
    }
}

/// A fresh connection to a migrated database: in-memory SQLite, or a copy of the PostgreSQL template.
pub async fn migrated_connection(backend: Backend) -> (DatabaseConnection, Option<DroppedDatabase>) {
    match backend {
        Backend::Sqlite => {
            let (db, none) = empty_connection(backend).await;
            lis_store::migrate::migrate(&db).await.expect("migrate SQLite");
            (db, none)
        }
        Backend::Postgres => {
            let database = postgres::migrated_database().await;
            let db = postgres::connect(Some(database.name())).await;
            (db, Some(database))
        }
    }
}

/// A response, read whole.
#[derive(Debug)]
pub struct TestResponse {
    /// The status.
    pub status: StatusCode,
    /// The headers.
    pub headers: HeaderMap,
    /// The body as text.
    pub body: String,
}

impl TestResponse {
    /// A header's value as text, or "" when it is missing.
    pub fn header(&self, name: &str) -> &str {
        self.headers.get(name).and_then(|v| v.to_str().ok()).unwrap_or_default()
    }
}
