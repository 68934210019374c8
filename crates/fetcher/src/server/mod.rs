//! The embedded test server: the httpbin paths the seed's example uses plus fault paths,
//! on axum, so the crate's tests, demo and benchmarks run offline against 127.0.0.1.
//!
//! | path | answer |
//! |---|---|
//! | `/status/{code}` | that status, empty body (any method) |
//! | `/delay/{s}` | waits `s` seconds (at most 10), then the `/get` JSON |
//! | `/json` | httpbin's slideshow document |
//! | `/get`, `/post` | the request echoed as JSON (`args`, `headers`, `url`; `/post` adds `data`, `json`) |
//! | `/user-agent` | `{"user-agent": ..}`, the request's `User-Agent` |
//! | `/bytes/{n}` | `n` random bytes (at most 100 MiB) |
//! | `/redirect/{n}` | 302 to `/redirect/{n-1}`, the last one to `/get` |
//! | `/redirect-to?url=&status_code=` | any method: `status_code` (302; any 3xx) with `Location: url`, as given |
//! | `/gzip`, `/deflate` | gzip- or zlib-encoded JSON `{"gzipped": true, ..}` / `{"deflated": true, ..}`; `/deflate?raw=1`: raw deflate, no zlib header |
//! | `/flaky/{key}/{k}` | the first `k` hits on `key` fail with `?status=` (503), optionally with `Retry-After: ?retry_after=` seconds or `?retry_after_date=` seconds ahead as an HTTP date; then 200 JSON `{"key", "hits"}` |
//! | `/hang` | never answers (until the server shuts down) |
//! | `/drip?numbytes=&duration=&delay=` | `numbytes` bytes spread over `duration` seconds after `delay` (httpbin's `/drip`) |
//! | `/reset` | resets the TCP connection instead of answering |
//! | `/malformed-json` | `Content-Type: application/json` with a body that is not JSON |
//! | `/anything[/..]` | any method: the echo plus `method`, `data` (the body as text), `form` (a URL-encoded body), `bytes` (body length) |
//! | `/cookies` | `{"cookies": {name: value}}`, the cookies the request sent |
//! | `/cookies/set?name=value..` | one `Set-Cookie` per argument, then 302 to `/cookies` |
//! | `/response-headers?name=value..` | those headers (a repeated name is sent repeated) and them as JSON |
//! | `/discard` | any method: reads the body as it comes, keeps none, answers `{"bytes": n}` |
//! | `/range/{n}?pause_ms=&no_range=&version=` | `n` [pattern bytes](pattern_byte) generated on the fly, with `ETag`, `Last-Modified` and `Range`/`If-Range` (206, 416) support |
//! | `/truncated/{n}?after=&reset=&key=&times=` | declares `n` bytes, sends `after` (half) and closes (or resets); with `key`, only its first `times` (1) hits |
//!
//! The echoes also carry `protocol` (`"HTTP/1.1"`, `"HTTP/2.0"`), which httpbin does not.
//! HTTP/1.1 and cleartext HTTP/2 (h2c, prior knowledge) are both served; over TLS
//! ([`Server::start_tls`], [`tls`]) HTTP/1.1 and h2 by ALPN.
//!
//! [`Server`] counts hits per path, hits per flaky key and the peak number of requests in
//! flight, so tests can check what the client really did.

mod bodies;
mod echo;
mod faults;
mod routes;
pub mod tls;

pub use bodies::pattern_byte;

use faults::{FaultListener, ResetHandle};

use std::collections::HashMap;
use std::io;
use std::net::SocketAddr;
use std::sync::atomic::{AtomicU64, AtomicUsize, Ordering};
use std::sync::{Arc, Mutex, PoisonError};

use axum::Router;
use axum::extract::{Request, State};
use axum::middleware::{self, Next};
use axum::response::Response;
use tokio::net::TcpListener;
use tokio::task::JoinHandle;
use tokio_util::sync::CancellationToken;

/// What the server has seen, shared by its handlers and readable from tests.
#[derive(Debug, Default)]
pub(crate) struct ServerState {
    hits: Mutex<HashMap<String, u64>>,
    keys: Mutex<HashMap<String, u64>>,
    in_flight: AtomicUsize,
    peak: AtomicUsize,
    /// `/range` requests answered 206.
    ranged: AtomicU64,
    /// Connections accepted.
    connections: AtomicU64,
    shutdown: CancellationToken,
}

impl ServerState {
    /// Counts one more hit on a flaky key and returns the new count.
    pub(crate) fn hit_key(&self, key: &str) -> u64 {
        let mut keys = self.keys.lock().unwrap_or_else(PoisonError::into_inner);
        let n = keys.entry(key.to_owned()).or_insert(0);
        *n += 1;
        *n
    }
}

/// A running test server; shut down when dropped or by [`Server::shutdown`].
///
/// ```
/// # #[tokio::main(flavor = "current_thread")]
/// # async fn main() -> std::io::Result<()> {
/// let server = fetcher::server::Server::start("127.0.0.1:0".parse().unwrap()).await?;
/// assert!(server.url("/json").starts_with("http://127.0.0.1:"));
/// server.shutdown().await;
/// # Ok(()) }
/// ```
#[derive(Debug)]
pub struct Server {
    addr: SocketAddr,
    scheme: &'static str,
    state: Arc<ServerState>,
    task: Option<JoinHandle<()>>,
}

