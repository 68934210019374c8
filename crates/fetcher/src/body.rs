//! Where a response body goes as it arrives: counted and dropped, written to a file, or
//! kept in a capped in-memory buffer, with a SHA-256 digest computed on the stream beside
//! any of them. Memory stays flat in the body size except for the buffer, which is capped.
//!
//! A [`BodySink`] is handed to [`Fetcher::fetch_with`](crate::Fetcher::fetch_with); each
//! attempt whose body is read starts the sink over, so a retried request never mixes two
//! answers. A file sink writes to `NAME.part` and renames it to `NAME` only once the body is
//! complete, so a file under its final name is always whole (as curl and wget do with
//! their partial files). A `.part` left by a cut attempt or a killed run is continued with
//! `Range: bytes=N-` when the server answers `206` for exactly that offset, validated with
//! `If-Range` by the `ETag` (strong) or `Last-Modified` of the answer that started it, kept
//! in `NAME.part.validator`; any other answer restarts the file from byte 0 (a `416` for
//! the range is asked again without it).
//!
//! ```
//! use fetcher::body::BodySink;
//! use fetcher::server::Server;
//! use fetcher::{Fetcher, FetcherConfig, HttpRequest};
//! use tokio_util::sync::CancellationToken;
//!
//! # #[tokio::main(flavor = "current_thread")]
//! # async fn main() -> Result<(), Box<dyn std::error::Error>> {
//! let server = Server::start("127.0.0.1:0".parse()?).await?;
//! let fetcher = Fetcher::new(FetcherConfig::default())?;
//! let mut sink = BodySink::discard().with_sha256();
//! let stop = CancellationToken::new();
//! let response = fetcher
//!     .fetch_with(&HttpRequest::get(server.url("/range/1000")), &mut sink, &stop)
//!     .await?;
//! assert_eq!((response.status, sink.bytes()), (200, 1000));
//! assert_eq!(sink.sha256_hex().map(|h| h.len()), Some(64));
//! # Ok(()) }
//! ```

use std::path::{Path, PathBuf};

use bytes::{Bytes, BytesMut};
use http::header::{CONTENT_RANGE, ETAG, HeaderMap, LAST_MODIFIED};
use sha2::{Digest, Sha256};
use std::io::{BufWriter, Write};

use tokio::io::{AsyncReadExt, AsyncSeekExt};

use crate::error::ErrorKind;

/// Bytes the file sink gathers before each write to disk. The write itself is a plain
/// `write(2)` on the task's thread, as curl's: a copy into the page cache, about 0.1 ms for
/// this size. tokio's file type hands every write to its blocking pool instead, and on a
/// loaded machine that hand-off made a 1 GiB `--save-dir` 3x slower than `curl -o`
/// (`scripts/bench-fetcher.sh --big-body`). Only the final `fsync` goes to the pool.
const FILE_BUFFER: usize = 256 * 1024;

/// A destination for response bodies; see the [module](self) docs.
#[derive(Debug)]
pub struct BodySink {
    target: Target,
    digest: Option<Sha256>,
    /// Body bytes held: the resumed prefix plus what this attempt delivered.
    bytes: u64,
    resumed_from: Option<u64>,
    complete: bool,
}

#[derive(Debug)]
enum Target {
    Discard,
    Buffer { buf: BytesMut, cap: Option<u64> },
    File(FileTarget),
}

#[derive(Debug)]
struct FileTarget {
    path: PathBuf,
    part: PathBuf,
    validator_path: PathBuf,
    /// Whether a `.part` found before the first attempt may be continued.
    continue_part: bool,
    writer: Option<BufWriter<std::fs::File>>,
}

/// How an attempt's answer relates to what the sink already holds.
#[derive(Debug, Clone, Copy)]
pub(crate) struct Head<'a> {
    pub(crate) status: u16,
    pub(crate) headers: &'a HeaderMap,
    /// The offset this attempt asked for with `Range`, if any.
    pub(crate) requested_from: Option<u64>,
}

impl BodySink {
    /// Counts the body and drops it.
    pub fn discard() -> Self {
        Self::new(Target::Discard)
    }

    /// Keeps the body in memory, failing with [`ErrorKind::BodyTooLarge`] beyond `cap`
    /// bytes (`None`: no cap).
    pub fn buffer(cap: Option<u64>) -> Self {
        Self::new(Target::Buffer {
            buf: BytesMut::new(),
            cap,
        })
    }

    /// Writes the body to `path`, through `path.part` (see the [module](self) docs).
    pub fn file(path: impl Into<PathBuf>) -> Self {
        let path = path.into();
        let part = with_suffix(&path, ".part");
        let validator_path = with_suffix(&path, ".part.validator");
        Self::new(Target::File(FileTarget {
            path,
            part,
            validator_path,
            continue_part: false,
            writer: None,
        }))
    }

