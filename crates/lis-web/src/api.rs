//! The JSON API under `/api/v1`: the inventory (lists, records, creating, changing, retiring) for API tokens and
//! signed-in sessions, its OpenAPI document at `/api/openapi.json`, and problem documents for its errors.
//!
//! Every handler asks the one authorization function, as the pages do ([`caller::ApiCaller::authorize`]); bodies
//! and answers are the types of [`dto`], never entities.

pub mod caller;
pub mod classification;
pub mod dto;
pub mod gaps;
pub mod inventory;
pub mod openapi;
pub mod problem;

pub use openapi::document_json as openapi_json;
