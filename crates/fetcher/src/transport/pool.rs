//! The connection pool: hyper's HTTP/1.1 and HTTP/2 connections (`hyper::client::conn`)
//! kept per origin (`scheme://host:port`) and lent to one request at a time (HTTP/1.1) or
//! shared by all (HTTP/2).
//!
//! It replaces hyper-util's pooled client, doing what the fetcher needed of it for less
//! work a request (`scripts/bench-fetcher.sh`): an origin is found by its text as the URL
//! already spells it (no `Authority` hashed byte by byte), its `Host` header is made once,
//! and an HTTP/1.1 connection goes back to the pool when its response body is dropped,
//! without a task of its own to wait for it when it is ready then (the usual case).
//!
//! - **HTTP/1.1**: an idle connection is reused, the most recent first; none idle, a new
//!   one is opened (hyper-util also raced the connect against one coming back; here a
//!   burst may open a few more, never more than the requests in flight). A connection
//!   goes back when hyper says it is ready for the next request (the body was read to its
//!   end and the server did not close); not ready yet (a chunked body's last chunk still
//!   unread, an answer dropped unread), it is waited for up to a second in a small task,
//!   as hyper-util did for every request; closed, it is dropped. A request a reused
//!   connection could not even start (the server had closed it) is sent again on another,
//!   as hyper-util did; one the server may have seen is not. No upgrades (`101`,
//!   `CONNECT`): the fetcher makes none.
//! - **HTTP/2**: one connection per origin carries every request to it. For an origin
//!   that may speak it (`https://`, or any with prior knowledge), the first connection is
//!   opened alone and the requests behind it wait for its ALPN answer: HTTP/2, they share
//!   it; HTTP/1.1, they open their own at once (and later ones never wait).
//! - **Refused**: a request an HTTP/2 connection did not take (it was closing: the server
//!   had sent `GOAWAY`), or that the server did not process (`REFUSED_STREAM`, or `GOAWAY`
//!   with `NO_ERROR` before it, when its body is in memory), is sent again on a new
//!   connection, twice at most, as hyper-util and reqwest do (RFC 9113 8.7 makes that safe
//!   for any method).
//! - **Idle time-out**: connections idle 90 s are dropped: checked when one is taken and,
//!   at most every 10 s, over the whole pool whenever a request takes or gives back one
//!   (a pool no request uses is not swept: its idle connections stay open until the
//!   server closes them or the pool is dropped).

use std::collections::HashMap;
use std::collections::hash_map::Entry;
use std::future::Future;
use std::pin::Pin;
use std::sync::{Arc, Mutex, MutexGuard, PoisonError};
use std::time::Duration;

use http::header::HOST;
use http::uri::Uri;
use http::{HeaderValue, Method, Request, Response};
use hyper::body::Incoming;
use hyper::client::conn::{http1, http2};
use hyper_util::rt::{TokioExecutor, TokioTimer};
use tokio::sync::oneshot;
use tokio::time::Instant;
use url::Url;

use super::connect::{Conn, Connector};
use super::{RequestBody, SendError};

/// How long a connection may stay idle in the pool.
const IDLE_TIMEOUT: Duration = Duration::from_secs(90);
/// How long a connection given back not yet ready is waited for.
const READY_WAIT: Duration = Duration::from_secs(1);
/// How often, at most, the whole pool is swept of expired idle connections.
const SWEEP_EVERY: Duration = Duration::from_secs(10);

/// A pool of connections; cheap to clone (clones share it).
#[derive(Clone)]
pub(crate) struct Pool {
    shared: Arc<Shared>,
}

struct Shared {
    connector: Connector,
    /// Every connection speaks HTTP/2 (prior knowledge).
    http2_only: bool,
    state: Mutex<State>,
}

struct State {
    origins: HashMap<Arc<str>, Origin>,
    swept: Instant,
}

/// What the pool holds for one origin.
struct Origin {
    key: Arc<str>,
    /// `Host` for HTTP/1.1: the URL's host, and its port when not the scheme's default.
    host: HeaderValue,
    /// HTTP/1.1 connections at rest, the most recent last.
    idle: Vec<Idle>,
    /// The HTTP/2 connection every request shares, and when it was last used.
    h2: Option<(http2::SendRequest<RequestBody>, Instant)>,
    /// What the origin's first connection spoke: `None` until one was opened.
    protocol: Option<Protocol>,
    /// A first connection that may turn out HTTP/2 is being opened.
    connecting: bool,
    /// Requests waiting for it: woken (the sender dropped) when it is done.
    waiters: Vec<oneshot::Sender<()>>,
}

