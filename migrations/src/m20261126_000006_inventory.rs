//! The information asset inventory: förvaltningsobjekt, systems and informationsmängder in one table (they share
//! name, description, org unit, external id, version and retirement), the relations between them, and files
//! uploaded for import between their preview and their application.

use sea_orm_migration::{prelude::*, schema::*};

/// Creates `inventory_item`, `inventory_relation` and `import_upload`.
pub struct Migration;

impl MigrationName for Migration {
    fn name(&self) -> &str {
        "m20261126_000006_inventory"
    }
}

#[derive(DeriveIden)]
enum InventoryItem {
    Table,
    Id,
    OrganisationId,
    Kind,
    ExternalId,
    Name,
    NameKey,
    Description,
    OrgUnitId,
    ParentId,
    OwnerPersonId,
    BusinessManagerPersonId,
    ItManagerPersonId,
    SystemManagerPersonId,
    PlanReference,
    Supplier,
    Hosting,
    StorageCountry,
    Lifecycle,
    Tags,
    PersonalData,
    Secrecy,
    OslReference,
    SecurityProtection,
    Version,
    CreatedAt,
    UpdatedAt,
    RetiredAt,
}

#[derive(DeriveIden)]
enum InventoryRelation {
    Table,
    Id,
    OrganisationId,
    Kind,
    FromItemId,
    ToItemId,
    CreatedAt,
}

#[derive(DeriveIden)]
enum ImportUpload {
    Table,
    Id,
    OrganisationId,
    PersonId,
    FileName,
    Content,
    Sha256,
    CreatedAt,
}

#[derive(DeriveIden)]
enum Organisation {
    Table,
    Id,
}

#[derive(DeriveIden)]
enum OrgUnit {
    Table,
    Id,
}

#[derive(DeriveIden)]
enum Person {
    Table,
    Id,
}

fn person_key(column: InventoryItem, name: &str) -> ForeignKeyCreateStatement {
    ForeignKey::create()
        .name(name)
        .from(InventoryItem::Table, column)
        .to(Person::Table, Person::Id)
        .to_owned()
}

