//! Classification: versions of an informationsmängd's levels (utkast → fastställd, every approved version kept),
//! objektsägare's overrides of a system's levels, and the levels every system derives by the maximum principle, kept
//! up to date in the transaction of each change that can move them.

use sea_orm_migration::{prelude::*, schema::*};

/// Creates `classification`, `level_override` and `system_level`, and the organisation's choice on spårbarhet.
pub struct Migration;

impl MigrationName for Migration {
    fn name(&self) -> &str {
        "m20261126_000009_classification"
    }
}

#[derive(DeriveIden)]
enum Classification {
    Table,
    Id,
    OrganisationId,
    ItemId,
    Status,
    LevelK,
    LevelR,
    LevelT,
    LevelS,
    Answers,
    Justification,
    ValidUntil,
    CreatedByPersonId,
    CreatedAt,
    UpdatedAt,
    ApprovedByPersonId,
    ApprovedAt,
    Version,
}

#[derive(DeriveIden)]
enum LevelOverride {
    Table,
    Id,
    OrganisationId,
    SystemId,
    Aspect,
    Level,
    Reason,
    Justification,
    CalculatedWhenSet,
    Status,
    SetByPersonId,
    SetAt,
    ApprovedByPersonId,
    ApprovedAt,
}

#[derive(DeriveIden)]
enum SystemLevel {
    Table,
    SystemId,
    Aspect,
    OrganisationId,
    HeldLevel,
    HeldSourceId,
    Calculated,
    Effective,
    SourceKind,
    SourceId,
    ReviewOverride,
    UpdatedAt,
}

#[derive(DeriveIden)]
enum Organisation {
    Table,
    Id,
    ClassifiesTraceability,
}

#[derive(DeriveIden)]
enum InventoryItem {
    Table,
    Id,
}

#[derive(DeriveIden)]
enum InventoryRelation {
    Table,
    ToItemId,
    Kind,
    FromItemId,
}

#[derive(DeriveIden)]
enum Person {
    Table,
    Id,
}

