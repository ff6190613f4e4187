//! A stored summary of each system's gap counts, so that a report over thousands of systems reads a few numbers per
//! system rather than every requirement status. A summary is derived data, never a record of its own: LIS writes it
//! when a report first needs it, a saved status marks it stale, and a summary whose levels, catalogue, SoA or
//! inherited statuses differ from today's is not used.

use sea_orm_migration::{prelude::*, schema::*};

/// Creates `gap_summary`.
pub struct Migration;

impl MigrationName for Migration {
    fn name(&self) -> &str {
        "m20261127_000021_gap_summaries"
    }
}

#[derive(DeriveIden)]
enum GapSummary {
    Table,
    SystemId,
    OrganisationId,
    Stamp,
    Counts,
    Profile,
    Basis,
    Inherited,
    ComputedOn,
    ValidUntil,
}

#[derive(DeriveIden)]
enum InventoryItem {
    Table,
    Id,
}

#[async_trait::async_trait]
impl MigrationTrait for Migration {
    async fn up(&self, manager: &SchemaManager) -> Result<(), DbErr> {
        manager
            .create_table(
                Table::create()
                    .table(GapSummary::Table)
                    .col(big_integer(GapSummary::SystemId).primary_key())
                    .col(big_integer(GapSummary::OrganisationId))
                    .col(big_integer(GapSummary::Stamp).default(0))
                    .col(text_null(GapSummary::Counts))
                    .col(string_len(GapSummary::Profile, 32).default(""))
                    .col(string_len(GapSummary::Basis, 64).default(""))
                    .col(string_len(GapSummary::Inherited, 64).default(""))
                    .col(date_null(GapSummary::ComputedOn))
                    .col(date_null(GapSummary::ValidUntil))
                    .foreign_key(
                        ForeignKey::create()
                            .name("fk_gap_summary_system")
                            .from(GapSummary::Table, GapSummary::SystemId)
                            .to(InventoryItem::Table, InventoryItem::Id),
                    )
                    .to_owned(),
            )
            .await?;
        manager
            .create_index(
                Index::create()
                    .name("ix_gap_summary_organisation")
                    .table(GapSummary::Table)
                    .col(GapSummary::OrganisationId)
                    .to_owned(),
            )
            .await
    }

    async fn down(&self, manager: &SchemaManager) -> Result<(), DbErr> {
        manager
            .drop_table(Table::drop().table(GapSummary::Table).to_owned())
            .await
    }
}
