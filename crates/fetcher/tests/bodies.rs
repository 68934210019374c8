//! Streamed bodies against the embedded server: sinks and digests, cut bodies retried as
//! their own error kind, bad JSON that keeps its response, `Range` continuation of a
//! partial file, the read time-out, and a stop token that ends waiting requests.

#![allow(clippy::unwrap_used, clippy::expect_used)]

mod common;

use std::time::Duration;

use common::{fetcher, server};
use fetcher::server::pattern_byte;
use fetcher::{BodySink, ErrorKind, Fetcher, FetcherConfig, HttpRequest, NO_TIMEOUT, RetryPolicy};
use sha2::{Digest, Sha256};
use tokio_util::sync::CancellationToken;

fn pattern(n: u64) -> Vec<u8> {
    (0..n).map(pattern_byte).collect()
}

/// `fetch_with` a GET of `url` into `sink`, with a stop token that never fires.
async fn fetch_into(
    fetcher: &Fetcher,
    url: impl Into<String>,
    sink: &mut BodySink,
) -> Result<fetcher::HttpResponse, fetcher::FetchError> {
    fetcher
        .fetch_with(&HttpRequest::get(url), sink, &CancellationToken::new())
        .await
}

fn sha256_hex(bytes: &[u8]) -> String {
    Sha256::digest(bytes)
        .iter()
        .map(|b| format!("{b:02x}"))
        .collect()
}

#[tokio::test]
async fn discard_counts_and_digests_on_the_stream() {
    let server = server().await;
    let fetcher = fetcher(2, RetryPolicy::Transient);
    let n = 1_000_000;
    let mut sink = BodySink::discard().with_sha256();
    let response = fetch_into(&fetcher, server.url(&format!("/range/{n}")), &mut sink)
        .await
        .unwrap();
    assert_eq!(response.status, 200);
    assert!(response.raw.is_empty(), "a discarded body is not kept");
    assert_eq!(sink.bytes(), n);
    assert_eq!(sink.sha256_hex(), Some(sha256_hex(&pattern(n))));
    assert!(sink.is_complete());
}

#[tokio::test]
async fn a_cut_body_is_retried_and_its_own_kind() {
    let server = server().await;
    let fetcher = fetcher(2, RetryPolicy::Transient);
    // Cut on the first hit only: the retry gets the whole body.
    for (key, reset) in [("closed", 0), ("reset", 1)] {
        let url = server.url(&format!("/truncated/1000?key={key}&reset={reset}"));
        let response = fetcher.fetch_single(&HttpRequest::get(url)).await.unwrap();
        assert_eq!(response.attempt, 2, "{key}");
        assert_eq!(response.raw.as_ref(), pattern(1000).as_slice(), "{key}");
    }
    // Always cut: the error says so and keeps the head that arrived.
    let url = server.url("/truncated/1000?after=300");
    let err = fetcher
        .fetch_single(&HttpRequest::get(url).with_max_retries(1))
        .await
        .unwrap_err();
    assert_eq!(err.attempts, 2);
    assert!(
        matches!(
            err.kind,
            ErrorKind::BodyCut {
                received: 300,
                expected: Some(1000),
                ..
            }
        ),
        "{:?}",
        err.kind
    );
    assert_eq!(err.kind.name(), "body_cut");
    assert_eq!(err.status(), Some(200));
    // The seed's policy (retry everything) retries it too; `never` does not.
    let any = fetcher::Fetcher::new(FetcherConfig {
        retry: common::fast_retry(RetryPolicy::AnyErrorStatus),
        ..FetcherConfig::default()
    })
    .unwrap();
    let url = server.url("/truncated/1000?key=any");
    assert_eq!(
        any.fetch_single(&HttpRequest::get(url))
            .await
            .unwrap()
            .attempt,
        2
    );
    let never = common::fetcher(1, RetryPolicy::Never);
    let url = server.url("/truncated/1000?key=never");
    assert_eq!(
        never
            .fetch_single(&HttpRequest::get(url))
            .await
            .unwrap_err()
            .attempts,
        1
    );
}

#[tokio::test]
async fn bad_json_keeps_status_bytes_and_file() {
    let server = server().await;
    let fetcher = fetcher(2, RetryPolicy::Transient);
    let err = fetcher
        .fetch_single(&HttpRequest::get(server.url("/malformed-json")))
        .await
        .unwrap_err();
    assert!(matches!(err.kind, ErrorKind::Decode(_)));
    assert_eq!(err.attempts, 1, "not retried");
    let response = err.response.unwrap();
    assert_eq!(response.status, 200);
    assert_eq!(response.raw.as_ref(), b"{\"truncated\": ");

    let dir = tempfile::tempdir().unwrap();
    let path = dir.path().join("bad.json");
    let mut sink = BodySink::file(&path);
    let err = fetch_into(&fetcher, server.url("/malformed-json"), &mut sink)
        .await
        .unwrap_err();
    assert!(matches!(err.kind, ErrorKind::Decode(_)), "{:?}", err.kind);
    assert_eq!(err.status(), Some(200));
    assert_eq!(sink.bytes(), 14);
    assert_eq!(std::fs::read(&path).unwrap(), b"{\"truncated\": ");

    // Good JSON saved to a file is not an error.
    let mut sink = BodySink::file(dir.path().join("good.json"));
    let ok = fetch_into(&fetcher, server.url("/json"), &mut sink).await;
    assert_eq!(ok.unwrap().status, 200);
}

