//! Command-line arguments: the raw clap structs ([`Cli`], [`FetchArgs`]) and their one
//! conversion into what the program runs with ([`Settings`]).
//!
//! As in ripgrep (its "low-level" args become "high-level" args in one place), every check
//! that needs more than one flag, and every conversion into the library's
//! [`FetcherConfig`], happens in `TryFrom<FetchArgs> for Settings`; the rest of the CLI never
//! looks at a raw flag.

use std::io::IsTerminal;
use std::path::PathBuf;
use std::time::Duration;

use clap::{Args, Parser, Subcommand, ValueEnum};

use super::CliError;
use super::input::RequestTemplate;
use super::reach::ReachArgs;
use super::units::{parse_duration, parse_size};
use crate::{FetcherConfig, Method, RetryConfig, RetryPolicy};

/// The `fetcher` command line.
#[derive(Debug, Parser)]
#[command(
    name = "fetcher",
    version,
    about = "Fetch many URLs concurrently: URLs or JSON lines in, one JSON line per request out",
    args_conflicts_with_subcommands = true,
    args_override_self = true,
    after_help = "Exit codes: 0 all succeeded (or standard output was closed by its reader, as in \
                  `fetcher urls.txt | head -1`), 1 some failed, 2 usage or input error, 130 interrupted."
)]
pub struct Cli {
    /// A subcommand; without one, fetcher fetches its input.
    #[command(subcommand)]
    pub command: Option<Command>,
    /// Arguments of a fetch run (the default command).
    #[command(flatten)]
    pub fetch: FetchArgs,
}

/// Subcommands beside the default fetch run.
#[derive(Debug, Subcommand)]
pub enum Command {
    /// Run the seed's example against the embedded server on a free loopback port.
    Demo {
        /// Retries per request (the seed's default is 3; 1 keeps the demo quick).
        #[arg(long, default_value_t = 1)]
        max_retries: u32,
        /// Also log (DEBUG) to this size-rotating file (2 KiB, 3 backups, as the seed).
        #[arg(long, value_name = "FILE")]
        log_file: Option<PathBuf>,
    },
    /// Run the embedded httpbin-style test server until Ctrl-C.
    Serve {
        /// Address to bind (port 0 picks a free port; the bound address is printed).
        #[arg(long, default_value = "127.0.0.1:0")]
        addr: std::net::SocketAddr,
        /// HTTPS instead of HTTP.
        #[command(flatten)]
        tls: ServeTlsArgs,
    },
    /// Across machines: a job's requests and results in Redis (push, collect, status, drop).
    Queue {
        /// What to do with the job.
        #[command(subcommand)]
        command: crate::queue::args::QueueCommand,
    },
    /// Across machines: fetch a job's requests from Redis, with the fetch flags.
    #[command(
        mut_arg("input", |a| a.hide(true)),
        mut_arg("output", |a| a.hide(true)),
        mut_arg("input_format", |a| a.hide(true)),
        mut_arg("strict", |a| a.hide(true)),
        mut_arg("ordered", |a| a.hide(true)),
        mut_arg("resume", |a| a.hide(true)),
        mut_arg("force", |a| a.hide(true)),
        mut_arg("summary_json", |a| a.hide(true))
    )]
    Worker(Box<crate::queue::args::WorkerArgs>),
}

/// `fetcher serve --tls`: HTTPS with a generated certificate, or one given.
#[derive(Debug, Args)]
pub struct ServeTlsArgs {
    /// Serve HTTPS (HTTP/1.1 and h2 by ALPN) with a certificate for localhost,
    /// 127.0.0.1 and ::1 issued by a CA made at start, whose certificate is written to
    /// --write-cacert for clients' --cacert.
    #[arg(long)]
    pub tls: bool,
    /// Serve HTTPS with this certificate (PEM) instead of a generated one.
    #[arg(long, value_name = "FILE", requires = "tls_key")]
    pub tls_cert: Option<PathBuf>,
    /// Private key (PEM) of --tls-cert.
    #[arg(long, value_name = "FILE", requires = "tls_cert")]
    pub tls_key: Option<PathBuf>,
    /// Require client certificates issued by a CA in this PEM file (mutual TLS).
    #[arg(long, value_name = "FILE")]
    pub client_ca: Option<PathBuf>,
    /// Where a generated CA certificate is written (default: fetcher-serve-ca.pem in the
    /// system's temporary directory).
    #[arg(long, value_name = "FILE")]
    pub write_cacert: Option<PathBuf>,
}

