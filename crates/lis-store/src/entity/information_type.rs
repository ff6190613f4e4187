//! `information_type`: a common information type (*informationstyp*) with the classification the CISO decided for it.
#![allow(missing_docs, reason = "sea-orm's derives generate undocumented items")]

use sea_orm::entity::prelude::*;

#[derive(Clone, Debug, PartialEq, Eq, DeriveEntityModel)]
#[sea_orm(table_name = "information_type")]
pub struct Model {
    #[sea_orm(primary_key)]
    pub id: i64,
    pub organisation_id: i64,
    pub name: String,
    /// The name folded for matching: unique within the organisation.
    pub name_key: String,
    pub description: String,
    pub level_k: i16,
    pub level_r: i16,
    pub level_t: i16,
    /// None when spårbarhet is not classified.
    pub level_s: Option<i16>,
    pub justification: String,
    pub updated_by_person_id: i64,
    pub created_at: DateTimeUtc,
    pub updated_at: DateTimeUtc,
    pub retired_at: Option<DateTimeUtc>,
    pub version: i32,
}

#[derive(Copy, Clone, Debug, EnumIter, DeriveRelation)]
pub enum Relation {}

impl ActiveModelBehavior for ActiveModel {}
