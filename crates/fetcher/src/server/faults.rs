//! Fault paths — fail k times then succeed, never answer, drip slowly, reset the
//! connection, claim JSON and send none — and the listener whose connections a handler can
//! reset (a flag per connection that makes every later read and write fail with RST).

use std::io;
use std::net::SocketAddr;
use std::pin::Pin;
use std::sync::Arc;
use std::sync::atomic::{AtomicBool, Ordering};
use std::task::{Context, Poll};
use std::time::{Duration, SystemTime};

use axum::Router;
use axum::body::{Body, Bytes};
use axum::extract::connect_info::Connected;
use axum::extract::{ConnectInfo, Path, Query, State};
use axum::http::{StatusCode, header};
use axum::response::{IntoResponse, Json, Response};
use axum::routing::any;
use axum::serve::{IncomingStream, Listener};
use serde::Deserialize;
use serde_json::json;
use tokio::io::{AsyncRead, AsyncWrite, ReadBuf};
use tokio::net::{TcpListener, TcpStream};

use super::ServerState;

/// Longest `/drip` (duration plus delay), as a guard against typos.
const MAX_DRIP_SECS: f64 = 60.0;

pub(super) fn routes() -> Router<Arc<ServerState>> {
    Router::new()
        .route("/flaky/{key}/{k}", any(flaky))
        .route("/hang", any(hang))
        .route("/drip", any(drip))
        .route("/reset", any(reset))
        .route("/malformed-json", any(malformed_json))
}

#[derive(Debug, Deserialize)]
struct FlakyArgs {
    status: Option<u16>,
    retry_after: Option<u64>,
    retry_after_date: Option<u64>,
}

/// The first `k` hits on `key` fail; later ones succeed.
async fn flaky(
    State(state): State<Arc<ServerState>>,
    Path((key, k)): Path<(String, u64)>,
    Query(args): Query<FlakyArgs>,
) -> Response {
    let hits = state.hit_key(&key);
    if hits > k {
        return Json(json!({"key": key, "hits": hits})).into_response();
    }
    let status = args
        .status
        .and_then(|s| StatusCode::from_u16(s).ok())
        .unwrap_or(StatusCode::SERVICE_UNAVAILABLE);
    let mut response = status.into_response();
    let retry_after = match (args.retry_after, args.retry_after_date) {
        (Some(secs), _) => Some(secs.to_string()),
        (None, Some(secs)) => Some(httpdate::fmt_http_date(
            SystemTime::now() + Duration::from_secs(secs),
        )),
        (None, None) => None,
    };
    if let Some(value) = retry_after.and_then(|v| v.parse().ok()) {
        response.headers_mut().insert(header::RETRY_AFTER, value);
    }
    response
}

/// Answers only when the server shuts down.
async fn hang(State(state): State<Arc<ServerState>>) -> StatusCode {
    state.shutdown.cancelled().await;
    StatusCode::SERVICE_UNAVAILABLE
}

#[derive(Debug, Deserialize)]
struct DripArgs {
    numbytes: Option<u64>,
    duration: Option<f64>,
    delay: Option<f64>,
}

/// httpbin's `/drip`: `numbytes` bytes (10) spread over `duration` seconds (2) after
/// `delay` seconds (0), with a `Content-Length`.
async fn drip(Query(args): Query<DripArgs>) -> Response {
    let numbytes = args.numbytes.unwrap_or(10);
    let seconds = |s: Option<f64>, default: f64| {
        let s = s.unwrap_or(default);
        if s.is_finite() {
            s.clamp(0.0, MAX_DRIP_SECS)
        } else {
            default
        }
    };
    let duration = seconds(args.duration, 2.0);
    let delay = seconds(args.delay, 0.0);
    let pause = if numbytes == 0 {
        Duration::ZERO
    } else {
        Duration::from_secs_f64(duration / numbytes as f64)
    };
    let stream = futures::stream::unfold(0u64, move |sent| async move {
        if sent >= numbytes {
            return None;
        }
        let wait = if sent == 0 {
            Duration::from_secs_f64(delay)
        } else {
            pause
        };
        tokio::time::sleep(wait).await;
        Some((Ok::<_, std::io::Error>(Bytes::from_static(b"*")), sent + 1))
    });
    (
        [
            (header::CONTENT_TYPE, "application/octet-stream".to_owned()),
            (header::CONTENT_LENGTH, numbytes.to_string()),
        ],
        Body::from_stream(stream),
    )
        .into_response()
}

