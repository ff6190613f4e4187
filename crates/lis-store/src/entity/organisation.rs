//! `organisation`: a municipality, region or company using LIS.
#![allow(missing_docs, reason = "sea-orm's derives generate undocumented items")]

use sea_orm::entity::prelude::*;

#[derive(Clone, Debug, PartialEq, Eq, DeriveEntityModel)]
#[sea_orm(table_name = "organisation")]
pub struct Model {
    #[sea_orm(primary_key)]
    pub id: i64,
    pub name: String,
    /// The four-digit kommunkod from SCB, when the organisation is a municipality.
    pub municipality_code: Option<String>,
    /// Whether this is the fictional organisation of `lis demo`.
    pub is_demo: bool,
    /// Whether spårbarhet (S) is classified besides K, R and T.
    pub classifies_traceability: bool,
    pub version: i32,
    pub created_at: DateTimeUtc,
    pub updated_at: DateTimeUtc,
}

#[derive(Copy, Clone, Debug, EnumIter, DeriveRelation)]
pub enum Relation {
    #[sea_orm(has_many = "super::org_unit::Entity")]
    OrgUnit,
}

impl Related<super::org_unit::Entity> for Entity {
    fn to() -> RelationDef {
        Relation::OrgUnit.def()
    }
}

impl ActiveModelBehavior for ActiveModel {}