impl ServeTlsArgs {
    /// The server's TLS settings, `None` without `--tls`: the given certificate, or one
    /// issued by a new CA whose certificate is written out (its path is returned too).
    ///
    /// # Errors
    /// A usage error naming the flag whose file cannot be read or written.
    pub fn server_tls(
        &self,
    ) -> Result<Option<(crate::server::tls::ServerTls, Option<PathBuf>)>, CliError> {
        use crate::server::tls::{CertAuthority, Identity, ServerTls};
        if !self.tls && self.tls_cert.is_none() && self.client_ca.is_none() {
            return Ok(None);
        }
        let read = |flag: &str, path: &PathBuf| {
            std::fs::read_to_string(path)
                .map_err(|e| usage(format!("{flag} {}: cannot read it ({e})", path.display())))
        };
        let (identity, written) = match (&self.tls_cert, &self.tls_key) {
            (Some(cert), Some(key)) => (
                Identity {
                    cert_pem: read("--tls-cert", cert)?,
                    key_pem: read("--tls-key", key)?,
                },
                None,
            ),
            _ => {
                let ca = CertAuthority::new("fetcher serve CA")
                    .map_err(|e| CliError::Start(e.to_string()))?;
                let path = self
                    .write_cacert
                    .clone()
                    .unwrap_or_else(|| std::env::temp_dir().join("fetcher-serve-ca.pem"));
                std::fs::write(&path, ca.cert_pem()).map_err(|e| {
                    usage(format!(
                        "--write-cacert {}: cannot write it ({e})",
                        path.display()
                    ))
                })?;
                let identity = ca
                    .issue_server()
                    .map_err(|e| CliError::Start(e.to_string()))?;
                (identity, Some(path))
            }
        };
        let client_ca_pem = match &self.client_ca {
            Some(path) => Some(read("--client-ca", path)?),
            None => None,
        };
        Ok(Some((
            ServerTls {
                identity,
                client_ca_pem,
            },
            written,
        )))
    }
}

/// How input lines are read.
#[derive(Debug, Clone, Copy, PartialEq, Eq, ValueEnum, Default)]
pub enum InputFormat {
    /// Per line: a line starting with `{` is JSON, anything else a URL.
    #[default]
    Auto,
    /// Every line is a URL.
    Urls,
    /// Every line is a JSON object.
    Jsonl,
}

/// Digests `--hash` computes.
#[derive(Debug, Clone, Copy, PartialEq, Eq, ValueEnum)]
pub enum HashAlgorithm {
    /// SHA-256 (the record's `sha256` field, lower-case hex).
    Sha256,
}

/// Flags of a fetch run, as typed.
#[derive(Debug, Args)]
pub struct FetchArgs {
    /// Input file: a URL per line, or JSON lines {"url", "method", "headers", "body",
    /// "body_file", "form", "timeout", "retries"}; blank lines and # comments are skipped.
    /// `-` or none: stdin.
    #[arg(value_name = "INPUT")]
    pub input: Option<PathBuf>,
    /// Output file of JSON lines, one per request; `-` or none: stdout.
    #[arg(short, long, value_name = "FILE")]
    pub output: Option<PathBuf>,
    /// How to read input lines.
    #[arg(long, value_enum, default_value_t = InputFormat::Auto)]
    pub input_format: InputFormat,
    /// Stop at the first bad input line (by default it is reported and skipped).
    #[arg(long)]
    pub strict: bool,