#[async_trait::async_trait]
impl MigrationTrait for Migration {
    async fn up(&self, manager: &SchemaManager) -> Result<(), DbErr> {
        manager
            .create_table(
                Table::create()
                    .table(InventoryItem::Table)
                    .col(big_pk_auto(InventoryItem::Id))
                    .col(big_integer(InventoryItem::OrganisationId))
                    .col(string_len(InventoryItem::Kind, 24))
                    .col(string_len_null(InventoryItem::ExternalId, 200))
                    .col(string_len(InventoryItem::Name, 200))
                    .col(string_len(InventoryItem::NameKey, 200))
                    .col(text(InventoryItem::Description))
                    .col(big_integer_null(InventoryItem::OrgUnitId))
                    .col(big_integer_null(InventoryItem::ParentId))
                    .col(big_integer_null(InventoryItem::OwnerPersonId))
                    .col(big_integer_null(InventoryItem::BusinessManagerPersonId))
                    .col(big_integer_null(InventoryItem::ItManagerPersonId))
                    .col(big_integer_null(InventoryItem::SystemManagerPersonId))
                    .col(string_len_null(InventoryItem::PlanReference, 200))
                    .col(string_len_null(InventoryItem::Supplier, 200))
                    .col(string_len_null(InventoryItem::Hosting, 32))
                    .col(string_len_null(InventoryItem::StorageCountry, 200))
                    .col(string_len_null(InventoryItem::Lifecycle, 32))
                    .col(text(InventoryItem::Tags))
                    .col(boolean_null(InventoryItem::PersonalData))
                    .col(boolean_null(InventoryItem::Secrecy))
                    .col(string_len_null(InventoryItem::OslReference, 200))
                    .col(boolean(InventoryItem::SecurityProtection).default(false))
                    .col(integer(InventoryItem::Version).default(1))
                    .col(timestamp_with_time_zone(InventoryItem::CreatedAt))
                    .col(timestamp_with_time_zone(InventoryItem::UpdatedAt))
                    .col(timestamp_with_time_zone_null(InventoryItem::RetiredAt))
                    .foreign_key(
                        ForeignKey::create()
                            .name("fk_inventory_item_organisation")
                            .from(InventoryItem::Table, InventoryItem::OrganisationId)
                            .to(Organisation::Table, Organisation::Id),
                    )
                    .foreign_key(
                        ForeignKey::create()
                            .name("fk_inventory_item_org_unit")
                            .from(InventoryItem::Table, InventoryItem::OrgUnitId)
                            .to(OrgUnit::Table, OrgUnit::Id),
                    )
                    .foreign_key(
                        ForeignKey::create()
                            .name("fk_inventory_item_parent")
                            .from(InventoryItem::Table, InventoryItem::ParentId)
                            .to(InventoryItem::Table, InventoryItem::Id),
                    )
                    .foreign_key(&mut person_key(InventoryItem::OwnerPersonId, "fk_inventory_item_owner"))
                    .foreign_key(&mut person_key(
                        InventoryItem::BusinessManagerPersonId,
                        "fk_inventory_item_business_manager",
                    ))
                    .foreign_key(&mut person_key(
                        InventoryItem::ItManagerPersonId,
                        "fk_inventory_item_it_manager",
                    ))
                    .foreign_key(&mut person_key(
                        InventoryItem::SystemManagerPersonId,
                        "fk_inventory_item_system_manager",
                    ))
                    .to_owned(),
            )
            .await?;
        for (name, columns) in [
            (
                "ix_inventory_item_kind_name",
                vec![
                    InventoryItem::OrganisationId,
                    InventoryItem::Kind,
                    InventoryItem::NameKey,
                ],
            ),
            (
                "ix_inventory_item_external_id",
                vec![InventoryItem::OrganisationId, InventoryItem::ExternalId],
            ),
            ("ix_inventory_item_parent", vec![InventoryItem::ParentId]),
            ("ix_inventory_item_owner", vec![InventoryItem::OwnerPersonId]),
            ("ix_inventory_item_org_unit", vec![InventoryItem::OrgUnitId]),
        ] {
            let mut index = Index::create();
            index.name(name).table(InventoryItem::Table);
            for column in columns {
                index.col(column);
            }
            manager.create_index(index.to_owned()).await?;
        }
        manager
            .create_table(
                Table::create()
                    .table(InventoryRelation::Table)
                    .col(big_pk_auto(InventoryRelation::Id))
                    .col(big_integer(InventoryRelation::OrganisationId))
                    .col(string_len(InventoryRelation::Kind, 24))
                    .col(big_integer(InventoryRelation::FromItemId))
                    .col(big_integer(InventoryRelation::ToItemId))
                    .col(timestamp_with_time_zone(InventoryRelation::CreatedAt))
                    .foreign_key(
                        ForeignKey::create()
                            .name("fk_inventory_relation_organisation")
                            .from(InventoryRelation::Table, InventoryRelation::OrganisationId)
                            .to(Organisation::Table, Organisation::Id),
                    )
                    .foreign_key(
                        ForeignKey::create()
                            .name("fk_inventory_relation_from")
                            .from(InventoryRelation::Table, InventoryRelation::FromItemId)
                            .to(InventoryItem::Table, InventoryItem::Id),
                    )
                    .foreign_key(
                        ForeignKey::create()
                            .name("fk_inventory_relation_to")
                            .from(InventoryRelation::Table, InventoryRelation::ToItemId)
                            .to(InventoryItem::Table, InventoryItem::Id),
                    )
                    .to_owned(),
            )
            .await?;
        manager
            .create_index(
                Index::create()
                    .name("ux_inventory_relation")
                    .table(InventoryRelation::Table)
                    .col(InventoryRelation::Kind)
                    .col(InventoryRelation::FromItemId)
                    .col(InventoryRelation::ToItemId)
                    .unique()
                    .to_owned(),
            )
            .await?;
        manager
            .create_index(
                Index::create()
                    .name("ix_inventory_relation_to")
                    .table(InventoryRelation::Table)
                    .col(InventoryRelation::ToItemId)
                    .to_owned(),
            )
            .await?;
        manager
            .create_table(
                Table::create()
                    .table(ImportUpload::Table)
                    .col(big_pk_auto(ImportUpload::Id))
                    .col(big_integer(ImportUpload::OrganisationId))
                    .col(big_integer(ImportUpload::PersonId))
                    .col(string_len(ImportUpload::FileName, 255))
                    .col(blob(ImportUpload::Content))
                    .col(string_len(ImportUpload::Sha256, 64))
                    .col(timestamp_with_time_zone(ImportUpload::CreatedAt))
                    .foreign_key(
                        ForeignKey::create()
                            .name("fk_import_upload_organisation")
                            .from(ImportUpload::Table, ImportUpload::OrganisationId)
                            .to(Organisation::Table, Organisation::Id),
                    )
                    .foreign_key(
                        ForeignKey::create()
                            .name("fk_import_upload_person")
                            .from(ImportUpload::Table, ImportUpload::PersonId)
                            .to(Person::Table, Person::Id),
                    )
                    .to_owned(),
            )
            .await
    }

    async fn down(&self, manager: &SchemaManager) -> Result<(), DbErr> {
        manager
            .drop_table(Table::drop().table(ImportUpload::Table).to_owned())
            .await?;
        manager
            .drop_table(Table::drop().table(InventoryRelation::Table).to_owned())
            .await?;
        manager
            .drop_table(Table::drop().table(InventoryItem::Table).to_owned())
            .await
    }
}
