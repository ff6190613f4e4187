//! Indexes of mostly empty references that leave the empty ones out, on PostgreSQL. Only a förvaltningsobjekt has
//! förvaltningsledare, only a system a systemförvaltare and a förvaltningsobjekt above it; an informationsmängd, the
//! most numerous record, has none of them, and every one written still went into all four indexes. Every lookup
//! through them asks for a given person or record, so none needs the empty entries. SQLite keeps its full indexes:
//! with the partial ones, "Mina brister" took five times as long in the benchmark (p95 86 ms instead of 16 ms),
//! while its import of 60 000 rows was well within its goal without them.

use sea_orm_migration::prelude::*;

/// Rebuilds the indexes of `inventory_item` on its förvaltningsobjekt, förvaltningsledare and systemförvaltare as
/// partial indexes over the rows where the column is set, on PostgreSQL; changes nothing on SQLite.
pub struct Migration;

impl MigrationName for Migration {
    fn name(&self) -> &str {
        "m20261127_000020_partial_person_indexes"
    }
}

/// The indexes and the column each covers.
const INDEXES: [(&str, &str); 4] = [
    ("ix_inventory_item_parent", "parent_id"),
    ("ix_inventory_item_business_manager", "business_manager_person_id"),
    ("ix_inventory_item_it_manager", "it_manager_person_id"),
    ("ix_inventory_item_system_manager", "system_manager_person_id"),
];

/// Drops each index and creates it again, over the rows where its column is set when `partial`, else over all.
async fn rebuild(manager: &SchemaManager<'_>, partial: bool) -> Result<(), DbErr> {
    if manager.get_database_backend() != sea_orm::DatabaseBackend::Postgres {
        return Ok(());
    }
    let db = manager.get_connection();
    for (name, column) in INDEXES {
        db.execute_unprepared(&format!("DROP INDEX {name}")).await?;
        let only_set = if partial {
            format!(" WHERE {column} IS NOT NULL")
        } else {
            String::new()
        };
        db.execute_unprepared(&format!("CREATE INDEX {name} ON inventory_item ({column}){only_set}"))
            .await?;
    }
    Ok(())
}

#[async_trait::async_trait]
impl MigrationTrait for Migration {
    async fn up(&self, manager: &SchemaManager) -> Result<(), DbErr> {
        rebuild(manager, true).await
    }

    async fn down(&self, manager: &SchemaManager) -> Result<(), DbErr> {
        rebuild(manager, false).await
    }
}
