//! Applying the migrations, safely when several LIS instances start at once.

use lis_migrations::{Migrator, MigratorTrait};
use sea_orm::{ConnectionTrait, DatabaseConnection, TransactionTrait};

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
/// On PostgreSQL the whole run is one transaction that first takes an advisory lock: a second instance waits for the
/// first, then finds nothing left to do, and a failing migration leaves the schema as it was. SQLite serialises
/// writers by locking the file.
#[tracing::instrument(skip_all, err)]
pub async fn migrate(db: &DatabaseConnection) -> Result<Vec<String>, StoreError> {
    let backend = crate::database::backend_of(db);
    let txn = db.begin().await?;
    if backend == Backend::Postgres {
        txn.execute_unprepared(&format!("SELECT pg_advisory_xact_lock({MIGRATION_LOCK_KEY})"))
            .await?;
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
