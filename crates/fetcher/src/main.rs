//! The `fetcher` command line: `fetcher demo` runs the seed's example against the embedded
//! server; `fetcher serve` runs that server until Ctrl-C.

use std::net::SocketAddr;
use std::path::PathBuf;
use std::process::ExitCode;

use clap::{Parser, Subcommand};
use fetcher::demo::{self, DemoOptions};

/// Concurrent HTTP fetching with retries and limits (the seed's AsyncFetcher).
#[derive(Debug, Parser)]
#[command(version, about)]
struct Cli {
    /// Also log (DEBUG) to this size-rotating file (2 KiB, 3 backups, as the seed).
    #[arg(long, global = true)]
    log_file: Option<PathBuf>,
    #[command(subcommand)]
    command: Command,
}

#[derive(Debug, Subcommand)]
enum Command {
    /// Run the seed's example against the embedded server on a free loopback port.
    Demo {
        /// Retries per request (the seed's default is 3; 1 keeps the demo quick).
        #[arg(long, default_value_t = 1)]
        max_retries: u32,
    },
    /// Run the embedded test server until Ctrl-C.
    Serve {
        /// Address to bind (port 0 picks a free port; the bound address is printed).
        #[arg(long, default_value = "127.0.0.1:0")]
        addr: SocketAddr,
    },
}

#[tokio::main]
async fn main() -> ExitCode {
    let cli = Cli::parse();
    let log = applog::LogConfig {
        console: Some(tracing::Level::INFO),
        file: cli.log_file.map(|path| applog::FileLog::new(path, 2048, 3)),
    };
    if let Err(e) = applog::init(&log) {
        eprintln!("error: {e}");
        return ExitCode::from(2);
    }
    let result = match cli.command {
        Command::Demo { max_retries } => demo::run(&DemoOptions {
            max_retries,
            ..DemoOptions::default()
        })
        .await
        .map(|report| print!("{report}"))
        .map_err(|e| e.to_string()),
        Command::Serve { addr } => fetcher::server::serve(addr)
            .await
            .map_err(|e| format!("cannot serve on {addr}: {e}; choose another --addr")),
    };
    match result {
        Ok(()) => ExitCode::SUCCESS,
        Err(e) => {
            eprintln!("error: {e}");
            ExitCode::FAILURE
        }
    }
}
