//! The sea-orm entities: one module per table. Only the store uses them; other crates get domain types or view
//! structs.

pub mod api_token;
pub mod assessment_cycle;
pub mod audit_event;
pub mod catalogue_mapping;
pub mod catalogue_version;
pub mod classification;
pub mod cycle_tally;
pub mod evidence_file;
pub mod gap_summary;
pub mod import_upload;
pub mod information_type;
pub mod inventory_item;
pub mod inventory_relation;
pub mod level_override;
pub mod org_unit;
pub mod organisation;
pub mod person;
pub mod plan_action;
pub mod plan_action_link;
pub mod requirement_status;
pub mod role_assignment;
pub mod role_mapping;
pub mod session;
pub mod shared_control;
pub mod shared_control_requirement;
pub mod shared_control_use;
pub mod soa_entry;
pub mod system_level;
