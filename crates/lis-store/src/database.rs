//! Database URLs and connections, for SQLite (embedded, the default) and PostgreSQL.

use std::path::PathBuf;
use std::time::Duration;

use sea_orm::sqlx::postgres::PgConnectOptions;
use sea_orm::sqlx::sqlite::{SqliteConnectOptions, SqliteJournalMode};
use sea_orm::{
    ConnectOptions, ConnectionTrait, Database, DatabaseConnection, DatabaseTransaction, DbErr, SqliteTransactionMode,
    TransactionOptions, TransactionTrait,
};

use crate::StoreError;

/// How long LIS waits for the database before it gives up: long enough for a busy server, short enough that a wrong
/// address is reported within seconds.
const CONNECT_TIMEOUT: Duration = Duration::from_secs(5);

/// Which database server a URL points at.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Backend {
    /// An embedded SQLite file, or memory in tests.
    Sqlite,
    /// A PostgreSQL server.
    Postgres,
}

/// A checked database URL.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct DatabaseUrl {
    raw: String,
    backend: Backend,
}

impl DatabaseUrl {
    /// Checks that `raw` is a SQLite or PostgreSQL URL that the drivers understand.
    pub fn parse(raw: &str) -> Result<Self, StoreError> {
        let invalid = |reason: &str| StoreError::InvalidDatabaseUrl {
            url: redact(raw),
            reason: reason.to_owned(),
        };
        let raw = raw.trim();
        if raw.starts_with("sqlite:") {
            raw.parse::<SqliteConnectOptions>()
                .map_err(|e| invalid(&format!("SQLite does not accept it ({e})")))?;
            return Ok(Self {
                raw: raw.to_owned(),
                backend: Backend::Sqlite,
            });
        }
        if raw.starts_with("postgres://") || raw.starts_with("postgresql://") {
            let url = url::Url::parse(raw).map_err(|e| invalid(&format!("it is not a URL ({e})")))?;
            if url.host_str().is_none_or(str::is_empty) {
                return Err(invalid("it names no host"));
            }
            raw.parse::<PgConnectOptions>()
                .map_err(|e| invalid(&format!("PostgreSQL does not accept it ({e})")))?;
            return Ok(Self {
                raw: raw.to_owned(),
                backend: Backend::Postgres,
            });
        }
        Err(invalid("it must start with sqlite:// or postgres://"))
    }

    /// The database server this URL points at.
    pub fn backend(&self) -> Backend {
        self.backend
    }

    /// The URL as given, password included: for the driver only, never for a log.
    pub fn expose(&self) -> &str {
        &self.raw
    }

    /// The URL with any password replaced by `***`, safe to log and show.
    pub fn redacted(&self) -> String {
        redact(&self.raw)
    }

    /// The file a SQLite URL points at, if it points at a file rather than memory.
    pub fn sqlite_file(&self) -> Option<PathBuf> {
        if self.backend != Backend::Sqlite {
            return None;
        }
        let rest = self.raw.trim_start_matches("sqlite:").trim_start_matches("//");
        let path = rest.split('?').next().unwrap_or_default();
        (!path.is_empty() && !path.starts_with(":memory:") && !self.raw.contains("mode=memory"))
            .then(|| PathBuf::from(path))
    }
}

impl std::fmt::Display for DatabaseUrl {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.write_str(&self.redacted())
    }
}

/// Hides the password of a URL (`scheme://user:password@host…`), whether or not the rest of it is valid.
fn redact(raw: &str) -> String {
    let Some(start) = raw.find("://").map(|i| i + 3) else {
        return raw.to_owned();
    };
    let authority_end = raw[start..].find(['/', '?', '#']).map_or(raw.len(), |i| start + i);
    let Some(at) = raw[start..authority_end].rfind('@').map(|i| start + i) else {
        return raw.to_owned();
    };
    match raw[start..at].find(':') {
        Some(colon) => format!("{}***{}", &raw[..start + colon + 1], &raw[at..]),
        None => raw.to_owned(),
    }
}

/// Connections to an SQLite file: one writes at a time, the others read.
const SQLITE_FILE_CONNECTIONS: u32 = 4;

