//! The WebSocket echo server (seed: `Aiohttp/ServerSide/web_socket_server.py`).
//!
//! **Python.** The `/ws` handler prepares a `WebSocketResponse`, then for each text message
//! prints "Server received: {data}" and sends "Echo: {data}"; an error message prints the
//! exception; when the client goes, it prints "WebSocket connection closed".
//!
//! **Rust.** axum's `WebSocketUpgrade` extractor answers the handshake and hands the socket
//! to a task ([`WebSocketUpgrade::on_upgrade`]); the task loops over `recv()` and `send()`s
//! the echo. The upgraded socket outlives the HTTP exchange, so the server's shutdown does not
//! end it by itself: each socket task also waits on a cancellation token and sends a Close
//! frame when it fires. The seed's prints become lines kept by the server
//! ([`EchoServer::log`]).
//!
//! **Addition.** [`EchoServer::close_sockets`] closes every open socket while the server
//! keeps accepting: how a test makes a client reconnect (a server restart or a proxy timing
//! out does the same to a real client).

use std::sync::{Arc, Mutex, PoisonError};

use axum::Router;
use axum::extract::State;
use axum::extract::ws::{Message, WebSocket, WebSocketUpgrade};
use axum::response::Response;
use axum::routing::get;
use tokio_util::sync::CancellationToken;
use tokio_util::task::TaskTracker;

use super::loopback::{LOOPBACK, LoopbackServer};

/// What the socket tasks share: the token that closes the current sockets, and the log.
#[derive(Debug)]
struct Shared {
    shutdown: CancellationToken,
    sockets: Mutex<CancellationToken>,
    tasks: TaskTracker,
    log: Mutex<Vec<String>>,
}

impl Shared {
    fn record(&self, line: String) {
        self.log
            .lock()
            .unwrap_or_else(PoisonError::into_inner)
            .push(line);
    }
}

/// A running echo server on 127.0.0.1, path `/ws`.
#[derive(Debug)]
pub struct EchoServer {
    server: LoopbackServer,
    shared: Arc<Shared>,
}

impl EchoServer {
    /// Starts the server on a free loopback port.
    ///
    /// # Errors
    /// The bind error.
    pub async fn start() -> std::io::Result<Self> {
        let shutdown = CancellationToken::new();
        let shared = Arc::new(Shared {
            sockets: Mutex::new(shutdown.child_token()),
            shutdown: shutdown.clone(),
            tasks: TaskTracker::new(),
            log: Mutex::default(),
        });
        let router = Router::new()
            .route("/ws", get(upgrade))
            .with_state(Arc::clone(&shared));
        let server = LoopbackServer::start(LOOPBACK, router, shutdown).await?;
        Ok(Self { server, shared })
    }

    /// `ws://{addr}/ws`.
    pub fn ws_url(&self) -> String {
        format!("ws://{}/ws", self.server.addr())
    }

    /// Closes every open socket (each gets a Close frame); new ones are still accepted.
    pub fn close_sockets(&self) {
        let mut current = self
            .shared
            .sockets
            .lock()
            .unwrap_or_else(PoisonError::into_inner);
        current.cancel();
        *current = self.shared.shutdown.child_token();
    }

    /// The server's lines so far ("Server received: ..", "WebSocket connection closed").
    pub fn log(&self) -> Vec<String> {
        self.shared
            .log
            .lock()
            .unwrap_or_else(PoisonError::into_inner)
            .clone()
    }

    /// Closes the sockets, stops accepting, waits for the socket tasks to end, and returns
    /// the server's lines.
    pub async fn shutdown(self) -> Vec<String> {
        let Self { server, shared } = self;
        server.shutdown().await;
        shared.tasks.close();
        shared.tasks.wait().await;
        std::mem::take(&mut *shared.log.lock().unwrap_or_else(PoisonError::into_inner))
    }
}

async fn upgrade(State(shared): State<Arc<Shared>>, ws: WebSocketUpgrade) -> Response {
    let close = shared
        .sockets
        .lock()
        .unwrap_or_else(PoisonError::into_inner)
        .clone();
    let tasks = shared.tasks.clone();
    ws.on_upgrade(move |socket| tasks.track_future(echo(socket, close, shared)))
}

// ANCHOR: echo
/// Echoes text messages until the client leaves or `close` fires.
async fn echo(mut socket: WebSocket, close: CancellationToken, shared: Arc<Shared>) {
    loop {
        let message = tokio::select! {
            () = close.cancelled() => {
                // The client may be gone already; then there is nobody to tell.
                let _ = socket.send(Message::Close(None)).await;
                break;
            }
            message = socket.recv() => message,
        };
        match message {
            Some(Ok(Message::Text(data))) => {
                shared.record(format!("Server received: {}", data.as_str()));
                let echo = Message::Text(format!("Echo: {}", data.as_str()).into());
                if socket.send(echo).await.is_err() {
                    break;
                }
            }
            Some(Ok(Message::Close(_))) | None => break,
            Some(Ok(_)) => {} // binary, ping, pong: nothing to echo (axum answers pings)
            Some(Err(e)) => {
                shared.record(format!("WebSocket connection closed with exception {e}"));
                break;
            }
        }
    }
    shared.record("WebSocket connection closed".to_owned());
}
// ANCHOR_END: echo
