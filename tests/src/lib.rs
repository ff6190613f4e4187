//! The test harness of LIS: fresh databases on SQLite and PostgreSQL, and the real router driven in-process.
//!
//! Every test that touches data runs on both databases: write it as `async fn name(backend: Backend)` and list it
//! in [`on_both_databases!`], which makes `name::sqlite` and `name::postgres` tests. `./scripts/test` runs the
//! SQLite half and the PostgreSQL half separately by filtering on those names.

pub mod app;
pub mod browser;
pub mod idp;
pub mod postgres;
mod temp;

pub use app::{BASE_URL, TestApp, TestResponse, TestSession};
pub use lis_store::Backend;
pub use temp::TempDir;

/// Makes a `#[tokio::test]` on SQLite and one on PostgreSQL for each named `async fn(Backend)`.
#[macro_export]
macro_rules! on_both_databases {
    ($($name:ident),+ $(,)?) => {
        $(
            mod $name {
                #[tokio::test]
                async fn sqlite() {
                    super::$name($crate::Backend::Sqlite).await;
                }

                #[tokio::test]
                async fn postgres() {
                    super::$name($crate::Backend::Postgres).await;
                }
            }
        )+
    };
}