    /// Requests in flight at once.
    #[arg(short, long, default_value_t = 64, value_name = "N")]
    pub concurrency: usize,
    /// Requests in flight at once per host.
    #[arg(long, value_name = "N")]
    pub per_host: Option<usize>,
    /// Requests started per second, over all hosts.
    #[arg(long, value_name = "PER_SEC")]
    pub rate: Option<f64>,
    /// Time-out of one attempt, whole body included (2, 0.5, 500ms, 1m); `none` for no
    /// limit (large downloads: bound them with --read-timeout instead).
    #[arg(long, default_value = "10s", value_parser = parse_timeout, value_name = "DURATION")]
    pub timeout: Duration,
    /// Longest wait for the response head or the next bytes of a body.
    #[arg(long, value_parser = parse_duration, value_name = "DURATION")]
    pub read_timeout: Option<Duration>,
    /// Time-out for making a connection.
    #[arg(long, value_parser = parse_duration, value_name = "DURATION")]
    pub connect_timeout: Option<Duration>,
    /// Retries after the first attempt.
    #[arg(long, default_value_t = 3, value_name = "N")]
    pub retries: u32,
    /// What to retry: `transient` (connect errors, time-outs, 408 425 429 500 502 503 504),
    /// `any` (every error status), `never`, or a list of statuses (`429,503`).
    #[arg(long, default_value = "transient", value_parser = parse_retry_on, value_name = "WHAT")]
    pub retry_on: RetryPolicy,
    /// First back-off wait; it doubles after each failed attempt.
    #[arg(long, default_value = "1s", value_parser = parse_duration, value_name = "DURATION")]
    pub backoff: Duration,
    /// Longest back-off wait.
    #[arg(long, default_value = "30s", value_parser = parse_duration, value_name = "DURATION")]
    pub backoff_max: Duration,
    /// Longest wait a `Retry-After` header may ask for (longer ones are cut to this).
    #[arg(long, default_value = "60s", value_parser = parse_duration, value_name = "DURATION")]
    pub retry_after_max: Duration,
    /// Random fraction of each back-off wait, 0 to 1.
    #[arg(long, default_value_t = 0.0, value_name = "FRACTION")]
    pub jitter: f64,
    /// Largest response body accepted (1048576, 64KiB, 10MB); with --body, 1MiB unless
    /// given (inline bodies are held in memory), otherwise no limit.
    #[arg(long, value_parser = parse_size, value_name = "SIZE")]
    pub max_body: Option<u64>,
    /// Redirects followed (0: none).
    #[arg(long, default_value_t = 10, value_name = "N")]
    pub max_redirects: usize,

    /// Speak HTTP/2 from the first byte, also over plain http:// (h2c); over https://
    /// HTTP/2 is negotiated anyway.
    #[arg(long)]
    pub http2_prior_knowledge: bool,

    /// Request header `Name: value`, sent with every request (repeatable).
    #[arg(short = 'H', long = "header", value_name = "HEADER")]
    pub headers: Vec<String>,
    /// Method of requests that give none (default GET, or POST with --data).
    #[arg(short = 'X', long, value_name = "METHOD")]
    pub method: Option<String>,
    /// Body of requests that give none: JSON, or @FILE (sent as application/json,
    /// streamed from disk).
    #[arg(short = 'd', long, value_name = "JSON|@FILE")]
    pub data: Option<String>,
    /// TLS, proxy, cookies, User-Agent and other request bodies.
    #[command(flatten)]
    pub reach: ReachArgs,

    /// Include response bodies in the output: JSON as JSON, UTF-8 text as a string, other
    /// bytes as base64 (with "body_encoding": "base64"); at most --max-body (1MiB).
    #[arg(long, conflicts_with = "save_dir")]
    pub body: bool,
    /// Write each response body to DIR/LINE.body instead (LINE: the input line number),
    /// streamed through DIR/LINE.body.part; with --resume a .part left by a killed run
    /// is continued with a Range request.
    #[arg(long, value_name = "DIR")]
    pub save_dir: Option<PathBuf>,
    /// Add the body's digest to each record, computed as it streams.
    #[arg(long, value_enum, value_name = "ALGORITHM")]
    pub hash: Option<HashAlgorithm>,
    /// Include response headers in the output.
    #[arg(short = 'i', long = "include-headers")]
    pub include_headers: bool,
    /// Write results in input order (by default: as they complete).
    #[arg(long)]
    pub ordered: bool,

    /// Skip requests whose result the output file already holds, and append the rest.
    #[arg(long)]
    pub resume: bool,
    /// Overwrite an existing output file.
    #[arg(long, conflicts_with = "resume")]
    pub force: bool,
    /// After Ctrl-C or SIGTERM, how long requests in flight may still finish.
    #[arg(long, default_value = "5s", value_parser = parse_duration, value_name = "DURATION")]
    pub grace: Duration,

    /// Threads running requests, each with its own connections (so up to N per host) and
    /// its share of -c; 0: one per core. By default one per 16 of -c, at most one per core.
    /// A queue worker: N workers sharing one pool (default 1; 0: one per core).
    #[arg(long, value_name = "N")]
    pub threads: Option<usize>,