#[derive(Clone, Copy, PartialEq, Eq)]
enum Protocol {
    Http1,
    Http2,
}

/// An HTTP/1.1 connection: its sender, whether a forwarding proxy is at the other end,
/// and its origin's key and `Host`.
struct H1 {
    sender: http1::SendRequest<RequestBody>,
    proxied: bool,
    key: Arc<str>,
    host: HeaderValue,
}

struct Idle {
    conn: H1,
    since: Instant,
}

/// What a request gets from the pool.
enum Checkout {
    /// An idle HTTP/1.1 connection (so a reused one), or the origin's HTTP/2 connection.
    Pooled(Ready),
    /// Open a connection (holding the origin's connecting lock when `Some`).
    Connect(Option<Connecting>),
    /// Wait for the connection another request is opening.
    Wait(oneshot::Receiver<()>),
}

/// Lends an HTTP/1.1 connection to a response body; gives it back to the pool when
/// dropped, if it is ready for another request.
pub(crate) struct Checkin {
    shared: Arc<Shared>,
    conn: Option<H1>,
}

impl Drop for Checkin {
    fn drop(&mut self) {
        let Some(mut conn) = self.conn.take() else {
            return;
        };
        if conn.sender.is_ready() {
            self.shared.put(conn);
            return;
        }
        // Not ready yet: hyper still has to read a chunked body's end, or drain (or close
        // on) what is left of an answer dropped unread; its connection task does that.
        let Ok(runtime) = tokio::runtime::Handle::try_current() else {
            return;
        };
        if conn.sender.is_closed() {
            return;
        }
        let shared = Arc::clone(&self.shared);
        runtime.spawn(async move {
            if let Ok(Ok(())) = tokio::time::timeout(READY_WAIT, conn.sender.ready()).await {
                shared.put(conn);
            }
        });
    }
}

/// The origin's connecting lock: released (and its waiters woken) when dropped, whether
/// the connection was opened, failed, or the request was given up.
struct Connecting {
    shared: Arc<Shared>,
    key: Arc<str>,
}

impl Drop for Connecting {
    fn drop(&mut self) {
        let mut state = self.shared.lock();
        if let Some(origin) = state.origins.get_mut(&*self.key) {
            origin.connecting = false;
            origin.waiters.clear();
        }
    }
}

/// Where a request goes: its origin as the pool's key (`scheme://host[:port]`), the
/// `Host` of that origin, and its URL.
pub(crate) struct Target<'a> {
    pub key: &'a str,
    pub host: &'a str,
    pub url: &'a Url,
}

impl Target<'_> {
    /// The absolute URI, for HTTP/2, a forwarding proxy and the connector.
    fn absolute(&self) -> Result<Uri, SendError> {
        super::uri_of(self.url).map_err(SendError::Uri)
    }

    /// The URI in origin form (`/path?query`), for an HTTP/1.1 server.
    fn origin_form(&self) -> Result<Uri, SendError> {
        let path = &self.url[url::Position::BeforePath..url::Position::AfterQuery];
        Uri::try_from(path).map_err(SendError::Uri)
    }

    fn is_https(&self) -> bool {
        self.url.scheme() == "https"
    }
}

impl Pool {
    pub(crate) fn new(connector: Connector, http2_only: bool) -> Self {
        Self {
            shared: Arc::new(Shared {
                connector,
                http2_only,
                state: Mutex::new(State {
                    origins: HashMap::new(),
                    swept: Instant::now(),
                }),
            }),
        }
    }

    /// An empty pool of its own with the same connector (and so the same TLS roots).
    pub(crate) fn empty_copy(&self) -> Self {
        Self::new(self.shared.connector.clone(), self.shared.http2_only)
    }

