//! Shared controls (*gemensamma skyddsåtgärder*): a safeguard IT describes once, with the requirements it meets and
//! how well, used by systems (or platforms) that then inherit its status for those requirements. A system's own
//! status for such a requirement is a *local exception* when marked so; otherwise the shared control's counts.

use sea_orm_migration::{prelude::*, schema::*};

/// Creates `shared_control`, `shared_control_requirement` and `shared_control_use`, and adds
/// `requirement_status.local_exception`.
pub struct Migration;

impl MigrationName for Migration {
    fn name(&self) -> &str {
        "m20261126_000012_shared_controls"
    }
}

#[derive(DeriveIden)]
enum SharedControl {
    Table,
    Id,
    OrganisationId,
    Name,
    NameKey,
    Description,
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
    RetiredAt,
}

#[derive(DeriveIden)]
enum SharedControlRequirement {
    Table,
    SharedControlId,
    RequirementId,
}

#[derive(DeriveIden)]
enum SharedControlUse {
    Table,
    SharedControlId,
    SystemId,
}

#[derive(DeriveIden)]
enum RequirementStatus {
    Table,
    LocalException,
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
                    .table(SharedControl::Table)
                    .col(big_pk_auto(SharedControl::Id))
                    .col(big_integer(SharedControl::OrganisationId))
                    .col(string_len(SharedControl::Name, 200))
                    .col(string_len(SharedControl::NameKey, 200))
                    .col(text(SharedControl::Description))
                    .col(string_len(SharedControl::Status, 24))
                    .col(string_len_null(SharedControl::Severity, 16))
                    .col(text(SharedControl::How))
                    .col(text(SharedControl::Justification))
                    .col(date_null(SharedControl::DueDate))
                    .col(date_null(SharedControl::VerifiedOn))
                    .col(text(SharedControl::EvidenceUrl))
                    .col(big_integer(SharedControl::UpdatedByPersonId))
                    .col(timestamp_with_time_zone(SharedControl::UpdatedAt))
                    .col(integer(SharedControl::Version))
                    .col(timestamp_with_time_zone_null(SharedControl::RetiredAt))
                    .foreign_key(
                        ForeignKey::create()
                            .name("fk_shared_control_organisation")
                            .from(SharedControl::Table, SharedControl::OrganisationId)
                            .to(Organisation::Table, Organisation::Id),
                    )
                    .foreign_key(
                        ForeignKey::create()
                            .name("fk_shared_control_updated_by")
                            .from(SharedControl::Table, SharedControl::UpdatedByPersonId)
                            .to(Person::Table, Person::Id),
                    )
                    .to_owned(),
            )
            .await?;
        manager
            .create_index(
                Index::create()
                    .name("ux_shared_control_name")
                    .table(SharedControl::Table)
                    .col(SharedControl::OrganisationId)
                    .col(SharedControl::NameKey)
                    .unique()
                    .to_owned(),
            )
            .await?;
        manager
            .create_table(
                Table::create()
                    .table(SharedControlRequirement::Table)
                    .col(big_integer(SharedControlRequirement::SharedControlId))
                    .col(string_len(SharedControlRequirement::RequirementId, 64))
                    .primary_key(
                        Index::create()
                            .col(SharedControlRequirement::SharedControlId)
                            .col(SharedControlRequirement::RequirementId),
                    )
                    .foreign_key(
                        ForeignKey::create()
                            .name("fk_shared_control_requirement_control")
                            .from(
                                SharedControlRequirement::Table,
                                SharedControlRequirement::SharedControlId,
                            )
                            .to(SharedControl::Table, SharedControl::Id),
                    )
                    .to_owned(),
            )
            .await?;
        manager
            .create_table(
                Table::create()
                    .table(SharedControlUse::Table)
                    .col(big_integer(SharedControlUse::SharedControlId))
                    .col(big_integer(SharedControlUse::SystemId))
                    .primary_key(
                        Index::create()
                            .col(SharedControlUse::SharedControlId)
                            .col(SharedControlUse::SystemId),
                    )
                    .foreign_key(
                        ForeignKey::create()
                            .name("fk_shared_control_use_control")
                            .from(SharedControlUse::Table, SharedControlUse::SharedControlId)
                            .to(SharedControl::Table, SharedControl::Id),
                    )
                    .foreign_key(
                        ForeignKey::create()
                            .name("fk_shared_control_use_system")
                            .from(SharedControlUse::Table, SharedControlUse::SystemId)
                            .to(InventoryItem::Table, InventoryItem::Id),
                    )
                    .to_owned(),
            )
            .await?;
        manager
            .create_index(
                Index::create()
                    .name("ix_shared_control_use_system")
                    .table(SharedControlUse::Table)
                    .col(SharedControlUse::SystemId)
                    .to_owned(),
            )
            .await?;
        manager
            .alter_table(
                Table::alter()
                    .table(RequirementStatus::Table)
                    .add_column(boolean(RequirementStatus::LocalException).default(false))
                    .to_owned(),
            )
            .await
    }

    async fn down(&self, manager: &SchemaManager) -> Result<(), DbErr> {
        manager
            .alter_table(
                Table::alter()
                    .table(RequirementStatus::Table)
                    .drop_column(RequirementStatus::LocalException)
                    .to_owned(),
            )
            .await?;
        for table in [
            SharedControlUse::Table.into_iden(),
            SharedControlRequirement::Table.into_iden(),
            SharedControl::Table.into_iden(),
        ] {
            manager.drop_table(Table::drop().table(table).to_owned()).await?;
        }
        Ok(())
    }
}
