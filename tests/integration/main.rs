//! HTTP-level tests of LIS over the real router, each on SQLite and on PostgreSQL.
//!
//! Modules mirror the areas of the router; `store` covers the services under it (migrations, the audit trail).

mod action_plan;
mod api;
mod api_gaps;
mod auth;
mod authorization;
mod catalog;
mod classification;
mod classification_io;
mod demo;
mod evidence;
mod gap_report;
mod home;
mod inventory;
mod probes;
mod requirements;
mod security;
mod shared_controls;
mod soa;
mod store;
