//! The handlingsplan: actions that remedy gaps (a requirement of a system) or improve a shared control, with the
//! fields of MSB's tool.

use sea_orm_migration::{prelude::*, schema::*};

/// Creates `plan_action` and `plan_action_link`.
pub struct Migration;

impl MigrationName for Migration {
    fn name(&self) -> &str {
        "m20261126_000013_action_plan"
    }
}

#[derive(DeriveIden)]
enum PlanAction {
    Table,
    Id,
    OrganisationId,
    Activity,
    Goal,
    Priority,
    Cost,
    ResponsiblePersonId,
    StartDate,
    EndDate,
    Status,
    CreatedByPersonId,
    CreatedAt,
    UpdatedAt,
    Version,
}

#[derive(DeriveIden)]
enum PlanActionLink {
    Table,
    Id,
    ActionId,
    SystemId,
    RequirementId,
    SharedControlId,
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
                    .table(PlanAction::Table)
                    .col(big_pk_auto(PlanAction::Id))
                    .col(big_integer(PlanAction::OrganisationId))
                    .col(text(PlanAction::Activity))
                    .col(text(PlanAction::Goal))
                    .col(string_len_null(PlanAction::Priority, 16))
                    .col(text(PlanAction::Cost))
                    .col(big_integer_null(PlanAction::ResponsiblePersonId))
                    .col(date_null(PlanAction::StartDate))
                    .col(date_null(PlanAction::EndDate))
                    .col(string_len(PlanAction::Status, 24))
                    .col(big_integer(PlanAction::CreatedByPersonId))
                    .col(timestamp_with_time_zone(PlanAction::CreatedAt))
                    .col(timestamp_with_time_zone(PlanAction::UpdatedAt))
                    .col(integer(PlanAction::Version))
                    .foreign_key(
                        ForeignKey::create()
                            .name("fk_plan_action_organisation")
                            .from(PlanAction::Table, PlanAction::OrganisationId)
                            .to(Organisation::Table, Organisation::Id),
                    )
                    .foreign_key(
                        ForeignKey::create()
                            .name("fk_plan_action_responsible")
                            .from(PlanAction::Table, PlanAction::ResponsiblePersonId)
                            .to(Person::Table, Person::Id),
                    )
                    .to_owned(),
            )
            .await?;
        manager
            .create_table(
                Table::create()
                    .table(PlanActionLink::Table)
                    .col(big_pk_auto(PlanActionLink::Id))
                    .col(big_integer(PlanActionLink::ActionId))
                    .col(big_integer_null(PlanActionLink::SystemId))
                    .col(string_len_null(PlanActionLink::RequirementId, 64))
                    .col(big_integer_null(PlanActionLink::SharedControlId))
                    .foreign_key(
                        ForeignKey::create()
                            .name("fk_plan_action_link_action")
                            .from(PlanActionLink::Table, PlanActionLink::ActionId)
                            .to(PlanAction::Table, PlanAction::Id),
                    )
                    .to_owned(),
            )
            .await?;
        for (name, column) in [
            ("ix_plan_action_link_action", PlanActionLink::ActionId),
            ("ix_plan_action_link_system", PlanActionLink::SystemId),
        ] {
            manager
                .create_index(
                    Index::create()
                        .name(name)
                        .table(PlanActionLink::Table)
                        .col(column)
                        .to_owned(),
                )
                .await?;
        }
        Ok(())
    }

    async fn down(&self, manager: &SchemaManager) -> Result<(), DbErr> {
        manager
            .drop_table(Table::drop().table(PlanActionLink::Table).to_owned())
            .await?;
        manager
            .drop_table(Table::drop().table(PlanAction::Table).to_owned())
            .await
    }
}
