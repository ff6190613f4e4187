//! The store under the router: migrations and the audit trail.

mod audit;
mod batches;
mod migrations;
