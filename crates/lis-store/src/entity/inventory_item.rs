//! `inventory_item`: one förvaltningsobjekt, system or informationsmängd. The columns that belong to one kind are
//! empty for the others.
#![allow(missing_docs, reason = "sea-orm's derives generate undocumented items")]

use sea_orm::entity::prelude::*;

#[derive(Clone, Debug, PartialEq, Eq, DeriveEntityModel)]
#[sea_orm(table_name = "inventory_item")]
pub struct Model {
    #[sea_orm(primary_key)]
    pub id: i64,
    pub organisation_id: i64,
    /// An [`lis_domain::inventory::ItemKind`] identifier.
    pub kind: String,
    /// The record's id in another register (KLASSA, a spreadsheet), for imports.
    pub external_id: Option<String>,
    pub name: String,
    /// The name in lower case, for matching and searching regardless of case.
    pub name_key: String,
    pub description: String,
    /// The responsible org unit (förvaltningsobjekt, informationsmängd).
    pub org_unit_id: Option<i64>,
    /// The förvaltningsobjekt a system belongs to.
    pub parent_id: Option<i64>,
    /// Objektsägare (förvaltningsobjekt) or informationsägare (informationsmängd).
    pub owner_person_id: Option<i64>,
    /// Förvaltningsledare for the business side (förvaltningsobjekt).
    pub business_manager_person_id: Option<i64>,
    /// Förvaltningsledare for IT (förvaltningsobjekt).
    pub it_manager_person_id: Option<i64>,
    /// Systemförvaltare (system).
    pub system_manager_person_id: Option<i64>,
    /// The yearly förvaltningsplan (förvaltningsobjekt).
    pub plan_reference: Option<String>,
    pub supplier: Option<String>,
    /// A [`lis_domain::inventory::Hosting`] identifier.
    pub hosting: Option<String>,
    /// The country where the system stores its data.
    pub storage_country: Option<String>,
    /// A [`lis_domain::inventory::Lifecycle`] identifier.
    pub lifecycle: Option<String>,
    /// Tags, one per line.
    pub tags: String,
    pub personal_data: Option<bool>,
    pub secrecy: Option<bool>,
    /// The section of offentlighets- och sekretesslagen that applies.
    pub osl_reference: Option<String>,
    /// The information concerns Sweden's security and is handled outside LIS (säkerhetsskydd).
    pub security_protection: bool,
    pub version: i32,
    pub created_at: DateTimeUtc,
    pub updated_at: DateTimeUtc,
    /// When the record was retired; retired records keep their history.
    pub retired_at: Option<DateTimeUtc>,
}

#[derive(Copy, Clone, Debug, EnumIter, DeriveRelation)]
pub enum Relation {}

impl ActiveModelBehavior for ActiveModel {}
