//! A relation without a foreign key to its organisation. A relation's organisation is that of the two records it
//! joins, whose own foreign keys (to `inventory_item`, and from there to `organisation`) already hold it to an
//! organisation that exists; nothing is hard-deleted. On PostgreSQL the third check per relation cost about a sixth
//! of writing one (an import of 60 000 informationsmängder makes 120 000 relations), and it guarded nothing the
//! other two do not.

use sea_orm_migration::{prelude::*, schema::*};

/// Drops `fk_inventory_relation_organisation`. PostgreSQL drops the constraint; SQLite, which cannot, rebuilds the
/// table without it, keeping every relation, its id and the indexes.
pub struct Migration;

impl MigrationName for Migration {
    fn name(&self) -> &str {
        "m20261127_000022_relation_without_organisation_reference"
    }
}

#[derive(DeriveIden, Clone, Copy)]
enum InventoryRelation {
    Table,
    Id,
    OrganisationId,
    Kind,
    FromItemId,
    ToItemId,
    CreatedAt,
}

#[derive(DeriveIden)]
enum InventoryItem {
    Table,
    Id,
}

#[derive(DeriveIden)]
enum Organisation {
    Table,
    Id,
}

/// The table rebuilt on SQLite while its relations are copied.
const REBUILT: &str = "inventory_relation_rebuilt";

/// The name of the foreign key this migration drops.
const REFERENCE: &str = "fk_inventory_relation_organisation";

/// The foreign key this migration drops, as the inventory's migration made it.
fn reference() -> ForeignKeyCreateStatement {
    ForeignKey::create()
        .name(REFERENCE)
        .from(InventoryRelation::Table, InventoryRelation::OrganisationId)
        .to(Organisation::Table, Organisation::Id)
        .to_owned()
}

/// Rebuilds the SQLite table under its own name, with or without the organisation's foreign key (the two to the
/// records stay), keeping every relation.
async fn rebuild_on_sqlite(manager: &SchemaManager<'_>, with_reference: bool) -> Result<(), DbErr> {
    let mut table = Table::create();
    table
        .table(Alias::new(REBUILT))
        .col(big_pk_auto(InventoryRelation::Id))
        .col(big_integer(InventoryRelation::OrganisationId))
        .col(string_len(InventoryRelation::Kind, 24))
        .col(big_integer(InventoryRelation::FromItemId))
        .col(big_integer(InventoryRelation::ToItemId))
        .col(timestamp_with_time_zone(InventoryRelation::CreatedAt));
    if with_reference {
        table.foreign_key(reference().from_tbl(Alias::new(REBUILT)));
    }
    for (name, column) in [
        ("fk_inventory_relation_from", InventoryRelation::FromItemId),
        ("fk_inventory_relation_to", InventoryRelation::ToItemId),
    ] {
        table.foreign_key(
            ForeignKey::create()
                .name(name)
                .from(Alias::new(REBUILT), column)
                .to(InventoryItem::Table, InventoryItem::Id),
        );
    }
    manager.create_table(table.to_owned()).await?;
    let db = manager.get_connection();
    db.execute_unprepared(&format!(
        "INSERT INTO {REBUILT} (id, organisation_id, kind, from_item_id, to_item_id, created_at) \
         SELECT id, organisation_id, kind, from_item_id, to_item_id, created_at FROM inventory_relation"
    ))
    .await?;
    manager
        .drop_table(Table::drop().table(InventoryRelation::Table).to_owned())
        .await?;
    manager
        .rename_table(
            Table::rename()
                .table(Alias::new(REBUILT), InventoryRelation::Table)
                .to_owned(),
        )
        .await?;
    manager
        .create_index(
            Index::create()
                .name("ux_inventory_relation")
                .table(InventoryRelation::Table)
                .col(InventoryRelation::Kind)
                .col(InventoryRelation::FromItemId)
                .col(InventoryRelation::ToItemId)
                .unique()
                .to_owned(),
        )
        .await?;
    manager
        .create_index(
            Index::create()
                .name("ix_inventory_relation_to_kind")
                .table(InventoryRelation::Table)
                .col(InventoryRelation::ToItemId)
                .col(InventoryRelation::Kind)
                .col(InventoryRelation::FromItemId)
                .to_owned(),
        )
        .await
}

#[async_trait::async_trait]
impl MigrationTrait for Migration {
    async fn up(&self, manager: &SchemaManager) -> Result<(), DbErr> {
        if manager.get_database_backend() == sea_orm::DatabaseBackend::Sqlite {
            return rebuild_on_sqlite(manager, false).await;
        }
        manager
            .drop_foreign_key(
                ForeignKey::drop()
                    .name(REFERENCE)
                    .table(InventoryRelation::Table)
                    .to_owned(),
            )
            .await
    }

    async fn down(&self, manager: &SchemaManager) -> Result<(), DbErr> {
        if manager.get_database_backend() == sea_orm::DatabaseBackend::Sqlite {
            return rebuild_on_sqlite(manager, true).await;
        }
        manager.create_foreign_key(reference()).await
    }
}
