//! [`TestApp`]: the real router over a fresh database, driven in-process, with signed-in sessions made directly in
//! the database for the many tests that need a person but not a provider round trip.

use axum::Router;
use axum::body::Body;
use axum::http::{HeaderMap, Request, StatusCode, header};
use http_body_util::BodyExt;
use lis_domain::{Role, RoleGrant};
use lis_store::audit::ChangeContext;
use lis_store::people::SignInIdentity;
use lis_store::sessions::SessionData;
use lis_store::{Backend, DatabaseConnection, DatabaseUrl, TransactionTrait};
use lis_web::auth::oidc::Oidc;
use lis_web::{App, AppState, Templates, WebConfig};
use tower::ServiceExt;

use crate::postgres::{self, DroppedDatabase};

/// The base URL the test application believes it is reached at.
pub const BASE_URL: &str = "http://127.0.0.1:8080";

/// The application over a fresh, migrated database of its own.
#[derive(Debug)]
pub struct TestApp {
    /// The database, for arranging data and checking what requests changed.
    pub db: DatabaseConnection,
    /// The configuration the router was built with.
    pub config: WebConfig,
    router: Router,
    // Declared last so that the database is dropped after the pool above is.
    _database: Option<DroppedDatabase>,
}

/// A signed-in browser: the cookie to send, the session's CSRF token and the person's id.
#[derive(Clone, Debug)]
pub struct TestSession {
    /// The `Cookie` header value.
    pub cookie: String,
    /// The CSRF token the session's forms carry.
    pub csrf_token: String,
    /// The signed-in person.
    pub person_id: i64,
}

impl TestApp {
    /// A migrated, empty database on the given backend, served as `lis serve` would.
    pub async fn new(backend: Backend) -> Self {
        Self::with_config(backend, WebConfig::new(BASE_URL), None).await
    }

    /// The demo: Exempelkommun and its people loaded, with the demo banner and the demo sign-in.
    pub async fn demo(backend: Backend) -> Self {
        let mut config = WebConfig::new(BASE_URL);
        config.demo = true;
        let app = Self::with_config(backend, config, None).await;
        lis_store::demo::load(&app.db, &lis_store::demo::exempelkommun())
            .await
            .expect("load the demo");
        app
    }

    /// A migrated, empty database with the given web configuration and sign-in client.
    pub async fn with_config(backend: Backend, config: WebConfig, oidc: Option<Oidc>) -> Self {
        let (db, database) = migrated_connection(backend).await;
        let catalog = std::sync::Arc::new(lis_catalog::shipped().expect("the shipped catalogue"));
        lis_store::catalogues::register_shipped(&db, &catalog)
            .await
            .expect("register the catalogue");
        let questionnaire = std::sync::Arc::new(lis_catalog::questionnaire::shipped().expect("the shipped questions"));
        let app = App::new(
            db.clone(),
            Templates::for_this_build(),
            config.clone(),
            oidc,
            catalog,
            questionnaire,
        );
        Self {
            db,
            config,
            router: lis_web::router(AppState::new(app)),
            _database: database,
        }
    }

    /// The organisation people sign in to: the first one, created as "Testkommun" when there is none.
    pub async fn organisation_id(&self) -> i64 {
        lis_store::setup::ensure_organisation(&self.db, "Testkommun", &[])
            .await
            .expect("an organisation")
            .id
    }

    /// Creates a person holding `role` (or none) and a signed-in session for them.
    pub async fn sign_in_as(&self, role: Option<Role>) -> TestSession {
        let organisation_id = self.organisation_id().await;
        let ctx = ChangeContext::system("test");
        let txn = self.db.begin().await.expect("begin");
        let name = role.map_or("Utan Roll".to_owned(), |r| format!("Test {r}"));
        let subject = format!("test-{}", lis_store::sessions::new_token());
        let identity = SignInIdentity {
            issuer: "urn:lis:test".to_owned(),
            subject,
            display_name: name,
            email: None,
            groups: Vec::new(),
        };
        let person = lis_store::people::create(&txn, &ctx, organisation_id, &identity)
            .await
            .expect("person");
        if let Some(role) = role {
            let grant = RoleGrant {
                role,
                org_unit_id: None,
            };
            lis_store::people::grant_role(&txn, &ctx, organisation_id, person.id, grant)
                .await
                .expect("role");
        }
        txn.commit().await.expect("commit");
        self.session_for(person.id).await
    }