#[async_trait::async_trait]
impl MigrationTrait for Migration {
    async fn up(&self, manager: &SchemaManager) -> Result<(), DbErr> {
        // Spårbarhet is classified unless the organisation switches it off.
        manager
            .alter_table(
                Table::alter()
                    .table(Organisation::Table)
                    .add_column(boolean(Organisation::ClassifiesTraceability).default(true))
                    .to_owned(),
            )
            .await?;
        manager
            .create_table(
                Table::create()
                    .table(Classification::Table)
                    .col(big_pk_auto(Classification::Id))
                    .col(big_integer(Classification::OrganisationId))
                    .col(big_integer(Classification::ItemId))
                    .col(string_len(Classification::Status, 16))
                    .col(small_integer(Classification::LevelK))
                    .col(small_integer(Classification::LevelR))
                    .col(small_integer(Classification::LevelT))
                    .col(small_integer_null(Classification::LevelS))
                    .col(json_null(Classification::Answers))
                    .col(text(Classification::Justification))
                    .col(date(Classification::ValidUntil))
                    .col(big_integer(Classification::CreatedByPersonId))
                    .col(timestamp_with_time_zone(Classification::CreatedAt))
                    .col(timestamp_with_time_zone(Classification::UpdatedAt))
                    .col(big_integer_null(Classification::ApprovedByPersonId))
                    .col(timestamp_with_time_zone_null(Classification::ApprovedAt))
                    .col(integer(Classification::Version))
                    .foreign_key(
                        ForeignKey::create()
                            .name("fk_classification_organisation")
                            .from(Classification::Table, Classification::OrganisationId)
                            .to(Organisation::Table, Organisation::Id),
                    )
                    .foreign_key(
                        ForeignKey::create()
                            .name("fk_classification_item")
                            .from(Classification::Table, Classification::ItemId)
                            .to(InventoryItem::Table, InventoryItem::Id),
                    )
                    .foreign_key(
                        ForeignKey::create()
                            .name("fk_classification_created_by")
                            .from(Classification::Table, Classification::CreatedByPersonId)
                            .to(Person::Table, Person::Id),
                    )
                    .foreign_key(
                        ForeignKey::create()
                            .name("fk_classification_approved_by")
                            .from(Classification::Table, Classification::ApprovedByPersonId)
                            .to(Person::Table, Person::Id),
                    )
                    .to_owned(),
            )
            .await?;
        manager
            .create_index(
                Index::create()
                    .name("ix_classification_item")
                    .table(Classification::Table)
                    .col(Classification::ItemId)
                    .col(Classification::Status)
                    // The levels too: recomputing a platform's levels reads those of thousands of
                    // informationsmängder, from the index alone.
                    .col(Classification::LevelK)
                    .col(Classification::LevelR)
                    .col(Classification::LevelT)
                    .col(Classification::LevelS)
                    .to_owned(),
            )
            .await?;
        manager
            .create_index(
                Index::create()
                    .name("ix_classification_due")
                    .table(Classification::Table)
                    .col(Classification::OrganisationId)
                    .col(Classification::Status)
                    .col(Classification::ValidUntil)
                    .to_owned(),
            )
            .await?;
        // What a system holds, read by its `to` end and kind, from the index alone; it serves what
        // `ix_inventory_relation_to` served.
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
            .await?;
        manager
            .drop_index(
                Index::drop()
                    .name("ix_inventory_relation_to")
                    .table(InventoryRelation::Table)
                    .to_owned(),
            )
            .await?;
        manager
            .create_table(
                Table::create()
                    .table(LevelOverride::Table)
                    .col(big_pk_auto(LevelOverride::Id))
                    .col(big_integer(LevelOverride::OrganisationId))
                    .col(big_integer(LevelOverride::SystemId))
                    .col(string_len(LevelOverride::Aspect, 1))
                    .col(small_integer(LevelOverride::Level))
                    .col(string_len(LevelOverride::Reason, 16))
                    .col(text(LevelOverride::Justification))
                    .col(small_integer(LevelOverride::CalculatedWhenSet))
                    .col(string_len(LevelOverride::Status, 16))
                    .col(big_integer(LevelOverride::SetByPersonId))
                    .col(timestamp_with_time_zone(LevelOverride::SetAt))
                    .col(big_integer_null(LevelOverride::ApprovedByPersonId))
                    .col(timestamp_with_time_zone_null(LevelOverride::ApprovedAt))
                    .foreign_key(
                        ForeignKey::create()
                            .name("fk_level_override_organisation")
                            .from(LevelOverride::Table, LevelOverride::OrganisationId)
                            .to(Organisation::Table, Organisation::Id),
                    )
                    .foreign_key(
                        ForeignKey::create()
                            .name("fk_level_override_system")
                            .from(LevelOverride::Table, LevelOverride::SystemId)
                            .to(InventoryItem::Table, InventoryItem::Id),
                    )
                    .foreign_key(
                        ForeignKey::create()
                            .name("fk_level_override_set_by")
                            .from(LevelOverride::Table, LevelOverride::SetByPersonId)
                            .to(Person::Table, Person::Id),
                    )
                    .to_owned(),
            )
            .await?;
        manager
            .create_index(
                Index::create()
                    .name("ux_level_override")
                    .table(LevelOverride::Table)
                    .col(LevelOverride::SystemId)
                    .col(LevelOverride::Aspect)
                    .unique()
                    .to_owned(),
            )
            .await?;
        manager
            .create_table(
                Table::create()
                    .table(SystemLevel::Table)
                    .col(big_integer(SystemLevel::SystemId))
                    .col(string_len(SystemLevel::Aspect, 1))
                    .col(big_integer(SystemLevel::OrganisationId))
                    .col(small_integer(SystemLevel::HeldLevel))
                    .col(big_integer_null(SystemLevel::HeldSourceId))
                    .col(small_integer(SystemLevel::Calculated))
                    .col(small_integer(SystemLevel::Effective))
                    .col(string_len(SystemLevel::SourceKind, 16))
                    .col(big_integer_null(SystemLevel::SourceId))
                    .col(boolean(SystemLevel::ReviewOverride))
                    .col(timestamp_with_time_zone(SystemLevel::UpdatedAt))
                    .primary_key(Index::create().col(SystemLevel::SystemId).col(SystemLevel::Aspect))
                    .foreign_key(
                        ForeignKey::create()
                            .name("fk_system_level_system")
                            .from(SystemLevel::Table, SystemLevel::SystemId)
                            .to(InventoryItem::Table, InventoryItem::Id),
                    )
                    .to_owned(),
            )
            .await?;
        manager
            .create_index(
                Index::create()
                    .name("ix_system_level_heatmap")
                    .table(SystemLevel::Table)
                    .col(SystemLevel::OrganisationId)
                    .col(SystemLevel::Aspect)
                    .col(SystemLevel::Effective)
                    .to_owned(),
            )
            .await
    }

    async fn down(&self, manager: &SchemaManager) -> Result<(), DbErr> {
        for table in [
            SystemLevel::Table.into_iden(),
            LevelOverride::Table.into_iden(),
            Classification::Table.into_iden(),
        ] {
            manager.drop_table(Table::drop().table(table).to_owned()).await?;
        }
        manager
            .create_index(
                Index::create()
                    .name("ix_inventory_relation_to")
                    .table(InventoryRelation::Table)
                    .col(InventoryRelation::ToItemId)
                    .to_owned(),
            )
            .await?;
        manager
            .drop_index(
                Index::drop()
                    .name("ix_inventory_relation_to_kind")
                    .table(InventoryRelation::Table)
                    .to_owned(),
            )
            .await?;
        manager
            .alter_table(
                Table::alter()
                    .table(Organisation::Table)
                    .drop_column(Organisation::ClassifiesTraceability)
                    .to_owned(),
            )
            .await
    }
}
