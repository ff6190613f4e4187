//! `evidence_file`: a file uploaded as evidence for a system's requirement; its bytes lie in the data directory.
#![allow(missing_docs, reason = "sea-orm's derives generate undocumented items")]

use sea_orm::entity::prelude::*;

#[derive(Clone, Debug, PartialEq, Eq, DeriveEntityModel)]
#[sea_orm(table_name = "evidence_file")]
pub struct Model {
    #[sea_orm(primary_key)]
    pub id: i64,
    pub organisation_id: i64,
    pub system_id: i64,
    pub requirement_id: String,
    /// The name it was uploaded with, cleaned for showing and for the download's file name.
    pub file_name: String,
    /// The generated name it is stored under.
    pub stored_name: String,
    pub content_type: String,
    pub size: i64,
    /// The SHA-256 of its bytes, in hex.
    pub sha256: String,
    pub uploaded_by_person_id: i64,
    pub uploaded_at: DateTimeUtc,
}

#[derive(Copy, Clone, Debug, EnumIter, DeriveRelation)]
pub enum Relation {}

impl ActiveModelBehavior for ActiveModel {}
