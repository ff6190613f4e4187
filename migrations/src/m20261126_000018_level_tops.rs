//! The tops a system's levels are taken from, kept beside the levels: the runner-up of what it holds, per aspect,
//! and the best and runner-up of what runs on it. With them, reclassifying one informationsmängd moves its holders'
//! levels, and the platforms' below them, without reading all the holders hold or all that runs on the platforms.

use sea_orm_migration::{prelude::*, schema::*};

/// Adds the runner-up of what is held and the top of what runs on a system to `system_level`. Rows stored before have
/// none of them, which reads as not known: the next change that needs one reads what the system holds or carries.
pub struct Migration;

impl MigrationName for Migration {
    fn name(&self) -> &str {
        "m20261126_000018_level_tops"
    }
}

#[derive(DeriveIden, Clone, Copy)]
enum SystemLevel {
    Table,
    HeldSecondLevel,
    HeldSecondSourceId,
    RunsOnItLevel,
    RunsOnItSourceId,
    RunsOnItSecondLevel,
    RunsOnItSecondSourceId,
}

/// The columns added, each with whether it is a level (else an id).
const COLUMNS: [(SystemLevel, bool); 6] = [
    (SystemLevel::HeldSecondLevel, true),
    (SystemLevel::HeldSecondSourceId, false),
    (SystemLevel::RunsOnItLevel, true),
    (SystemLevel::RunsOnItSourceId, false),
    (SystemLevel::RunsOnItSecondLevel, true),
    (SystemLevel::RunsOnItSecondSourceId, false),
];

#[async_trait::async_trait]
impl MigrationTrait for Migration {
    async fn up(&self, manager: &SchemaManager) -> Result<(), DbErr> {
        // One column per statement: SQLite alters a table one column at a time.
        for (column, is_level) in COLUMNS {
            let definition = if is_level {
                small_integer_null(column)
            } else {
                big_integer_null(column)
            };
            manager
                .alter_table(
                    Table::alter()
                        .table(SystemLevel::Table)
                        .add_column(definition)
                        .to_owned(),
                )
                .await?;
        }
        Ok(())
    }

    async fn down(&self, manager: &SchemaManager) -> Result<(), DbErr> {
        for (column, _) in COLUMNS.into_iter().rev() {
            manager
                .alter_table(Table::alter().table(SystemLevel::Table).drop_column(column).to_owned())
                .await?;
        }
        Ok(())
    }
}
