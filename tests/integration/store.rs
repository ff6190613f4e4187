//! The store under the router: migrations, the audit trail, batched writes and readers during a change.

mod audit;
mod batches;
mod concurrency;
mod migrations;
