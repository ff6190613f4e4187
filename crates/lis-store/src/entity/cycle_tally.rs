//! `cycle_tally`: one system's gap counts as they stood when a cycle was closed, with its org unit and objektsägare
//! then.
#![allow(missing_docs, reason = "sea-orm's derives generate undocumented items")]

use sea_orm::entity::prelude::*;

#[derive(Clone, Debug, PartialEq, Eq, DeriveEntityModel)]
#[sea_orm(table_name = "cycle_tally")]
pub struct Model {
    #[sea_orm(primary_key, auto_increment = false)]
    pub cycle_id: i64,
    #[sea_orm(primary_key, auto_increment = false)]
    pub system_id: i64,
    pub org_unit_id: Option<i64>,
    pub owner_person_id: Option<i64>,
    pub applicable: i64,
    pub met: i64,
    pub weight: i64,
    pub weighted_met: i64,
    pub not_assessed: i64,
    pub negligible: i64,
    pub moderate: i64,
    pub significant: i64,
    pub serious: i64,
    pub overdue: i64,
}

#[derive(Copy, Clone, Debug, EnumIter, DeriveRelation)]
pub enum Relation {}

impl ActiveModelBehavior for ActiveModel {}
