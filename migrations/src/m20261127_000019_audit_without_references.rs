//! The audit trail without foreign keys. An event names its organisation and actor as they were when it happened; it
//! must never stop anything from being changed, and checking its references on every event made each of them cost
//! about twice as much to write on PostgreSQL (a large import writes one event per record and per relation). Nothing
//! is hard-deleted, so the ids stay meaningful without the database checking them.

use sea_orm_migration::{prelude::*, schema::*};

/// Drops `fk_audit_event_organisation` and `fk_audit_event_actor_person`. PostgreSQL drops the constraints; SQLite,
/// which cannot, rebuilds the table without them, keeping every event, its id and the indexes.
pub struct Migration;

impl MigrationName for Migration {
    fn name(&self) -> &str {
        "m20261127_000019_audit_without_references"
    }
}

#[derive(DeriveIden, Clone, Copy)]
enum AuditEvent {
    Table,
    Id,
    OrganisationId,
    OccurredAt,
    Actor,
    ActorPersonId,
    Action,
    SubjectKind,
    SubjectId,
    Before,
    After,
    RequestId,
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

/// The table rebuilt on SQLite while its events are copied.
const REBUILT: &str = "audit_event_rebuilt";

/// The names of the foreign keys this migration drops.
const REFERENCES: [&str; 2] = ["fk_audit_event_organisation", "fk_audit_event_actor_person"];

/// The foreign keys this migration drops, as the foundation made them.
fn references() -> [ForeignKeyCreateStatement; 2] {
    [
        ForeignKey::create()
            .name(REFERENCES[0])
            .from(AuditEvent::Table, AuditEvent::OrganisationId)
            .to(Organisation::Table, Organisation::Id)
            .to_owned(),
        ForeignKey::create()
            .name(REFERENCES[1])
            .from(AuditEvent::Table, AuditEvent::ActorPersonId)
            .to(Person::Table, Person::Id)
            .to_owned(),
    ]
}

/// Rebuilds the SQLite table under its own name, with or without the foreign keys, keeping every event.
async fn rebuild_on_sqlite(manager: &SchemaManager<'_>, with_references: bool) -> Result<(), DbErr> {
    let mut table = Table::create();
    table
        .table(Alias::new(REBUILT))
        .col(big_pk_auto(AuditEvent::Id))
        .col(big_integer_null(AuditEvent::OrganisationId))
        .col(timestamp_with_time_zone(AuditEvent::OccurredAt))
        .col(string_len(AuditEvent::Actor, 100))
        .col(big_integer_null(AuditEvent::ActorPersonId))
        .col(string_len(AuditEvent::Action, 32))
        .col(string_len(AuditEvent::SubjectKind, 32))
        .col(string_len(AuditEvent::SubjectId, 64))
        .col(json_null(AuditEvent::Before))
        .col(json_null(AuditEvent::After))
        .col(string_len_null(AuditEvent::RequestId, 64));
    if with_references {
        for mut reference in references() {
            table.foreign_key(reference.from_tbl(Alias::new(REBUILT)));
        }
    }
    manager.create_table(table.to_owned()).await?;
    let db = manager.get_connection();
    db.execute_unprepared(&format!("INSERT INTO {REBUILT} SELECT * FROM audit_event"))
        .await?;
    manager
        .drop_table(Table::drop().table(AuditEvent::Table).to_owned())
        .await?;
    manager
        .rename_table(Table::rename().table(Alias::new(REBUILT), AuditEvent::Table).to_owned())
        .await?;
    manager
        .create_index(
            Index::create()
                .name("ix_audit_event_subject")
                .table(AuditEvent::Table)
                .col(AuditEvent::SubjectKind)
                .col(AuditEvent::SubjectId)
                .to_owned(),
        )
        .await?;
    manager
        .create_index(
            Index::create()
                .name("ix_audit_event_occurred_at")
                .table(AuditEvent::Table)
                .col(AuditEvent::OccurredAt)
                .to_owned(),
        )
        .await
}

#[async_trait::async_trait]
impl MigrationTrait for Migration {
    async fn up(&self, manager: &SchemaManager) -> Result<(), DbErr> {
        if manager.get_database_backend() == sea_orm::DatabaseBackend::Sqlite {
            return rebuild_on_sqlite(manager, false).await;
        }
        for name in REFERENCES {
            manager
                .drop_foreign_key(ForeignKey::drop().name(name).table(AuditEvent::Table).to_owned())
                .await?;
        }
        Ok(())
    }

    async fn down(&self, manager: &SchemaManager) -> Result<(), DbErr> {
        if manager.get_database_backend() == sea_orm::DatabaseBackend::Sqlite {
            return rebuild_on_sqlite(manager, true).await;
        }
        for reference in references() {
            manager.create_foreign_key(reference).await?;
        }
        Ok(())
    }
}
