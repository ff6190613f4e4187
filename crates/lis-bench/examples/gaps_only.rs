//! Times only the benchmark's gap analysis (issue #7), on a fresh database with the large municipality loaded and
//! classified: for working on the report's speed without waiting for the whole benchmark. Nothing is written to
//! `docs/`; `scripts/bench` gives the figures that count.
//!
//! `cargo run --release -p lis-bench --example gaps_only -- [sqlite|postgres]`

use std::io::Write;
use std::time::Duration;

use anyhow::{Result, anyhow, bail};
use lis_bench::database::{FreshDatabase, Target};
use lis_bench::measure::Server;
use lis_bench::{classify, gaps, generate, load};

/// The allocator `lis` and `lis-bench` ship with.
#[global_allocator]
static ALLOCATOR: mimalloc::MiMalloc = mimalloc::MiMalloc;

/// Milliseconds, for printing.
fn ms(took: Duration) -> f64 {
    took.as_secs_f64() * 1000.0
}

#[tokio::main]
async fn main() -> Result<()> {
    lis_bench::without_huge_pages()?;
    let target = match std::env::args().nth(1).as_deref() {
        None | Some("postgres") => Target::postgres(),
        Some("sqlite") => Target::sqlite(),
        Some(other) => bail!("unknown backend {other}: sqlite or postgres"),
    };
    let m = generate::municipality(5, &generate::Size::full());
    let catalog = lis_catalog::shipped().map_err(|problems| anyhow!("the shipped catalogue: {problems:?}"))?;
    let fresh = FreshDatabase::create(&target).await?;
    let measured = async {
        let loaded = load::load(&fresh.db, &m).await?;
        classify::measure(&fresh.db, &fresh.queries, &m, &loaded, 1).await?;
        let ciso = Server::new(&fresh.db, loaded.signed_in_person_id).await?;
        gaps::measure(&fresh.db, &fresh.queries, &catalog, &ciso, &loaded, m.platforms, 3, 20).await
    }
    .await;
    fresh.remove().await?;
    let g = measured?;
    let mut out = String::new();
    for (name, samples) in [
        ("Mina brister", &g.my_gaps.lis.samples),
        ("report", &g.report.lis.samples),
        ("report, no summary stored", &g.report_unsummarised),
        ("report after the change", &g.report_after_change),
        ("change", &g.change),
        ("change floor", &g.change_floor),
        ("bare update", &g.change_bare),
    ] {
        out += &format!(
            "{name}: p50 {:.1} ms, p95 {:.1} ms\n",
            ms(samples.p50()),
            ms(samples.p95())
        );
    }
    for (step, samples) in &g.report_steps {
        out += &format!("  {step}: p50 {:.1} ms\n", ms(samples.p50()));
    }
    std::io::stdout().write_all(out.as_bytes())?;
    Ok(())
}
