//! A fresh, migrated database per backend: a SQLite file in a directory of its own (WAL, one connection, as
//! `lis serve` runs it), or a new PostgreSQL database `lis_bench_<pid>` that is dropped at the end.

use std::path::PathBuf;
use std::sync::Arc;

use anyhow::{Context as _, Result, anyhow};
use lis_store::{Backend, DatabaseConnection, DatabaseUrl};
use sea_orm::ConnectionTrait;

use crate::queries::QueryLog;

/// The variable that points the benchmark at a PostgreSQL server (any database on it; the benchmark makes its own).
pub const POSTGRES_URL_VARIABLE: &str = "LIS_BENCH_POSTGRES_URL";

/// Where the benchmark finds PostgreSQL when [`POSTGRES_URL_VARIABLE`] is not set.
pub const DEFAULT_POSTGRES_URL: &str = "postgres://postgres@127.0.0.1:5432/postgres";

/// The prefix of the databases the benchmark creates, so that leftovers can be recognised.
const PREFIX: &str = "lis_bench_";

/// A database made for one run, with its query log.
pub struct FreshDatabase {
    /// The connection pool, as LIS opens it, with [`FreshDatabase::queries`] attached.
    pub db: DatabaseConnection,
    /// Every statement the pool runs, counted while recording.
    pub queries: Arc<QueryLog>,
    /// What it is, for the report: the server's version.
    pub version: String,
    /// Where it is, for the report, without any password.
    pub url: String,
    place: Place,
}

enum Place {
    Directory(PathBuf),
    Postgres { admin_url: String, name: String },
}

/// The PostgreSQL server's administrative URL.
pub fn postgres_admin_url() -> String {
    std::env::var(POSTGRES_URL_VARIABLE).unwrap_or_else(|_| DEFAULT_POSTGRES_URL.to_owned())
}

/// A database to measure on: SQLite, or PostgreSQL at an administrative URL.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct Target {
    /// Which database.
    pub backend: Backend,
    /// For PostgreSQL: the server's administrative URL (any database on it).
    pub postgres_url: Option<String>,
}

impl Target {
    /// SQLite in a file of its own.
    pub fn sqlite() -> Self {
        Self {
            backend: Backend::Sqlite,
            postgres_url: None,
        }
    }

    /// PostgreSQL at [`POSTGRES_URL_VARIABLE`] (or [`DEFAULT_POSTGRES_URL`]).
    pub fn postgres() -> Self {
        Self {
            backend: Backend::Postgres,
            postgres_url: Some(postgres_admin_url()),
        }
    }

    /// The same PostgreSQL server reached through its Unix socket in `dir` instead of TCP.
    pub fn postgres_socket(dir: &str) -> Result<Self> {
        let mut url = url::Url::parse(&postgres_admin_url()).map_err(|e| anyhow!("{POSTGRES_URL_VARIABLE}: {e}"))?;
        url.query_pairs_mut().append_pair("host", dir);
        Ok(Self {
            backend: Backend::Postgres,
            postgres_url: Some(url.to_string()),
        })
    }

    /// Its name in the report.
    pub fn label(&self) -> String {
        match (&self.backend, &self.postgres_url) {
            (Backend::Sqlite, _) => "SQLite".to_owned(),
            (Backend::Postgres, Some(url)) if url.contains("host=%2F") || url.contains("host=/") => {
                "PostgreSQL, Unix socket".to_owned()
            }
            (Backend::Postgres, _) => "PostgreSQL".to_owned(),
        }
    }
}

async fn admin(admin_url: &str, sql: &str) -> Result<()> {
    let url = DatabaseUrl::parse(admin_url).map_err(|e| anyhow!("{POSTGRES_URL_VARIABLE}: {e}"))?;
    let db = lis_store::connect(&url)
        .await
        .map_err(|e| anyhow!("PostgreSQL is not reachable ({e}); start it or set {POSTGRES_URL_VARIABLE}"))?;
    let result = db.execute_unprepared(sql).await;
    let _ = db.close().await;
    result.with_context(|| sql.to_owned())?;
    Ok(())
}

