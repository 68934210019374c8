//! Time-outs and the connection pool (seed: `Aiohttp/ClientSide/TimeoutAndConnector.py`).
//!
//! **Python.** `ClientTimeout(total=30, connect=5, sock_read=10, sock_connect=5)` bounds the
//! whole operation, getting a connection, and each socket read. `TCPConnector(limit=100,
//! limit_per_host=30, keepalive_timeout=60, use_dns_cache=True, ttl_dns_cache=300, ...)`
//! caps the pool and keeps idle connections. A GET of `/status/404` with
//! `raise_for_status()` raises `ClientResponseError`, printed as "HTTP Error: 404".
//!
//! **Rust.** [`Timeouts`] and [`Connector`] hold the seed's numbers; [`session`] turns them
//! into `ClientBuilder` calls:
//!
//! | aiohttp | reqwest |
//! |---|---|
//! | `total` | `timeout` (connect, send and the whole body) |
//! | `connect`, `sock_connect` | `connect_timeout` (one setting for both) |
//! | `sock_read` | `read_timeout` (the longest wait for the next bytes) |
//! | `keepalive_timeout` | `pool_idle_timeout` |
//! | `limit`, `limit_per_host` | no pool setting: a semaphore per request ([`fetcher::Fetcher`]'s `max_concurrent`, `per_host`) |
//! | `use_dns_cache`, `ttl_dns_cache` | none by default (the system resolver each time); the `hickory-dns` feature caches |
//! | `family=0`, `local_addr`, `ssl=False` | both families are tried; `local_address`; plain `http://` URLs |
//! | `enable_cleanup_closed` | nothing to do: hyper drops closed connections |
//! | `raise_for_status()` | `Response::error_for_status()` |
//!
//! The limit is the production one: [`limited_peak`] sends its requests through a
//! [`fetcher::Fetcher`] whose `per_host` is the connector's `limit_per_host`, and reads the
//! peak of requests in flight that the server saw.
//!
//! **Departures.** The seed only prints "HTTP Error: 404"; the demo also shows a stalled
//! route (the fetcher server's `/hang`) ending in a read time-out, with `sock_read` lowered
//! to 500 ms so the demo does not wait 10 s, and 12 slow requests (`/delay/0.2`) under a
//! per-host limit of 3 (the seed's 30 would not bind with a dozen requests).

use std::time::Duration;

use fetcher::server::Server;
use fetcher::{Fetcher, FetcherConfig, HttpRequest};

use super::exceptions::{FetchError, classify};
use super::{HttpDemoError, build, client_builder, httpbin, run_demo};
use crate::demo::Demo;

/// The seed's `ClientTimeout`.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct Timeouts {
    /// The whole request, body included (`total`, 30 s); `None` = unbounded.
    pub total: Option<Duration>,
    /// Getting a connection (`connect` and `sock_connect`, 5 s).
    pub connect: Duration,
    /// The longest wait for the next bytes of the answer (`sock_read`, 10 s).
    pub sock_read: Duration,
}

impl Default for Timeouts {
    fn default() -> Self {
        Self {
            total: Some(Duration::from_secs(30)),
            connect: Duration::from_secs(5),
            sock_read: Duration::from_secs(10),
        }
    }
}

/// The seed's `TCPConnector` settings that have a meaning here.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct Connector {
    /// Requests in flight at once, over all hosts (`limit`, 100).
    pub limit: usize,
    /// Requests in flight at once per host (`limit_per_host`, 30).
    pub limit_per_host: usize,
    /// How long an idle connection is kept (`keepalive_timeout`, 60 s).
    pub keepalive: Duration,
}

impl Default for Connector {
    fn default() -> Self {
        Self {
            limit: 100,
            limit_per_host: 30,
            keepalive: Duration::from_secs(60),
        }
    }
}

