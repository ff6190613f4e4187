//! Common information types (*informationstyper*): classifications the CISO decides once for the whole organisation
//! (e.g. "personuppgifter i personalakt"), which an informationsmängd's classification can be based on.

use sea_orm_migration::{prelude::*, schema::*};

/// Creates `information_type` and the two columns of a classification that tie it to one.
pub struct Migration;

impl MigrationName for Migration {
    fn name(&self) -> &str {
        "m20261126_000010_information_types"
    }
}

#[derive(DeriveIden)]
enum InformationType {
    Table,
    Id,
    OrganisationId,
    Name,
    NameKey,
    Description,
    LevelK,
    LevelR,
    LevelT,
    LevelS,
    Justification,
    UpdatedByPersonId,
    CreatedAt,
    UpdatedAt,
    RetiredAt,
    Version,
}

#[derive(DeriveIden)]
enum Classification {
    Table,
    InformationTypeId,
    LowersType,
    Status,
    ItemId,
}

#[derive(DeriveIden)]
enum Organisation {
    Table,
    Id,
}

#[derive(DeriveIden)]
enum Person {
    Table,
    Id,
}

#[async_trait::async_trait]
impl MigrationTrait for Migration {
    async fn up(&self, manager: &SchemaManager) -> Result<(), DbErr> {
        manager
            .create_table(
                Table::create()
                    .table(InformationType::Table)
                    .col(big_pk_auto(InformationType::Id))
                    .col(big_integer(InformationType::OrganisationId))
                    .col(string_len(InformationType::Name, 200))
                    .col(string_len(InformationType::NameKey, 200))
                    .col(text(InformationType::Description))
                    .col(small_integer(InformationType::LevelK))
                    .col(small_integer(InformationType::LevelR))
                    .col(small_integer(InformationType::LevelT))
                    .col(small_integer_null(InformationType::LevelS))
                    .col(text(InformationType::Justification))
                    .col(big_integer(InformationType::UpdatedByPersonId))
                    .col(timestamp_with_time_zone(InformationType::CreatedAt))
                    .col(timestamp_with_time_zone(InformationType::UpdatedAt))
                    .col(timestamp_with_time_zone_null(InformationType::RetiredAt))
                    .col(integer(InformationType::Version))
                    .foreign_key(
                        ForeignKey::create()
                            .name("fk_information_type_organisation")
                            .from(InformationType::Table, InformationType::OrganisationId)
                            .to(Organisation::Table, Organisation::Id),
                    )
                    .foreign_key(
                        ForeignKey::create()
                            .name("fk_information_type_updated_by")
                            .from(InformationType::Table, InformationType::UpdatedByPersonId)
                            .to(Person::Table, Person::Id),
                    )
                    .to_owned(),
            )
            .await?;
        manager
            .create_index(
                Index::create()
                    .name("ux_information_type_name")
                    .table(InformationType::Table)
                    .col(InformationType::OrganisationId)
                    .col(InformationType::NameKey)
                    .unique()
                    .to_owned(),
            )
            .await?;
        // The type a classification is based on (checked by the store: SQLite cannot add a foreign key to an
        // existing table), and whether the CISO approved it below the type's levels.
        manager
            .alter_table(
                Table::alter()
                    .table(Classification::Table)
                    .add_column(big_integer_null(Classification::InformationTypeId))
                    .to_owned(),
            )
            .await?;
        manager
            .alter_table(
                Table::alter()
                    .table(Classification::Table)
                    .add_column(boolean(Classification::LowersType).default(false))
                    .to_owned(),
            )
            .await?;
        manager
            .create_index(
                Index::create()
                    .name("ix_classification_type")
                    .table(Classification::Table)
                    // Which decided informationsmängder a type lifts, from the index alone.
                    .col(Classification::InformationTypeId)
                    .col(Classification::Status)
                    .col(Classification::LowersType)
                    .col(Classification::ItemId)
                    .to_owned(),
            )
            .await
    }

    async fn down(&self, manager: &SchemaManager) -> Result<(), DbErr> {
        manager
            .drop_index(
                Index::drop()
                    .name("ix_classification_type")
                    .table(Classification::Table)
                    .to_owned(),
            )
            .await?;
        for column in [Classification::LowersType, Classification::InformationTypeId] {
            manager
                .alter_table(
                    Table::alter()
                        .table(Classification::Table)
                        .drop_column(column)
                        .to_owned(),
                )
                .await?;
        }
        manager
            .drop_table(Table::drop().table(InformationType::Table).to_owned())
            .await
    }
}