/// Drops benchmark databases left by processes that no longer run.
async fn drop_leftovers(admin_url: &str) -> Result<()> {
    let url = DatabaseUrl::parse(admin_url).map_err(|e| anyhow!("{POSTGRES_URL_VARIABLE}: {e}"))?;
    let db = lis_store::connect(&url)
        .await
        .map_err(|e| anyhow!("PostgreSQL is not reachable ({e}); start it or set {POSTGRES_URL_VARIABLE}"))?;
    let rows = db
        .query_all_raw(sea_orm::Statement::from_string(
            db.get_database_backend(),
            format!("SELECT datname FROM pg_database WHERE datname LIKE '{PREFIX}%'"),
        ))
        .await?;
    for row in rows {
        let Ok(name) = row.try_get::<String>("", "datname") else {
            continue;
        };
        let pid = name.trim_start_matches(PREFIX).parse::<u32>().ok();
        let alive = pid.is_some_and(|pid| std::path::Path::new(&format!("/proc/{pid}")).exists());
        if !alive {
            db.execute_unprepared(&format!("DROP DATABASE IF EXISTS {name} WITH (FORCE)"))
                .await?;
        }
    }
    let _ = db.close().await;
    Ok(())
}

impl FreshDatabase {
    /// Creates, connects and migrates a database on `target`.
    pub async fn create(target: &Target) -> Result<Self> {
        let backend = target.backend;
        let queries = Arc::new(QueryLog::default());
        let (url, place) = match backend {
            Backend::Sqlite => {
                let dir = std::env::temp_dir().join(format!("lis-bench-{}", std::process::id()));
                if dir.exists() {
                    std::fs::remove_dir_all(&dir).with_context(|| format!("removing {}", dir.display()))?;
                }
                std::fs::create_dir_all(&dir).with_context(|| format!("creating {}", dir.display()))?;
                let url = format!("sqlite://{}?mode=rwc", dir.join("lis.db").display());
                (url, Place::Directory(dir))
            }
            Backend::Postgres => {
                let admin_url = target.postgres_url.clone().unwrap_or_else(postgres_admin_url);
                drop_leftovers(&admin_url).await?;
                let name = format!("{PREFIX}{}", std::process::id());
                admin(&admin_url, &format!("DROP DATABASE IF EXISTS {name} WITH (FORCE)")).await?;
                admin(&admin_url, &format!("CREATE DATABASE {name}")).await?;
                let mut url = url::Url::parse(&admin_url).map_err(|e| anyhow!("{POSTGRES_URL_VARIABLE}: {e}"))?;
                url.set_path(&name);
                (url.to_string(), Place::Postgres { admin_url, name })
            }
        };
        let parsed = DatabaseUrl::parse(&url).map_err(|e| anyhow!("{e}"))?;
        let mut db = lis_store::connect(&parsed).await.map_err(|e| anyhow!("{e}"))?;
        let log = Arc::clone(&queries);
        db.set_metric_callback(move |info| log.record(info));
        lis_store::migrate::migrate(&db)
            .await
            .map_err(|e| anyhow!("migrating: {e}"))?;
        let version_sql = match backend {
            Backend::Sqlite => "SELECT 'SQLite ' || sqlite_version() AS v",
            // Whether the connection is encrypted changes what every statement costs: over TCP, sqlx takes TLS
            // when the server offers it (`sslmode=prefer`, as libpq), and Debian's PostgreSQL does.
            Backend::Postgres => {
                "SELECT split_part(version(), ' on ', 1) || CASE WHEN s.ssl THEN ', over ' || s.version || ' (' \
                 || s.cipher || ')' ELSE ', unencrypted' END AS v FROM pg_stat_ssl s WHERE s.pid = pg_backend_pid()"
            }
        };
        let version = db
            .query_one_raw(sea_orm::Statement::from_string(db.get_database_backend(), version_sql))
            .await?
            .and_then(|row| row.try_get::<String>("", "v").ok())
            .unwrap_or_default();
        // "PostgreSQL 17.2 (Debian 17.2-1) on x86_64-pc-linux-gnu, compiled by …": the first part says enough.
        let version = version.split(" on ").next().unwrap_or_default().to_owned();
        Ok(Self {
            db,
            queries,
            version,
            url: parsed.redacted(),
            place,
        })
    }

    /// Closes the connections and removes the database (the SQLite directory, or the PostgreSQL database).
    pub async fn remove(self) -> Result<()> {
        let _ = self.db.close().await;
        match self.place {
            Place::Directory(dir) => {
                std::fs::remove_dir_all(&dir).with_context(|| format!("removing {}", dir.display()))?;
            }
            Place::Postgres { admin_url, name } => {
                admin(&admin_url, &format!("DROP DATABASE IF EXISTS {name} WITH (FORCE)")).await?;
            }
        }
        Ok(())
    }

    /// Where the SQLite file is, for the report of its size.
    pub fn sqlite_file(&self) -> Option<PathBuf> {
        match &self.place {
            Place::Directory(dir) => Some(dir.join("lis.db")),
            Place::Postgres { .. } => None,
        }
    }
}
