//! Chunked downloads and streamed uploads (seed: `Aiohttp/ClientSide/streaming.py`).
//!
//! **Python.** An `APIClient` without a total time-out (`limit=10, limit_per_host=5`)
//! downloads three `/bytes/{n}` URLs at once, reading `response.content.iter_chunked(8192)`
//! and writing each chunk to a file — once with the blocking `open().write` (which stalls the
//! event loop on every write) and once with `aiofiles` (which hands the write to a thread).
//! It prints `[Blocking] Downloaded {url}` / `[Non-blocking] Downloaded {url}` as each ends
//! and the total time. The chapter's upload half sends a file streamed from disk to the
//! streaming server's `/upload`, 100 times at once.
//!
//! **Rust.** `Response::chunk()` yields the body as it arrives. [`download_blocking`] writes
//! the chunks with `std::fs` — the same mistake: the write blocks a tokio worker thread, and
//! on a one-thread runtime every other task with it. [`download_non_blocking`] writes with
//! `tokio::fs`, which runs the write on tokio's blocking pool, the `aiofiles` of Rust. Both
//! write to `NAME.part` and rename it when the body is complete, so a broken download never
//! looks like a finished one, and both hash what they write ([`Tally`]). [`upload_file`] opens
//! the file with `tokio::fs`, wraps it in `tokio_util::io::ReaderStream` and sends it with
//! `reqwest::Body::wrap_stream`: the body is read from disk as the socket takes it, so memory
//! does not grow with the file. [`upload_many`] sends one file `n` times, at most `limit` at
//! once (`buffer_unordered`: the seed's `limit_per_host=5`).
//!
//! **Departures.** The demo downloads the seed's sizes (1024, 9000 and 19000 bytes) from the
//! streaming server's `/download?size=` instead of httpbin's `/bytes/{n}`, both ways, into a
//! temporary directory that it removes; and uploads a 1 MiB temporary file 100 times.
//! "Downloaded" lines come in completion order, which varies between runs, as in the seed.

use std::path::{Path, PathBuf};
use std::time::Duration;

use futures::StreamExt;
use serde::Deserialize;
use sha2::{Digest, Sha256};
use thiserror::Error;
use tokio::io::AsyncWriteExt;
use tokio::time::Instant;
use tokio_util::io::ReaderStream;

use super::exceptions::{FetchError, classify};
use super::streaming_server::{FILE_CHUNK_SIZE, StreamingServer};
use super::{HttpDemoError, build, client_builder, run_demo};
use crate::demo::Demo;

/// A download or upload that failed.
#[derive(Debug, Error)]
pub enum TransferError {
    /// The HTTP exchange failed (connection, time-out, status of 400 or more).
    #[error(transparent)]
    Http(#[from] FetchError),
    /// A local file could not be read or written.
    #[error("file error: {0}")]
    File(#[from] std::io::Error),
    /// The server's answer to an upload was not the expected JSON.
    #[error("unexpected upload answer: {0}")]
    Answer(String),
}

/// The length and SHA-256 of a body or file.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Summary {
    /// Bytes seen.
    pub bytes: u64,
    /// SHA-256 of those bytes, lower-case hex.
    pub sha256: String,
}

/// Counts and hashes bytes as they stream past.
///
/// ```
/// use concepts::http::streaming::Tally;
/// let mut tally = Tally::default();
/// tally.update(b"ab");
/// tally.update(b"c");
/// let summary = tally.finish();
/// assert_eq!(summary.bytes, 3);
/// assert!(summary.sha256.starts_with("ba7816bf")); // SHA-256 of "abc"
/// ```
#[derive(Debug, Clone, Default)]
pub struct Tally {
    bytes: u64,
    digest: Sha256,
}

impl Tally {
    /// Adds `chunk`.
    pub fn update(&mut self, chunk: &[u8]) {
        self.bytes += chunk.len() as u64;
        self.digest.update(chunk);
    }

