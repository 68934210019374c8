//! The seed's example (`main.py` and its README), run offline against the embedded server.
//!
//! Five requests — `/delay/1`, `/status/200`, `/json`, `/status/404` ("will fail") and
//! `/status/500` ("will retry") — with `max_concurrent = 3`, then the seed's printed lines:
//! the number of successes, `- {url}: {status} ({t:.2}s)` per success, and the stats.
//!
//! The back-off is the seed's (1 s, doubling) and the policy the default transient one, so
//! the 404 fails at once and the 500 is retried. To finish in about two seconds the demo
//! gives each request [`DemoOptions::max_retries`] = 1 retry (the seed's 3 would add
//! 1 + 2 + 4 s of back-off to the 500); the retry shows as a WARNING log line.

use std::fmt;
use std::net::{Ipv4Addr, SocketAddr};

use thiserror::Error;

use crate::client::{Fetcher, FetcherConfig};
use crate::error::ConfigError;
use crate::request::HttpRequest;
use crate::retry::RetryConfig;
use crate::server::Server;
use crate::stats::Stats;

/// The paths the seed's example fetches, in its order.
pub const SEED_PATHS: [&str; 5] = [
    "/delay/1",
    "/status/200",
    "/json",
    "/status/404",
    "/status/500",
];

/// Knobs of the demo.
#[derive(Debug, Clone, PartialEq)]
pub struct DemoOptions {
    /// Retries per request (the seed's default is 3; the demo uses 1 to stay quick).
    pub max_retries: u32,
    /// Concurrency (the seed's example: 3).
    pub max_concurrent: usize,
    /// Back-off and policy (default: the seed's schedule, transient policy).
    pub retry: RetryConfig,
}

impl Default for DemoOptions {
    fn default() -> Self {
        Self {
            max_retries: 1,
            max_concurrent: 3,
            retry: RetryConfig::default(),
        }
    }
}

/// What the demo printed and counted.
#[derive(Debug, Clone, PartialEq)]
pub struct DemoReport {
    /// The seed's printed lines, in order.
    pub lines: Vec<String>,
    /// The fetcher's counters at the end.
    pub stats: Stats,
    /// How many of the requests succeeded.
    pub succeeded: usize,
}

impl fmt::Display for DemoReport {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        for line in &self.lines {
            writeln!(f, "{line}")?;
        }
        Ok(())
    }
}

/// Why the demo could not run.
#[derive(Debug, Error)]
pub enum DemoError {
    /// The embedded server could not bind a loopback port.
    #[error("cannot start the test server on 127.0.0.1: {0}")]
    Server(#[from] std::io::Error),
    /// The fetcher rejected its configuration.
    #[error(transparent)]
    Config(#[from] ConfigError),
}

/// Starts the server on a free loopback port, runs the seed's example, shuts it down.
///
/// # Errors
/// [`DemoError`] when the server cannot bind or the options are invalid.
pub async fn run(options: &DemoOptions) -> Result<DemoReport, DemoError> {
    let server = Server::start(SocketAddr::from((Ipv4Addr::LOCALHOST, 0))).await?;
    let fetcher = Fetcher::new(FetcherConfig {
        max_concurrent: options.max_concurrent,
        retry: options.retry.clone(),
        // Its own loopback server: no proxy from the shell's environment applies.
        proxy: crate::proxy::ProxyConfig::off(),
        ..FetcherConfig::default()
    })?;
    let requests = SEED_PATHS
        .iter()
        .map(|path| HttpRequest::get(server.url(path)).with_max_retries(options.max_retries))
        .collect();
    let responses = fetcher.fetch_all(requests).await;
    server.shutdown().await;
    let stats = fetcher.stats();
    // The seed's main.py: print(f"\nSuccessful responses: {n}"), a line per success,
    // then print(f"\nStats: {stats}").
    let mut lines = vec![
        String::new(),
        format!("Successful responses: {}", responses.len()),
    ];
    lines.extend(responses.iter().map(|r| {
        format!(
            "- {}: {} ({:.2}s)",
            r.url,
            r.status,
            r.response_time.as_secs_f64()
        )
    }));
    lines.push(String::new());
    lines.push(format!("Stats: {stats}"));
    Ok(DemoReport {
        lines,
        stats,
        succeeded: responses.len(),
    })
}
