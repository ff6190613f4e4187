//! One index for the inventory's lists: in-use records of a kind, by name, with what the filters and the search look
//! at, so that counting a filtered list reads the index and not the records (descriptions and all). It takes over
//! from the index on (organisation, kind, name), which it begins with in all but the retirement.

use sea_orm_migration::prelude::*;

/// Replaces `ix_inventory_item_kind_name` with `ix_inventory_item_listing`.
pub struct Migration;

impl MigrationName for Migration {
    fn name(&self) -> &str {
        "m20261126_000008_inventory_listing"
    }
}

#[derive(DeriveIden)]
enum InventoryItem {
    Table,
    OrganisationId,
    Kind,
    RetiredAt,
    NameKey,
    OrgUnitId,
    ExternalId,
}

#[async_trait::async_trait]
impl MigrationTrait for Migration {
    async fn up(&self, manager: &SchemaManager) -> Result<(), DbErr> {
        manager
            .create_index(
                Index::create()
                    .name("ix_inventory_item_listing")
                    .table(InventoryItem::Table)
                    .col(InventoryItem::OrganisationId)
                    .col(InventoryItem::Kind)
                    .col(InventoryItem::RetiredAt)
                    .col(InventoryItem::NameKey)
                    .col(InventoryItem::OrgUnitId)
                    .col(InventoryItem::ExternalId)
                    .to_owned(),
            )
            .await?;
        manager
            .drop_index(
                Index::drop()
                    .name("ix_inventory_item_kind_name")
                    .table(InventoryItem::Table)
                    .to_owned(),
            )
            .await
    }

    async fn down(&self, manager: &SchemaManager) -> Result<(), DbErr> {
        manager
            .create_index(
                Index::create()
                    .name("ix_inventory_item_kind_name")
                    .table(InventoryItem::Table)
                    .col(InventoryItem::OrganisationId)
                    .col(InventoryItem::Kind)
                    .col(InventoryItem::NameKey)
                    .to_owned(),
            )
            .await?;
        manager
            .drop_index(
                Index::drop()
                    .name("ix_inventory_item_listing")
                    .table(InventoryItem::Table)
                    .to_owned(),
            )
            .await
    }
}
