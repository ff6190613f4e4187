//! The foundation: organisations, their unit tree, people, sessions and the audit trail.

use sea_orm_migration::{prelude::*, schema::*};

/// Creates the foundation tables.
pub struct Migration;

impl MigrationName for Migration {
    fn name(&self) -> &str {
        "m20261125_000001_foundation"
    }
}

#[derive(DeriveIden)]
enum Organisation {
    Table,
    Id,
    Name,
    MunicipalityCode,
    IsDemo,
    Version,
    CreatedAt,
    UpdatedAt,
}

#[derive(DeriveIden)]
enum OrgUnit {
    Table,
    Id,
    OrganisationId,
    ParentId,
    Name,
    Kind,
    Position,
    ExternalId,
    Version,
    CreatedAt,
    UpdatedAt,
    RetiredAt,
}

#[derive(DeriveIden)]
enum Person {
    Table,
    Id,
    OrganisationId,
    OidcIssuer,
    OidcSubject,
    DisplayName,
    Email,
    Disabled,
    CreatedAt,
    UpdatedAt,
}

#[derive(DeriveIden)]
enum Session {
    Table,
    Id,
    PersonId,
    Data,
    CreatedAt,
    LastSeenAt,
    ExpiresAt,
}

#[derive(DeriveIden)]
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

#[async_trait::async_trait]
impl MigrationTrait for Migration {
    async fn up(&self, manager: &SchemaManager) -> Result<(), DbErr> {
        manager
            .create_table(
                Table::create()
                    .table(Organisation::Table)
                    .col(big_pk_auto(Organisation::Id))
                    .col(string_len(Organisation::Name, 200))
                    .col(string_len_null(Organisation::MunicipalityCode, 4))
                    .col(boolean(Organisation::IsDemo).default(false))
                    .col(integer(Organisation::Version).default(1))
                    .col(timestamp_with_time_zone(Organisation::CreatedAt))
                    .col(timestamp_with_time_zone(Organisation::UpdatedAt))
                    .to_owned(),
            )
            .await?;

        manager
            .create_table(
                Table::create()
                    .table(OrgUnit::Table)
                    .col(big_pk_auto(OrgUnit::Id))
                    .col(big_integer(OrgUnit::OrganisationId))
                    .col(big_integer_null(OrgUnit::ParentId))
                    .col(string_len(OrgUnit::Name, 200))
                    .col(string_len(OrgUnit::Kind, 32))
                    .col(integer(OrgUnit::Position).default(0))
                    .col(string_len_null(OrgUnit::ExternalId, 100))
                    .col(integer(OrgUnit::Version).default(1))
                    .col(timestamp_with_time_zone(OrgUnit::CreatedAt))
                    .col(timestamp_with_time_zone(OrgUnit::UpdatedAt))
                    .col(timestamp_with_time_zone_null(OrgUnit::RetiredAt))
                    .foreign_key(
                        ForeignKey::create()
                            .name("fk_org_unit_organisation")
                            .from(OrgUnit::Table, OrgUnit::OrganisationId)
                            .to(Organisation::Table, Organisation::Id),
                    )
                    .foreign_key(
                        ForeignKey::create()
                            .name("fk_org_unit_parent")
                            .from(OrgUnit::Table, OrgUnit::ParentId)
                            .to(OrgUnit::Table, OrgUnit::Id),
                    )
                    .to_owned(),
            )
            .await?;
        manager
            .create_index(
                Index::create()
                    .name("ix_org_unit_organisation_parent")
                    .table(OrgUnit::Table)
                    .col(OrgUnit::OrganisationId)
                    .col(OrgUnit::ParentId)
                    .to_owned(),
            )
            .await?;

        manager
            .create_table(
                Table::create()
                    .table(Person::Table)
                    .col(big_pk_auto(Person::Id))
                    .col(big_integer(Person::OrganisationId))
                    .col(string_len(Person::OidcIssuer, 500))
                    .col(string_len(Person::OidcSubject, 255))
                    .col(string_len(Person::DisplayName, 200))
                    .col(string_len_null(Person::Email, 320))
                    .col(boolean(Person::Disabled).default(false))
                    .col(timestamp_with_time_zone(Person::CreatedAt))
                    .col(timestamp_with_time_zone(Person::UpdatedAt))
                    .foreign_key(
                        ForeignKey::create()
                            .name("fk_person_organisation")
                            .from(Person::Table, Person::OrganisationId)
                            .to(Organisation::Table, Organisation::Id),
                    )
                    .to_owned(),
            )
            .await?;
        manager
            .create_index(
                Index::create()
                    .name("ux_person_oidc_identity")
                    .table(Person::Table)
                    .col(Person::OidcIssuer)
                    .col(Person::OidcSubject)
                    .unique()
                    .to_owned(),
            )
            .await?;

        manager
            .create_table(
                Table::create()
                    .table(Session::Table)
                    .col(string_len(Session::Id, 64).primary_key())
                    .col(big_integer_null(Session::PersonId))
                    .col(json(Session::Data))
                    .col(timestamp_with_time_zone(Session::CreatedAt))
                    .col(timestamp_with_time_zone(Session::LastSeenAt))
                    .col(timestamp_with_time_zone(Session::ExpiresAt))
                    .foreign_key(
                        ForeignKey::create()
                            .name("fk_session_person")
                            .from(Session::Table, Session::PersonId)
                            .to(Person::Table, Person::Id)
                            .on_delete(ForeignKeyAction::Cascade),
                    )
                    .to_owned(),
            )
            .await?;
        manager
            .create_index(
                Index::create()
                    .name("ix_session_expires_at")
                    .table(Session::Table)
                    .col(Session::ExpiresAt)
                    .to_owned(),
            )
            .await?;

        manager
            .create_table(
                Table::create()
                    .table(AuditEvent::Table)
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
                    .col(string_len_null(AuditEvent::RequestId, 64))
                    .foreign_key(
                        ForeignKey::create()
                            .name("fk_audit_event_organisation")
                            .from(AuditEvent::Table, AuditEvent::OrganisationId)
                            .to(Organisation::Table, Organisation::Id),
                    )
                    .foreign_key(
                        ForeignKey::create()
                            .name("fk_audit_event_actor_person")
                            .from(AuditEvent::Table, AuditEvent::ActorPersonId)
                            .to(Person::Table, Person::Id),
                    )
                    .to_owned(),
            )
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

    async fn down(&self, manager: &SchemaManager) -> Result<(), DbErr> {
        for table in [
            AuditEvent::Table.into_iden(),
            Session::Table.into_iden(),
            Person::Table.into_iden(),
            OrgUnit::Table.into_iden(),
            Organisation::Table.into_iden(),
        ] {
            manager.drop_table(Table::drop().table(table).to_owned()).await?;
        }
        Ok(())
    }
}
