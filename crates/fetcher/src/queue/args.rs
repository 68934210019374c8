//! The flags of `fetcher queue ...` and `fetcher worker`; the worker takes the batch CLI's
//! fetch flags ([`FetchArgs`]) as they are, so both fetch the same way.

use std::path::PathBuf;
use std::time::Duration;

use clap::{Args, Subcommand};

use crate::cli::args::{FetchArgs, InputFormat};
use crate::cli::units::parse_duration;

/// Where the job lives.
#[derive(Debug, Clone, Args)]
pub struct JobArgs {
    /// Redis to use, `redis://[:PASSWORD@]HOST[:PORT][/DB]` (Redis 7 or later).
    #[arg(long, env = "FETCHER_REDIS", value_name = "URL")]
    pub redis: String,
    /// The job's name; every command of one job uses the same.
    #[arg(long, value_name = "NAME")]
    pub job: String,
}

/// `fetcher queue ...`.
#[derive(Debug, Subcommand)]
pub enum QueueCommand {
    /// Add the requests of INPUT (the batch CLI's formats) to the job, keyed by input line:
    /// pushing the same input again adds nothing twice.
    Push {
        /// Redis and job.
        #[command(flatten)]
        job: JobArgs,
        /// Input file; `-` or none: stdin.
        #[arg(value_name = "INPUT")]
        input: Option<PathBuf>,
        /// How to read input lines.
        #[arg(long, value_enum, default_value_t = InputFormat::Auto)]
        input_format: InputFormat,
        /// Stop at the first bad input line (by default it is reported and skipped).
        #[arg(long)]
        strict: bool,
    },
    /// Write the job's results, one record per input line, to a file or stdout.
    Collect {
        /// Redis and job.
        #[command(flatten)]
        job: JobArgs,
        /// Output file of JSON lines; `-` or none: stdout.
        #[arg(short, long, value_name = "FILE")]
        output: Option<PathBuf>,
        /// Append only the results the output file does not hold yet.
        #[arg(long)]
        resume: bool,
        /// Overwrite an existing output file.
        #[arg(long, conflicts_with = "resume")]
        force: bool,
        /// Keep collecting until the job has no requests left (done or dead).
        #[arg(long)]
        follow: bool,
    },
    /// Print requests pushed, waiting, in flight per worker, done and dead.
    Status {
        /// Redis and job.
        #[command(flatten)]
        job: JobArgs,
    },
    /// Remove the job: its requests, results, dead letters and limiter state.
    Drop {
        /// Redis and job.
        #[command(flatten)]
        job: JobArgs,
    },
}

/// `fetcher worker`: the batch CLI's fetch flags plus the queue's.
#[derive(Debug, Args)]
pub struct WorkerArgs {
    /// Redis and job.
    #[command(flatten)]
    pub job: JobArgs,
    /// Take over requests another worker has held this long without a result (it died).
    #[arg(long, default_value = "30s", value_parser = parse_duration, value_name = "DURATION")]
    pub claim_idle: Duration,
    /// A request delivered more than this many times goes to the dead-letter stream.
    #[arg(long, default_value_t = 5, value_name = "N")]
    pub max_deliveries: u64,
    /// Exit once the job has no requests left (all done or dead) instead of waiting for
    /// more.
    #[arg(long)]
    pub burst: bool,
    /// This worker's name in the consumer group (default: HOST-PID).
    #[arg(long, value_name = "NAME")]
    pub consumer: Option<String>,
    /// How to fetch: the batch CLI's flags (input and output flags do not apply).
    #[command(flatten)]
    pub fetch: FetchArgs,
}

#[cfg(test)]
mod tests {
    use clap::Parser;

    use crate::cli::args::{Cli, Command, Settings};

    #[test]
    fn a_worker_takes_the_batch_fetch_flags() {
        let cli = Cli::try_parse_from([
            "fetcher",
            "worker",
            "--redis",
            "redis://127.0.0.1:1",
            "--job",
            "j",
            "-c",
            "8",
            "--per-host",
            "2",
            "--retries",
            "1",
            "--claim-idle",
            "2s",
        ])
        .unwrap();
        let Some(Command::Worker(worker)) = cli.command else {
            panic!("not a worker: {:?}", cli.command);
        };
        assert_eq!(worker.claim_idle, std::time::Duration::from_secs(2));
        assert_eq!(worker.max_deliveries, 5);
        assert!(!worker.burst);
        let settings = Settings::try_from(worker.fetch).unwrap();
        assert_eq!(settings.fetcher.max_concurrent, 8);
        assert_eq!(settings.fetcher.per_host, Some(2));
        assert_eq!(settings.run.template.max_retries, 1);
    }
}
