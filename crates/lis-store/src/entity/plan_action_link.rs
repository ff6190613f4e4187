//! `plan_action_link`: what an action remedies: a gap (a system and a requirement) or a shared control.
#![allow(missing_docs, reason = "sea-orm's derives generate undocumented items")]

use sea_orm::entity::prelude::*;

#[derive(Clone, Debug, PartialEq, Eq, DeriveEntityModel)]
#[sea_orm(table_name = "plan_action_link")]
pub struct Model {
    #[sea_orm(primary_key)]
    pub id: i64,
    pub action_id: i64,
    pub system_id: Option<i64>,
    pub requirement_id: Option<String>,
    pub shared_control_id: Option<i64>,
}

#[derive(Copy, Clone, Debug, EnumIter, DeriveRelation)]
pub enum Relation {}

impl ActiveModelBehavior for ActiveModel {}
