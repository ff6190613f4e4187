//! Roles: which LIS role a person holds (from their identity provider's groups or granted by hand), and the mapping
//! from group names to roles.

use sea_orm_migration::{prelude::*, schema::*};

/// Creates `role_assignment` and `role_mapping`.
pub struct Migration;

impl MigrationName for Migration {
    fn name(&self) -> &str {
        "m20261125_000002_roles"
    }
}

#[derive(DeriveIden)]
enum RoleAssignment {
    Table,
    Id,
    PersonId,
    Role,
    OrgUnitId,
    Source,
    CreatedAt,
}

#[derive(DeriveIden)]
enum RoleMapping {
    Table,
    Id,
    OrganisationId,
    GroupName,
    Role,
    OrgUnitId,
    CreatedAt,
}

#[derive(DeriveIden)]
enum Person {
    Table,
    Id,
}

#[derive(DeriveIden)]
enum OrgUnit {
    Table,
    Id,
}

#[derive(DeriveIden)]
enum Organisation {
    Table,
    Id,
}

#[async_trait::async_trait]
impl MigrationTrait for Migration {
    async fn up(&self, manager: &SchemaManager) -> Result<(), DbErr> {
        manager
            .create_table(
                Table::create()
                    .table(RoleAssignment::Table)
                    .col(big_pk_auto(RoleAssignment::Id))
                    .col(big_integer(RoleAssignment::PersonId))
                    .col(string_len(RoleAssignment::Role, 32))
                    .col(big_integer_null(RoleAssignment::OrgUnitId))
                    .col(string_len(RoleAssignment::Source, 16))
                    .col(timestamp_with_time_zone(RoleAssignment::CreatedAt))
                    .foreign_key(
                        ForeignKey::create()
                            .name("fk_role_assignment_person")
                            .from(RoleAssignment::Table, RoleAssignment::PersonId)
                            .to(Person::Table, Person::Id)
                            .on_delete(ForeignKeyAction::Cascade),
                    )
                    .foreign_key(
                        ForeignKey::create()
                            .name("fk_role_assignment_org_unit")
                            .from(RoleAssignment::Table, RoleAssignment::OrgUnitId)
                            .to(OrgUnit::Table, OrgUnit::Id),
                    )
                    .to_owned(),
            )
            .await?;
        manager
            .create_index(
                Index::create()
                    .name("ix_role_assignment_person")
                    .table(RoleAssignment::Table)
                    .col(RoleAssignment::PersonId)
                    .to_owned(),
            )
            .await?;
        manager
            .create_table(
                Table::create()
                    .table(RoleMapping::Table)
                    .col(big_pk_auto(RoleMapping::Id))
                    .col(big_integer(RoleMapping::OrganisationId))
                    .col(string_len(RoleMapping::GroupName, 255))
                    .col(string_len(RoleMapping::Role, 32))
                    .col(big_integer_null(RoleMapping::OrgUnitId))
                    .col(timestamp_with_time_zone(RoleMapping::CreatedAt))
                    .foreign_key(
                        ForeignKey::create()
                            .name("fk_role_mapping_organisation")
                            .from(RoleMapping::Table, RoleMapping::OrganisationId)
                            .to(Organisation::Table, Organisation::Id),
                    )
                    .foreign_key(
                        ForeignKey::create()
                            .name("fk_role_mapping_org_unit")
                            .from(RoleMapping::Table, RoleMapping::OrgUnitId)
                            .to(OrgUnit::Table, OrgUnit::Id),
                    )
                    .to_owned(),
            )
            .await
    }

    async fn down(&self, manager: &SchemaManager) -> Result<(), DbErr> {
        manager
            .drop_table(Table::drop().table(RoleMapping::Table).to_owned())
            .await?;
        manager
            .drop_table(Table::drop().table(RoleAssignment::Table).to_owned())
            .await
    }
}