    /// For a file sink: continue a `.part` an earlier run left, with a `Range` request
    /// (`--resume`). Without it, an old `.part` is overwritten; a `.part` written by an
    /// earlier attempt of the same request is continued either way.
    #[must_use]
    pub fn continuing(mut self) -> Self {
        if let Target::File(file) = &mut self.target {
            file.continue_part = true;
        }
        self
    }

    /// Also computes the SHA-256 digest of the body, on the stream.
    #[must_use]
    pub fn with_sha256(mut self) -> Self {
        self.digest = Some(Sha256::new());
        self
    }

    fn new(target: Target) -> Self {
        Self {
            target,
            digest: None,
            bytes: 0,
            resumed_from: None,
            complete: false,
        }
    }

    /// Whether the last attempt's body arrived whole (a file sink: renamed into place).
    pub fn is_complete(&self) -> bool {
        self.complete
    }

    /// Body bytes held after the last attempt: counted, buffered or in the file (a
    /// continued file counts its earlier part too).
    pub fn bytes(&self) -> u64 {
        self.bytes
    }

    /// Where the last attempt continued a partial file from, if it did.
    pub fn resumed_from(&self) -> Option<u64> {
        self.resumed_from
    }

    /// The lower-case hex SHA-256 of the body, if [`with_sha256`](Self::with_sha256) was
    /// asked for.
    pub fn sha256_hex(&self) -> Option<String> {
        self.digest.as_ref().map(|d| hex(&d.clone().finalize()))
    }

    /// The final path of a file sink.
    pub fn path(&self) -> Option<&Path> {
        match &self.target {
            Target::File(file) => Some(&file.path),
            _ => None,
        }
    }

    /// The buffered body of a buffer sink, taken out of it.
    pub fn take_buffer(&mut self) -> Option<Bytes> {
        match &mut self.target {
            Target::Buffer { buf, .. } => Some(std::mem::take(buf).freeze()),
            _ => None,
        }
    }

    /// For a complete file sink: whether the file holds one JSON document, read back in
    /// constant memory (`None` for other sinks, or before the file is complete).
    pub(crate) async fn check_json_file(&self) -> Option<Result<(), String>> {
        let Target::File(file) = &self.target else {
            return None;
        };
        if !self.complete {
            return None;
        }
        let path = file.path.clone();
        let checked = tokio::task::spawn_blocking(move || {
            let file = std::fs::File::open(&path).map_err(|e| e.to_string())?;
            let reader = std::io::BufReader::with_capacity(64 * 1024, file);
            serde_json::from_reader::<_, serde::de::IgnoredAny>(reader)
                .map(drop)
                .map_err(|e| e.to_string())
        })
        .await;
        Some(checked.unwrap_or_else(|e| Err(e.to_string())))
    }

    /// The `Range` start and `If-Range` validator for the next attempt: a file sink with a
    /// non-empty `.part` it may continue.
    pub(crate) async fn range_request(
        &mut self,
    ) -> Result<Option<(u64, Option<String>)>, ErrorKind> {
        let Target::File(file) = &mut self.target else {
            return Ok(None);
        };
        if let Some(mut writer) = file.writer.take() {
            // A cut attempt: what it flushed is a prefix of the body.
            writer.flush().map_err(|e| sink_error(&file.part, &e))?;
            file.continue_part = true;
        }
        if !file.continue_part {
            return Ok(None);
        }
        Ok(Box::pin(file.part_to_continue()).await)
    }

    /// The partial file cannot be continued (the server refused its range): remove it,
    /// so the body starts over.
    pub(crate) async fn forget_part(&mut self) {
        if let Target::File(file) = &mut self.target {
            file.writer = None;
            file.continue_part = false;
            Box::pin(async {
                let _ = tokio::fs::remove_file(&file.part).await;
                let _ = tokio::fs::remove_file(&file.validator_path).await;
            })
            .await;
        }
    }

    /// An attempt's answer arrived and its body follows: start over, or continue the
    /// partial file when the answer is the `206` for the offset asked.
    pub(crate) async fn start(&mut self, head: Head<'_>) -> Result<(), ErrorKind> {
        let continued = head.requested_from.filter(|from| {
            head.status == 206
                && head
                    .headers
                    .get(CONTENT_RANGE)
                    .and_then(|v| v.to_str().ok())
                    .and_then(content_range_start)
                    == Some(*from)
        });
        self.resumed_from = continued;
        self.complete = false;
        self.bytes = continued.unwrap_or(0);
        if let Some(digest) = &mut self.digest {
            *digest = Sha256::new();
        }
        match &mut self.target {
            Target::Discard => Ok(()),
            Target::Buffer { buf, .. } => {
                buf.clear();
                Ok(())
            }
            Target::File(file) => {
                // Boxed, as every file step here: file I/O is rare beside the discarded
                // and buffered bodies, and its futures would otherwise make every
                // request's state a kilobyte larger (and its cache misses with it).
                let writer = Box::pin(file.open(head, continued, self.digest.as_mut())).await?;
                file.writer = Some(writer);
                Ok(())
            }
        }
    }