    /// No progress bar and no summary on stderr.
    #[arg(short, long)]
    pub quiet: bool,
    /// Also write the summary as JSON (oha's key names) to FILE.
    #[arg(long, value_name = "FILE")]
    pub summary_json: Option<PathBuf>,
    /// Log to stderr: -v warnings (retries), -vv every request, -vvv debug.
    #[arg(short, long, action = clap::ArgAction::Count)]
    pub verbose: u8,
    /// Also log, at debug level, to this size-rotating file.
    #[arg(long, value_name = "FILE")]
    pub log_file: Option<PathBuf>,
}

/// `--timeout`: a duration, or `none` for no limit on the whole attempt.
pub fn parse_timeout(text: &str) -> Result<Duration, String> {
    match text.trim() {
        "none" | "off" => Ok(crate::NO_TIMEOUT),
        other => parse_duration(other),
    }
}

/// `--retry-on`: `transient`, `any`, `never` or a comma-separated list of statuses.
pub fn parse_retry_on(text: &str) -> Result<RetryPolicy, String> {
    match text.trim() {
        "transient" => Ok(RetryPolicy::Transient),
        "any" => Ok(RetryPolicy::AnyErrorStatus),
        "never" | "none" => Ok(RetryPolicy::Never),
        list => list
            .split(',')
            .map(|code| match code.trim().parse::<u16>() {
                Ok(code @ 400..=599) => Ok(code),
                _ => Err(format!(
                    "invalid --retry-on '{text}': use transient, any, never or statuses like 429,503"
                )),
            })
            .collect::<Result<Vec<u16>, String>>()
            .map(RetryPolicy::Statuses),
    }
}

/// Where results go.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Sink {
    /// Standard output.
    Stdout,
    /// A file; `resume` appends after the records it holds, `force` overwrites.
    File {
        /// The path.
        path: PathBuf,
        /// Append after the records already there (`--resume`).
        resume: bool,
        /// Overwrite a file that exists (`--force`).
        force: bool,
    },
}

/// What to do with response bodies.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum BodyMode {
    /// Only their size.
    Omit,
    /// Inline in the record.
    Inline,
    /// In files `DIR/LINE.body`.
    SaveDir(PathBuf),
}

/// Everything about a run that is not the library's configuration.
#[derive(Debug, Clone)]
pub struct RunOptions {
    /// Input file, `None` for stdin.
    pub input: Option<PathBuf>,
    /// How input lines are read.
    pub input_format: InputFormat,
    /// Stop at the first bad input line.
    pub strict: bool,
    /// Method, body and retries of requests whose line does not set them.
    pub template: RequestTemplate,
    /// Where records go.
    pub sink: Sink,
    /// Bodies: omitted, inline or in files.
    pub body: BodyMode,
    /// The digest added to records.
    pub hash: Option<HashAlgorithm>,
    /// Include response headers.
    pub include_headers: bool,
    /// Write in input order.
    pub ordered: bool,
    /// Requests started but not yet written, at most: bounds memory whatever the input size.
    pub window: usize,
    /// Threads running requests (at least 1; at most one per `-c` slot).
    pub threads: usize,
    /// Grace period after the first interrupt.
    pub grace: Duration,
    /// Progress bar on stderr.
    pub progress: bool,
    /// Human summary on stderr.
    pub summary: bool,
    /// JSON summary file.
    pub summary_json: Option<PathBuf>,
    /// Logging.
    pub log: applog::LogConfig,
}

/// The resolved settings of a fetch run: the library's configuration and the run's options.
#[derive(Debug, Clone)]
pub struct Settings {
    /// Limits, time-outs, retries, headers: handed to [`crate::Fetcher::new`].
    pub fetcher: FetcherConfig,
    /// Input, output, bodies, order, resume, signals, reporting.
    pub run: RunOptions,
}

/// Without `--threads`: a thread per this many `-c` slots (and at most one per core), so
/// each thread's share of the slots is large enough to keep its connections busy.
pub const LANE_SLOTS: usize = 16;

/// The body cap with `--body` when `--max-body` is not given.
pub const DEFAULT_INLINE_MAX: u64 = 1 << 20;

fn usage(message: impl Into<String>) -> CliError {
    CliError::Usage(message.into())
}

/// Splits `Name: value`.
fn parse_header(text: &str) -> Result<(String, String), CliError> {
    match text.split_once(':') {
        Some((name, value)) if !name.trim().is_empty() => {
            Ok((name.trim().to_owned(), value.trim().to_owned()))
        }
        _ => Err(usage(format!(
            "invalid header '{text}': write it as 'Name: value'"
        ))),
    }
}

