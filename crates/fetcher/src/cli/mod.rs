//! The `fetcher` command line: a batch fetcher that streams its input, writes one JSON line
//! per request as each completes, and loses nothing on Ctrl-C or a killed run.
//!
//! Data flows one way: [`args`] turns flags into the library's
//! [`FetcherConfig`](crate::FetcherConfig) and the run's options (one `TryFrom`);
//! [`run()`] reads [`input`] a line at a time, starts each request as a task once a slot in
//! the run's window is free (the window, twice the concurrency, bounds what is read but not
//! yet written, so memory is flat in the input size); the library's `--concurrency` limit
//! lets the tasks' attempts run in the order they asked, and a task in back-off or in a
//! `Retry-After` wait holds no slot (on a stop signal such waiting tasks end as cancelled:
//! not written, a `--resume` does them);
//! each task runs its request through [`execute`] (fetch, store the body, make the record,
//! the one path every driver of requests shares) and hands the record to the
//! [`output`] writer task, which tallies the [`summary`] and drives the [`progress`] line.
//! [`resume`] reads what an earlier run wrote; [`signals`] turns Ctrl-C and SIGTERM into a
//! graceful stop.

pub mod args;
pub mod execute;
pub mod input;
pub mod output;
pub mod progress;
pub mod reach;
pub mod resume;
mod run;
mod shards;
pub mod signals;
pub mod summary;
pub mod units;

use std::process::ExitCode;

pub use run::fetch;
pub(crate) use run::{input_name, open_input, open_output};

/// Exit code: every request succeeded; also a run whose standard output was closed by its
/// reader (`fetcher urls.txt | head -1`), which ends quietly as ripgrep's does.
pub const EXIT_OK: u8 = 0;
/// Exit code: some requests failed.
pub const EXIT_FAILED: u8 = 1;
/// Exit code: bad usage or bad input.
pub const EXIT_USAGE: u8 = 2;
/// Exit code: interrupted by Ctrl-C or SIGTERM (128 + SIGINT).
pub const EXIT_INTERRUPTED: u8 = 130;

