//! The `fetcher` command line: parse, run, map the outcome to an exit code.
use std::process::ExitCode;

use clap::Parser;
use fetcher::cli::{self, args::Cli};

fn main() -> ExitCode {
    match cli::run(Cli::parse()) {
        Ok(code) => code,
        Err(e) => {
            eprintln!("fetcher: {e}");
            e.exit_code()
        }
    }
}