/// Resets the connection instead of answering.
async fn reset(ConnectInfo(handle): ConnectInfo<ResetHandle>) -> StatusCode {
    handle.reset();
    StatusCode::OK
}

/// Claims to be JSON and is not.
async fn malformed_json() -> Response {
    (
        [(header::CONTENT_TYPE, "application/json")],
        "{\"truncated\": ",
    )
        .into_response()
}

/// A TCP listener whose connections can be reset from a handler (for `/reset`).
pub(super) struct FaultListener(pub(super) TcpListener, pub(super) Arc<super::ServerState>);

impl Listener for FaultListener {
    type Io = FaultStream;
    type Addr = SocketAddr;

    async fn accept(&mut self) -> (Self::Io, Self::Addr) {
        let (tcp, addr) = Listener::accept(&mut self.0).await;
        self.1.connections.fetch_add(1, Ordering::SeqCst);
        let stream = FaultStream {
            tcp,
            reset: ResetHandle(Arc::new(AtomicBool::new(false))),
        };
        (stream, addr)
    }

    fn local_addr(&self) -> io::Result<Self::Addr> {
        self.0.local_addr()
    }
}

/// Set by a handler to make its connection end with a TCP reset.
#[derive(Debug, Clone)]
pub(crate) struct ResetHandle(Arc<AtomicBool>);

impl ResetHandle {
    pub(crate) fn reset(&self) {
        self.0.store(true, Ordering::SeqCst);
    }
}

impl Connected<IncomingStream<'_, FaultListener>> for ResetHandle {
    fn connect_info(stream: IncomingStream<'_, FaultListener>) -> Self {
        stream.io().reset.clone()
    }
}

/// A TCP stream that, once its [`ResetHandle`] is set, fails every read and write after
/// setting `SO_LINGER` to zero, so hyper drops it and the kernel sends RST.
pub(super) struct FaultStream {
    tcp: TcpStream,
    reset: ResetHandle,
}

impl FaultStream {
    fn check(&self) -> io::Result<()> {
        if self.reset.0.load(Ordering::SeqCst) {
            let _ = self.tcp.set_zero_linger();
            return Err(io::ErrorKind::ConnectionReset.into());
        }
        Ok(())
    }
}

impl AsyncRead for FaultStream {
    fn poll_read(
        mut self: Pin<&mut Self>,
        cx: &mut Context<'_>,
        buf: &mut ReadBuf<'_>,
    ) -> Poll<io::Result<()>> {
        self.check()?;
        Pin::new(&mut self.tcp).poll_read(cx, buf)
    }
}

impl AsyncWrite for FaultStream {
    fn poll_write(
        mut self: Pin<&mut Self>,
        cx: &mut Context<'_>,
        buf: &[u8],
    ) -> Poll<io::Result<usize>> {
        self.check()?;
        Pin::new(&mut self.tcp).poll_write(cx, buf)
    }

    fn poll_flush(mut self: Pin<&mut Self>, cx: &mut Context<'_>) -> Poll<io::Result<()>> {
        self.check()?;
        Pin::new(&mut self.tcp).poll_flush(cx)
    }

    fn poll_shutdown(mut self: Pin<&mut Self>, cx: &mut Context<'_>) -> Poll<io::Result<()>> {
        self.check()?;
        Pin::new(&mut self.tcp).poll_shutdown(cx)
    }
}