    /// Sends `request` (its URI made here, in the form its connection wants) on a
    /// connection to `target`'s origin; the answer, with the HTTP/1.1 connection it holds
    /// until its body is dropped.
    pub(crate) async fn send(
        &self,
        target: &Target<'_>,
        mut request: Request<RequestBody>,
    ) -> Result<(Response<Incoming>, Option<Checkin>), SendError> {
        let shared = &self.shared;
        let (mut waited, mut resent) = (false, 0);
        loop {
            let (ready, reused) = match shared.checkout(target, waited)? {
                Checkout::Pooled(ready) => (ready, true),
                Checkout::Wait(done) => {
                    let _ = done.await;
                    waited = true;
                    continue;
                }
                // Boxed: connecting is rare, and its future (TLS, proxies: 2.5 KB) would
                // grow every request's state, allocated and moved for each.
                Checkout::Connect(lock) => (Box::pin(shared.connect(target, lock)).await?, false),
            };
            let mut conn = match ready {
                Ready::Http1(conn) => conn,
                Ready::Http2(sender) => match send_h2(sender, target, request, resent).await {
                    H2::Answered(response) => return Ok((response?, None)),
                    H2::Refused { again, closing } => {
                        if closing {
                            shared.forget_h2(target);
                        }
                        (request, resent) = (again, resent + 1);
                        continue;
                    }
                },
            };
            prepare_h1(&mut request, target, &conn)?;
            match conn.sender.try_send_request(request).await {
                Ok(response) => {
                    let checkin = Checkin {
                        shared: Arc::clone(shared),
                        conn: Some(conn),
                    };
                    return Ok((response, Some(checkin)));
                }
                Err(mut e) => match e.take_message() {
                    // Not started on a connection the server had closed: on another.
                    Some(unsent) if reused => request = unsent,
                    _ => return Err(SendError::Http(e.into_error())),
                },
            }
        }
    }
}

/// A connection to send a request on: taken from the pool, or just opened.
enum Ready {
    Http1(H1),
    Http2(http2::SendRequest<RequestBody>),
}

impl Shared {
    fn lock(&self) -> MutexGuard<'_, State> {
        self.state.lock().unwrap_or_else(PoisonError::into_inner)
    }

    /// A connection for `target`, or what to do to get one; `waited`: this request
    /// already waited once for another's first connection, and now opens its own.
    fn checkout(
        self: &Arc<Self>,
        target: &Target<'_>,
        waited: bool,
    ) -> Result<Checkout, SendError> {
        let now = Instant::now();
        let mut state = self.lock();
        state.sweep_if_due(now);
        // Looked up by its text first: the entry API would need a key made every time.
        if let Some(origin) = state.origins.get_mut(target.key) {
            return Ok(self.take(origin, target, waited, now));
        }
        let origin = state.origin(target)?;
        Ok(self.take(origin, target, waited, now))
    }

    /// [`Shared::checkout`] from the pool's `origin` of `target`.
    fn take(
        self: &Arc<Self>,
        origin: &mut Origin,
        target: &Target<'_>,
        waited: bool,
        now: Instant,
    ) -> Checkout {
        if let Some((sender, used)) = &mut origin.h2 {
            if !sender.is_closed() && now.duration_since(*used) < IDLE_TIMEOUT {
                *used = now;
                return Checkout::Pooled(Ready::Http2(sender.clone()));
            }
            origin.h2 = None;
        }
        while let Some(idle) = origin.idle.pop() {
            if idle.conn.sender.is_ready() && now.duration_since(idle.since) < IDLE_TIMEOUT {
                return Checkout::Pooled(Ready::Http1(idle.conn));
            }
        }
        let may_be_h2 = self.http2_only || target.is_https();
        if !may_be_h2 || origin.protocol == Some(Protocol::Http1) || waited {
            return Checkout::Connect(None);
        }
        if origin.connecting {
            let (tx, rx) = oneshot::channel();
            origin.waiters.push(tx);
            return Checkout::Wait(rx);
        }
        origin.connecting = true;
        Checkout::Connect(Some(Connecting {
            shared: Arc::clone(self),
            key: Arc::clone(&origin.key),
        }))
    }

    /// Opens a connection to `target`'s origin and makes it HTTP/1.1 or HTTP/2 (ALPN, or
    /// prior knowledge); an HTTP/2 one goes into the pool for every request to share.
    async fn connect(
        &self,
        target: &Target<'_>,
        lock: Option<Connecting>,
    ) -> Result<Ready, SendError> {
        let conn: Conn = self
            .connector
            .clone()
            .connect_within(target.absolute()?)
            .await
            .map_err(SendError::Connect)?;
        let (h2, proxied, io) = conn.into_parts();
        if h2 || self.http2_only {
            let (mut sender, connection) = http2::Builder::new(TokioExecutor::new())
                .timer(TokioTimer::new())
                .handshake(io)
                .await
                .map_err(|e| SendError::Connect(e.into()))?;
            drive(connection, "HTTP/2");
            sender.ready().await.map_err(SendError::Http)?;
            let mut state = self.lock();
            let origin = state.origin(target)?;
            origin.protocol = Some(Protocol::Http2);
            origin.h2 = Some((sender.clone(), Instant::now()));
            // The state first: the lock's release takes it again.
            drop(state);
            drop(lock);
            return Ok(Ready::Http2(sender));
        }
        let (sender, connection) = http1::Builder::new()
            .handshake(io)
            .await
            .map_err(|e| SendError::Connect(e.into()))?;
        drive(connection, "HTTP/1.1");
        let mut state = self.lock();
        let origin = state.origin(target)?;
        origin.protocol = Some(Protocol::Http1);
        let conn = H1 {
            sender,
            proxied,
            key: Arc::clone(&origin.key),
            host: origin.host.clone(),
        };
        drop(state);
        drop(lock);
        Ok(Ready::Http1(conn))
    }

    /// Takes back an HTTP/1.1 connection that is ready for another request; sweeps the
    /// pool when it was last swept [`SWEEP_EVERY`] ago.
    fn put(&self, conn: H1) {
        let now = Instant::now();
        let mut state = self.lock();
        // Its origin may have been swept while the connection was lent: made again.
        let origin = state
            .origins
            .entry(Arc::clone(&conn.key))
            .or_insert_with(|| Origin::new(Arc::clone(&conn.key), conn.host.clone()));
        origin.idle.push(Idle { conn, since: now });
        state.sweep_if_due(now);
    }

    /// Drops the origin's HTTP/2 connection (it is going away: it did not take a request,
    /// or sent `GOAWAY`), so the next request opens another; the requests it still carries
    /// run to their end.
    fn forget_h2(&self, target: &Target<'_>) {
        let mut state = self.lock();
        if let Some(origin) = state.origins.get_mut(target.key) {
            origin.h2 = None;
        }
    }
}

