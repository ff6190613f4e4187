//! Assessment cycles (*uppföljningar*): the CISO closes one, which freezes each system's gap counts as they stand,
//! so that later reports can compare the current state with it.

use sea_orm_migration::{prelude::*, schema::*};

/// Creates `assessment_cycle` and `cycle_tally`.
pub struct Migration;

impl MigrationName for Migration {
    fn name(&self) -> &str {
        "m20261126_000014_assessment_cycles"
    }
}

#[derive(DeriveIden)]
enum AssessmentCycle {
    Table,
    Id,
    OrganisationId,
    Name,
    NameKey,
    ClosedAt,
    ClosedByPersonId,
}

#[derive(DeriveIden)]
enum CycleTally {
    Table,
    CycleId,
    SystemId,
    OrgUnitId,
    OwnerPersonId,
    Applicable,
    Met,
    Weight,
    WeightedMet,
    NotAssessed,
    Negligible,
    Moderate,
    Significant,
    Serious,
    Overdue,
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
                    .table(AssessmentCycle::Table)
                    .col(big_pk_auto(AssessmentCycle::Id))
                    .col(big_integer(AssessmentCycle::OrganisationId))
                    .col(string_len(AssessmentCycle::Name, 200))
                    .col(string_len(AssessmentCycle::NameKey, 200))
                    .col(timestamp_with_time_zone(AssessmentCycle::ClosedAt))
                    .col(big_integer(AssessmentCycle::ClosedByPersonId))
                    .foreign_key(
                        ForeignKey::create()
                            .name("fk_assessment_cycle_organisation")
                            .from(AssessmentCycle::Table, AssessmentCycle::OrganisationId)
                            .to(Organisation::Table, Organisation::Id),
                    )
                    .foreign_key(
                        ForeignKey::create()
                            .name("fk_assessment_cycle_closed_by")
                            .from(AssessmentCycle::Table, AssessmentCycle::ClosedByPersonId)
                            .to(Person::Table, Person::Id),
                    )
                    .to_owned(),
            )
            .await?;
        manager
            .create_index(
                Index::create()
                    .name("ux_assessment_cycle_name")
                    .table(AssessmentCycle::Table)
                    .col(AssessmentCycle::OrganisationId)
                    .col(AssessmentCycle::NameKey)
                    .unique()
                    .to_owned(),
            )
            .await?;
        manager
            .create_table(
                Table::create()
                    .table(CycleTally::Table)
                    .col(big_integer(CycleTally::CycleId))
                    .col(big_integer(CycleTally::SystemId))
                    .col(big_integer_null(CycleTally::OrgUnitId))
                    .col(big_integer_null(CycleTally::OwnerPersonId))
                    .col(big_integer(CycleTally::Applicable))
                    .col(big_integer(CycleTally::Met))
                    .col(big_integer(CycleTally::Weight))
                    .col(big_integer(CycleTally::WeightedMet))
                    .col(big_integer(CycleTally::NotAssessed))
                    .col(big_integer(CycleTally::Negligible))
                    .col(big_integer(CycleTally::Moderate))
                    .col(big_integer(CycleTally::Significant))
                    .col(big_integer(CycleTally::Serious))
                    .col(big_integer(CycleTally::Overdue))
                    .primary_key(Index::create().col(CycleTally::CycleId).col(CycleTally::SystemId))
                    .foreign_key(
                        ForeignKey::create()
                            .name("fk_cycle_tally_cycle")
                            .from(CycleTally::Table, CycleTally::CycleId)
                            .to(AssessmentCycle::Table, AssessmentCycle::Id),
                    )
                    .to_owned(),
            )
            .await
    }

    async fn down(&self, manager: &SchemaManager) -> Result<(), DbErr> {
        manager
            .drop_table(Table::drop().table(CycleTally::Table).to_owned())
            .await?;
        manager
            .drop_table(Table::drop().table(AssessmentCycle::Table).to_owned())
            .await
    }
}
