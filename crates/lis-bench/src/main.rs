//! `lis-bench`: the benchmarks of issues #5 (inventory) and #6 (classification). See the crate's documentation and `docs/performance.md`.

use std::io::Write as _;
use std::path::PathBuf;

use anyhow::{Context as _, Result};
use clap::{Parser, ValueEnum};
use lis_bench::database::Target;
use lis_bench::generate::Size;
use lis_bench::{Options, report};

/// mimalloc rather than the system's allocator: the gap analysis builds and drops maps of half a million statuses
/// per request, which the system's allocator handles several times slower (see docs/performance.md).
#[global_allocator]
static ALLOCATOR: mimalloc::MiMalloc = mimalloc::MiMalloc;

/// Which databases to measure.
#[derive(Clone, Copy, Debug, PartialEq, Eq, ValueEnum)]
enum Backends {
    /// SQLite, then PostgreSQL.
    Both,
    /// SQLite only.
    Sqlite,
    /// PostgreSQL only (at LIS_BENCH_POSTGRES_URL).
    Postgres,
}

/// Generates a large municipality and measures LIS's inventory on it: lists, records' pages, the export and the
/// import. Prints the figures as Markdown.
#[derive(Debug, Parser)]
#[command(name = "lis-bench", version)]
struct Args {
    /// The databases to measure.
    #[arg(long, value_enum, default_value = "both")]
    backend: Backends,
    /// The size relative to the municipality (1 = 4 000 systems, 60 000 informationsmängder).
    #[arg(long, default_value_t = 1.0)]
    scale: f64,
    /// Timed requests per page.
    #[arg(long, default_value_t = 50)]
    requests: usize,
    /// The generator's seed.
    #[arg(long, default_value_t = 5)]
    seed: u64,
    /// Also write the Markdown to this file (docs/performance.md).
    #[arg(long, value_name = "FILE")]
    write: Option<PathBuf>,
    /// Keep a copy of the generated import file (CSV) here.
    #[arg(long, value_name = "FILE")]
    csv_out: Option<PathBuf>,
    /// Measure PostgreSQL a second time through its Unix socket in this directory (e.g. /var/run/postgresql).
    #[arg(long, value_name = "DIR")]
    postgres_socket: Option<String>,
}

#[tokio::main]
async fn main() -> Result<()> {
    lis_bench::without_huge_pages()?;
    let args = Args::parse();
    let mut backends = match args.backend {
        Backends::Both => vec![Target::sqlite(), Target::postgres()],
        Backends::Sqlite => vec![Target::sqlite()],
        Backends::Postgres => vec![Target::postgres()],
    };
    if let Some(dir) = &args.postgres_socket
        && args.backend != Backends::Sqlite
    {
        backends.push(Target::postgres_socket(dir)?);
    }
    let mut options = Options::full(backends);
    if (args.scale - 1.0).abs() > f64::EPSILON {
        options.size = Size::scaled(args.scale);
    }
    options.requests = args.requests.max(1);
    options.seed = args.seed;
    options.csv_out = args.csv_out;
    let run = lis_bench::run(options).await?;
    let markdown = report::markdown(&run);
    if let Some(path) = &args.write {
        std::fs::write(path, &markdown).with_context(|| format!("writing {}", path.display()))?;
        eprintln!("lis-bench: wrote {}", path.display());
    }
    std::io::stdout()
        .write_all(markdown.as_bytes())
        .context("writing the figures")?;
    Ok(())
}
