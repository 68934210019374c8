//! A WebSocket client that sends, listens and reconnects with back-off (seed:
//! `Aiohttp/ClientSide/WebSocket.py`).
//!
//! **Python.** `WebSocketClient.connect` opens `session.ws_connect(url)`, resets the attempt
//! counter and prints "WebSocket connected", or prints why it failed (connection, handshake,
//! time-out). `send_message` sends a dict as JSON text. `listen` is an async generator:
//! while the socket is open it yields each text message; when the socket is closed it calls
//! `reconnect`, which gives up with "Max connection attempts reached." after
//! `max_reconnect_attempts`, else sleeps and connects again. `run_client` connects, sends
//! `{"type": "Hello", "data": "World"}` and prints every message it gets.
//!
//! **Rust.** [`tokio_tungstenite::connect_async`] opens the socket; the
//! `WebSocketStream` is a `Stream` of messages and a `Sink` for sending (`futures`'
//! `StreamExt::next`, `SinkExt::send`). The generator becomes [`WebSocketClient::next_message`],
//! an `async fn` returning `Option<String>` — `None` where the generator would stop — so a
//! caller loops `while let Some(msg) = client.next_message().await`. The seed's prints are
//! lines the client keeps ([`WebSocketClient::take_lines`]).
//!
//! **What the seed meant, done.** Its `reconnect` computes `wait_time = (2**n, 60)`, a
//! tuple, and hands it to `asyncio.sleep` (a `TypeError`); the meaning is
//! `min(2**n, 60)` seconds ([`backoff`]). It returns `self.connect()` without `await`, so a
//! coroutine object — always truthy — stands for "connected"; here the connection is awaited.
//! Awaited, a bool would mix "this try failed" with "give up" and `listen` would stop at the
//! first failed try, so [`WebSocketClient::reconnect`] returns a [`Reconnect`] and `listen`
//! tries again until the attempts run out. The attribute `max_reconnet_attempts` is spelled right. The
//! seed sends its greeting once; a client that reconnects has to say hello again to the new
//! connection (a subscription is the usual case), so [`WebSocketClient::with_greeting`]
//! sends it after every connection. URLs are `ws://` (aiohttp also takes `http://`).
//! The back-off unit is a setting: the seed's 1 s, 50 ms in the demo, 1 ms in tests.

use std::time::Duration;

use futures::{SinkExt, StreamExt};
use serde_json::{Value, json};
use tokio::net::TcpStream;
use tokio_tungstenite::tungstenite::{Error as WsError, Message};
use tokio_tungstenite::{MaybeTlsStream, WebSocketStream, connect_async};

use super::web_socket_server::EchoServer;
use super::{HttpDemoError, run_demo};
use crate::demo::Demo;

/// How long opening a socket may take before "Connection timed out".
pub const CONNECT_TIMEOUT: Duration = Duration::from_secs(10);

/// The wait before reconnect attempt `attempt` (from 1): `min(2^attempt, 60)` units.
///
/// ```
/// use std::time::Duration;
/// use concepts::http::websocket::backoff;
/// let waits: Vec<u64> = (1..=7).map(|n| backoff(n, Duration::from_secs(1)).as_secs()).collect();
/// assert_eq!(waits, [2, 4, 8, 16, 32, 60, 60]);
/// ```
pub fn backoff(attempt: u32, unit: Duration) -> Duration {
    unit * 2u32.saturating_pow(attempt).min(60)
}

/// What one [`WebSocketClient::reconnect`] did.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Reconnect {
    /// Waited and connected.
    Connected,
    /// Waited and failed; another attempt is allowed.
    Failed,
    /// `max_reconnect_attempts` attempts in a row have failed: no more.
    GaveUp,
}

type Socket = WebSocketStream<MaybeTlsStream<TcpStream>>;

/// The seed's `WebSocketClient`.
#[derive(Debug)]
pub struct WebSocketClient {
    url: String,
    ws: Option<Socket>,
    reconnect_attempts: u32,
    max_reconnect_attempts: u32,
    unit: Duration,
    greeting: Option<Value>,
    lines: Vec<String>,
}

impl WebSocketClient {
    /// A client for `url` (`ws://...`) that tries `max_reconnect_attempts` times in a row
    /// (the seed: 5), with a back-off unit of 1 s.
    pub fn new(url: impl Into<String>, max_reconnect_attempts: u32) -> Self {
        Self {
            url: url.into(),
            ws: None,
            reconnect_attempts: 0,
            max_reconnect_attempts,
            unit: Duration::from_secs(1),
            greeting: None,
            lines: Vec::new(),
        }
    }

    /// What one second of back-off lasts.
    pub fn with_unit(mut self, unit: Duration) -> Self {
        self.unit = unit;
        self
    }

    /// A message sent after every successful connection.
    pub fn with_greeting(mut self, message: Value) -> Self {
        self.greeting = Some(message);
        self
    }

    /// Whether a socket is open.
    pub fn is_connected(&self) -> bool {
        self.ws.is_some()
    }

    /// The lines printed since the last call, in order.
    pub fn take_lines(&mut self) -> Vec<String> {
        std::mem::take(&mut self.lines)
    }

