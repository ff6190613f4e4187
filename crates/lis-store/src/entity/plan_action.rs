//! `plan_action`: an action of the handlingsplan.
#![allow(missing_docs, reason = "sea-orm's derives generate undocumented items")]

use sea_orm::entity::prelude::*;

#[derive(Clone, Debug, PartialEq, Eq, DeriveEntityModel)]
#[sea_orm(table_name = "plan_action")]
pub struct Model {
    #[sea_orm(primary_key)]
    pub id: i64,
    pub organisation_id: i64,
    pub activity: String,
    pub goal: String,
    /// A [`lis_domain::action_plan::Priority`] identifier.
    pub priority: Option<String>,
    pub cost: String,
    pub responsible_person_id: Option<i64>,
    pub start_date: Option<Date>,
    pub end_date: Option<Date>,
    /// A [`lis_domain::action_plan::ActionStatus`] identifier.
    pub status: String,
    pub created_by_person_id: i64,
    pub created_at: DateTimeUtc,
    pub updated_at: DateTimeUtc,
    pub version: i32,
}

#[derive(Copy, Clone, Debug, EnumIter, DeriveRelation)]
pub enum Relation {}

impl ActiveModelBehavior for ActiveModel {}
