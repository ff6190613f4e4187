//! `audit_event`: the append-only audit trail.
#![allow(missing_docs, reason = "sea-orm's derives generate undocumented items")]

use sea_orm::entity::prelude::*;

#[derive(Clone, Debug, PartialEq, Eq, DeriveEntityModel)]
#[sea_orm(table_name = "audit_event")]
pub struct Model {
    #[sea_orm(primary_key)]
    pub id: i64,
    pub organisation_id: Option<i64>,
    pub occurred_at: DateTimeUtc,
    /// The actor as text, e.g. `person:12` or `system:demo`.
    pub actor: String,
    pub actor_person_id: Option<i64>,
    /// An [`lis_domain::AuditAction`] identifier.
    pub action: String,
    pub subject_kind: String,
    pub subject_id: String,
    pub before: Option<Json>,
    pub after: Option<Json>,
    pub request_id: Option<String>,
}

#[derive(Copy, Clone, Debug, EnumIter, DeriveRelation)]
pub enum Relation {}

impl ActiveModelBehavior for ActiveModel {}
