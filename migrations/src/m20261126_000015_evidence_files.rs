//! Evidence files uploaded for a system's requirement: the bytes lie in LIS's data directory under a generated name,
//! outside anything served; the table keeps the original name, kind, size and SHA-256.

use sea_orm_migration::{prelude::*, schema::*};

/// Creates `evidence_file`.
pub struct Migration;

impl MigrationName for Migration {
    fn name(&self) -> &str {
        "m20261126_000015_evidence_files"
    }
}

#[derive(DeriveIden)]
enum EvidenceFile {
    Table,
    Id,
    OrganisationId,
    SystemId,
    RequirementId,
    FileName,
    StoredName,
    ContentType,
    Size,
    Sha256,
    UploadedByPersonId,
    UploadedAt,
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

#[async_trait::async_trait]
impl MigrationTrait for Migration {
    async fn up(&self, manager: &SchemaManager) -> Result<(), DbErr> {
        manager
            .create_table(
                Table::create()
                    .table(EvidenceFile::Table)
                    .col(big_pk_auto(EvidenceFile::Id))
                    .col(big_integer(EvidenceFile::OrganisationId))
                    .col(big_integer(EvidenceFile::SystemId))
                    .col(string_len(EvidenceFile::RequirementId, 64))
                    .col(string_len(EvidenceFile::FileName, 200))
                    .col(string_len(EvidenceFile::StoredName, 64))
                    .col(string_len(EvidenceFile::ContentType, 64))
                    .col(big_integer(EvidenceFile::Size))
                    .col(string_len(EvidenceFile::Sha256, 64))
                    .col(big_integer(EvidenceFile::UploadedByPersonId))
                    .col(timestamp_with_time_zone(EvidenceFile::UploadedAt))
                    .foreign_key(
                        ForeignKey::create()
                            .name("fk_evidence_file_organisation")
                            .from(EvidenceFile::Table, EvidenceFile::OrganisationId)
                            .to(Organisation::Table, Organisation::Id),
                    )
                    .foreign_key(
                        ForeignKey::create()
                            .name("fk_evidence_file_system")
                            .from(EvidenceFile::Table, EvidenceFile::SystemId)
                            .to(InventoryItem::Table, InventoryItem::Id),
                    )
                    .to_owned(),
            )
            .await?;
        manager
            .create_index(
                Index::create()
                    .name("ix_evidence_file_system")
                    .table(EvidenceFile::Table)
                    .col(EvidenceFile::SystemId)
                    .col(EvidenceFile::RequirementId)
                    .to_owned(),
            )
            .await
    }

    async fn down(&self, manager: &SchemaManager) -> Result<(), DbErr> {
        manager
            .drop_table(Table::drop().table(EvidenceFile::Table).to_owned())
            .await
    }
}
