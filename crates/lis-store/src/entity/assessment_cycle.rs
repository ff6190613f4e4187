//! `assessment_cycle`: a closed follow-up (*uppföljning*) whose gap counts are frozen in `cycle_tally`.
#![allow(missing_docs, reason = "sea-orm's derives generate undocumented items")]

use sea_orm::entity::prelude::*;

#[derive(Clone, Debug, PartialEq, Eq, DeriveEntityModel)]
#[sea_orm(table_name = "assessment_cycle")]
pub struct Model {
    #[sea_orm(primary_key)]
    pub id: i64,
    pub organisation_id: i64,
    pub name: String,
    /// The name in lower case: names are unique per organisation regardless of case.
    pub name_key: String,
    pub closed_at: DateTimeUtc,
    pub closed_by_person_id: i64,
}

#[derive(Copy, Clone, Debug, EnumIter, DeriveRelation)]
pub enum Relation {}

impl ActiveModelBehavior for ActiveModel {}
