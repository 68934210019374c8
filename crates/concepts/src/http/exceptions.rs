//! Time-outs, connection errors and HTTP errors told apart; retries on 5xx with back-off
//! (seed: `Aiohttp/ClientSide/exceptions.py`).
//!
//! **Python.** `fetch_single` tries a URL up to `max_retries + 1` times with a total
//! time-out of 5 s per try. Each failure is caught by class and printed:
//! `asyncio.TimeoutError`, `ClientConnectionError`, `ClientResponseError` (5xx is retried;
//! any other status is printed as "(no retry)" and re-raised), any other `ClientError`. Between
//! tries it sleeps `min(2 ** (attempt - 1), 30)` seconds; after the last it raises
//! `ClientError("Failed to fetch {url}")`. `main` gathers four URLs (`/json`,
//! `/status/500`, `/status/404`, `/delay/5`) and prints each outcome.
//!
//! **Rust.** A failure is a value: [`classify`] asks the `reqwest::Error` what it is
//! (`is_timeout`, `is_connect`, `status`) and returns a [`FetchError`]; the retry loop,
//! [`with_retries`], matches on it. The loop takes the attempt as a closure, so its schedule
//! is tested on paused tokio time with scripted outcomes, and [`fetch_single`] plugs the real
//! request in. Its lines are the seed's, with the delay printed as a duration (`1s`).
//!
//! **Departures.** The seed's tasks print as they run, so its lines interleave; here each
//! URL's lines are kept together (in [`Fetched::lines`]) and the demo prints them URL by URL,
//! so a run reads the same every time. The stalled URL waits twice as long as the time-out
//! (the seed's `/delay/5` against a 5 s time-out "may" time out); the demo uses a 500 ms
//! time-out, `/delay/1` and a back-off unit of 100 ms instead of 1 s, to run in about a second.
//! A body is shown as compact JSON when the response says JSON, else as text.

use std::future::Future;
use std::time::Duration;

use thiserror::Error;

use super::{HttpDemoError, build, causes, client_builder, httpbin, run_demo};
use crate::demo::Demo;

/// How one try failed, told apart as the seed's `except` clauses do.
#[derive(Debug, Clone, PartialEq, Eq, Error)]
pub enum FetchError {
    /// No complete answer within the time-out (`asyncio.TimeoutError`).
    #[error("timed out")]
    Timeout,
    /// No connection: refused, reset, unreachable (`ClientConnectionError`).
    #[error("connection error: {0}")]
    Connection(String),
    /// An answer with a status of 400 or more (`ClientResponseError` from
    /// `raise_for_status`).
    #[error("HTTP Error: {0}")]
    Status(u16),
    /// Anything else the client reports, e.g. a body that is not valid JSON (`ClientError`).
    #[error("client error: {0}")]
    Other(String),
}

impl FetchError {
    /// Whether the seed retries it: everything but a status below 500 or above 599.
    pub fn is_retried(&self) -> bool {
        match self {
            FetchError::Status(status) => (500..600).contains(status),
            _ => true,
        }
    }
}

// ANCHOR: classify
/// What a reqwest error is, in the seed's classes.
pub fn classify(error: &reqwest::Error) -> FetchError {
    if error.is_timeout() {
        FetchError::Timeout
    } else if let Some(status) = error.status() {
        FetchError::Status(status.as_u16())
    } else if error.is_connect() {
        FetchError::Connection(causes(error))
    } else {
        FetchError::Other(causes(error))
    }
}
// ANCHOR_END: classify

/// Why [`with_retries`] gave up.
#[derive(Debug, Clone, PartialEq, Eq, Error)]
pub enum RetryError {
    /// A status that is not retried, raised at once (the seed's bare `raise`).
    #[error("{status}, url='{url}'")]
    NotRetried {
        /// The status.
        status: u16,
        /// The URL.
        url: String,
    },
    /// Every try failed (the seed's `ClientError(f"Failed to fetch {url}")`).
    #[error("Failed to fetch {url}")]
    Exhausted {
        /// The URL.
        url: String,
        /// The last try's failure.
        last: FetchError,
    },
}

/// The retry settings: the seed's `timeout=5, max_retries=1` and a back-off unit of 1 s.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct RetryPolicy {
    /// Time-out of each try, the whole exchange (the seed's `ClientTimeout(total=timeout)`).
    pub timeout: Duration,
    /// Tries after the first.
    pub max_retries: u32,
    /// What one second of the seed's back-off lasts.
    pub unit: Duration,
}

impl Default for RetryPolicy {
    fn default() -> Self {
        Self {
            timeout: Duration::from_secs(5),
            max_retries: 1,
            unit: Duration::from_secs(1),
        }
    }
}

/// The back-off before retry number `attempt` (from 1): `min(2^(attempt-1), 30)` units.
///
/// ```
/// use std::time::Duration;
/// use concepts::http::exceptions::backoff;
/// let s = Duration::from_secs(1);
/// let delays: Vec<u64> = (1..=7).map(|n| backoff(n, s).as_secs()).collect();
/// assert_eq!(delays, [1, 2, 4, 8, 16, 30, 30]);
/// ```
pub fn backoff(attempt: u32, unit: Duration) -> Duration {
    let seconds = 2u32.saturating_pow(attempt.saturating_sub(1)).min(30);
    unit * seconds
}

/// One URL's outcome and the lines its tries printed, in order.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Fetched {
    /// The body shown, or why the URL failed.
    pub outcome: Result<String, RetryError>,
    /// The seed's lines for this URL.
    pub lines: Vec<String>,
}

