//! `system_level`: a system's derived level for one aspect, with what decides it.
#![allow(missing_docs, reason = "sea-orm's derives generate undocumented items")]

use sea_orm::entity::prelude::*;

#[derive(Clone, Debug, PartialEq, Eq, DeriveEntityModel)]
#[sea_orm(table_name = "system_level")]
pub struct Model {
    #[sea_orm(primary_key, auto_increment = false)]
    pub system_id: i64,
    /// K, R, T or S.
    #[sea_orm(primary_key, auto_increment = false)]
    pub aspect: String,
    pub organisation_id: i64,
    /// The maximum over the informationsmängder the system itself holds (what runs on it aside)...
    pub held_level: i16,
    /// ...and the first of them at that level: kept so that a change below a platform need not read all it holds.
    pub held_source_id: Option<i64>,
    /// The best level among the others it holds, when known (`None`: not read since the best last changed)...
    pub held_second_level: Option<i16>,
    /// ...and the first informationsmängd at it.
    pub held_second_source_id: Option<i64>,
    /// The highest effective level among the systems running on this one, when known...
    pub runs_on_it_level: Option<i16>,
    /// ...the first system at it...
    pub runs_on_it_source_id: Option<i64>,
    /// ...and the runner-up among the others, when known.
    pub runs_on_it_second_level: Option<i16>,
    /// The first system at the runner-up's level.
    pub runs_on_it_second_source_id: Option<i64>,
    pub calculated: i16,
    pub effective: i16,
    /// `nothing`, `information`, `runs_on_it` or `override`.
    pub source_kind: String,
    /// The informationsmängd or system named by `source_kind`.
    pub source_id: Option<i64>,
    pub review_override: bool,
    pub updated_at: DateTimeUtc,
}

#[derive(Copy, Clone, Debug, EnumIter, DeriveRelation)]
pub enum Relation {}

impl ActiveModelBehavior for ActiveModel {}
