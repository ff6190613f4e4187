//! Who answers for a requirement's status on a system, and for a shared control: a person of the organisation.

use sea_orm_migration::{prelude::*, schema::*};

/// Adds `responsible_person_id` to `requirement_status` and `shared_control`.
pub struct Migration;

impl MigrationName for Migration {
    fn name(&self) -> &str {
        "m20261126_000016_responsible"
    }
}

#[derive(DeriveIden)]
enum RequirementStatus {
    Table,
    ResponsiblePersonId,
}

#[derive(DeriveIden)]
enum SharedControl {
    Table,
    ResponsiblePersonId,
}

#[async_trait::async_trait]
impl MigrationTrait for Migration {
    async fn up(&self, manager: &SchemaManager) -> Result<(), DbErr> {
        // No foreign key: SQLite cannot add one to an existing table; the store checks the person.
        manager
            .alter_table(
                Table::alter()
                    .table(RequirementStatus::Table)
                    .add_column(big_integer_null(RequirementStatus::ResponsiblePersonId))
                    .to_owned(),
            )
            .await?;
        manager
            .alter_table(
                Table::alter()
                    .table(SharedControl::Table)
                    .add_column(big_integer_null(SharedControl::ResponsiblePersonId))
                    .to_owned(),
            )
            .await
    }

    async fn down(&self, manager: &SchemaManager) -> Result<(), DbErr> {
        manager
            .alter_table(
                Table::alter()
                    .table(SharedControl::Table)
                    .drop_column(SharedControl::ResponsiblePersonId)
                    .to_owned(),
            )
            .await?;
        manager
            .alter_table(
                Table::alter()
                    .table(RequirementStatus::Table)
                    .drop_column(RequirementStatus::ResponsiblePersonId)
                    .to_owned(),
            )
            .await
    }
}