impl State {
    /// The pool's entry for `target`'s origin, made if there is none (the request's first
    /// to it, or it was swept).
    fn origin(&mut self, target: &Target<'_>) -> Result<&mut Origin, SendError> {
        match self.origins.entry(Arc::from(target.key)) {
            Entry::Occupied(entry) => Ok(entry.into_mut()),
            Entry::Vacant(entry) => {
                let origin = Origin::new(Arc::clone(entry.key()), host_value(target.host)?);
                Ok(entry.insert(origin))
            }
        }
    }

    /// Drops the expired and closed idle connections of every origin, and the origins left
    /// with nothing, when the last sweep was [`SWEEP_EVERY`] ago.
    fn sweep_if_due(&mut self, now: Instant) {
        if now.duration_since(self.swept) < SWEEP_EVERY {
            return;
        }
        self.swept = now;
        self.origins.retain(|_, origin| {
            origin.idle.retain(|idle| {
                !idle.conn.sender.is_closed() && now.duration_since(idle.since) < IDLE_TIMEOUT
            });
            if origin.h2.as_ref().is_some_and(|(h2, used)| {
                h2.is_closed() || now.duration_since(*used) >= IDLE_TIMEOUT
            }) {
                origin.h2 = None;
            }
            !origin.idle.is_empty() || origin.h2.is_some() || origin.connecting
        });
    }
}

impl Origin {
    fn new(key: Arc<str>, host: HeaderValue) -> Self {
        Self {
            key,
            host,
            idle: Vec::new(),
            h2: None,
            protocol: None,
            connecting: false,
            waiters: Vec::new(),
        }
    }
}

/// Runs a connection's I/O in a task of its own until it closes.
fn drive(connection: impl Future<Output = hyper::Result<()>> + Send + 'static, what: &'static str) {
    tokio::spawn(async move {
        if let Err(e) = connection.await {
            tracing::debug!("{what} connection ended: {e}");
        }
    });
}

