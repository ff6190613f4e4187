//! `shared_control`: a safeguard described once (*gemensam skyddsåtgärd*), with how well it works.
#![allow(missing_docs, reason = "sea-orm's derives generate undocumented items")]

use sea_orm::entity::prelude::*;

#[derive(Clone, Debug, PartialEq, Eq, DeriveEntityModel)]
#[sea_orm(table_name = "shared_control")]
pub struct Model {
    #[sea_orm(primary_key)]
    pub id: i64,
    pub organisation_id: i64,
    pub name: String,
    /// The name in lower case: names are unique per organisation regardless of case.
    pub name_key: String,
    pub description: String,
    /// A [`lis_domain::gap::RequirementStatus`] identifier.
    pub status: String,
    /// A [`lis_domain::gap::Severity`] identifier.
    pub severity: Option<String>,
    pub how: String,
    pub justification: String,
    pub due_date: Option<Date>,
    pub verified_on: Option<Date>,
    pub evidence_url: String,
    pub updated_by_person_id: i64,
    pub updated_at: DateTimeUtc,
    pub version: i32,
    /// When it was retired: its systems inherit nothing from it any more.
    pub retired_at: Option<DateTimeUtc>,
    /// Who answers for it.
    pub responsible_person_id: Option<i64>,
}

#[derive(Copy, Clone, Debug, EnumIter, DeriveRelation)]
pub enum Relation {}

impl ActiveModelBehavior for ActiveModel {}
