//! The database migrations of LIS, in the order they are applied.
//!
//! Every migration must run on SQLite and on PostgreSQL; the test suite applies them from empty on both. A migration
//! that has been released is never edited: a change to the schema is a new migration.

pub use sea_orm_migration::MigrationStatus;
pub use sea_orm_migration::prelude::*;

mod m20261125_000001_foundation;
mod m20261125_000002_roles;
mod m20261125_000003_soa;
mod m20261125_000004_catalogue_version;
mod m20261125_000005_catalogue_mapping;
mod m20261126_000006_inventory;
mod m20261126_000007_api_tokens;
mod m20261126_000008_inventory_listing;
mod m20261126_000009_classification;
mod m20261126_000010_information_types;
mod m20261126_000011_requirement_status;
mod m20261126_000012_shared_controls;
mod m20261126_000013_action_plan;
mod m20261126_000014_assessment_cycles;
mod m20261126_000015_evidence_files;
mod m20261126_000016_responsible;
mod m20261126_000017_people_indexes;
mod m20261126_000018_level_tops;
mod m20261127_000019_audit_without_references;
mod m20261127_000020_partial_person_indexes;
mod m20261127_000021_gap_summaries;
mod m20261127_000022_relation_without_organisation_reference;

/// The list of LIS's migrations, oldest first.
pub struct Migrator;

impl MigratorTrait for Migrator {
    fn migrations() -> Vec<Box<dyn MigrationTrait>> {
        vec![
            Box::new(m20261125_000001_foundation::Migration),
            Box::new(m20261125_000002_roles::Migration),
            Box::new(m20261125_000003_soa::Migration),
            Box::new(m20261125_000004_catalogue_version::Migration),
            Box::new(m20261125_000005_catalogue_mapping::Migration),
            Box::new(m20261126_000006_inventory::Migration),
            Box::new(m20261126_000007_api_tokens::Migration),
            Box::new(m20261126_000008_inventory_listing::Migration),
            Box::new(m20261126_000009_classification::Migration),
            Box::new(m20261126_000010_information_types::Migration),
            Box::new(m20261126_000011_requirement_status::Migration),
            Box::new(m20261126_000012_shared_controls::Migration),
            Box::new(m20261126_000013_action_plan::Migration),
            Box::new(m20261126_000014_assessment_cycles::Migration),
            Box::new(m20261126_000015_evidence_files::Migration),
            Box::new(m20261126_000016_responsible::Migration),
            Box::new(m20261126_000017_people_indexes::Migration),
            Box::new(m20261126_000018_level_tops::Migration),
            Box::new(m20261127_000019_audit_without_references::Migration),
            Box::new(m20261127_000020_partial_person_indexes::Migration),
            Box::new(m20261127_000021_gap_summaries::Migration),
            Box::new(m20261127_000022_relation_without_organisation_reference::Migration),
        ]
    }
}