    /// A new signed-in session for an existing person.
    pub async fn session_for(&self, person_id: i64) -> TestSession {
        let data = SessionData {
            csrf_token: lis_store::sessions::new_token(),
            ..SessionData::default()
        };
        let token = lis_store::sessions::create(&self.db, &self.config.session_policy, Some(person_id), &data)
            .await
            .expect("session");
        TestSession {
            cookie: format!("lis_session={token}"),
            csrf_token: data.csrf_token,
            person_id,
        }
    }

    /// Imports one of the OSCAL catalogs in `tests/fixtures/oscal` as a read-only catalogue and returns what was
    /// stored and what was read.
    pub async fn import_oscal_fixture(
        &self,
        file: &str,
    ) -> (
        lis_store::entity::catalogue_version::Model,
        lis_catalog::import::ImportedCatalog,
    ) {
        let path = std::path::Path::new(env!("CARGO_MANIFEST_DIR"))
            .join("fixtures/oscal")
            .join(file);
        let text = std::fs::read_to_string(&path).unwrap_or_else(|e| panic!("{}: {e}", path.display()));
        let imported = lis_catalog::import::import_oscal_catalog(file, &text).expect("an importable fixture");
        let ctx = ChangeContext::system("test");
        let stored = lis_store::catalogues::import_oscal(&self.db, &ctx, &imported)
            .await
            .expect("stored");
        (stored, imported)
    }

    /// Sends a GET request.
    pub async fn get(&self, uri: &str) -> TestResponse {
        self.request(Request::get(uri).body(Body::empty()).expect("request"))
            .await
    }

    /// Sends a GET request as a signed-in session.
    pub async fn get_as(&self, session: &TestSession, uri: &str) -> TestResponse {
        let request = Request::get(uri)
            .header(header::COOKIE, &session.cookie)
            .body(Body::empty())
            .expect("request");
        self.request(request).await
    }

    /// Sends a GET request as a signed-in session and returns the body's bytes (for downloads that are not text).
    pub async fn get_as_bytes(&self, session: &TestSession, uri: &str) -> Vec<u8> {
        let request = Request::get(uri)
            .header(header::COOKIE, &session.cookie)
            .body(Body::empty())
            .expect("request");
        let response = self
            .router
            .clone()
            .oneshot(request)
            .await
            .expect("the router is infallible");
        assert!(response.status().is_success(), "{uri}: {}", response.status());
        response
            .into_body()
            .collect()
            .await
            .expect("read the body")
            .to_bytes()
            .to_vec()
    }

    /// Posts a form as a session, adding the session's CSRF token to the fields.
    pub async fn post_form_as(&self, session: &TestSession, uri: &str, fields: &[(&str, &str)]) -> TestResponse {
        let mut all: Vec<(&str, &str)> = vec![("csrf_token", session.csrf_token.as_str())];
        all.extend_from_slice(fields);
        self.post_form(Some(&session.cookie), uri, &all).await
    }

