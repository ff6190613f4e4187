//! LIS's database: connecting, migrating, the sea-orm entities and the services that change data.
//!
//! Every write goes through a service function that takes a [`sea_orm::DatabaseTransaction`] and appends its audit
//! event through [`audit::append`] in that same transaction, so that a change and its trace are committed together
//! or not at all. Use cases that span several writes (the demo loader, later the imports) open the transaction
//! themselves and commit once at the end.
//!
//! Errors: [`StoreError`] is the one error type of this crate.

pub mod action_plan;
pub mod api_tokens;
pub mod audit;
pub mod catalogues;
pub mod classification;
pub mod classification_import;
pub mod cycles;
pub mod database;
pub mod demo;
pub mod demo_assessment;
pub mod entity;
mod error;
pub mod evidence;
pub mod gap_summaries;
pub mod gaps;
pub mod information_types;
pub mod inventory;
pub mod inventory_export;
pub mod inventory_import;
pub mod levels;
pub mod migrate;
pub mod organisation;
pub mod people;
pub mod requirement_status;
pub mod role_mapping;
mod rows;
pub mod sessions;
pub mod setup;
pub mod shared_controls;
pub mod soa;

pub use database::{Backend, ChangeTransaction, DatabaseUrl, connect};
pub use error::StoreError;
pub use sea_orm::{DatabaseConnection, DatabaseTransaction, TransactionTrait};
