//! `level_override`: an objektsägare's level for one aspect of one system instead of the calculated one.
#![allow(missing_docs, reason = "sea-orm's derives generate undocumented items")]

use sea_orm::entity::prelude::*;

#[derive(Clone, Debug, PartialEq, Eq, DeriveEntityModel)]
#[sea_orm(table_name = "level_override")]
pub struct Model {
    #[sea_orm(primary_key)]
    pub id: i64,
    pub organisation_id: i64,
    pub system_id: i64,
    /// K, R, T or S.
    pub aspect: String,
    pub level: i16,
    /// A [`lis_domain::inheritance::OverrideReason`] identifier.
    pub reason: String,
    pub justification: String,
    pub calculated_when_set: i16,
    /// `in_force`, or `pending` while a lowering waits for the CISO.
    pub status: String,
    pub set_by_person_id: i64,
    pub set_at: DateTimeUtc,
    pub approved_by_person_id: Option<i64>,
    pub approved_at: Option<DateTimeUtc>,
}

#[derive(Copy, Clone, Debug, EnumIter, DeriveRelation)]
pub enum Relation {}

impl ActiveModelBehavior for ActiveModel {}