    /// The length and digest of everything added.
    pub fn finish(self) -> Summary {
        Summary {
            bytes: self.bytes,
            sha256: format!("{:x}", self.digest.finalize()),
        }
    }
}

/// The client of the seed's streaming `APIClient`: no total time-out (a large body may take
/// long), a 10 s connect time-out, at most 5 idle connections per host.
///
/// # Errors
/// [`HttpDemoError::Client`] if the TLS setup fails.
pub fn streaming_client() -> Result<reqwest::Client, HttpDemoError> {
    build(
        client_builder()
            .connect_timeout(Duration::from_secs(10))
            .pool_max_idle_per_host(5),
    )
}

/// `path` with `.part` appended: where a download is written until it is complete.
fn part_path(path: &Path) -> PathBuf {
    let mut name = path.as_os_str().to_owned();
    name.push(".part");
    PathBuf::from(name)
}

/// Starts a GET of `url` whose status is below 400.
async fn start_download(
    client: &reqwest::Client,
    url: &str,
) -> Result<reqwest::Response, FetchError> {
    client
        .get(url)
        .send()
        .await
        .and_then(reqwest::Response::error_for_status)
        .map_err(|e| classify(&e))
}

// ANCHOR: download_blocking
/// The seed's `streaming_blocking`: chunks written with blocking `std::fs` calls, which
/// hold the worker thread for every write.
///
/// # Errors
/// The HTTP error, or the file error.
pub async fn download_blocking(
    client: &reqwest::Client,
    url: &str,
    path: &Path,
) -> Result<Summary, TransferError> {
    use std::io::Write;
    let mut response = start_download(client, url).await?;
    let part = part_path(path);
    let mut file = std::fs::File::create(&part)?;
    let mut tally = Tally::default();
    while let Some(chunk) = response.chunk().await.map_err(|e| classify(&e))? {
        file.write_all(&chunk)?; // blocking, like the seed's f.write(chunk)
        tally.update(&chunk);
    }
    file.sync_all()?;
    std::fs::rename(&part, path)?;
    Ok(tally.finish())
}
// ANCHOR_END: download_blocking

// ANCHOR: download_non_blocking
/// The seed's `streaming_non_blocking`: chunks written with `tokio::fs`, off the worker
/// thread (aiofiles' approach).
///
/// # Errors
/// The HTTP error, or the file error.
pub async fn download_non_blocking(
    client: &reqwest::Client,
    url: &str,
    path: &Path,
) -> Result<Summary, TransferError> {
    let mut response = start_download(client, url).await?;
    let part = part_path(path);
    let mut file = tokio::fs::File::create(&part).await?;
    let mut tally = Tally::default();
    while let Some(chunk) = response.chunk().await.map_err(|e| classify(&e))? {
        file.write_all(&chunk).await?;
        tally.update(&chunk);
    }
    file.sync_all().await?;
    tokio::fs::rename(&part, path).await?;
    Ok(tally.finish())
}
// ANCHOR_END: download_non_blocking

/// The length and SHA-256 of a file, read in chunks.
///
/// # Errors
/// The file error.
pub async fn summarize_file(path: &Path) -> std::io::Result<Summary> {
    let file = tokio::fs::File::open(path).await?;
    let mut chunks = ReaderStream::with_capacity(file, FILE_CHUNK_SIZE);
    let mut tally = Tally::default();
    while let Some(chunk) = chunks.next().await {
        tally.update(&chunk?);
    }
    Ok(tally.finish())
}

#[derive(Debug, Deserialize)]
struct UploadAnswer {
    received_bytes: u64,
    sha256: String,
}

// ANCHOR: upload
/// POSTs the file at `path` to `url` as a stream read from disk; returns what the server
/// says it received.
///
/// # Errors
/// The file error, the HTTP error, or an answer that is not `{"received_bytes", "sha256"}`.
pub async fn upload_file(
    client: &reqwest::Client,
    url: &str,
    path: &Path,
) -> Result<Summary, TransferError> {
    let file = tokio::fs::File::open(path).await?;
    let length = file.metadata().await?.len();
    let body = reqwest::Body::wrap_stream(ReaderStream::with_capacity(file, FILE_CHUNK_SIZE));
    let response = client
        .post(url)
        .header(reqwest::header::CONTENT_LENGTH, length)
        .body(body)
        .send()
        .await
        .and_then(reqwest::Response::error_for_status)
        .map_err(|e| classify(&e))?;
    let answer: UploadAnswer = response
        .json()
        .await
        .map_err(|e| TransferError::Answer(super::causes(&e)))?;
    Ok(Summary {
        bytes: answer.received_bytes,
        sha256: answer.sha256,
    })
}

/// Uploads the file at `path` to `url` `times` times, at most `limit` at once; the outcomes
/// in completion order.
pub async fn upload_many(
    client: &reqwest::Client,
    url: &str,
    path: &Path,
    times: usize,
    limit: usize,
) -> Vec<Result<Summary, TransferError>> {
    futures::stream::iter(0..times)
        .map(|_| upload_file(client, url, path))
        .buffer_unordered(limit.max(1))
        .collect()
        .await
}
// ANCHOR_END: upload

/// Which file writes a download uses.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Writes {
    /// `std::fs` on the async worker ([`download_blocking`]).
    Blocking,
    /// `tokio::fs` ([`download_non_blocking`]).
    NonBlocking,
}

impl Writes {
    fn label(self) -> &'static str {
        match self {
            Writes::Blocking => "Blocking",
            Writes::NonBlocking => "Non-blocking",
        }
    }
}

