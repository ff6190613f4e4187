//! `shared_control_requirement`: a requirement of the catalogue that a shared control meets (to its status).
#![allow(missing_docs, reason = "sea-orm's derives generate undocumented items")]

use sea_orm::entity::prelude::*;

#[derive(Clone, Debug, PartialEq, Eq, DeriveEntityModel)]
#[sea_orm(table_name = "shared_control_requirement")]
pub struct Model {
    #[sea_orm(primary_key, auto_increment = false)]
    pub shared_control_id: i64,
    /// The catalogue's requirement id.
    #[sea_orm(primary_key, auto_increment = false)]
    pub requirement_id: String,
}

#[derive(Copy, Clone, Debug, EnumIter, DeriveRelation)]
pub enum Relation {}

impl ActiveModelBehavior for ActiveModel {}