/// Opens a connection pool: SQLite in WAL mode with foreign keys enforced, PostgreSQL with short time-outs.
///
/// Fails with [`StoreError::Unreachable`] when the server does not answer or refuses the connection.
pub async fn connect(url: &DatabaseUrl) -> Result<DatabaseConnection, StoreError> {
    let mut options = ConnectOptions::new(url.expose());
    options
        .connect_timeout(CONNECT_TIMEOUT)
        .acquire_timeout(CONNECT_TIMEOUT)
        // Statement logs would carry values; LIS traces its own spans instead.
        .sqlx_logging(false);
    match url.backend() {
        Backend::Sqlite => {
            // A file has a few connections: in WAL mode readers read on while a change (which takes the write lock
            // when it begins, see [`ChangeTransaction`]) is being written. An in-memory database exists once per
            // connection, so it has one.
            let connections = if url.sqlite_file().is_some() {
                SQLITE_FILE_CONNECTIONS
            } else {
                1
            };
            options.max_connections(connections).map_sqlx_sqlite_opts(|o| {
                o.journal_mode(SqliteJournalMode::Wal)
                    .foreign_keys(true)
                    .busy_timeout(CONNECT_TIMEOUT)
                    // 64 MB of pages per connection rather than SQLite's 2 MB: a large municipality's inventory and
                    // its indexes stay in memory, and an import's transaction does not spill to the WAL as it goes.
                    .pragma("cache_size", "-65536")
            });
        }
        Backend::Postgres => {
            options.max_connections(10).set_application_name("lis");
        }
    } // Switching a new SQLite file to WAL needs a moment of exclusive access; a second process starting at the same
    // instant is told "database is locked" regardless of the busy time-out. It waits and tries again.
    let mut attempt = 0;
    loop {
        match Database::connect(options.clone()).await {
            Ok(db) => {
                if url.sqlite_file().is_some() {
                    // SQLite plans without statistics as if every equality were selective: a lookup by ids within
                    // an organisation would then read the organisation's every record. PostgreSQL keeps its own.
                    db.execute_unprepared("ANALYZE")
                        .await
                        .map_err(|e| StoreError::Unreachable {
                            url: url.redacted(),
                            cause: driver_cause(&e),
                        })?;
                }
                return Ok(db);
            }
            Err(e)
                if url.backend() == Backend::Sqlite
                    && attempt < 20
                    && driver_cause(&e).contains("database is locked") =>
            {
                attempt += 1;
                tokio::time::sleep(Duration::from_millis(250)).await;
            }
            Err(e) => {
                return Err(StoreError::Unreachable {
                    url: url.redacted(),
                    cause: driver_cause(&e),
                });
            }
        }
    }
}

/// Brings the planner's statistics on the inventory up to date, after (or before) a change of many rows: SQLite
/// keeps none by itself, PostgreSQL's autovacuum would catch up later. Reading samples, it takes a few hundred
/// milliseconds on a large municipality.
pub async fn refresh_statistics(db: &impl ConnectionTrait) -> Result<(), StoreError> {
    let statements: &[&str] = match backend_of(db) {
        Backend::Sqlite => &["ANALYZE inventory_item", "ANALYZE inventory_relation"],
        Backend::Postgres => &["ANALYZE inventory_item, inventory_relation"],
    };
    for statement in statements {
        db.execute_unprepared(statement).await?;
    }
    Ok(())
}

/// Beginning the transaction of a change.
pub trait ChangeTransaction {
    /// Begins a transaction that will write. On SQLite it takes the write lock at once (`BEGIN IMMEDIATE`, waiting
    /// up to the busy time-out for another writer), so a change that reads before it writes never finds at its
    /// first write that another connection wrote in between; readers on the pool's other connections read on (WAL).
    /// On PostgreSQL it is an ordinary transaction.
    fn begin_change(&self) -> impl Future<Output = Result<DatabaseTransaction, DbErr>> + Send;
}

impl ChangeTransaction for DatabaseConnection {
    async fn begin_change(&self) -> Result<DatabaseTransaction, DbErr> {
        self.begin_with_options(TransactionOptions {
            sqlite_transaction_mode: Some(SqliteTransactionMode::Immediate),
            ..TransactionOptions::default()
        })
        .await
    }
}

/// The driver's own words for a connection error, without sea-orm's wrapping.
fn driver_cause(err: &sea_orm::DbErr) -> String {
    match err {
        sea_orm::DbErr::Conn(inner) => inner.to_string(),
        other => other.to_string(),
    }
    .trim_start_matches("Connection Error: ")
    .to_owned()
}

/// Which of LIS's backends a connection or transaction talks to.
pub fn backend_of(db: &impl ConnectionTrait) -> Backend {
    match db.get_database_backend() {
        sea_orm::DbBackend::Postgres => Backend::Postgres,
        // LIS refuses every other URL scheme, so anything else is SQLite.
        _ => Backend::Sqlite,
    }
}

/// Whether the database answers a trivial query: the readiness check.
pub async fn ping(db: &DatabaseConnection) -> Result<(), StoreError> {
    db.execute_unprepared("SELECT 1").await?;
    Ok(())
}