/// Writes the first `len` pattern bytes as `path.part`, with `validator` beside it.
fn leave_part(path: &std::path::Path, len: u64, validator: &str) {
    let mut part = path.as_os_str().to_owned();
    part.push(".part");
    std::fs::write(&part, pattern(len)).unwrap();
    let mut meta = part;
    meta.push(".validator");
    std::fs::write(meta, validator).unwrap();
}

#[tokio::test]
async fn a_partial_file_continues_with_range_or_restarts() {
    let server = server().await;
    let fetcher = fetcher(2, RetryPolicy::Transient);
    let dir = tempfile::tempdir().unwrap();
    let n = 200_000;
    let whole = pattern(n);

    // Same version: 206 from the offset; the digest covers the whole file.
    let path = dir.path().join("1.body");
    leave_part(&path, 70_000, &format!("\"range-{n}-v1\""));
    let mut sink = BodySink::file(&path).continuing().with_sha256();
    let url = server.url(&format!("/range/{n}"));
    let response = fetch_into(&fetcher, &url, &mut sink).await.unwrap();
    assert_eq!(response.status, 206);
    assert_eq!(sink.resumed_from(), Some(70_000));
    assert_eq!(sink.bytes(), n);
    assert_eq!(server.ranged_hits(), 1);
    assert_eq!(std::fs::read(&path).unwrap(), whole);
    assert_eq!(sink.sha256_hex(), Some(sha256_hex(&whole)));

    // The resource changed (another ETag): If-Range fails, the file restarts cleanly.
    let path = dir.path().join("2.body");
    leave_part(&path, 70_000, "\"range-old\"");
    let mut sink = BodySink::file(&path).continuing();
    let response = fetch_into(&fetcher, &url, &mut sink).await.unwrap();
    assert_eq!(response.status, 200);
    assert_eq!(sink.resumed_from(), None);
    assert_eq!(std::fs::read(&path).unwrap(), whole);

    // A server without ranges: 200, restarted.
    let path = dir.path().join("3.body");
    leave_part(&path, 70_000, &format!("\"range-{n}-v1\""));
    let mut sink = BodySink::file(&path).continuing();
    let url = server.url(&format!("/range/{n}?no_range=1"));
    fetch_into(&fetcher, &url, &mut sink).await.unwrap();
    assert_eq!(std::fs::read(&path).unwrap(), whole);

    // A part as long as the body (killed before the rename): 416, fetched again whole.
    let path = dir.path().join("5.body");
    leave_part(&path, n, &format!("\"range-{n}-v1\""));
    let mut sink = BodySink::file(&path).continuing();
    let url = server.url(&format!("/range/{n}"));
    let response = fetch_into(&fetcher, &url, &mut sink).await.unwrap();
    assert_eq!(response.status, 200);
    assert_eq!(std::fs::read(&path).unwrap(), whole);

    // Without `continuing`, an old part is ignored.
    let path = dir.path().join("4.body");
    leave_part(&path, 70_000, "junk");
    let mut sink = BodySink::file(&path);
    fetch_into(&fetcher, &url, &mut sink).await.unwrap();
    assert_eq!(std::fs::read(&path).unwrap(), whole);
    assert_eq!(server.ranged_hits(), 1);
}

#[tokio::test(start_paused = true)]
async fn read_timeout_bounds_silence_not_the_download() {
    let server = server().await;
    let config = |read: u64| FetcherConfig {
        default_timeout: NO_TIMEOUT,
        read_timeout: Some(Duration::from_secs(read)),
        retry: common::fast_retry(RetryPolicy::Never),
        ..FetcherConfig::default()
    };
    // 4 bytes over 6 s: a byte every 1.5 s.
    let url = server.url("/drip?numbytes=4&duration=6");
    let slow = Fetcher::new(config(1)).unwrap();
    let err = slow
        .fetch_single(&HttpRequest::get(&url))
        .await
        .unwrap_err();
    assert_eq!(err.kind, ErrorKind::Timeout(Duration::from_secs(1)));
    let patient = Fetcher::new(config(2)).unwrap();
    let response = patient.fetch_single(&HttpRequest::get(&url)).await.unwrap();
    assert_eq!(response.raw.len(), 4);
    assert!(response.response_time >= Duration::from_secs(4));
}

#[tokio::test(start_paused = true)]
async fn a_stop_ends_a_request_in_back_off_without_another_attempt() {
    let server = server().await;
    let fetcher = Fetcher::new(FetcherConfig {
        retry: fetcher::RetryConfig::default(),
        ..FetcherConfig::default()
    })
    .unwrap();
    let stop = CancellationToken::new();
    let cancel = stop.clone();
    tokio::spawn(async move {
        tokio::time::sleep(Duration::from_millis(500)).await;
        cancel.cancel();
    });
    let mut sink = BodySink::discard();
    let err = fetcher
        .fetch_with(
            &HttpRequest::get(server.url("/status/503")),
            &mut sink,
            &stop,
        )
        .await
        .unwrap_err();
    assert_eq!(err.kind, ErrorKind::Cancelled);
    assert_eq!(err.attempts, 1);
    assert_eq!(server.hits("/status/503"), 1);
    assert_eq!(fetcher.stats().request_failed, 1);
}