/// Downloads every URL at once into `dir` (`blocking_{i}.bin` / `non_blocking_{i}.bin`)
/// and returns the seed's lines, in completion order, then the total time.
pub async fn download_all(
    client: &reqwest::Client,
    urls: &[String],
    dir: &Path,
    writes: Writes,
) -> Vec<String> {
    let start = Instant::now();
    let running = futures::stream::FuturesUnordered::new();
    for (i, url) in urls.iter().enumerate() {
        running.push(async move {
            let outcome = match writes {
                Writes::Blocking => {
                    download_blocking(client, url, &dir.join(format!("blocking_{i}.bin"))).await
                }
                Writes::NonBlocking => {
                    download_non_blocking(client, url, &dir.join(format!("non_blocking_{i}.bin")))
                        .await
                }
            };
            match outcome {
                Ok(_) => format!("[{}] Downloaded {url}", writes.label()),
                Err(e) => format!("[{}] Failed {url}: {e}", writes.label()),
            }
        });
    }
    let mut lines: Vec<String> = running.collect().await;
    lines.push(format!(
        "{} total time: {:.2}s",
        writes.label(),
        start.elapsed().as_secs_f64()
    ));
    lines
}

/// A temporary directory, removed when dropped.
#[derive(Debug)]
struct ScratchDir(PathBuf);

impl ScratchDir {
    fn create() -> std::io::Result<Self> {
        let dir = std::env::temp_dir().join(format!("concepts-http-{}", uuid::Uuid::new_v4()));
        std::fs::create_dir_all(&dir)?;
        Ok(Self(dir))
    }
}

impl Drop for ScratchDir {
    fn drop(&mut self) {
        // Best effort: a leftover temporary directory harms nothing.
        let _ = std::fs::remove_dir_all(&self.0);
    }
}

/// Writes `bytes` random bytes to `path`, 64 KiB at a time.
///
/// # Errors
/// The file error.
pub async fn write_random_file(path: &Path, bytes: u64) -> std::io::Result<()> {
    let mut file = tokio::fs::File::create(path).await?;
    let mut rng = fastrand::Rng::new();
    let mut chunk = vec![0u8; FILE_CHUNK_SIZE];
    let mut left = bytes;
    while left > 0 {
        let n = left.min(FILE_CHUNK_SIZE as u64) as usize;
        rng.fill(&mut chunk[..n]);
        file.write_all(&chunk[..n]).await?;
        left -= n as u64;
    }
    file.sync_all().await
}

/// The demo: the seed's three downloads both ways, then 100 uploads of a 1 MiB file.
///
/// # Errors
/// A bind error, the temporary directory or file, or a client that cannot be built.
pub async fn run() -> Result<Vec<String>, HttpDemoError> {
    let scratch = ScratchDir::create()?;
    let server = StreamingServer::start(Duration::from_millis(1), None).await?;
    let client = streaming_client()?;
    let urls: Vec<String> = [1024, 9000, 19000]
        .iter()
        .map(|size| server.url(&format!("/download?size={size}")))
        .collect();
    let mut lines = download_all(&client, &urls, &scratch.0, Writes::Blocking).await;
    lines.extend(download_all(&client, &urls, &scratch.0, Writes::NonBlocking).await);

    let source = scratch.0.join("upload.bin");
    write_random_file(&source, 1 << 20).await?;
    let expected = summarize_file(&source).await?;
    let start = Instant::now();
    let uploads = upload_many(&client, &server.url("/upload"), &source, 100, 5).await;
    let matching = uploads
        .iter()
        .filter(|u| u.as_ref().is_ok_and(|s| *s == expected))
        .count();
    lines.push(format!(
        "100 uploads of {} bytes streamed from disk, 5 at a time: {matching} answered received_bytes={} with the file's sha256, in {:.2}s",
        expected.bytes,
        expected.bytes,
        start.elapsed().as_secs_f64()
    ));
    if let Some(Err(e)) = uploads.iter().find(|u| u.is_err()) {
        lines.push(format!("first failed upload: {e}"));
    }
    server.shutdown().await;
    Ok(lines)
}

// ANCHOR: demo
/// The runnable demo.
pub const DEMO: Demo = Demo {
    name: "streaming",
    seed_file: "Aiohttp/ClientSide/streaming.py",
    title: "chunked downloads with blocking and non-blocking writes; 100 streamed uploads",
    explanation: "Python: iter_chunked(8192) written with open().write (blocks the loop) or \
aiofiles; uploads streamed from disk. Rust: Response::chunk() written with std::fs (blocks a \
worker thread) or tokio::fs (the blocking pool); uploads as reqwest::Body::wrap_stream over \
tokio_util's ReaderStream, so memory does not grow with the file. The server is \
streaming_server (axum).",
    run: || run_demo(run),
};
// ANCHOR_END: demo