/// Parses a method name (case-insensitive).
pub fn parse_method(text: &str) -> Result<Method, String> {
    Method::from_bytes(text.trim().to_ascii_uppercase().as_bytes())
        .map_err(|_| format!("invalid method '{text}': use GET, POST, PUT, ..."))
}

fn is_stdio(path: &Option<PathBuf>) -> bool {
    path.as_ref().is_none_or(|p| p.as_os_str() == "-")
}

impl TryFrom<FetchArgs> for Settings {
    type Error = CliError;

    fn try_from(args: FetchArgs) -> Result<Self, CliError> {
        if args.concurrency == 0 {
            return Err(usage("--concurrency must be at least 1"));
        }
        if args.per_host == Some(0) {
            return Err(usage("--per-host must be at least 1"));
        }
        if let Some(rate) = args.rate
            && !(rate.is_finite() && rate > 0.0)
        {
            return Err(usage(format!(
                "--rate must be a positive number; got {rate}"
            )));
        }
        if !(0.0..=1.0).contains(&args.jitter) {
            return Err(usage(format!(
                "--jitter must be between 0 and 1; got {}",
                args.jitter
            )));
        }
        if args.timeout.is_zero() {
            return Err(usage("--timeout must be greater than zero"));
        }
        let mut fetcher = FetcherConfig::default();
        let (body, upload) = args.reach.apply(args.data.as_deref(), &mut fetcher)?;
        let method = match args.method.as_deref() {
            Some(text) => parse_method(text).map_err(usage)?,
            None if body.is_some() || upload.is_some() => Method::POST,
            None => Method::GET,
        };
        let default_headers = args
            .headers
            .iter()
            .map(|h| parse_header(h))
            .collect::<Result<Vec<_>, _>>()?;
        let sink = if is_stdio(&args.output) {
            if args.resume {
                return Err(usage("--resume needs an output file: add --output FILE"));
            }
            Sink::Stdout
        } else {
            Sink::File {
                path: args.output.unwrap_or_default(),
                resume: args.resume,
                force: args.force,
            }
        };
        let input = (!is_stdio(&args.input)).then(|| args.input.unwrap_or_default());
        let inline = args.body && args.save_dir.is_none();
        let body_mode = match (args.body, args.save_dir) {
            (_, Some(dir)) => BodyMode::SaveDir(dir),
            (true, None) => BodyMode::Inline,
            (false, None) => BodyMode::Omit,
        };
        let progress = !args.quiet && std::io::stderr().is_terminal();
        let console = match args.verbose {
            0 => None,
            1 => Some(tracing::Level::WARN),
            2 => Some(tracing::Level::INFO),
            _ => Some(tracing::Level::DEBUG),
        };
        let window = args
            .concurrency
            .saturating_mul(if args.ordered { 8 } else { 2 });
        let fetcher = FetcherConfig {
            max_concurrent: args.concurrency,
            default_timeout: args.timeout,
            read_timeout: args.read_timeout,
            per_host: args.per_host,
            rate_per_sec: args.rate,
            connect_timeout: args.connect_timeout,
            max_body_bytes: args.max_body.or(inline.then_some(DEFAULT_INLINE_MAX)),
            max_redirects: args.max_redirects,
            retry: RetryConfig {
                base: args.backoff,
                cap: args.backoff_max,
                jitter: args.jitter,
                policy: args.retry_on,
                retry_after_cap: args.retry_after_max,
                ..RetryConfig::default()
            },
            default_headers,
            http2_prior_knowledge: args.http2_prior_knowledge,
            ..fetcher
        };
        let run = RunOptions {
            input,
            input_format: args.input_format,
            strict: args.strict,
            template: RequestTemplate {
                method,
                body,
                upload,
                max_retries: args.retries,
            },
            sink,
            body: body_mode,
            hash: args.hash,
            include_headers: args.include_headers,
            ordered: args.ordered,
            window: window.max(1),
            threads: {
                let cores = std::thread::available_parallelism().map_or(1, usize::from);
                match args.threads {
                    None => (args.concurrency / LANE_SLOTS).clamp(1, cores),
                    Some(0) => cores,
                    Some(n) => n,
                }
                .min(args.concurrency)
            },
            grace: args.grace,
            progress,
            summary: !args.quiet,
            summary_json: args.summary_json,
            log: applog::LogConfig {
                console,
                file: args
                    .log_file
                    .map(|path| applog::FileLog::new(path, 10 * 1024 * 1024, 3)),
                console_hidden_targets: Vec::new(),
            },
        };
        Ok(Settings { fetcher, run })
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn settings(args: &[&str]) -> Result<Settings, CliError> {
        let cli = Cli::try_parse_from(std::iter::once("fetcher").chain(args.iter().copied()))
            .map_err(|e| CliError::Usage(e.to_string()))?;
        Settings::try_from(cli.fetch)
    }

    #[test]
    fn defaults() {
        let s = settings(&[]).unwrap();
        assert_eq!(s.fetcher.max_concurrent, 64);
        assert_eq!(s.fetcher.default_timeout, Duration::from_secs(10));
        assert_eq!(s.fetcher.retry.policy, RetryPolicy::Transient);
        assert_eq!(s.run.template.method, Method::GET);
        assert_eq!(s.run.template.max_retries, 3);
        assert_eq!(s.run.sink, Sink::Stdout);
        assert_eq!(s.run.input, None);
        assert_eq!(s.run.window, 128);
        assert_eq!(s.run.body, BodyMode::Omit);
    }

    #[test]
    fn every_limit_reaches_the_library_config() {
        let s = settings(&[
            "urls.txt",
            "-o",
            "out.jsonl",
            "-c",
            "8",
            "--per-host",
            "2",
            "--rate",
            "50",
            "--timeout",
            "500ms",
            "--connect-timeout",
            "0.2",
            "--retries",
            "1",
            "--retry-on",
            "429,503",
            "--backoff",
            "10ms",
            "--backoff-max",
            "1s",
            "--jitter",
            "0.5",
            "--max-body",
            "1KiB",
            "--max-redirects",
            "0",
            "-H",
            "X-A: 1",
            "-d",
            "{\"a\":1}",
            "--ordered",
        ])
        .unwrap();
        let f = &s.fetcher;
        assert_eq!(f.max_concurrent, 8);
        assert_eq!(f.per_host, Some(2));
        assert_eq!(f.rate_per_sec, Some(50.0));
        assert_eq!(f.default_timeout, Duration::from_millis(500));
        assert_eq!(f.connect_timeout, Some(Duration::from_millis(200)));
        assert_eq!(f.retry.policy, RetryPolicy::Statuses(vec![429, 503]));
        assert_eq!(f.retry.base, Duration::from_millis(10));
        assert_eq!(f.retry.cap, Duration::from_secs(1));
        assert_eq!(f.retry.jitter, 0.5);
        assert_eq!(f.max_body_bytes, Some(1024));
        assert_eq!(f.max_redirects, 0);
        assert_eq!(f.default_headers, vec![("X-A".to_owned(), "1".to_owned())]);
        assert_eq!(s.run.template.method, Method::POST);
        assert_eq!(s.run.template.max_retries, 1);
        assert_eq!(s.run.template.body, Some(serde_json::json!({"a": 1})));
        assert_eq!(s.run.input, Some(PathBuf::from("urls.txt")));
        assert_eq!(s.run.window, 64);
    }

    #[test]
    fn usage_errors_say_what_to_do() {
        for (args, needle) in [
            (&["--resume"][..], "--resume needs an output file"),
            (&["-c", "0"][..], "--concurrency must be at least 1"),
            (&["-H", "nocolon"][..], "Name: value"),
            (&["-d", "{bad"][..], "--data is not JSON"),
            (&["-X", "GE T"][..], "invalid method"),
            (&["--jitter", "2"][..], "--jitter must be between 0 and 1"),
            (&["--retry-on", "200"][..], "invalid --retry-on"),
            (&["--timeout", "soon"][..], "invalid duration"),
            (&["--body", "--save-dir", "d"][..], "cannot be used with"),
        ] {
            let err = settings(args).unwrap_err();
            assert!(matches!(err, CliError::Usage(_)));
            assert!(err.to_string().contains(needle), "{args:?}: {err}");
        }
    }

    #[test]
    fn subcommands_parse() {
        let cli = Cli::try_parse_from(["fetcher", "demo"]).unwrap();
        assert!(matches!(
            cli.command,
            Some(Command::Demo { max_retries: 1, .. })
        ));
    }
}
