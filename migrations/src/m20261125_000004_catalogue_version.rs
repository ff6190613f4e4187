//! Catalogue versions: the shipped catalogue as loaded at start, and catalogues imported from OSCAL.

use sea_orm_migration::{prelude::*, schema::*};

/// Creates `catalogue_version`.
pub struct Migration;

impl MigrationName for Migration {
    fn name(&self) -> &str {
        "m20261125_000004_catalogue_version"
    }
}

#[derive(DeriveIden)]
enum CatalogueVersion {
    Table,
    Id,
    Key,
    Version,
    Source,
    Title,
    ReadOnly,
    ControlCount,
    Content,
    LoadedAt,
}

#[async_trait::async_trait]
impl MigrationTrait for Migration {
    async fn up(&self, manager: &SchemaManager) -> Result<(), DbErr> {
        manager
            .create_table(
                Table::create()
                    .table(CatalogueVersion::Table)
                    .col(big_pk_auto(CatalogueVersion::Id))
                    .col(string_len(CatalogueVersion::Key, 200))
                    .col(string_len(CatalogueVersion::Version, 100))
                    .col(string_len(CatalogueVersion::Source, 16))
                    .col(string_len(CatalogueVersion::Title, 500))
                    .col(boolean(CatalogueVersion::ReadOnly))
                    .col(integer(CatalogueVersion::ControlCount))
                    .col(text(CatalogueVersion::Content))
                    .col(timestamp_with_time_zone(CatalogueVersion::LoadedAt))
                    .to_owned(),
            )
            .await?;
        manager
            .create_index(
                Index::create()
                    .name("ux_catalogue_version_key_version")
                    .table(CatalogueVersion::Table)
                    .col(CatalogueVersion::Key)
                    .col(CatalogueVersion::Version)
                    .unique()
                    .to_owned(),
            )
            .await
    }

    async fn down(&self, manager: &SchemaManager) -> Result<(), DbErr> {
        manager
            .drop_table(Table::drop().table(CatalogueVersion::Table).to_owned())
            .await
    }
}