/// Why a run could not go on; printed as one line, mapped to an exit code.
#[derive(Debug, thiserror::Error)]
pub enum CliError {
    /// Flags that do not fit together or do not parse.
    #[error("{0}")]
    Usage(String),
    /// The fetcher rejected its configuration.
    #[error("invalid configuration: {0}")]
    Config(#[from] crate::ConfigError),
    /// The input could not be opened or read.
    #[error("cannot read input {path}: {source}; check the path")]
    Input {
        /// The input named.
        path: String,
        /// The I/O error.
        source: std::io::Error,
    },
    /// The output could not be opened or written.
    #[error("cannot write output {path}: {source}")]
    Output {
        /// The output named.
        path: String,
        /// The I/O error.
        source: std::io::Error,
    },
    /// `--resume` could not read the earlier output.
    #[error(transparent)]
    Resume(#[from] resume::ResumeError),
    /// Redis, for the `queue` and `worker` commands, failed or could not be reached.
    #[error("{0}")]
    Queue(String),
    /// Something the process needs at start (signal handlers, runtime, logging).
    #[error("cannot start: {0}")]
    Start(String),
}

impl CliError {
    /// The process exit code for this error.
    pub fn exit_code(&self) -> ExitCode {
        ExitCode::from(match self {
            CliError::Output { .. } | CliError::Start(_) | CliError::Queue(_) => EXIT_FAILED,
            _ => EXIT_USAGE,
        })
    }
}

/// Runs a parsed command line to completion on a fresh tokio runtime and returns the exit
/// code; `main` only prints the error.
///
/// A batch fetch runs on this thread's runtime plus one more runtime of one thread per
/// extra `--threads` (see `run`); a queue worker runs on one thread, or with `--threads N`
/// (N > 1) on a work-stealing runtime of N workers; other commands on one of one worker
/// per core.
///
/// # Errors
/// A [`CliError`] when the run cannot start or its output cannot be written.
pub fn run(cli: args::Cli) -> Result<ExitCode, CliError> {
    // `Some(0)`: a multi-thread runtime of one worker per core.
    let workers = match &cli.command {
        None => Some(1),
        Some(args::Command::Worker(worker)) => Some(worker.fetch.threads.unwrap_or(1)),
        Some(_) => None,
    };
    let mut builder = if workers == Some(1) {
        tokio::runtime::Builder::new_current_thread()
    } else {
        tokio::runtime::Builder::new_multi_thread()
    };
    if let Some(workers) = workers.filter(|n| *n > 1) {
        builder.worker_threads(workers);
    }
    let runtime = builder
        .enable_all()
        .build()
        .map_err(|e| CliError::Start(format!("tokio runtime: {e}")))?;
    match cli.command {
        Some(args::Command::Demo {
            max_retries,
            log_file,
        }) => {
            let _log = init_logging(&applog::LogConfig {
                console: Some(tracing::Level::INFO),
                file: log_file.map(|path| applog::FileLog::new(path, 2048, 3)),
                console_hidden_targets: Vec::new(),
            })?;
            let options = crate::demo::DemoOptions {
                max_retries,
                ..crate::demo::DemoOptions::default()
            };
            let report = runtime
                .block_on(crate::demo::run(&options))
                .map_err(|e| CliError::Start(e.to_string()))?;
            print!("{report}");
            Ok(ExitCode::SUCCESS)
        }
        Some(args::Command::Serve { addr, tls }) => {
            let _log = init_logging(&applog::LogConfig {
                console: Some(tracing::Level::INFO),
                file: None,
                console_hidden_targets: Vec::new(),
            })?;
            let served = match tls.server_tls()? {
                None => runtime.block_on(crate::server::serve(addr)),
                Some((tls, written)) => {
                    if let Some(path) = written {
                        println!("CA certificate for --cacert: {}", path.display());
                    }
                    runtime.block_on(crate::server::serve_tls(addr, &tls))
                }
            };
            served.map_err(|e| {
                CliError::Start(format!(
                    "cannot serve on {addr}: {e}; choose another --addr"
                ))
            })?;
            Ok(ExitCode::SUCCESS)
        }
        Some(args::Command::Queue { command }) => runtime
            .block_on(crate::queue::run_queue(command))
            .map(ExitCode::from),
        Some(args::Command::Worker(worker)) => {
            let worker = *worker;
            let settings = args::Settings::try_from(worker.fetch)?;
            let _log = start_fetching(&settings)?;
            let opts = crate::queue::worker::WorkerOptions {
                job: crate::queue::Job::new(&worker.job.job)?,
                redis: worker.job.redis,
                claim_idle: worker.claim_idle,
                max_deliveries: worker.max_deliveries,
                burst: worker.burst,
                consumer: worker
                    .consumer
                    .unwrap_or_else(crate::queue::worker::default_consumer),
            };
            runtime
                .block_on(crate::queue::worker::work(opts, settings))
                .map(ExitCode::from)
        }
        None => {
            let settings = args::Settings::try_from(cli.fetch)?;
            let _log = start_fetching(&settings)?;
            let code = runtime.block_on(fetch(settings));
            // Nothing is left to wait for: do not let a blocked read hold the exit.
            runtime.shutdown_background();
            code.map(ExitCode::from)
        }
    }
}

/// A fetch logs only when `-v` or `--log-file` asks.
/// What a run that fetches (the batch run or a queue worker) does before its first
/// request: warn once about `--insecure`, and set up logging if any is asked for.
fn start_fetching(settings: &args::Settings) -> Result<applog::LogGuard, CliError> {
    if settings.fetcher.tls.insecure {
        eprintln!("fetcher: warning: --insecure: server certificates are not verified");
    }
    let config = &settings.run.log;
    if config.console.is_some() || config.file.is_some() {
        init_logging(config)
    } else {
        Ok(applog::LogGuard::default())
    }
}

fn init_logging(config: &applog::LogConfig) -> Result<applog::LogGuard, CliError> {
    applog::init(config).map_err(|e| CliError::Start(e.to_string()))
}
