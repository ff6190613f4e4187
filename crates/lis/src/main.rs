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
/// per request, which the system's allocator handles several times slower. It is built without transparent huge
/// pages (the `no_thp` feature), which made large imports pay for clearing whole 2 MiB pages (docs/performance.md).
#[global_allocator]
static ALLOCATOR: mimalloc::MiMalloc = mimalloc::MiMalloc;

fn main() -> ExitCode {
    let cli = cli::Cli::parse();
    if let Err(err) = run::init_tracing(&cli.log) {
        eprintln!("error: {err}");
        return ExitCode::FAILURE;
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