    /// Posts a `multipart/form-data` form as a session, as a browser sends a file: the session's CSRF token and one
    /// file field.
    pub async fn post_multipart_as(
        &self,
        session: &TestSession,
        uri: &str,
        field: &str,
        file_name: &str,
        content: &[u8],
    ) -> TestResponse {
        let boundary = "----lis-test-boundary";
        let mut body = format!(
            "--{boundary}\r\nContent-Disposition: form-data; name=\"csrf_token\"\r\n\r\n{}\r\n--{boundary}\r\n\
             Content-Disposition: form-data; name=\"{field}\"; filename=\"{file_name}\"\r\n\
             Content-Type: application/octet-stream\r\n\r\n",
            session.csrf_token
        )
        .into_bytes();
        body.extend_from_slice(content);
        body.extend_from_slice(format!("\r\n--{boundary}--\r\n").as_bytes());
        let request = Request::post(uri).header(header::COOKIE, &session.cookie).header(
            header::CONTENT_TYPE,
            format!("multipart/form-data; boundary={boundary}"),
        );
        self.request(request.body(Body::from(body)).expect("request")).await
    }

    /// Posts a form with exactly the given fields and cookie.
    pub async fn post_form(&self, cookie: Option<&str>, uri: &str, fields: &[(&str, &str)]) -> TestResponse {
        let body = fields
            .iter()
            .map(|(k, v)| format!("{}={}", encode(k), encode(v)))
            .collect::<Vec<_>>()
            .join("&");
        let mut request = Request::post(uri).header(header::CONTENT_TYPE, "application/x-www-form-urlencoded");
        if let Some(cookie) = cookie {
            request = request.header(header::COOKIE, cookie);
        }
        self.request(request.body(Body::from(body)).expect("request")).await
    }

    /// Issues an API token of `role` in the name of the person `issued_by`: (its id, its secret).
    pub async fn issue_token(&self, issued_by: i64, role: Role) -> (i64, String) {
        let organisation_id = self.organisation_id().await;
        let ctx = ChangeContext::system("test");
        let txn = self.db.begin().await.expect("begin");
        let new = lis_store::api_tokens::NewToken {
            name: format!("Testnyckel {role}"),
            role,
            expires_at: None,
        };
        let issued = lis_store::api_tokens::issue(&txn, &ctx, organisation_id, issued_by, new)
            .await
            .expect("issue a token");
        txn.commit().await.expect("commit");
        (issued.token.id, issued.secret)
    }

    /// Sends an API request with a bearer token (when given) and a JSON body (when given).
    pub async fn api(
        &self,
        method: axum::http::Method,
        uri: &str,
        token: Option<&str>,
        body: Option<serde_json::Value>,
    ) -> TestResponse {
        let mut request = Request::builder().method(method).uri(uri);
        if let Some(token) = token {
            request = request.header(header::AUTHORIZATION, format!("Bearer {token}"));
        }
        let body = match body {
            Some(json) => {
                request = request.header(header::CONTENT_TYPE, "application/json");
                Body::from(json.to_string())
            }
            None => Body::empty(),
        };
        self.request(request.body(body).expect("request")).await
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
            // Lossy, so that binary downloads (workbooks) can pass through the same helper.
            body: String::from_utf8_lossy(&bytes).into_owned(),
        }
    }
}

/// Percent-encodes a form value.
fn encode(value: &str) -> String {
    value
        .bytes()
        .map(|b| match b {
            b'A'..=b'Z' | b'a'..=b'z' | b'0'..=b'9' | b'-' | b'_' | b'.' | b'~' => (b as char).to_string(),
            b' ' => "+".to_owned(),
            other => format!("%{other:02X}"),
        })
        .collect()
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

    /// The body as JSON; panics with the body when it is not JSON.
    pub fn json(&self) -> serde_json::Value {
        serde_json::from_str(&self.body).unwrap_or_else(|err| panic!("not JSON ({err}): {}", self.body))
    }

    /// The session cookie this response sets, as a `Cookie` header value (`lis_session=…`), if it sets one.
    pub fn session_cookie(&self) -> Option<String> {
        self.headers
            .get_all(header::SET_COOKIE)
            .iter()
            .filter_map(|v| v.to_str().ok())
            .find(|v| v.starts_with("lis_session="))
            .and_then(|v| v.split(';').next())
            .map(str::to_owned)
    }
}
