//! `soa_entry`: the statement of applicability's decision for one control.
#![allow(missing_docs, reason = "sea-orm's derives generate undocumented items")]

use sea_orm::entity::prelude::*;

#[derive(Clone, Debug, PartialEq, Eq, DeriveEntityModel)]
#[sea_orm(table_name = "soa_entry")]
pub struct Model {
    #[sea_orm(primary_key)]
    pub id: i64,
    pub organisation_id: i64,
    /// The ISO/IEC 27001:2022 Annex A identifier, e.g. `8.13`.
    pub control_id: String,
    /// *Ska användas*.
    pub in_use: bool,
    /// A [`lis_domain::soa::Justification`] identifier.
    pub justification: Option<String>,
    pub text: String,
    pub version: i32,
    pub updated_at: DateTimeUtc,
    pub updated_by: Option<i64>,
}

#[derive(Copy, Clone, Debug, EnumIter, DeriveRelation)]
pub enum Relation {}

impl ActiveModelBehavior for ActiveModel {}