// ANCHOR: session
/// A client with the seed's time-outs and pool settings.
///
/// # Errors
/// [`HttpDemoError::Client`] if the TLS setup fails.
pub fn session(
    timeouts: &Timeouts,
    connector: &Connector,
) -> Result<reqwest::Client, HttpDemoError> {
    let mut builder = client_builder()
        .connect_timeout(timeouts.connect)
        .read_timeout(timeouts.sock_read)
        .pool_idle_timeout(connector.keepalive)
        .pool_max_idle_per_host(connector.limit_per_host);
    if let Some(total) = timeouts.total {
        builder = builder.timeout(total);
    }
    build(builder)
}
// ANCHOR_END: session

// ANCHOR: raise_for_status
/// GET `url`, a status of 400 or more raised as an error (`raise_for_status`).
///
/// # Errors
/// [`FetchError::Status`] (shown as "HTTP Error: 404"), or the time-out or connection error.
pub async fn get_status(client: &reqwest::Client, url: &str) -> Result<u16, FetchError> {
    let response = client
        .get(url)
        .send()
        .await
        .and_then(reqwest::Response::error_for_status)
        .map_err(|e| classify(&e))?;
    let status = response.status().as_u16();
    // Read the body so the connection goes back to the pool.
    response.bytes().await.map_err(|e| classify(&e))?;
    Ok(status)
}
// ANCHOR_END: raise_for_status

// ANCHOR: limit
/// Sends `requests` GETs of `path` at once through a [`fetcher::Fetcher`] limited by
/// `connector`, and returns the largest number the server had in flight at once.
///
/// # Errors
/// [`HttpDemoError::Client`] for a zero limit.
pub async fn limited_peak(
    server: &Server,
    connector: &Connector,
    requests: usize,
    path: &str,
) -> Result<usize, HttpDemoError> {
    let fetcher = Fetcher::new(FetcherConfig {
        per_host: Some(connector.limit_per_host),
        ..FetcherConfig::with_max_concurrent(connector.limit)
    })
    .map_err(|e| HttpDemoError::Client(e.to_string()))?;
    let batch = vec![HttpRequest::get(server.url(path)); requests];
    fetcher.fetch_all(batch).await;
    Ok(server.peak_in_flight())
}
// ANCHOR_END: limit

/// The demo: the seed's 404, a stalled route timed out, the limit held.
///
/// # Errors
/// A client that cannot be built.
pub async fn run(server: &Server) -> Result<Vec<String>, HttpDemoError> {
    let mut lines = Vec::new();
    let client = session(&Timeouts::default(), &Connector::default())?;
    let url = server.url("/status/404");
    match get_status(&client, &url).await {
        Ok(status) => lines.push(format!("GET {url}: {status}")),
        Err(e) => lines.push(e.to_string()),
    }

    let impatient = Timeouts {
        sock_read: Duration::from_millis(500),
        ..Timeouts::default()
    };
    let client = session(&impatient, &Connector::default())?;
    let url = server.url("/hang");
    match get_status(&client, &url).await {
        Ok(status) => lines.push(format!("GET {url}: {status}")),
        Err(e) => lines.push(format!(
            "GET /hang with sock_read {:?}: {e}",
            impatient.sock_read
        )),
    }

    let connector = Connector {
        limit_per_host: 3,
        ..Connector::default()
    };
    let peak = limited_peak(server, &connector, 12, "/delay/0.2").await?;
    lines.push(format!(
        "12 requests with limit_per_host={}: at most {peak} in flight at the server",
        connector.limit_per_host
    ));
    Ok(lines)
}

// ANCHOR: demo
/// The runnable demo.
pub const DEMO: Demo = Demo {
    name: "timeout_and_connector",
    seed_file: "Aiohttp/ClientSide/TimeoutAndConnector.py",
    title: "total / connect / read time-outs, pool settings, \"HTTP Error: 404\", a limit held",
    explanation: "Python: ClientTimeout(total, connect, sock_read) and TCPConnector(limit, \
limit_per_host, keepalive_timeout, DNS cache); raise_for_status turns a 404 into \
ClientResponseError. Rust: ClientBuilder's timeout, connect_timeout, read_timeout and \
pool_idle_timeout; error_for_status; reqwest's pool has no connection cap, so the limits are \
semaphores (fetcher::Fetcher's per_host and max_concurrent).",
    run: || run_demo(|| async { run(&httpbin().await?).await }),
};
// ANCHOR_END: demo