/// What [`send_h2`] got: an answer (or the error), or the request back to send again.
enum H2 {
    Answered(Result<Response<Incoming>, SendError>),
    /// To send again; `closing`: on another connection, this one is going away.
    Refused {
        again: Request<RequestBody>,
        closing: bool,
    },
}

/// Sends `request` on an HTTP/2 connection (its URI absolute, as HTTP/2 wants); gives it
/// back to send again on another connection when this one did not take it (it was closing
/// after a `GOAWAY`), or a copy when the server refused it unprocessed, if it was sent
/// again fewer than twice (`resent`). Boxed: the HTTP/1.1 requests of the same future
/// would otherwise carry its 0.9 KB.
fn send_h2<'a>(
    mut sender: http2::SendRequest<RequestBody>,
    target: &'a Target<'_>,
    mut request: Request<RequestBody>,
    resent: u32,
) -> Pin<Box<dyn Future<Output = H2> + Send + 'a>> {
    Box::pin(async move {
        match target.absolute() {
            Ok(uri) => *request.uri_mut() = uri,
            Err(e) => return H2::Answered(Err(e)),
        }
        let again = (resent < 2).then(|| resendable(&request)).flatten();
        match sender.try_send_request(request).await {
            Ok(response) => H2::Answered(Ok(response)),
            Err(mut e) => match (e.take_message(), again) {
                (Some(unsent), _) if resent < 2 => H2::Refused {
                    again: unsent,
                    closing: true,
                },
                (None, Some(again)) => match refusal(e.error()) {
                    Some(closing) => H2::Refused { again, closing },
                    None => H2::Answered(Err(SendError::Http(e.into_error()))),
                },
                _ => H2::Answered(Err(SendError::Http(e.into_error()))),
            },
        }
    })
}

/// A copy of `request` to send again, when its body is in memory.
fn resendable(request: &Request<RequestBody>) -> Option<Request<RequestBody>> {
    let body = match request.body() {
        RequestBody::Full(bytes) => RequestBody::Full(bytes.clone()),
        RequestBody::Stream { .. } => return None,
    };
    let mut copy = Request::new(body);
    *copy.method_mut() = request.method().clone();
    *copy.uri_mut() = request.uri().clone();
    *copy.version_mut() = request.version();
    *copy.headers_mut() = request.headers().clone();
    Some(copy)
}

/// Whether an HTTP/2 server did not process the request (reqwest's "protocol NACKs"):
/// `Some(false)` when it reset the stream with `REFUSED_STREAM`, `Some(true)` when it
/// sent `GOAWAY` with `NO_ERROR` (the connection is going away), `None` otherwise.
fn refusal(error: &hyper::Error) -> Option<bool> {
    let mut source = std::error::Error::source(error);
    while let Some(cause) = source {
        if let Some(h2) = cause.downcast_ref::<h2::Error>() {
            let reason = h2.reason();
            if !h2.is_remote() {
                return None;
            }
            if h2.is_reset() && reason == Some(h2::Reason::REFUSED_STREAM) {
                return Some(false);
            }
            if h2.is_go_away() && reason == Some(h2::Reason::NO_ERROR) {
                return Some(true);
            }
            return None;
        }
        source = cause.source();
    }
    None
}

/// A `Host` header of `host`.
fn host_value(host: &str) -> Result<HeaderValue, SendError> {
    HeaderValue::from_str(host)
        .map_err(|e| SendError::Connect(format!("{host:?} is no Host header: {e}").into()))
}

/// Makes `request` one for the HTTP/1.1 connection `conn`: `Host` (unless it has its
/// own), and its target in origin form (`/path?query`), absolute form for a forwarding
/// proxy, or authority form for `CONNECT`.
fn prepare_h1(
    request: &mut Request<RequestBody>,
    target: &Target<'_>,
    conn: &H1,
) -> Result<(), SendError> {
    if !request.headers().contains_key(HOST) {
        request.headers_mut().insert(HOST, conn.host.clone());
    }
    *request.uri_mut() = if request.method() == Method::CONNECT {
        let mut parts = http::uri::Parts::default();
        parts.authority = target.absolute()?.into_parts().authority;
        Uri::from_parts(parts).map_err(|e| SendError::Connect(e.into()))?
    } else if conn.proxied {
        target.absolute()?
    } else {
        target.origin_form()?
    };
    Ok(())
}