    /// One chunk of the body.
    pub(crate) async fn write(&mut self, chunk: &[u8]) -> Result<(), ErrorKind> {
        let total = self.bytes + chunk.len() as u64;
        match &mut self.target {
            Target::Discard => {}
            Target::Buffer { buf, cap } => {
                if let Some(limit) = *cap
                    && total > limit
                {
                    return Err(ErrorKind::BodyTooLarge { limit });
                }
                buf.extend_from_slice(chunk);
            }
            Target::File(file) => {
                if let Some(writer) = &mut file.writer {
                    writer
                        .write_all(chunk)
                        .map_err(|e| sink_error(&file.part, &e))?;
                }
            }
        }
        if let Some(digest) = &mut self.digest {
            digest.update(chunk);
        }
        self.bytes = total;
        Ok(())
    }

    /// The attempt failed mid-body: a file keeps what it got (a prefix of the body, for
    /// the next attempt to continue).
    pub(crate) async fn pause(&mut self) {
        if let Target::File(file) = &mut self.target
            && let Some(mut writer) = file.writer.take()
        {
            let _ = writer.flush();
            file.continue_part = true;
        }
    }

    /// The whole body arrived: a file is flushed, synced and renamed into place.
    pub(crate) async fn finish(&mut self) -> Result<(), ErrorKind> {
        let Target::File(file) = &mut self.target else {
            self.complete = true;
            return Ok(());
        };
        if Box::pin(file.finish()).await? {
            self.complete = true;
        }
        Ok(())
    }
}

impl FileTarget {
    /// The length and validator of a non-empty `.part` file to continue.
    async fn part_to_continue(&self) -> Option<(u64, Option<String>)> {
        let len = match tokio::fs::metadata(&self.part).await {
            Ok(meta) if meta.len() > 0 => meta.len(),
            _ => return None,
        };
        let validator = tokio::fs::read_to_string(&self.validator_path)
            .await
            .ok()
            .filter(|v| !v.trim().is_empty())
            .map(|v| v.trim().to_owned());
        Some((len, validator))
    }

    /// Flushes, syncs and renames the `.part` into place; `false` when there is no
    /// writer (nothing was started), so nothing is complete.
    async fn finish(&mut self) -> Result<bool, ErrorKind> {
        let Some(mut writer) = self.writer.take() else {
            return Ok(false);
        };
        let file = self;
        let io = |e: std::io::Error| sink_error(&file.part, &e);
        writer.flush().map_err(io)?;
        let synced = match writer.into_inner() {
            Ok(written) => tokio::task::spawn_blocking(move || written.sync_data())
                .await
                .unwrap_or_else(|e| Err(std::io::Error::other(e))),
            Err(e) => Err(e.into_error()),
        };
        synced.map_err(io)?;
        tokio::fs::rename(&file.part, &file.path)
            .await
            .map_err(|e| sink_error(&file.path, &e))?;
        let _ = tokio::fs::remove_file(&file.validator_path).await;
        file.continue_part = false;
        Ok(true)
    }

    /// Opens the `.part` for this attempt: truncated to `from` and positioned there when
    /// continuing (the digest first reads that prefix), else emptied, with the answer's
    /// validator written beside it.
    async fn open(
        &mut self,
        head: Head<'_>,
        continued: Option<u64>,
        digest: Option<&mut Sha256>,
    ) -> Result<BufWriter<std::fs::File>, ErrorKind> {
        let io = |e: std::io::Error| sink_error(&self.part, &e);
        let mut file = tokio::fs::OpenOptions::new()
            .create(true)
            .write(true)
            .read(true)
            .truncate(continued.is_none())
            .open(&self.part)
            .await
            .map_err(io)?;
        match continued {
            Some(from) => {
                file.set_len(from).await.map_err(io)?;
                if let Some(digest) = digest {
                    let mut buf = vec![0u8; 64 * 1024];
                    loop {
                        let n = file.read(&mut buf).await.map_err(io)?;
                        if n == 0 {
                            break;
                        }
                        digest.update(&buf[..n]);
                    }
                }
                file.seek(std::io::SeekFrom::Start(from))
                    .await
                    .map_err(io)?;
            }
            None => match validator(head.headers) {
                Some(v) => tokio::fs::write(&self.validator_path, v)
                    .await
                    .map_err(|e| sink_error(&self.validator_path, &e))?,
                None => {
                    let _ = tokio::fs::remove_file(&self.validator_path).await;
                }
            },
        }
        Ok(BufWriter::with_capacity(FILE_BUFFER, file.into_std().await))
    }
}

