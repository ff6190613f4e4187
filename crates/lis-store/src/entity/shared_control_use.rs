//! `shared_control_use`: a system (or platform) that uses a shared control; it, and what runs on it, inherit.
#![allow(missing_docs, reason = "sea-orm's derives generate undocumented items")]

use sea_orm::entity::prelude::*;

#[derive(Clone, Debug, PartialEq, Eq, DeriveEntityModel)]
#[sea_orm(table_name = "shared_control_use")]
pub struct Model {
    #[sea_orm(primary_key, auto_increment = false)]
    pub shared_control_id: i64,
    #[sea_orm(primary_key, auto_increment = false)]
    pub system_id: i64,
}

#[derive(Copy, Clone, Debug, EnumIter, DeriveRelation)]
pub enum Relation {}

impl ActiveModelBehavior for ActiveModel {}