// ANCHOR: with_retries
/// The seed's retry loop around `attempt`, which makes one try and returns the body shown.
pub async fn with_retries<F, Fut>(url: &str, policy: RetryPolicy, mut attempt: F) -> Fetched
where
    F: FnMut() -> Fut,
    Fut: Future<Output = Result<String, FetchError>>,
{
    let mut lines = Vec::new();
    let mut tries = 0;
    loop {
        tries += 1;
        let failure = match attempt().await {
            Ok(data) => {
                lines.push(format!("Success: {url} -> {data}"));
                return Fetched {
                    outcome: Ok(data),
                    lines,
                };
            }
            Err(failure) => failure,
        };
        lines.push(match &failure {
            FetchError::Timeout => format!("Timeout while fetching {url}"),
            FetchError::Connection(e) => format!("Connection error while fetching {url}: {e}"),
            FetchError::Status(status @ 500..=599) => format!("Server error {status} for {url}"),
            FetchError::Status(status) => format!("Client error {status} for {url} (no retry)"),
            FetchError::Other(e) => format!("HTTP client error while fetching {url}: {e}"),
        });
        if let FetchError::Status(status) = failure
            && !failure.is_retried()
        {
            let url = url.to_owned();
            return Fetched {
                outcome: Err(RetryError::NotRetried { status, url }),
                lines,
            };
        }
        if tries <= policy.max_retries {
            let delay = backoff(tries, policy.unit);
            lines.push(format!("Retrying {url} in {delay:?} (attempt {tries})"));
            tokio::time::sleep(delay).await;
        } else {
            lines.push(format!("Failed {url} after {tries} attempts"));
            let url = url.to_owned();
            return Fetched {
                outcome: Err(RetryError::Exhausted { url, last: failure }),
                lines,
            };
        }
    }
}
// ANCHOR_END: with_retries

// ANCHOR: attempt
/// One try: GET `url` within `timeout`, a status of 400 or more is an error, the body is
/// compact JSON when the response says JSON, else text.
///
/// # Errors
/// The try's [`FetchError`].
pub async fn get_once(
    client: &reqwest::Client,
    url: &str,
    timeout: Duration,
) -> Result<String, FetchError> {
    let response = client
        .get(url)
        .timeout(timeout)
        .send()
        .await
        .and_then(reqwest::Response::error_for_status)
        .map_err(|e| classify(&e))?;
    let is_json = response
        .headers()
        .get(reqwest::header::CONTENT_TYPE)
        .and_then(|v| v.to_str().ok())
        .is_some_and(|v| v.contains("application/json"));
    if is_json {
        let value: serde_json::Value = response.json().await.map_err(|e| classify(&e))?;
        Ok(value.to_string())
    } else {
        response.text().await.map_err(|e| classify(&e))
    }
}
// ANCHOR_END: attempt

/// The seed's `fetch_single`: [`get_once`] inside [`with_retries`].
pub async fn fetch_single(client: &reqwest::Client, url: &str, policy: RetryPolicy) -> Fetched {
    with_retries(url, policy, || get_once(client, url, policy.timeout)).await
}

/// The seed's `main`: every URL fetched at once; each URL's lines, then the outcomes.
pub async fn fetch_all(
    client: &reqwest::Client,
    urls: &[String],
    policy: RetryPolicy,
) -> Vec<Fetched> {
    futures::future::join_all(urls.iter().map(|url| fetch_single(client, url, policy))).await
}

/// The lines of a [`fetch_all`]: each URL's, then "Request i succeeded/failed".
pub fn report_lines(fetched: &[Fetched]) -> Vec<String> {
    let mut lines: Vec<String> = fetched.iter().flat_map(|f| f.lines.clone()).collect();
    let outcomes: Vec<_> = fetched.iter().map(|f| f.outcome.clone()).collect();
    lines.extend(super::basics::gathered_lines(&outcomes));
    lines
}

/// The demo's four URLs on `server`, in the seed's order, and the policy it uses.
pub fn demo_urls(server: &fetcher::server::Server, policy: RetryPolicy) -> Vec<String> {
    let stall = (policy.timeout * 2).as_secs_f64();
    vec![
        server.url("/json"),
        server.url("/status/500"),
        server.url("/status/404"),
        server.url(&format!("/delay/{stall}")),
    ]
}

/// The demo's policy: the seed's one retry, a 500 ms time-out, a 100 ms back-off unit.
pub const DEMO_POLICY: RetryPolicy = RetryPolicy {
    timeout: Duration::from_millis(500),
    max_retries: 1,
    unit: Duration::from_millis(100),
};

// ANCHOR: demo
/// The runnable demo.
pub const DEMO: Demo = Demo {
    name: "exceptions",
    seed_file: "Aiohttp/ClientSide/exceptions.py",
    title: "time-outs, connection and HTTP errors told apart; 5xx retried with back-off",
    explanation: "Python: except clauses per class (asyncio.TimeoutError, ClientConnectionError, \
ClientResponseError) and a retry loop sleeping min(2^(n-1), 30) s, only for 5xx. Rust: the \
reqwest::Error is asked what it is (is_timeout, is_connect, status) and becomes an enum; the \
retry loop matches on it. Here one back-off second is 100 ms and the time-out 500 ms.",
    run: || {
        run_demo(|| async {
            let server = httpbin().await?;
            let client = build(client_builder())?;
            let urls = demo_urls(&server, DEMO_POLICY);
            Ok::<_, HttpDemoError>(report_lines(&fetch_all(&client, &urls, DEMO_POLICY).await))
        })
    },
};
// ANCHOR_END: demo