/// What `If-Range` may carry from these headers: a strong `ETag`, else `Last-Modified`.
fn validator(headers: &HeaderMap) -> Option<String> {
    let text = |name| headers.get(name).and_then(|v| v.to_str().ok());
    text(ETAG)
        .filter(|tag| !tag.starts_with("W/"))
        .or_else(|| text(LAST_MODIFIED))
        .map(str::to_owned)
}

/// The first byte of `Content-Range: bytes FIRST-LAST/LEN`.
fn content_range_start(value: &str) -> Option<u64> {
    let range = value.trim().strip_prefix("bytes")?.trim_start();
    range.split('-').next()?.trim().parse().ok()
}

fn with_suffix(path: &Path, suffix: &str) -> PathBuf {
    let mut name = path.as_os_str().to_owned();
    name.push(suffix);
    PathBuf::from(name)
}

fn sink_error(path: &Path, e: &std::io::Error) -> ErrorKind {
    ErrorKind::Sink(format!("{}: {e}", path.display()))
}

/// Lower-case hex of `bytes`.
fn hex(bytes: &[u8]) -> String {
    use std::fmt::Write as _;
    let mut out = String::with_capacity(bytes.len() * 2);
    for b in bytes {
        let _ = write!(out, "{b:02x}");
    }
    out
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn content_range_and_validators() {
        assert_eq!(content_range_start("bytes 100-199/200"), Some(100));
        assert_eq!(content_range_start("bytes */200"), None);
        let mut headers = HeaderMap::new();
        headers.insert(
            LAST_MODIFIED,
            "Tue, 01 Dec 2026 00:00:00 GMT".parse().unwrap(),
        );
        assert_eq!(
            validator(&headers).as_deref(),
            Some("Tue, 01 Dec 2026 00:00:00 GMT")
        );
        headers.insert(ETAG, "W/\"weak\"".parse().unwrap());
        assert!(validator(&headers).unwrap().starts_with("Tue"));
        headers.insert(ETAG, "\"strong\"".parse().unwrap());
        assert_eq!(validator(&headers).as_deref(), Some("\"strong\""));
    }

    #[tokio::test]
    async fn digest_and_buffer_cap() {
        let mut sink = BodySink::buffer(Some(5)).with_sha256();
        let headers = HeaderMap::new();
        let head = Head {
            status: 200,
            headers: &headers,
            requested_from: None,
        };
        sink.start(head).await.unwrap();
        sink.write(b"abc").await.unwrap();
        assert_eq!(
            sink.sha256_hex().as_deref(),
            Some("ba7816bf8f01cfea414140de5dae2223b00361a396177a9cb410ff61f20015ad")
        );
        assert!(matches!(
            sink.write(b"def").await,
            Err(ErrorKind::BodyTooLarge { limit: 5 })
        ));
        assert_eq!(sink.take_buffer().as_deref(), Some(&b"abc"[..]));
    }

    #[tokio::test]
    async fn file_sink_renames_only_when_complete_and_continues_a_part() {
        let dir = tempfile::tempdir().unwrap();
        let path = dir.path().join("1.body");
        let mut sink = BodySink::file(&path).with_sha256();
        let mut headers = HeaderMap::new();
        headers.insert(ETAG, "\"v1\"".parse().unwrap());
        let fresh = Head {
            status: 200,
            headers: &headers,
            requested_from: None,
        };
        sink.start(fresh).await.unwrap();
        sink.write(b"hello ").await.unwrap();
        // Cut: the next attempt asks for the rest with the validator.
        assert_eq!(
            sink.range_request().await.unwrap(),
            Some((6, Some("\"v1\"".to_owned())))
        );
        assert!(!path.exists());
        headers.insert(CONTENT_RANGE, "bytes 6-10/11".parse().unwrap());
        let partial = Head {
            status: 206,
            headers: &headers,
            requested_from: Some(6),
        };
        sink.start(partial).await.unwrap();
        assert_eq!(sink.resumed_from(), Some(6));
        sink.write(b"world").await.unwrap();
        sink.finish().await.unwrap();
        assert_eq!(std::fs::read(&path).unwrap(), b"hello world");
        assert_eq!(sink.bytes(), 11);
        let whole = hex(&Sha256::digest(b"hello world"));
        assert_eq!(sink.sha256_hex(), Some(whole));
        assert!(!with_suffix(&path, ".part").exists());
        assert!(!with_suffix(&path, ".part.validator").exists());
    }
}
