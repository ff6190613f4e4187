//! The handlers, one module per area. Each parses its input, asks the authorization function, calls the store and
//! renders one page.

pub mod account;
pub mod action_plan;
pub mod admin;
pub mod api_tokens;
pub mod auth;
pub mod catalog;
pub mod catalogues;
pub mod classification;
pub mod classification_io;
pub mod gaps;
pub mod health;
pub mod home;
pub mod information_types;
pub mod inventory;
pub mod inventory_io;
pub mod requirements;
pub mod shared_controls;
pub mod soa;
pub mod statics;
