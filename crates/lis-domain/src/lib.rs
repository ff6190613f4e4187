//! The pure rules of LIS: no I/O, no database, no clock.
//!
//! Every rule of the method that LIS encodes lives here so that it can be tested on its own. The foundation holds
//! the organisation tree and the shape of an audit event; classification, the catalogue's rule language and gap
//! computation follow as their issues land.

pub mod action_plan;
pub mod aspect;
pub mod audit;
pub mod authz;
pub mod classification;
pub mod evidence;
pub mod gap;
pub mod held;
pub mod inheritance;
pub mod inventory;
pub mod law;
pub mod org;
pub mod rule;
pub mod soa;

pub use audit::{Actor, AuditAction, SubjectRef};
pub use authz::{
    Action, Denied, Principal, Resource, Role, RoleGrant, RoleMapEntry, RoleMapError, RoleMapProblem, authorize,
    parse_role_map, roles_for_groups,
};
pub use org::{FlatUnit, OrgTree, OrgTreeNode, OrgUnitKind, OrgUnitRecord, UnitName, UnitNameError};
