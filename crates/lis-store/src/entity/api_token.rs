//! `api_token`: a token for the JSON API, issued by an administrator for one role. Only the SHA-256 of the secret is
//! kept; the secret itself is shown once, when it is issued.
#![allow(missing_docs, reason = "sea-orm's derives generate undocumented items")]

use sea_orm::entity::prelude::*;

#[derive(Clone, Debug, PartialEq, Eq, DeriveEntityModel)]
#[sea_orm(table_name = "api_token")]
pub struct Model {
    #[sea_orm(primary_key)]
    pub id: i64,
    pub organisation_id: i64,
    /// What the token is for, as the administrator named it.
    pub name: String,
    /// A [`lis_domain::Role`] identifier.
    pub role: String,
    /// The SHA-256 of the secret, hex-encoded.
    #[sea_orm(unique)]
    pub token_hash: String,
    /// The secret's first characters, for recognising it in lists.
    pub token_prefix: String,
    /// The administrator who issued it.
    pub created_by: i64,
    pub created_at: DateTimeUtc,
    pub last_used_at: Option<DateTimeUtc>,
    pub revoked_at: Option<DateTimeUtc>,
    pub expires_at: Option<DateTimeUtc>,
}

#[derive(Copy, Clone, Debug, EnumIter, DeriveRelation)]
pub enum Relation {
    #[sea_orm(
        belongs_to = "super::person::Entity",
        from = "Column::CreatedBy",
        to = "super::person::Column::Id"
    )]
    Person,
}

impl Related<super::person::Entity> for Entity {
    fn to() -> RelationDef {
        Relation::Person.def()
    }
}

impl ActiveModelBehavior for ActiveModel {}