impl Server {
    /// Binds `addr` (port 0 picks a free one) and serves on the current tokio runtime.
    ///
    /// # Errors
    /// The bind error, e.g. the address is in use.
    pub async fn start(addr: SocketAddr) -> io::Result<Server> {
        let listener = TcpListener::bind(addr).await?;
        let addr = listener.local_addr()?;
        let state = Arc::new(ServerState::default());
        let app = router(Arc::clone(&state));
        let token = state.shutdown.clone();
        let listener = FaultListener(listener, Arc::clone(&state));
        let task = tokio::spawn(async move {
            let service = app.into_make_service_with_connect_info::<ResetHandle>();
            let served = axum::serve(listener, service)
                .with_graceful_shutdown(token.cancelled_owned())
                .await;
            if let Err(e) = served {
                tracing::error!("test server stopped: {e}");
            }
        });
        Ok(Server {
            addr,
            scheme: "http",
            state,
            task: Some(task),
        })
    }

    /// The address bound.
    pub fn addr(&self) -> SocketAddr {
        self.addr
    }

    /// `http://{addr}{path}`, or `https://` for a server started with
    /// [`Server::start_tls`].
    pub fn url(&self, path: &str) -> String {
        format!("{}://{}{}", self.scheme, self.addr, path)
    }

    /// Requests seen on exactly this path (without the query).
    pub fn hits(&self, path: &str) -> u64 {
        let hits = self
            .state
            .hits
            .lock()
            .unwrap_or_else(PoisonError::into_inner);
        hits.get(path).copied().unwrap_or(0)
    }

    /// Requests seen on all paths.
    pub fn total_hits(&self) -> u64 {
        let hits = self
            .state
            .hits
            .lock()
            .unwrap_or_else(PoisonError::into_inner);
        hits.values().sum()
    }

    /// Hits on a `/flaky/{key}/..` key.
    pub fn key_hits(&self, key: &str) -> u64 {
        let keys = self
            .state
            .keys
            .lock()
            .unwrap_or_else(PoisonError::into_inner);
        keys.get(key).copied().unwrap_or(0)
    }

    /// `/range` requests answered with a partial body (206).
    pub fn ranged_hits(&self) -> u64 {
        self.state.ranged.load(Ordering::SeqCst)
    }

    /// Connections accepted so far (TCP; over TLS, counted before the handshake).
    pub fn connections(&self) -> u64 {
        self.state.connections.load(Ordering::SeqCst)
    }

    /// Requests being handled right now: counted from arrival until the handler returns
    /// the response head (a streamed body such as `/drip`'s may still be flowing).
    pub fn in_flight(&self) -> usize {
        self.state.in_flight.load(Ordering::SeqCst)
    }

    /// The largest number of requests handled at once so far.
    pub fn peak_in_flight(&self) -> usize {
        self.state.peak.load(Ordering::SeqCst)
    }

    /// Stops accepting, lets `/hang` return, and waits for open connections to finish.
    pub async fn shutdown(mut self) {
        self.state.shutdown.cancel();
        if let Some(task) = self.task.take() {
            let _ = task.await;
        }
    }
}

impl Drop for Server {
    fn drop(&mut self) {
        self.state.shutdown.cancel();
    }
}

/// Runs a server on `addr` until Ctrl-C or SIGTERM (the `fetcher serve` subcommand), after
/// printing `Serving on http://{addr}` to standard output.
///
/// # Errors
/// The bind error, or a failure to listen for the signals.
pub async fn serve(addr: SocketAddr) -> io::Result<()> {
    let server = Server::start(addr).await?;
    println!("Serving on http://{}", server.addr());
    stop_signal().await?;
    server.shutdown().await;
    Ok(())
}

/// [`serve`] over TLS (`fetcher serve --tls`): prints `Serving on https://{addr}`.
///
/// # Errors
/// A certificate that cannot be used, the bind error, or a failure to listen for the
/// signals.
pub async fn serve_tls(addr: SocketAddr, tls: &tls::ServerTls) -> io::Result<()> {
    let server = Server::start_tls(addr, tls).await?;
    println!("Serving on https://{}", server.addr());
    stop_signal().await?;
    server.shutdown().await;
    Ok(())
}

/// Resolves on Ctrl-C, or on SIGTERM where there is one.
async fn stop_signal() -> io::Result<()> {
    #[cfg(unix)]
    {
        let mut term = tokio::signal::unix::signal(tokio::signal::unix::SignalKind::terminate())?;
        tokio::select! {
            interrupted = tokio::signal::ctrl_c() => interrupted,
            _ = term.recv() => Ok(()),
        }
    }
    #[cfg(not(unix))]
    {
        tokio::signal::ctrl_c().await
    }
}

fn router(state: Arc<ServerState>) -> Router {
    routes::routes()
        .merge(faults::routes())
        .merge(echo::routes())
        .merge(bodies::routes())
        .layer(middleware::from_fn_with_state(Arc::clone(&state), track))
        .with_state(state)
}

/// Counts hits and requests in flight.
async fn track(State(state): State<Arc<ServerState>>, req: Request, next: Next) -> Response {
    {
        let mut hits = state.hits.lock().unwrap_or_else(PoisonError::into_inner);
        *hits.entry(req.uri().path().to_owned()).or_insert(0) += 1;
    }
    let now = state.in_flight.fetch_add(1, Ordering::SeqCst) + 1;
    state.peak.fetch_max(now, Ordering::SeqCst);
    let _guard = InFlight(&state.in_flight);
    next.run(req).await
}

/// Decrements the in-flight count even when the handler is cancelled.
struct InFlight<'a>(&'a AtomicUsize);

impl Drop for InFlight<'_> {
    fn drop(&mut self) {
        self.0.fetch_sub(1, Ordering::SeqCst);
    }
}
