//! `gap_summary`: one system's gap counts as a report last worked them out, with what they were worked out from; a
//! saved status of the system bumps `stamp` and clears `counts`.
#![allow(missing_docs, reason = "sea-orm's derives generate undocumented items")]

use sea_orm::entity::prelude::*;

#[derive(Clone, Debug, PartialEq, Eq, DeriveEntityModel)]
#[sea_orm(table_name = "gap_summary")]
pub struct Model {
    #[sea_orm(primary_key, auto_increment = false)]
    pub system_id: i64,
    pub organisation_id: i64,
    pub stamp: i64,
    pub counts: Option<String>,
    pub profile: String,
    pub basis: String,
    pub inherited: String,
    pub computed_on: Option<Date>,
    pub valid_until: Option<Date>,
}

#[derive(Copy, Clone, Debug, EnumIter, DeriveRelation)]
pub enum Relation {}

impl ActiveModelBehavior for ActiveModel {}
