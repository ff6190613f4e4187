//! `classification`: one version of an informationsmängd's classification (utkast, fastställd or ersatt).
#![allow(missing_docs, reason = "sea-orm's derives generate undocumented items")]

use sea_orm::entity::prelude::*;

#[derive(Clone, Debug, PartialEq, Eq, DeriveEntityModel)]
#[sea_orm(table_name = "classification")]
pub struct Model {
    #[sea_orm(primary_key)]
    pub id: i64,
    pub organisation_id: i64,
    /// The informationsmängd.
    pub item_id: i64,
    /// A [`crate::classification::Status`] identifier.
    pub status: String,
    pub level_k: i16,
    pub level_r: i16,
    pub level_t: i16,
    /// None when spårbarhet is not classified.
    pub level_s: Option<i16>,
    /// The answers to the guided questions: aspect letter → consequence category → level.
    pub answers: Option<Json>,
    pub justification: String,
    pub valid_until: Date,
    pub created_by_person_id: i64,
    pub created_at: DateTimeUtc,
    pub updated_at: DateTimeUtc,
    pub approved_by_person_id: Option<i64>,
    pub approved_at: Option<DateTimeUtc>,
    pub version: i32,
    /// The common information type the classification is based on, if any.
    pub information_type_id: Option<i64>,
    /// The CISO approved it with some level below its type's: the type does not lift it.
    pub lowers_type: bool,
}

#[derive(Copy, Clone, Debug, EnumIter, DeriveRelation)]
pub enum Relation {}

impl ActiveModelBehavior for ActiveModel {}
