//! Fresh PostgreSQL databases for tests: a template migrated once per test process, copied for every test, and
//! dropped when the test ends.

use std::sync::atomic::{AtomicUsize, Ordering};

use lis_store::DatabaseUrl;
use sea_orm::{ConnectionTrait, DatabaseConnection};
use tokio::sync::OnceCell;

/// The variable that points the tests at a PostgreSQL server (any database on it; tests create their own).
pub const URL_VARIABLE: &str = "LIS_TEST_POSTGRES_URL";

/// Where the tests find PostgreSQL when [`URL_VARIABLE`] is not set.
pub const DEFAULT_URL: &str = "postgres://postgres@127.0.0.1:5432/postgres";

/// The prefix of every database the tests create, so that leftovers can be recognised.
const PREFIX: &str = "lis_test_";

/// The server's administrative URL.
pub fn admin_url() -> String {
    std::env::var(URL_VARIABLE).unwrap_or_else(|_| DEFAULT_URL.to_owned())
}

/// The URL of database `name` on the test server.
pub fn url_of(name: &str) -> String {
    let mut url = url::Url::parse(&admin_url()).unwrap_or_else(|e| panic!("{URL_VARIABLE} is not a URL: {e}"));
    url.set_path(name);
    url.to_string()
}

/// Connects to database `name` on the test server, or to the server's administrative database.
pub async fn connect(name: Option<&str>) -> DatabaseConnection {
    let raw = name.map_or_else(admin_url, url_of);
    let url = DatabaseUrl::parse(&raw).unwrap_or_else(|e| panic!("{URL_VARIABLE}: {e}"));
    lis_store::connect(&url).await.unwrap_or_else(|e| {
        panic!(
            "PostgreSQL is needed for this test and is not reachable ({e}). Start it, set {URL_VARIABLE}, or run \
             ./scripts/test, which skips the PostgreSQL part loudly when no server is available."
        )
    })
}

/// Runs one administrative statement (CREATE or DROP DATABASE) on the server.
pub async fn admin(sql: &str) {
    let db = connect(None).await;
    db.execute_unprepared(sql)
        .await
        .unwrap_or_else(|e| panic!("{sql}: {e}"));
    let _ = db.close().await;
}

/// A name for a new test database, unique on this server while this process runs.
pub fn fresh_name() -> String {
    static COUNTER: AtomicUsize = AtomicUsize::new(0);
    format!(
        "{PREFIX}{}_{}",
        std::process::id(),
        COUNTER.fetch_add(1, Ordering::Relaxed)
    )
}

/// Creates an empty database and returns its name; it is dropped with the returned guard.
pub async fn empty_database() -> DroppedDatabase {
    let name = fresh_name();
    admin(&format!("CREATE DATABASE {name}")).await;
    DroppedDatabase { name }
}

/// Creates a database with every migration applied, copied from a template migrated once per process.
pub async fn migrated_database() -> DroppedDatabase {
    let template = template().await;
    let name = fresh_name();
    admin(&format!("CREATE DATABASE {name} TEMPLATE {template}")).await;
    DroppedDatabase { name }
}

async fn template() -> &'static str {
    static TEMPLATE: OnceCell<String> = OnceCell::const_new();
    TEMPLATE
        .get_or_init(|| async {
            drop_leftovers().await;
            let name = format!("{PREFIX}{}_template", std::process::id());
            admin(&format!("DROP DATABASE IF EXISTS {name}")).await;
            admin(&format!("CREATE DATABASE {name}")).await;
            let db = connect(Some(&name)).await;
            lis_store::migrate::migrate(&db)
                .await
                .unwrap_or_else(|e| panic!("migrating the template: {e}"));
            let _ = db.close().await;
            name
        })
        .await
}

/// Drops test databases left by processes that no longer run (a test process killed before its guards ran).
async fn drop_leftovers() {
    let db = connect(None).await;
    let rows = db
        .query_all_raw(sea_orm::Statement::from_string(
            db.get_database_backend(),
            format!("SELECT datname FROM pg_database WHERE datname LIKE '{PREFIX}%'"),
        ))
        .await
        .unwrap_or_default();
    for row in rows {
        let Ok(name) = row.try_get::<String>("", "datname") else {
            continue;
        };
        let pid = name
            .trim_start_matches(PREFIX)
            .split('_')
            .next()
            .and_then(|p| p.parse::<u32>().ok());
        let alive = pid.is_some_and(|pid| std::path::Path::new(&format!("/proc/{pid}")).exists());
        if !alive {
            let _ = db
                .execute_unprepared(&format!("DROP DATABASE IF EXISTS {name} WITH (FORCE)"))
                .await;
        }
    }
    let _ = db.close().await;
}

/// A test database, dropped (with any connections still open to it) when this guard is dropped.
#[derive(Debug)]
pub struct DroppedDatabase {
    name: String,
}

impl DroppedDatabase {
    /// The database's name.
    pub fn name(&self) -> &str {
        &self.name
    }

    /// The database's URL.
    pub fn url(&self) -> String {
        url_of(&self.name)
    }
}

impl Drop for DroppedDatabase {
    fn drop(&mut self) {
        let sql = format!("DROP DATABASE IF EXISTS {} WITH (FORCE)", self.name);
        // Drop runs inside a test's runtime, which cannot be blocked on; a thread with its own runtime can.
        let dropped = std::thread::spawn(move || {
            let runtime = tokio::runtime::Builder::new_current_thread().enable_all().build();
            if let Ok(runtime) = runtime {
                runtime.block_on(admin(&sql));
            }
        })
        .join();
        if dropped.is_err() {
            eprintln!("warning: could not drop test database {}", self.name);
        }
    }
}
