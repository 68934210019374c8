//! A client per request against one shared client (seed: `Aiohttp/ClientSide/basics.py`).
//!
//! **Python.** `bad_example` opens a `ClientSession` for a single GET and closes it: every
//! call pays for a new pool and a new connection. The `APIClient` opens one session in
//! `__aenter__` (total time-out 30 s; connector limit 100, 30 per host, keep-alive 60 s)
//! and closes it in `__aexit__`; `main` gathers GET `/get`, GET `/user-agent` and POST
//! `/post` with `return_exceptions=True` and prints "Request i succeeded/failed".
//!
//! **Rust.** [`reqwest::Client`] is the session: [`bad_example`] builds one per call, as the
//! seed's anti-pattern does, and [`ApiClient`] holds one for its life — there is no
//! `__aexit__`, the pool closes when the client is dropped. `gather(...,
//! return_exceptions=True)` is `tokio::join!` over futures that return `Result`s: every
//! outcome is kept, none cancels the others.
//!
//! What the demo measures, through a [`ConnectionCounter`] in front of the server: three
//! per-request clients open three TCP connections; the shared client sends its three
//! requests one after another over one. Gathered, the same three requests are in flight at
//! once, and HTTP/1.1 carries one request per connection at a time, so the shared pool opens
//! up to three then (aiohttp's does too); they stay open for the next requests.
//!
//! The seed's `limit=100, limit_per_host=30` have no reqwest setting: its pool does not cap
//! connections (see [`super::timeout_and_connector`] for the limit as a semaphore).

use std::net::SocketAddr;
use std::time::Duration;

use serde_json::{Value, json};

use super::loopback::ConnectionCounter;
use super::{HttpDemoError, build, client_builder, httpbin, run_demo};
use crate::demo::Demo;

// ANCHOR: bad_example
/// The anti-pattern: a new client (pool, connection) for one GET.
///
/// # Errors
/// The request's error: connection, time-out, or a body that is not JSON.
pub async fn bad_example(url: &str) -> Result<Value, reqwest::Error> {
    let client = client_builder().build()?;
    client.get(url).send().await?.json().await
}
// ANCHOR_END: bad_example

// ANCHOR: api_client
/// One client for many requests: the seed's `APIClient`.
#[derive(Debug, Clone)]
pub struct ApiClient {
    client: reqwest::Client,
}

impl ApiClient {
    /// The seed's settings: a total time-out of 30 s and idle connections kept 60 s, at
    /// most 30 of them per host.
    ///
    /// # Errors
    /// [`HttpDemoError::Client`] if the TLS setup fails.
    pub fn new() -> Result<Self, HttpDemoError> {
        let client = build(
            client_builder()
                .timeout(Duration::from_secs(30))
                .pool_idle_timeout(Duration::from_secs(60))
                .pool_max_idle_per_host(30),
        )?;
        Ok(Self { client })
    }

    /// GET `url`, its body parsed as JSON.
    ///
    /// # Errors
    /// The request's error: connection, time-out, or a body that is not JSON.
    pub async fn fetch_get(&self, url: &str) -> Result<Value, reqwest::Error> {
        self.client.get(url).send().await?.json().await
    }

    /// POST `payload` as JSON to `url`, the answer parsed as JSON.
    ///
    /// # Errors
    /// As [`ApiClient::fetch_get`].
    pub async fn fetch_post(&self, url: &str, payload: &Value) -> Result<Value, reqwest::Error> {
        self.client
            .post(url)
            .json(payload)
            .send()
            .await?
            .json()
            .await
    }
}
// ANCHOR_END: api_client

/// What the basics demo showed.
#[derive(Debug)]
pub struct BasicsReport {
    /// Connections opened by three [`bad_example`] calls.
    pub per_request_connections: usize,
    /// Connections opened by one [`ApiClient`] for the same three requests in sequence.
    pub shared_connections: usize,
    /// Connections opened by a fresh [`ApiClient`] for the three requests gathered.
    pub gathered_connections: usize,
    /// The gathered outcomes, in the order asked: GET `/get`, GET `/user-agent`, POST `/post`.
    pub gathered: Vec<Result<Value, reqwest::Error>>,
}

