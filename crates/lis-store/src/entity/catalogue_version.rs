//! `catalogue_version`: a catalogue as loaded into LIS — the shipped one at start, or one imported from OSCAL.
#![allow(missing_docs, reason = "sea-orm's derives generate undocumented items")]

use sea_orm::entity::prelude::*;

#[derive(Clone, Debug, PartialEq, Eq, DeriveEntityModel)]
#[sea_orm(table_name = "catalogue_version")]
pub struct Model {
    #[sea_orm(primary_key)]
    pub id: i64,
    /// The catalogue's identifier (`lis-msb`, or an OSCAL document's UUID).
    pub key: String,
    pub version: String,
    /// `shipped` or `oscal`.
    pub source: String,
    pub title: String,
    /// Imported catalogues are read-only: they are shown and mapped, not edited.
    pub read_only: bool,
    pub control_count: i32,
    /// The catalogue as JSON.
    pub content: String,
    pub loaded_at: DateTimeUtc,
}

#[derive(Copy, Clone, Debug, EnumIter, DeriveRelation)]
pub enum Relation {}

impl ActiveModelBehavior for ActiveModel {}
