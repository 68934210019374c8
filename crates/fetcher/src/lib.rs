//! Concurrent HTTP fetching with limits, time-outs, retries and back-off — the seed's
//! AsyncFetcher (section 6) on tokio and hyper — plus an embedded httpbin-style test
//! server and the seed's example as a demo. [`queue`] spreads one batch job over many
//! machines on Redis Streams (`fetcher queue`, `fetcher worker`).
//!
//! | seed (Python) | here |
//! |---|---|
//! | `HTTPRequest`, `HTTPResponse` | [`HttpRequest`], [`HttpResponse`] (+ [`Body`]) |
//! | `AsyncHTTPFetcher(max_concurrent, default_timeout)` | [`Fetcher::new`]`(`[`FetcherConfig`]`)`; closed when dropped |
//! | `fetch_single`, `fetch_all` | [`Fetcher::fetch_single`], [`Fetcher::fetch_all`] |
//! | — | [`Fetcher::fetch_all_outcomes`]: every request's response or [`FetchError`] |
//! | — | [`Fetcher::fetch_with`] a [`BodySink`]: bodies of any size streamed (count, file, capped buffer, SHA-256) |
//! | `get_stats()` | [`Fetcher::stats`] → [`Stats`] |
//! | `min(2 ** attempt, 30)` back-off | [`RetryConfig`] (base, cap, jitter, `Retry-After`) |
//! | retries every failure | [`RetryPolicy::AnyErrorStatus`]; default [`RetryPolicy::Transient`] |
//! | `fetcher.log` written on import | nothing written: [`tracing`] events with the seed's messages |
//!
//! Differences from the seed, on purpose:
//! - no slot is held while sleeping in back-off (the seed held its semaphore permit);
//! - a 4xx other than 408/425/429 fails at once by default (the seed's README says a 404
//!   "will fail"; its code retries it — [`RetryPolicy::AnyErrorStatus`]);
//! - an invalid URL or header makes no attempt and counts as failed (aiohttp's `InvalidURL`
//!   was retried like a network error);
//! - a body that says `application/json` and is not JSON is an [`ErrorKind::Decode`]
//!   error that keeps the response (the seed put the text "Error reading data {e}" in the
//!   body); a body cut short is [`ErrorKind::BodyCut`], retried like a broken connection;
//! - limits per host and per second, a connect time-out, a read (idle) time-out, an
//!   optional attempt time-out ([`NO_TIMEOUT`]), a body-size cap and a redirect limit exist; [`Fetcher::fetch_all_outcomes`] keeps the failures.
//!
//! Refinements of the CLI contract (`FETCHER_API.md`): [`HttpRequest::timeout`] is an
//! `Option` (`None` = [`FetcherConfig::default_timeout`], the seed's 10 s);
//! [`Fetcher::new`] fails with a [`ConfigError`]; a [`FetchError`] also carries the last
//! attempt's `elapsed` time and, for a final status >= 400, the `response`;
//! [`ErrorKind`] adds `InvalidRequest`; [`FetcherConfig`] adds `http2_prior_knowledge`.
//! All times (`response_time`, back-off) are on tokio's clock, so they are virtual under
//! `#[tokio::test(start_paused = true)]`.
//!
//! Reaching what curl reaches (each module has an example):
//! - [`tls`]: [`FetcherConfig::tls`] — extra trusted certificates (a self-signed one is
//!   trusted as itself), `insecure`, a client certificate for mutual TLS;
//! - [`proxy`]: [`FetcherConfig::proxy`] — http/https/socks5/socks5h proxies, the standard
//!   environment variables by default (loopback direct unless `no_proxy` is set), bypass
//!   lists;
//! - [`cookies`]: [`FetcherConfig::cookies`] — a jar for the fetcher's lifetime, loaded from
//!   and saved to a Netscape-format file ([`Fetcher::save_cookies`]);
//! - [`upload`]: [`HttpRequest::upload`] — files streamed from disk, text, URL-encoded and
//!   multipart forms;
//! - [`redact`]: passwords in URLs and `Authorization` values are `***` in
//!   [`HttpResponse::url`], [`FetchError::url`] and log lines;
//! - [`redirect`]: redirects followed by curl `-L`'s rules (301/302/303 to a GET, 307/308
//!   repeat the body, the caller's credentials stay with the first origin);
//!   `max_redirects: 0` returns a 3xx as the response, and [`HttpResponse::redirects`] counts
//!   the redirects followed;
//! - [`FetcherConfig::user_agent`] (`fetcher/VERSION` by default);
//! - [`server::tls`]: the test server over HTTPS (h2 and HTTP/1.1 by ALPN, optional client
//!   certificates), with certificates made by rcgen.
//!
//! ```
//! use fetcher::{Body, Fetcher, FetcherConfig, HttpRequest};
//! use fetcher::server::Server;
//!
//! # #[tokio::main(flavor = "current_thread")]
//! # async fn main() -> Result<(), Box<dyn std::error::Error>> {
//! let server = Server::start("127.0.0.1:0".parse()?).await?;
//! let fetcher = Fetcher::new(FetcherConfig::with_max_concurrent(2))?;
//!
//! let response = fetcher.fetch_single(&HttpRequest::get(server.url("/json"))).await?;
//! assert_eq!((response.status, response.attempt), (200, 1));
//! assert!(matches!(response.body(), Body::Json(_)));
//!
//! let missing = fetcher.fetch_single(&HttpRequest::get(server.url("/status/404"))).await;
//! assert_eq!(missing.unwrap_err().status(), Some(404));
//! assert_eq!(fetcher.stats().request_made, 2);
//! # Ok(()) }
//! ```

pub mod body;
pub mod cli;
pub mod client;
pub mod cookies;
pub mod demo;
pub mod error;
mod limits;
mod origin_cache;
pub mod proxy;
pub mod queue;
pub mod redact;
pub mod redirect;
pub mod request;
pub mod response;
pub mod retry;
pub mod server;
pub mod stats;
pub mod tls;
mod transport;
pub mod upload;

pub use body::BodySink;
pub use client::{Fetcher, FetcherConfig, NO_TIMEOUT};
pub use error::{ConfigError, ErrorKind, FetchError};
pub use request::{HttpRequest, Method};
pub use response::{Body, HttpResponse};
pub use retry::{RetryConfig, RetryPolicy};
pub use stats::Stats;
