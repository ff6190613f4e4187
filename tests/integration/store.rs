//! The store under the router: migrations, the audit trail, batched writes, readers during a change and stored levels.

mod audit;
mod batches;
mod concurrency;
mod levels;
mod migrations;
