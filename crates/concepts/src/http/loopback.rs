//! The chapter's plumbing on 127.0.0.1: a server task for an axum [`Router`] and a
//! connection-counting TCP front.
//!
//! [`LoopbackServer`] binds a free port, serves a router until it is shut down or dropped,
//! and hands its handlers a [`CancellationToken`] that fires at shutdown (a WebSocket handler
//! outlives the HTTP exchange that upgraded it, so it must watch the token itself).
//!
//! [`ConnectionCounter`] sits in front of any server and counts the TCP connections a client
//! opens — what tells a client that reuses its pool from one that opens a connection per
//! request. It forwards bytes unchanged, so the server behind it answers as usual.

use std::io;
use std::net::SocketAddr;
use std::sync::Arc;
use std::sync::atomic::{AtomicUsize, Ordering};

use axum::Router;
use tokio::net::{TcpListener, TcpStream};
use tokio::task::JoinHandle;
use tokio_util::sync::CancellationToken;

/// The address every server of the chapter binds: loopback, a free port.
pub const LOOPBACK: SocketAddr =
    SocketAddr::new(std::net::IpAddr::V4(std::net::Ipv4Addr::LOCALHOST), 0);

/// A router served on 127.0.0.1; shut down when dropped or by [`LoopbackServer::shutdown`].
#[derive(Debug)]
pub struct LoopbackServer {
    addr: SocketAddr,
    shutdown: CancellationToken,
    task: Option<JoinHandle<()>>,
}

impl LoopbackServer {
    /// Binds `addr` (port 0 picks a free one) and serves `router` on the current runtime
    /// until `shutdown` is cancelled.
    ///
    /// # Errors
    /// The bind error, e.g. the port is taken.
    // ANCHOR: serve
    pub async fn start(
        addr: SocketAddr,
        router: Router,
        shutdown: CancellationToken,
    ) -> io::Result<Self> {
        let listener = TcpListener::bind(addr).await?;
        let addr = listener.local_addr()?;
        let stop = shutdown.clone();
        let task = tokio::spawn(async move {
            // An accept loop that only ends at shutdown: nothing to report on return.
            let _ = axum::serve(listener, router)
                .with_graceful_shutdown(stop.cancelled_owned())
                .await;
        });
        Ok(Self {
            addr,
            shutdown,
            task: Some(task),
        })
    }
    // ANCHOR_END: serve

    /// The address bound.
    pub fn addr(&self) -> SocketAddr {
        self.addr
    }

    /// `http://{addr}{path}`.
    pub fn url(&self, path: &str) -> String {
        format!("http://{}{path}", self.addr)
    }

    /// Stops accepting, tells the handlers (their token fires) and waits for the HTTP
    /// connections to finish.
    pub async fn shutdown(mut self) {
        self.shutdown.cancel();
        if let Some(task) = self.task.take() {
            // The task only ends by shutdown; a panic in it has nothing left to clean up.
            let _ = task.await;
        }
    }
}

impl Drop for LoopbackServer {
    fn drop(&mut self) {
        self.shutdown.cancel();
    }
}

/// A TCP front on 127.0.0.1 that counts accepted connections and forwards each to
/// `upstream`; stops when dropped.
///
/// ```
/// # #[tokio::main(flavor = "current_thread")]
/// # async fn main() -> std::io::Result<()> {
/// use concepts::http::loopback::ConnectionCounter;
/// let server = fetcher::server::Server::start("127.0.0.1:0".parse().unwrap()).await?;
/// let front = ConnectionCounter::start(server.addr()).await?;
/// assert_eq!(front.accepted(), 0);
/// assert!(front.url("/get").starts_with("http://127.0.0.1:"));
/// # Ok(()) }
/// ```
#[derive(Debug)]
pub struct ConnectionCounter {
    addr: SocketAddr,
    accepted: Arc<AtomicUsize>,
    stop: CancellationToken,
}

impl ConnectionCounter {
    /// Binds a free loopback port and forwards every connection to `upstream`.
    ///
    /// # Errors
    /// The bind error.
    pub async fn start(upstream: SocketAddr) -> io::Result<Self> {
        let listener = TcpListener::bind(LOOPBACK).await?;
        let addr = listener.local_addr()?;
        let accepted = Arc::new(AtomicUsize::new(0));
        let stop = CancellationToken::new();
        tokio::spawn(forward_all(
            listener,
            upstream,
            Arc::clone(&accepted),
            stop.clone(),
        ));
        Ok(Self {
            addr,
            accepted,
            stop,
        })
    }

    /// `http://{addr}{path}`: the upstream's `path`, through the counter.
    pub fn url(&self, path: &str) -> String {
        format!("http://{}{path}", self.addr)
    }

    /// The TCP connections accepted so far.
    pub fn accepted(&self) -> usize {
        self.accepted.load(Ordering::SeqCst)
    }
}

impl Drop for ConnectionCounter {
    fn drop(&mut self) {
        self.stop.cancel();
    }
}

// ANCHOR: count_connections
/// Accepts until `stop`, counting each connection and piping it to `upstream`.
async fn forward_all(
    listener: TcpListener,
    upstream: SocketAddr,
    accepted: Arc<AtomicUsize>,
    stop: CancellationToken,
) {
    loop {
        let client = tokio::select! {
            () = stop.cancelled() => return,
            client = listener.accept() => client,
        };
        // A failed accept (e.g. out of file descriptors) drops that one connection only.
        let Ok((mut client, _)) = client else {
            continue;
        };
        accepted.fetch_add(1, Ordering::SeqCst);
        let stop = stop.clone();
        tokio::spawn(async move {
            let Ok(mut server) = TcpStream::connect(upstream).await else {
                return; // the client sees its connection closed, as with a dead server
            };
            tokio::select! {
                () = stop.cancelled() => {}
                _ = tokio::io::copy_bidirectional(&mut client, &mut server) => {}
            }
        });
    }
}
// ANCHOR_END: count_connections
