//! Applying the migrations, safely when several LIS instances start at once.

use crate::ChangeTransaction;
use lis_migrations::{Migrator, MigratorTrait};
use sea_orm::{ConnectionTrait, DatabaseConnection};

use crate::{Backend, StoreError};

/// The key of the PostgreSQL advisory lock held while migrating ("LIS" and 1 in ASCII), so that two instances
/// starting together apply each migration once.
const MIGRATION_LOCK_KEY: i64 = 0x4C49_5300_0000_0001;

/// One migration and whether it has been applied.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct MigrationState {
    /// The migration's name.
    pub name: String,
    /// Whether the database has it.
    pub applied: bool,
}

/// Applies every pending migration and returns the names of those it applied.
///
/// The whole run is one transaction that first takes a lock (an advisory lock on PostgreSQL, the database's write
/// lock on SQLite): a second instance waits for the first, then finds nothing left to do. On PostgreSQL a failing
/// migration also leaves the schema as it was.
#[tracing::instrument(skip_all, err)]
pub async fn migrate(db: &DatabaseConnection) -> Result<Vec<String>, StoreError> {
    let backend = crate::database::backend_of(db);
    if backend == Backend::Sqlite {
        db.execute_unprepared("CREATE TABLE IF NOT EXISTS lis_migration_lock (id INTEGER PRIMARY KEY)")
            .await?;
    }
    let txn = db.begin_change().await?;
    match backend {
        Backend::Postgres => {
            txn.execute_unprepared(&format!("SELECT pg_advisory_xact_lock({MIGRATION_LOCK_KEY})"))
                .await?;
        }
        // A write as the transaction's first statement takes SQLite's write lock at once, so a second process
        // waits here (up to the busy time-out) instead of failing later on a stale snapshot.
        Backend::Sqlite => {
            txn.execute_unprepared("DELETE FROM lis_migration_lock").await?;
        }
    }
    let pending: Vec<String> = Migrator::get_pending_migrations(&txn)
        .await?
        .iter()
        .map(|m| m.name().to_owned())
        .collect();
    Migrator::up(&txn, None).await?;
    txn.commit().await?;
    for name in &pending {
        tracing::info!(migration = %name, "applied migration");
    }
    Ok(pending)
}

/// Lists every migration LIS knows, oldest first, with whether it has been applied.
pub async fn status(db: &DatabaseConnection) -> Result<Vec<MigrationState>, StoreError> {
    let migrations = Migrator::get_migration_with_status_read_only(db).await?;
    Ok(migrations
        .iter()
        .map(|m| MigrationState {
            name: m.name().to_owned(),
            applied: m.status() == lis_migrations::MigrationStatus::Applied,
        })
        .collect())
}
