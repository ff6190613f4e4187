//! Times only the benchmark's import of 60 000 informationsmängder (issue #5), on a fresh database with the large
//! municipality loaded, without the reader the full benchmark runs beside it: for working on the import's speed
//! (or profiling it: the process id is written to `/tmp/lis-import-only.pid` and it waits 3 s before the import)
//! without waiting for the whole benchmark. Nothing is written to `docs/`; `scripts/bench` gives the figures that
//! count.
//!
//! `cargo run --release -p lis-bench --example import_only -- [sqlite|postgres]`

use std::io::Write;
use std::time::Duration;

use anyhow::{Result, bail};
use lis_bench::database::{FreshDatabase, Target};
use lis_bench::{generate, load, measure};

/// The allocator `lis` and `lis-bench` ship with.
#[global_allocator]
static ALLOCATOR: mimalloc::MiMalloc = mimalloc::MiMalloc;

#[tokio::main]
async fn main() -> Result<()> {
    lis_bench::without_huge_pages()?;
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
        std::fs::write("/tmp/lis-import-only.pid", std::process::id().to_string())?;
        tokio::time::sleep(Duration::from_secs(3)).await;
        let person = loaded.signed_in_person_id;
        measure::import(&fresh.db, &fresh.queries, loaded.organisation_id, person, &csv).await
    }
    .await;
    fresh.remove().await?;
    let imported = measured?;
    let mut out = format!(
        "{} rows in {:.2} s (reading {:.2} s)\n",
        imported.rows,
        imported.wall.as_secs_f64(),
        imported.parse.as_secs_f64()
    );
    for (stage, log) in ["read", "validated", "written"].iter().zip(imported.stages) {
        out += &format!(
            "  {stage}: {:.2} – {:.2} s\n",
            log.first.as_secs_f64(),
            log.last.as_secs_f64()
        );
    }
    for (statement, tally) in imported.statements.iter().take(8) {
        out += &format!(
            "  {statement}: {} × {:.0} ms\n",
            tally.count,
            tally.time.as_secs_f64() * 1000.0
        );
    }
    std::io::stdout().write_all(out.as_bytes())?;
    Ok(())
}
