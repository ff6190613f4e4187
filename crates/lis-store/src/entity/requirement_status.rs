//! `requirement_status`: how one system meets one requirement (the gap analysis), as last recorded.
#![allow(missing_docs, reason = "sea-orm's derives generate undocumented items")]

use sea_orm::entity::prelude::*;

#[derive(Clone, Debug, PartialEq, Eq, DeriveEntityModel)]
#[sea_orm(table_name = "requirement_status")]
pub struct Model {
    #[sea_orm(primary_key)]
    pub id: i64,
    pub organisation_id: i64,
    pub system_id: i64,
    /// The catalogue's requirement id, e.g. `LIS-8.13-01`.
    pub requirement_id: String,
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
    /// The system's own status for a requirement a shared control it uses meets: it counts instead of the shared
    /// control's.
    pub local_exception: bool,
    /// Who answers for it.
    pub responsible_person_id: Option<i64>,
}

#[derive(Copy, Clone, Debug, EnumIter, DeriveRelation)]
pub enum Relation {}

impl ActiveModelBehavior for ActiveModel {}