    // ANCHOR: connect
    /// Opens the socket and sends the greeting; says how it went.
    pub async fn connect(&mut self) -> bool {
        let line = match tokio::time::timeout(CONNECT_TIMEOUT, connect_async(self.url.as_str()))
            .await
        {
            Ok(Ok((ws, _response))) => {
                self.ws = Some(ws);
                self.reconnect_attempts = 0;
                self.lines.push("WebSocket connected".to_owned());
                if let Some(greeting) = self.greeting.clone() {
                    self.send_message(&greeting).await;
                }
                return self.ws.is_some();
            }
            Ok(Err(WsError::Io(e))) => format!("Connection failed: {e}"),
            Ok(Err(WsError::Http(response))) => format!("Handshake failed: {}", response.status()),
            Ok(Err(e)) => format!("WebSocket client error: {e}"),
            Err(_) => "Connection timed out".to_owned(),
        };
        self.lines.push(line);
        false
    }
    // ANCHOR_END: connect

    /// Sends `message` as JSON text if a socket is open; a failed send closes it.
    pub async fn send_message(&mut self, message: &Value) {
        if let Some(ws) = self.ws.as_mut()
            && let Err(e) = ws.send(Message::text(message.to_string())).await
        {
            self.lines.push(format!("Web Socket Error: {e}"));
            self.ws = None;
        }
    }

    // ANCHOR: reconnect
    /// Waits `min(2^n, 60)` units and connects again, unless `max_reconnect_attempts`
    /// attempts in a row have failed.
    pub async fn reconnect(&mut self) -> Reconnect {
        if self.reconnect_attempts >= self.max_reconnect_attempts {
            self.lines
                .push("Max connection attempts reached.".to_owned());
            return Reconnect::GaveUp;
        }
        self.reconnect_attempts += 1;
        let wait = backoff(self.reconnect_attempts, self.unit);
        self.lines.push(format!("Reconnecting in {wait:?}....."));
        tokio::time::sleep(wait).await;
        if self.connect().await {
            Reconnect::Connected
        } else {
            Reconnect::Failed
        }
    }
    // ANCHOR_END: reconnect

    // ANCHOR: listen
    /// The seed's `listen`, one message at a time: the next text message, reconnecting
    /// whenever the socket is closed; `None` once reconnecting has given up.
    pub async fn next_message(&mut self) -> Option<String> {
        loop {
            let Some(ws) = self.ws.as_mut() else {
                if self.reconnect().await == Reconnect::GaveUp {
                    return None;
                }
                continue;
            };
            match ws.next().await {
                Some(Ok(Message::Text(text))) => {
                    self.lines
                        .push(format!("msg from server: {}", text.as_str()));
                    return Some(text.as_str().to_owned());
                }
                Some(Ok(Message::Close(_))) | None => {
                    self.lines.push("WebSocket Closed".to_owned());
                    self.ws = None;
                }
                Some(Ok(_)) => {} // binary, ping, pong: not the seed's business
                Some(Err(e)) => {
                    self.lines.push(format!("Web Socket Error: {e}"));
                    self.ws = None;
                }
            }
        }
    }
    // ANCHOR_END: listen

    /// Closes the socket, if open (with a Close frame).
    pub async fn close(&mut self) {
        if let Some(mut ws) = self.ws.take() {
            // The server may be gone already; closing is then done.
            let _ = ws.close(None).await;
        }
    }
}

/// The seed's greeting.
pub fn hello() -> Value {
    json!({"type": "Hello", "data": "World"})
}

/// The demo: connect, echo, the server closes the socket, reconnect and echo again, the
/// server stops, reconnecting gives up. Returns the client's and the server's lines.
///
/// # Errors
/// A bind error.
pub async fn run(
    max_reconnect_attempts: u32,
    unit: Duration,
) -> Result<Vec<String>, HttpDemoError> {
    let server = EchoServer::start().await?;
    let mut client = WebSocketClient::new(server.ws_url(), max_reconnect_attempts)
        .with_unit(unit)
        .with_greeting(hello());
    let mut lines = Vec::new();
    if client.connect().await {
        if let Some(msg) = client.next_message().await {
            lines.extend(client.take_lines());
            lines.push(format!("Client got : {msg}"));
        }
        server.close_sockets();
        if let Some(msg) = client.next_message().await {
            lines.extend(client.take_lines());
            lines.push(format!("Client got : {msg}"));
        }
    }
    let server_lines = server.shutdown().await;
    while let Some(msg) = client.next_message().await {
        lines.extend(client.take_lines());
        lines.push(format!("Client got : {msg}"));
    }
    lines.extend(client.take_lines());
    lines.extend(server_lines.into_iter().map(|l| format!("[server] {l}")));
    Ok(lines)
}

/// The demo's back-off unit: 50 ms for the seed's second.
pub const DEMO_UNIT: Duration = Duration::from_millis(50);

// ANCHOR: demo
/// The runnable demo.
pub const DEMO: Demo = Demo {
    name: "websocket",
    seed_file: "Aiohttp/ClientSide/WebSocket.py + ServerSide/web_socket_server.py",
    title: "echo over a WebSocket; reconnect with back-off; \"Max connection attempts reached.\"",
    explanation: "Python: ws_connect, send_str(json), an async generator that yields messages \
and reconnects with back-off; the server answers \"Echo: {data}\". Rust: tokio-tungstenite's \
connect_async gives a Stream + Sink of messages; listen is an async fn returning \
Option<String>; the server is axum's WebSocketUpgrade. The seed's tuple delay and un-awaited \
connect() are fixed. One back-off second is 50 ms here.",
    run: || run_demo(|| run(5, DEMO_UNIT)),
};
// ANCHOR_END: demo
