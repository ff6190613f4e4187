//! The statement of applicability: one decision per control and organisation.

use sea_orm_migration::{prelude::*, schema::*};

/// Creates `soa_entry`.
pub struct Migration;

impl MigrationName for Migration {
    fn name(&self) -> &str {
        "m20261125_000003_soa"
    }
}

#[derive(DeriveIden)]
enum SoaEntry {
    Table,
    Id,
    OrganisationId,
    ControlId,
    InUse,
    Justification,
    Text,
    Version,
    UpdatedAt,
    UpdatedBy,
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
                    .table(SoaEntry::Table)
                    .col(big_pk_auto(SoaEntry::Id))
                    .col(big_integer(SoaEntry::OrganisationId))
                    .col(string_len(SoaEntry::ControlId, 16))
                    .col(boolean(SoaEntry::InUse))
                    .col(string_len_null(SoaEntry::Justification, 32))
                    .col(text(SoaEntry::Text))
                    .col(integer(SoaEntry::Version).default(1))
                    .col(timestamp_with_time_zone(SoaEntry::UpdatedAt))
                    .col(big_integer_null(SoaEntry::UpdatedBy))
                    .foreign_key(
                        ForeignKey::create()
                            .name("fk_soa_entry_organisation")
                            .from(SoaEntry::Table, SoaEntry::OrganisationId)
                            .to(Organisation::Table, Organisation::Id),
                    )
                    .foreign_key(
                        ForeignKey::create()
                            .name("fk_soa_entry_updated_by")
                            .from(SoaEntry::Table, SoaEntry::UpdatedBy)
                            .to(Person::Table, Person::Id),
                    )
                    .to_owned(),
            )
            .await?;
        manager
            .create_index(
                Index::create()
                    .name("ux_soa_entry_organisation_control")
                    .table(SoaEntry::Table)
                    .col(SoaEntry::OrganisationId)
                    .col(SoaEntry::ControlId)
                    .unique()
                    .to_owned(),
            )
            .await
    }

    async fn down(&self, manager: &SchemaManager) -> Result<(), DbErr> {
        manager
            .drop_table(Table::drop().table(SoaEntry::Table).to_owned())
            .await
    }
}
