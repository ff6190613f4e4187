//! `catalogue_mapping`: an imported catalogue's control and the LIS control it corresponds to.
#![allow(missing_docs, reason = "sea-orm's derives generate undocumented items")]

use sea_orm::entity::prelude::*;

#[derive(Clone, Debug, PartialEq, Eq, DeriveEntityModel)]
#[sea_orm(table_name = "catalogue_mapping")]
pub struct Model {
    #[sea_orm(primary_key)]
    pub id: i64,
    pub catalogue_version_id: i64,
    pub external_control_id: String,
    /// An ISO/IEC 27001:2022 Annex A identifier.
    pub lis_control_id: String,
    pub created_at: DateTimeUtc,
}

#[derive(Copy, Clone, Debug, EnumIter, DeriveRelation)]
pub enum Relation {}

impl ActiveModelBehavior for ActiveModel {}
