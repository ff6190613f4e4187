//! Indexes for finding what a person is named on: "Mina objekt" and "Mina brister" ask for the records where a
//! person is objektsägare, förvaltningsledare or systemförvaltare, which without these meant reading every record.

use sea_orm_migration::prelude::*;

/// Indexes `inventory_item` by its förvaltningsledare (business and IT) and its systemförvaltare; the objektsägare
/// has had one since the inventory came.
pub struct Migration;

impl MigrationName for Migration {
    fn name(&self) -> &str {
        "m20261126_000017_people_indexes"
    }
}

#[derive(DeriveIden)]
enum InventoryItem {
    Table,
    BusinessManagerPersonId,
    ItManagerPersonId,
    SystemManagerPersonId,
}

/// The indexes and their columns.
fn indexes() -> [(&'static str, InventoryItem); 3] {
    [
        (
            "ix_inventory_item_business_manager",
            InventoryItem::BusinessManagerPersonId,
        ),
        ("ix_inventory_item_it_manager", InventoryItem::ItManagerPersonId),
        ("ix_inventory_item_system_manager", InventoryItem::SystemManagerPersonId),
    ]
}

#[async_trait::async_trait]
impl MigrationTrait for Migration {
    async fn up(&self, manager: &SchemaManager) -> Result<(), DbErr> {
        for (name, column) in indexes() {
            manager
                .create_index(
                    Index::create()
                        .name(name)
                        .table(InventoryItem::Table)
                        .col(column)
                        .to_owned(),
                )
                .await?;
        }
        Ok(())
    }

    async fn down(&self, manager: &SchemaManager) -> Result<(), DbErr> {
        for (name, _) in indexes() {
            manager
                .drop_index(Index::drop().name(name).table(InventoryItem::Table).to_owned())
                .await?;
        }
        Ok(())
    }
}
