//! The streaming server: bodies out and in, chunk by chunk (seed:
//! `Aiohttp/ServerSide/streaming_server.py`).
//!
//! **Python.** `/download?size=N` (default 1024) answers with an async generator that yields
//! `os.urandom` chunks of 8192 bytes, sleeping 1 ms between them "to simulate the real
//! world"; `/upload` reads the request with `iter_chunked(8192)`, sleeping 1 ms per chunk,
//! and answers `{"received_bytes": n}`. Neither holds a whole body in memory.
//!
//! **Rust.** Both are axum handlers. `/download` returns `Body::from_stream` over a stream of
//! generated chunks; `/upload` takes the request's `Body` and folds its data stream. hyper
//! only polls the download stream when the socket can take more, so a slow client slows the
//! generator instead of filling memory; an upload is read as fast as the handler consumes it.
//!
//! **Additions.** `/upload` also answers the body's SHA-256 (`"sha256"`, lower-case hex), so
//! a client can check that what arrived is what it sent; and `/files/{name}` streams a file
//! of the server's directory from disk (`tokio::fs` and `tokio_util::io::ReaderStream`) —
//! what a test needs to compare a download with its source. The 1 ms pause per chunk is a
//! setting ([`StreamingServer::start`]), zero in the tests that move large files.

use std::path::{Path, PathBuf};
use std::sync::Arc;
use std::time::Duration;

use axum::Router;
use axum::body::{Body, Bytes};
use axum::extract::{Path as UrlPath, Query, State};
use axum::http::{StatusCode, header};
use axum::response::{IntoResponse, Json, Response};
use axum::routing::{get, post};
use futures::StreamExt;
use serde::Deserialize;
use serde_json::json;
use tokio_util::io::ReaderStream;
use tokio_util::sync::CancellationToken;

use super::loopback::{LOOPBACK, LoopbackServer};
use super::streaming::Tally;

/// The seed's chunk size for generated downloads.
pub const CHUNK_SIZE: usize = 8192;

/// Buffer size for streaming files from disk.
pub const FILE_CHUNK_SIZE: usize = 64 * 1024;

/// What the handlers share.
#[derive(Debug)]
struct Settings {
    pause: Duration,
    files: Option<PathBuf>,
}

/// A running streaming server on 127.0.0.1.
#[derive(Debug)]
pub struct StreamingServer {
    server: LoopbackServer,
}

impl StreamingServer {
    /// Starts the server on a free loopback port. `pause` is the sleep per chunk (the
    /// seed's 1 ms); `files` is the directory `/files/{name}` serves, if any.
    ///
    /// # Errors
    /// The bind error.
    pub async fn start(pause: Duration, files: Option<&Path>) -> std::io::Result<Self> {
        let settings = Arc::new(Settings {
            pause,
            files: files.map(Path::to_path_buf),
        });
        let server =
            LoopbackServer::start(LOOPBACK, router(settings), CancellationToken::new()).await?;
        Ok(Self { server })
    }

    /// `http://{addr}{path}`.
    pub fn url(&self, path: &str) -> String {
        self.server.url(path)
    }

    /// Stops the server and waits for its connections to finish.
    pub async fn shutdown(self) {
        self.server.shutdown().await;
    }
}

fn router(settings: Arc<Settings>) -> Router {
    Router::new()
        .route("/download", get(download))
        .route("/upload", post(upload))
        .route("/files/{name}", get(file))
        .with_state(settings)
}

#[derive(Debug, Deserialize)]
struct DownloadArgs {
    size: Option<u64>,
}

// ANCHOR: download
/// `size` random bytes (default 1024) in chunks of [`CHUNK_SIZE`], a pause after each.
async fn download(
    State(settings): State<Arc<Settings>>,
    Query(args): Query<DownloadArgs>,
) -> Response {
    let size = args.size.unwrap_or(1024);
    let pause = settings.pause;
    let chunks = futures::stream::unfold(
        (0u64, fastrand::Rng::new()),
        move |(sent, mut rng)| async move {
            if sent >= size {
                return None;
            }
            let n = (size - sent).min(CHUNK_SIZE as u64);
            let mut chunk = vec![0u8; n as usize];
            rng.fill(&mut chunk);
            if !pause.is_zero() {
                tokio::time::sleep(pause).await;
            }
            Some((Ok::<_, std::io::Error>(Bytes::from(chunk)), (sent + n, rng)))
        },
    );
    (
        [(header::CONTENT_TYPE, "application/octet-stream")],
        Body::from_stream(chunks),
    )
        .into_response()
}
// ANCHOR_END: download

// ANCHOR: upload
/// Reads the body chunk by chunk: `{"received_bytes": n, "sha256": hex}`.
async fn upload(State(settings): State<Arc<Settings>>, body: Body) -> Response {
    let mut chunks = body.into_data_stream();
    let mut tally = Tally::default();
    while let Some(chunk) = chunks.next().await {
        let chunk = match chunk {
            Ok(chunk) => chunk,
            Err(e) => {
                return (StatusCode::BAD_REQUEST, format!("upload broke off: {e}")).into_response();
            }
        };
        tally.update(&chunk);
        if !settings.pause.is_zero() {
            tokio::time::sleep(settings.pause).await;
        }
    }
    let received = tally.finish();
    Json(json!({
        "received_bytes": received.bytes,
        "sha256": received.sha256,
    }))
    .into_response()
}
// ANCHOR_END: upload

// ANCHOR: file
/// A file of the served directory, streamed from disk.
async fn file(State(settings): State<Arc<Settings>>, UrlPath(name): UrlPath<String>) -> Response {
    let Some(dir) = &settings.files else {
        return (StatusCode::NOT_FOUND, "this server serves no files").into_response();
    };
    if name.starts_with('.') || name.contains(['/', '\\']) {
        return (StatusCode::NOT_FOUND, "no such file").into_response();
    }
    let file = match tokio::fs::File::open(dir.join(&name)).await {
        Ok(file) => file,
        Err(_) => return (StatusCode::NOT_FOUND, "no such file").into_response(),
    };
    let length = match file.metadata().await {
        Ok(meta) if meta.is_file() => meta.len(),
        _ => return (StatusCode::NOT_FOUND, "no such file").into_response(),
    };
    let chunks = ReaderStream::with_capacity(file, FILE_CHUNK_SIZE);
    (
        [
            (header::CONTENT_TYPE, "application/octet-stream".to_owned()),
            (header::CONTENT_LENGTH, length.to_string()),
        ],
        Body::from_stream(chunks),
    )
        .into_response()
}
// ANCHOR_END: file
