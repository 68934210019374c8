//! Large and broken bodies, generated on the fly in bounded memory: `/range/{n}` serves `n`
//! deterministic bytes with `Range`, `If-Range`, `ETag` and `Last-Modified` as a static
//! file server does; `/truncated/{n}` declares `n` bytes and cuts the body short (a close
//! or a TCP reset), for the first hits on a key or always.

use std::sync::Arc;
use std::sync::atomic::Ordering;
use std::time::Duration;

use axum::Router;
use axum::body::{Body, Bytes};
use axum::extract::{ConnectInfo, Path, Query, State};
use axum::http::{HeaderMap, StatusCode, header};
use axum::response::{IntoResponse, Response};
use axum::routing::get;
use serde::Deserialize;

use super::ServerState;
use super::faults::ResetHandle;

/// Bytes per generated chunk.
const CHUNK: u64 = 64 * 1024;
/// `Last-Modified` of every `/range` body.
const LAST_MODIFIED: &str = "Tue, 01 Dec 2026 00:00:00 GMT";

pub(super) fn routes() -> Router<Arc<ServerState>> {
    Router::new()
        .route("/range/{n}", get(range))
        .route("/truncated/{n}", get(truncated))
}

/// Byte `i` of every generated body: a fixed pattern that does not repeat at small
/// periods, so a body stitched from the wrong offsets does not compare equal.
pub fn pattern_byte(i: u64) -> u8 {
    (i.wrapping_mul(2_654_435_761) >> 13) as u8
}

/// Bytes `from..to` of the pattern, as a stream of chunks, each after `pause`.
fn pattern_body(from: u64, to: u64, pause: Duration) -> Body {
    let stream = futures::stream::unfold(from, move |at| async move {
        if at >= to {
            return None;
        }
        if !pause.is_zero() {
            tokio::time::sleep(pause).await;
        }
        let end = (at + CHUNK).min(to);
        let chunk: Vec<u8> = (at..end).map(pattern_byte).collect();
        Some((Ok::<_, std::io::Error>(Bytes::from(chunk)), end))
    });
    Body::from_stream(stream)
}

#[derive(Debug, Deserialize)]
struct RangeArgs {
    /// Milliseconds to wait before each 64 KiB chunk.
    pause_ms: Option<u64>,
    /// `1`: ignore `Range` (answer 200 with the whole body), as a server without range
    /// support.
    no_range: Option<u8>,
    /// A different version of the resource: another `ETag`.
    version: Option<u32>,
}

/// `n` pattern bytes; a single `Range: bytes=a-` or `bytes=a-b` is answered `206` unless
/// `If-Range` names another version; a range past the end is `416`.
async fn range(
    State(state): State<Arc<ServerState>>,
    Path(n): Path<u64>,
    Query(args): Query<RangeArgs>,
    headers: HeaderMap,
) -> Response {
    let etag = format!("\"range-{n}-v{}\"", args.version.unwrap_or(1));
    let pause = Duration::from_millis(args.pause_ms.unwrap_or(0).min(1000));
    let if_range_ok = headers
        .get(header::IF_RANGE)
        .and_then(|v| v.to_str().ok())
        .is_none_or(|v| v == etag || v == LAST_MODIFIED);
    let requested = headers
        .get(header::RANGE)
        .and_then(|v| v.to_str().ok())
        .and_then(parse_range)
        .filter(|_| if_range_ok && args.no_range.unwrap_or(0) == 0);
    let common = [
        (header::CONTENT_TYPE, "application/octet-stream".to_owned()),
        (header::ETAG, etag),
        (header::LAST_MODIFIED, LAST_MODIFIED.to_owned()),
        (header::ACCEPT_RANGES, "bytes".to_owned()),
    ];
    match requested {
        None => (
            common,
            [(header::CONTENT_LENGTH, n.to_string())],
            pattern_body(0, n, pause),
        )
            .into_response(),
        Some((first, _)) if first >= n => (
            StatusCode::RANGE_NOT_SATISFIABLE,
            [(header::CONTENT_RANGE, format!("bytes */{n}"))],
        )
            .into_response(),
        Some((first, last)) => {
            state.ranged.fetch_add(1, Ordering::SeqCst);
            let end = last.map_or(n, |l| (l + 1).min(n));
            (
                StatusCode::PARTIAL_CONTENT,
                common,
                [
                    (header::CONTENT_LENGTH, (end - first).to_string()),
                    (
                        header::CONTENT_RANGE,
                        format!("bytes {first}-{}/{n}", end - 1),
                    ),
                ],
                pattern_body(first, end, pause),
            )
                .into_response()
        }
    }
}

/// `bytes=a-` or `bytes=a-b` (one range).
fn parse_range(value: &str) -> Option<(u64, Option<u64>)> {
    let spec = value.trim().strip_prefix("bytes=")?;
    if spec.contains(',') {
        return None;
    }
    let (first, last) = spec.split_once('-')?;
    let first = first.trim().parse().ok()?;
    let last = match last.trim() {
        "" => None,
        l => Some(l.parse().ok()?),
    };
    Some((first, last))
}

#[derive(Debug, Deserialize)]
struct TruncatedArgs {
    /// Bytes sent before the cut (default: half).
    after: Option<u64>,
    /// `1`: reset the connection instead of closing it.
    reset: Option<u8>,
    /// Cut only the first `times` hits on this key (as `/flaky`), whole afterwards.
    key: Option<String>,
    /// How many hits on `key` are cut (default 1).
    times: Option<u64>,
}

/// Declares `n` pattern bytes and sends `after` of them, then closes or resets.
async fn truncated(
    State(state): State<Arc<ServerState>>,
    ConnectInfo(handle): ConnectInfo<ResetHandle>,
    Path(n): Path<u64>,
    Query(args): Query<TruncatedArgs>,
) -> Response {
    let cut = match &args.key {
        Some(key) => state.hit_key(key) <= args.times.unwrap_or(1),
        None => true,
    };
    let headers = [
        (header::CONTENT_TYPE, "application/octet-stream".to_owned()),
        (header::CONTENT_LENGTH, n.to_string()),
    ];
    if !cut {
        return (headers, pattern_body(0, n, Duration::ZERO)).into_response();
    }
    let after = args.after.unwrap_or(n / 2).min(n);
    let reset = args.reset.unwrap_or(0) != 0;
    let head: Vec<u8> = (0..after).map(pattern_byte).collect();
    let stream = futures::stream::unfold(Some(head), move |head| {
        let handle = handle.clone();
        async move {
            match head {
                Some(head) => Some((Ok(Bytes::from(head)), None)),
                None => {
                    // Let the bytes before the cut reach the client first.
                    tokio::time::sleep(Duration::from_millis(50)).await;
                    if reset {
                        handle.reset();
                    }
                    Some((Err(std::io::Error::other("cut on purpose")), None))
                }
            }
        }
    });
    (headers, Body::from_stream(stream)).into_response()
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn ranges_parse() {
        assert_eq!(parse_range("bytes=10-"), Some((10, None)));
        assert_eq!(parse_range("bytes=0-99"), Some((0, Some(99))));
        assert_eq!(parse_range("bytes=0-1,5-6"), None);
        assert_eq!(parse_range("items=1-"), None);
    }
}