/// The row `id` of entity `E` that belongs to organisation `organisation_id` (its column `organisation`), or
/// [`StoreError::NotFound`] naming it as `kind`: a row of another organisation is not found either.
pub(crate) async fn of_organisation<E>(
    db: &impl ConnectionTrait,
    organisation: E::Column,
    organisation_id: i64,
    id: i64,
    kind: &'static str,
) -> Result<E::Model, StoreError>
where
    E: sea_orm::EntityTrait,
    <E::PrimaryKey as sea_orm::PrimaryKeyTrait>::ValueType: From<i64>,
{
    let found = row_of_organisation::<E>(organisation, organisation_id, id)
        .one(db)
        .await?;
    found.ok_or_else(|| not_found(kind, id))
}

/// Like [`of_organisation`], read for a change in `txn`: on PostgreSQL the row stays locked (`FOR UPDATE`) until the
/// transaction ends, so that the version checked against the one the person saw cannot change before the write; a
/// second change of the row waits, then finds the new version and is refused as a conflict. On SQLite a change's
/// transaction is immediate, which admits one writer at a time already.
pub(crate) async fn of_organisation_for_change<E>(
    txn: &DatabaseTransaction,
    organisation: E::Column,
    organisation_id: i64,
    id: i64,
    kind: &'static str,
) -> Result<E::Model, StoreError>
where
    E: sea_orm::EntityTrait,
    <E::PrimaryKey as sea_orm::PrimaryKeyTrait>::ValueType: From<i64>,
{
    use sea_orm::QuerySelect;
    let found = row_of_organisation::<E>(organisation, organisation_id, id)
        .lock_exclusive()
        .one(txn)
        .await?;
    found.ok_or_else(|| not_found(kind, id))
}

/// The query for row `id` of entity `E` within organisation `organisation_id`.
fn row_of_organisation<E>(organisation: E::Column, organisation_id: i64, id: i64) -> sea_orm::Select<E>
where
    E: sea_orm::EntityTrait,
    <E::PrimaryKey as sea_orm::PrimaryKeyTrait>::ValueType: From<i64>,
{
    use sea_orm::{ColumnTrait, QueryFilter};
    E::find_by_id(id).filter(organisation.eq(organisation_id))
}

/// [`StoreError::NotFound`] for row `id`, named as `kind`.
fn not_found(kind: &'static str, id: i64) -> StoreError {
    StoreError::NotFound {
        kind,
        id: id.to_string(),
    }
}

/// Locks the row `id` of entity `E` for a change in `txn`, as [`of_organisation_for_change`] does, where the change
/// reads the row in other ways; nothing on SQLite.
pub(crate) async fn lock_for_change<E>(txn: &DatabaseTransaction, id: i64) -> Result<(), StoreError>
where
    E: sea_orm::EntityTrait,
    <E::PrimaryKey as sea_orm::PrimaryKeyTrait>::ValueType: From<i64>,
{
    use sea_orm::QuerySelect;
    if txn.get_database_backend() == sea_orm::DbBackend::Postgres {
        E::find_by_id(id).lock_exclusive().one(txn).await?;
    }
    Ok(())
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn accepts_sqlite_and_postgres_urls() {
        let sqlite = DatabaseUrl::parse("sqlite://lis-data/lis.db?mode=rwc").expect("sqlite url");
        assert_eq!(sqlite.backend(), Backend::Sqlite);
        assert_eq!(sqlite.sqlite_file(), Some(PathBuf::from("lis-data/lis.db")));
        assert_eq!(
            DatabaseUrl::parse("sqlite::memory:").expect("memory").sqlite_file(),
            None
        );
        let pg = DatabaseUrl::parse("postgres://lis:hemligt@db.example:5432/lis").expect("pg url");
        assert_eq!(pg.backend(), Backend::Postgres);
        assert_eq!(pg.sqlite_file(), None);
    }

    #[test]
    fn passwords_never_leave_through_display() {
        let pg = DatabaseUrl::parse("postgres://lis:hemligt@db.example/lis").expect("pg url");
        assert!(!pg.to_string().contains("hemligt"));
        assert!(pg.redacted().contains("***"));
        let err = DatabaseUrl::parse("postgres://lis:hemligt@/lis").expect_err("no host");
        assert!(!err.to_string().contains("hemligt"), "{err}");
        assert_eq!(redact("postgres://a:b:c@h/db?x=@"), "postgres://a:***@h/db?x=@");
        assert_eq!(redact("postgres://a@h/db"), "postgres://a@h/db");
    }

    #[test]
    fn refuses_what_is_not_a_database_url() {
        for bad in [
            "",
            "lis.db",
            "mysql://root@localhost/lis",
            "postgres://",
            "postgres://:5432/x",
        ] {
            let err = DatabaseUrl::parse(bad).expect_err(bad);
            assert!(matches!(err, StoreError::InvalidDatabaseUrl { .. }), "{bad}: {err}");
        }
    }
}