impl BasicsReport {
    /// The lines the demo prints.
    pub fn lines(&self) -> Vec<String> {
        let mut lines = vec![
            format!(
                "A client per request (bad_example): 3 requests opened {} connections",
                self.per_request_connections
            ),
            format!(
                "One shared APIClient, one request after another: 3 requests opened {} connection(s)",
                self.shared_connections
            ),
        ];
        lines.extend(gathered_lines(&self.gathered));
        lines.push(format!(
            "Gathered on one APIClient: 3 requests at once opened {} connection(s) \
(HTTP/1.1 carries one request per connection at a time)",
            self.gathered_connections
        ));
        lines
    }
}

// ANCHOR: gathered
/// "Request i succeeded: {json}" or "Request i failed: {error}", numbered from 1.
pub fn gathered_lines<T: std::fmt::Display, E: std::fmt::Display>(
    outcomes: &[Result<T, E>],
) -> Vec<String> {
    outcomes
        .iter()
        .enumerate()
        .map(|(i, outcome)| match outcome {
            Ok(value) => format!("Request {} succeeded: {value}", i + 1),
            Err(e) => format!("Request {} failed: {e}", i + 1),
        })
        .collect()
}

/// The seed's three requests, gathered: every outcome kept, in the order asked.
pub async fn gather_three(
    client: &ApiClient,
    base: &ConnectionCounter,
) -> Vec<Result<Value, reqwest::Error>> {
    let [get, agent, post] = seed_urls(base);
    let payload = json!({"data": "test"});
    let (get, agent, post) = tokio::join!(
        client.fetch_get(&get),
        client.fetch_get(&agent),
        client.fetch_post(&post, &payload),
    );
    vec![get, agent, post]
}
// ANCHOR_END: gathered

/// Runs the three comparisons against the httpbin-style server at `upstream`, each through
/// its own [`ConnectionCounter`].
///
/// # Errors
/// A bind error, a client that cannot be built, or a failed request in the sequential runs
/// (the gathered outcomes are kept in the report instead).
pub async fn run(upstream: SocketAddr) -> Result<BasicsReport, HttpDemoError> {
    let per_request = ConnectionCounter::start(upstream).await?;
    for _ in 0..3 {
        let url = per_request.url("/get");
        bad_example(&url)
            .await
            .map_err(|e| HttpDemoError::request(&url, &e))?;
    }

    let shared = ConnectionCounter::start(upstream).await?;
    let client = ApiClient::new()?;
    sequential_three(&client, &shared).await?;

    let gathered_front = ConnectionCounter::start(upstream).await?;
    let gathered = gather_three(&ApiClient::new()?, &gathered_front).await;

    Ok(BasicsReport {
        per_request_connections: per_request.accepted(),
        shared_connections: shared.accepted(),
        gathered_connections: gathered_front.accepted(),
        gathered,
    })
}

/// The seed's three requests one after another on `client`; the first failure ends them.
async fn sequential_three(
    client: &ApiClient,
    base: &ConnectionCounter,
) -> Result<(), HttpDemoError> {
    let [get, agent, post] = seed_urls(base);
    for url in [get, agent] {
        client
            .fetch_get(&url)
            .await
            .map_err(|e| HttpDemoError::request(&url, &e))?;
    }
    client
        .fetch_post(&post, &json!({"data": "test"}))
        .await
        .map_err(|e| HttpDemoError::request(&post, &e))?;
    Ok(())
}

/// The seed's URLs through `base`: GET `/get`, GET `/user-agent`, POST `/post`.
fn seed_urls(base: &ConnectionCounter) -> [String; 3] {
    ["/get", "/user-agent", "/post"].map(|path| base.url(path))
}

// ANCHOR: demo
/// The runnable demo.
pub const DEMO: Demo = Demo {
    name: "basics",
    seed_file: "Aiohttp/ClientSide/basics.py",
    title: "a client per request (3 connections) against one shared client (1); three requests gathered",
    explanation: "Python: a ClientSession per request is the anti-pattern; one APIClient \
session (total time-out 30 s, limit 100 / 30 per host) serves GET /get, GET /user-agent and \
POST /post, gathered with return_exceptions=True. Rust: a reqwest::Client is the session and \
its pool, cloned and shared, closed on drop; tokio::join! over Results is gather with \
return_exceptions. A TCP front counts the connections each way opens.",
    run: || {
        run_demo(|| async {
            let server = httpbin().await?;
            Ok(run(server.addr()).await?.lines())
        })
    },
};
// ANCHOR_END: demo
