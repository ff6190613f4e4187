//! Times only the benchmark's import, on a fresh database with the large municipality loaded: for working on the
//! import's speed without waiting for the whole benchmark. Nothing is written to `docs/`; `scripts/bench` gives the
//! figures that count.
//!
//! `cargo run --release -p lis-bench --example import_only -- [sqlite|postgres]`

use std::io::Write;

use anyhow::{Result, bail};
use lis_bench::database::{FreshDatabase, Target};
use lis_bench::{generate, load, measure, queries};
use sea_orm::ConnectionTrait;

/// The allocator `lis` and `lis-bench` ship with.
#[global_allocator]
static ALLOCATOR: mimalloc::MiMalloc = mimalloc::MiMalloc;

#[tokio::main]
async fn main() -> Result<()> {
    let target = match std::env::args().nth(1).as_deref() {
        None | Some("postgres") => Target::postgres(),
        Some("sqlite") => Target::sqlite(),
        Some(other) => bail!("unknown backend {other}: sqlite or postgres"),
    };
    let m = generate::municipality(5, &generate::Size::full());
    let csv = lis_web::inventory_files::csv(&[m.import_table(m.import_rows.len())])?;
    let fresh = FreshDatabase::create(&target).await?;
    let measured = async {
        let loaded = load::load(&fresh.db, &m).await?;
        eprintln!("loaded in {:.1} s", loaded.took.as_secs_f64());
        // Settled, as in the benchmark, where minutes pass between the load and the import.
        if fresh.db.get_database_backend() == sea_orm::DbBackend::Postgres {
            fresh.db.execute_unprepared("VACUUM ANALYZE").await?;
        }
        measure::import(
            &fresh.db,
            &fresh.queries,
            loaded.organisation_id,
            loaded.signed_in_person_id,
            &csv,
        )
        .await
    }
    .await;
    fresh.remove().await?;
    let imported = measured?;
    let mut out = format!(
        "imported {} rows in {:.2} s\n",
        imported.rows,
        imported.wall.as_secs_f64()
    );
    out += &format!("reading the CSV: {:.2} s\n", imported.parse.as_secs_f64());
    for (stage, log) in ["read", "validated", "written"].iter().zip(&imported.stages) {
        let (first, last) = (log.first.as_secs_f64(), log.last.as_secs_f64());
        out += &format!("{stage}: first {first:.2} s, last {last:.2} s\n");
    }
    let all = queries::total(&imported.statements);
    out += &format!("{} statements, {:.2} s\n", all.count, all.time.as_secs_f64());
    for (statement, tally) in imported.statements.iter().take(10) {
        out += &format!("  {statement}: {} in {:.3} s\n", tally.count, tally.time.as_secs_f64());
    }
    std::io::stdout().write_all(out.as_bytes())?;
    Ok(())
}
