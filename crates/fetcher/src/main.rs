//! The `fetcher` command line: parse, run, map the outcome to an exit code.
use std::process::ExitCode;

use clap::Parser;
use fetcher::cli::{self, args::Cli};

/// jemalloc: a request makes a few dozen short-lived allocations in the HTTP stack;
/// jemalloc serves them with ~5% fewer instructions per request than glibc's malloc for
/// ~1 MiB more resident memory (mimalloc saved more but doubled the resident set:
/// `scripts/bench-fetcher.sh`). Only the binary sets it; the library leaves the allocator
/// to its users.
#[cfg(not(target_env = "msvc"))]
#[global_allocator]
static ALLOC: tikv_jemallocator::Jemalloc = tikv_jemallocator::Jemalloc;

fn main() -> ExitCode {
    match cli::run(Cli::parse()) {
        Ok(code) => code,
        Err(e) => {
            eprintln!("fetcher: {e}");
            e.exit_code()
        }
    }
}
