//! Mappings from an imported catalogue's controls to LIS's.

use sea_orm_migration::{prelude::*, schema::*};

/// Creates `catalogue_mapping`.
pub struct Migration;

impl MigrationName for Migration {
    fn name(&self) -> &str {
        "m20261125_000005_catalogue_mapping"
    }
}

#[derive(DeriveIden)]
enum CatalogueMapping {
    Table,
    Id,
    CatalogueVersionId,
    ExternalControlId,
    LisControlId,
    CreatedAt,
}

#[derive(DeriveIden)]
enum CatalogueVersion {
    Table,
    Id,
}

#[async_trait::async_trait]
impl MigrationTrait for Migration {
    async fn up(&self, manager: &SchemaManager) -> Result<(), DbErr> {
        manager
            .create_table(
                Table::create()
                    .table(CatalogueMapping::Table)
                    .col(big_pk_auto(CatalogueMapping::Id))
                    .col(big_integer(CatalogueMapping::CatalogueVersionId))
                    .col(string_len(CatalogueMapping::ExternalControlId, 100))
                    .col(string_len(CatalogueMapping::LisControlId, 16))
                    .col(timestamp_with_time_zone(CatalogueMapping::CreatedAt))
                    .foreign_key(
                        ForeignKey::create()
                            .name("fk_catalogue_mapping_version")
                            .from(CatalogueMapping::Table, CatalogueMapping::CatalogueVersionId)
                            .to(CatalogueVersion::Table, CatalogueVersion::Id),
                    )
                    .to_owned(),
            )
            .await?;
        manager
            .create_index(
                Index::create()
                    .name("ix_catalogue_mapping_version")
                    .table(CatalogueMapping::Table)
                    .col(CatalogueMapping::CatalogueVersionId)
                    .to_owned(),
            )
            .await
    }

    async fn down(&self, manager: &SchemaManager) -> Result<(), DbErr> {
        manager
            .drop_table(Table::drop().table(CatalogueMapping::Table).to_owned())
            .await
    }
}
