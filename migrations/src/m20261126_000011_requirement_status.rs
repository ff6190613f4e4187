//! How each system meets each requirement that applies to it: the recorded status of the gap analysis. A
//! requirement without a row is *ej bedömd*; a row stays when its requirement stops applying, as history.

use sea_orm_migration::{prelude::*, schema::*};

/// Creates `requirement_status`.
pub struct Migration;

impl MigrationName for Migration {
    fn name(&self) -> &str {
        "m20261126_000011_requirement_status"
    }
}

#[derive(DeriveIden)]
enum RequirementStatus {
    Table,
    Id,
    OrganisationId,
    SystemId,
    RequirementId,
    Status,
    Severity,
    How,
    Justification,
    DueDate,
    VerifiedOn,
    EvidenceUrl,
    UpdatedByPersonId,
    UpdatedAt,
    Version,
}

#[derive(DeriveIden)]
enum Organisation {
    Table,
    Id,
}

#[derive(DeriveIden)]
enum InventoryItem {
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
                    .table(RequirementStatus::Table)
                    .col(big_pk_auto(RequirementStatus::Id))
                    .col(big_integer(RequirementStatus::OrganisationId))
                    .col(big_integer(RequirementStatus::SystemId))
                    .col(string_len(RequirementStatus::RequirementId, 64))
                    .col(string_len(RequirementStatus::Status, 24))
                    .col(string_len_null(RequirementStatus::Severity, 16))
                    .col(text(RequirementStatus::How))
                    .col(text(RequirementStatus::Justification))
                    .col(date_null(RequirementStatus::DueDate))
                    .col(date_null(RequirementStatus::VerifiedOn))
                    .col(text(RequirementStatus::EvidenceUrl))
                    .col(big_integer(RequirementStatus::UpdatedByPersonId))
                    .col(timestamp_with_time_zone(RequirementStatus::UpdatedAt))
                    .col(integer(RequirementStatus::Version))
                    .foreign_key(
                        ForeignKey::create()
                            .name("fk_requirement_status_organisation")
                            .from(RequirementStatus::Table, RequirementStatus::OrganisationId)
                            .to(Organisation::Table, Organisation::Id),
                    )
                    .foreign_key(
                        ForeignKey::create()
                            .name("fk_requirement_status_system")
                            .from(RequirementStatus::Table, RequirementStatus::SystemId)
                            .to(InventoryItem::Table, InventoryItem::Id),
                    )
                    .foreign_key(
                        ForeignKey::create()
                            .name("fk_requirement_status_updated_by")
                            .from(RequirementStatus::Table, RequirementStatus::UpdatedByPersonId)
                            .to(Person::Table, Person::Id),
                    )
                    .to_owned(),
            )
            .await?;
        manager
            .create_index(
                Index::create()
                    .name("ux_requirement_status")
                    .table(RequirementStatus::Table)
                    .col(RequirementStatus::SystemId)
                    .col(RequirementStatus::RequirementId)
                    .unique()
                    .to_owned(),
            )
            .await
    }

    async fn down(&self, manager: &SchemaManager) -> Result<(), DbErr> {
        manager
            .drop_table(Table::drop().table(RequirementStatus::Table).to_owned())
            .await
    }
}
