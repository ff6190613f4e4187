//! The LIS binary: `lis serve`, `lis demo` and `lis migrate`.
//!
//! Start-up problems that a person must fix (a malformed database URL, an unreachable database, a port in use, an
//! unwritable data directory) end the process with one plain sentence and exit code 1; nothing here panics.

mod cli;
mod config;
mod run;

use std::process::ExitCode;

use clap::Parser;

/// mimalloc rather than the system's allocator: the gap analysis builds and drops maps of half a million statuses
/// per request, which the system's allocator handles several times slower. It is built not to ask for transparent
/// huge pages (the `no_thp` feature), and [`without_huge_pages`] keeps the kernel from giving them unasked.
#[global_allocator]
static ALLOCATOR: mimalloc::MiMalloc = mimalloc::MiMalloc;

/// Turns transparent huge pages off for this process, also on hosts that turn them on for every process (`always`):
/// with them each first touch of fresh memory has the kernel clear a whole 2 MiB page, which cost a 60 000-row import
/// about a second (docs/performance.md).
#[cfg(target_os = "linux")]
fn without_huge_pages() -> std::io::Result<()> {
    Ok(nix::sys::prctl::set_thp_disable(true)?)
}

/// Other systems have no transparent huge pages to turn off.
#[cfg(not(target_os = "linux"))]
fn without_huge_pages() -> std::io::Result<()> {
    Ok(())
}

fn main() -> ExitCode {
    let cli = cli::Cli::parse();
    if let Err(err) = run::init_tracing(&cli.log) {
        eprintln!("error: {err}");
        return ExitCode::FAILURE;
    }
    if let Err(error) = without_huge_pages() {
        tracing::warn!(%error, "transparent huge pages could not be turned off; large imports may be slower");
    }
    let runtime = match tokio::runtime::Builder::new_multi_thread().enable_all().build() {
        Ok(runtime) => runtime,
        Err(err) => {
            eprintln!("error: cannot start the async runtime: {err}");
            return ExitCode::FAILURE;
        }
    };
    match runtime.block_on(run::run(cli.command)) {
        Ok(()) => ExitCode::SUCCESS,
        Err(err) => {
            eprintln!("error: {err}");
            ExitCode::FAILURE
        }
    }
}
