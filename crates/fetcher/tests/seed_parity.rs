//! The seed's three pytest tests, carried over to Rust against the real embedded server
//! (the seed mocked the aiohttp session), plus the seed's example and log messages.
//!
//! They run with the seed's settings — `max_concurrent = 2`, back-off 1 s doubling — on
//! paused tokio time (see `retry.rs` for why that is sound with the loopback server).

#![allow(clippy::unwrap_used, clippy::expect_used)]

mod common;

use common::{Logs, server};
use fetcher::demo::{self, DemoOptions};
use fetcher::{
    Body, ErrorKind, Fetcher, FetcherConfig, HttpRequest, RetryConfig, RetryPolicy, Stats,
};
use tokio::time::{Duration, Instant};
use tracing::Level;

/// The seed's test fixture: `AsyncHTTPFetcher(max_concurrent=2)`, under `policy`.
fn fetcher(policy: RetryPolicy) -> Fetcher {
    Fetcher::new(FetcherConfig {
        max_concurrent: 2,
        retry: RetryConfig {
            policy,
            ..RetryConfig::default()
        },
        ..FetcherConfig::default()
    })
    .unwrap()
}

/// Seed test 1: a 200 JSON answer is returned as is, on the first attempt.
#[tokio::test(start_paused = true)]
async fn fetch_single_success() {
    let server = server().await;
    let fetcher = fetcher(RetryPolicy::Transient);
    let url = server.url("/flaky/ok/0");
    let response = fetcher.fetch_single(&HttpRequest::get(&url)).await.unwrap();
    assert_eq!(response.status, 200);
    assert_eq!(response.url, url);
    assert_eq!(response.attempt, 1);
    assert_eq!(
        *response.body(),
        Body::Json(serde_json::json!({"key": "ok", "hits": 1}))
    );
    assert_eq!(
        fetcher.stats(),
        Stats {
            request_made: 1,
            request_failed: 0,
            request_succeeded: 1,
            total_retries: 0
        }
    );
}

/// Seed test 2: a server that always answers 500, `max_retries = 2`: an error, after
/// exactly 2 retries (the seed asserted `>= 2` and `>= 1`; here the counts are exact).
#[tokio::test(start_paused = true)]
async fn fetch_single_retries_then_fails() {
    let server = server().await;
    let fetcher = fetcher(RetryPolicy::Transient);
    let request = HttpRequest::get(server.url("/status/500")).with_max_retries(2);
    let started = Instant::now();
    let error = fetcher.fetch_single(&request).await.unwrap_err();
    assert_eq!(started.elapsed(), Duration::from_secs(1 + 2));
    assert_eq!(error.kind, ErrorKind::Status(500));
    assert_eq!(error.attempts, 3);
    assert_eq!(error.response.as_ref().map(|r| r.status), Some(500));
    assert_eq!(server.hits("/status/500"), 3);
    assert_eq!(
        fetcher.stats(),
        Stats {
            request_made: 3,
            request_failed: 1,
            request_succeeded: 0,
            total_retries: 2
        }
    );
}

/// Seed test 3's batch — a 200 and a 404, `max_retries = 1` — under `policy`: returns the
/// statuses of the responses, the stats, and the 404's hits on the server.
async fn seed_test_3(policy: RetryPolicy) -> (Vec<u16>, Stats, u64) {
    let server = server().await;
    let fetcher = fetcher(policy);
    let requests = vec![
        HttpRequest::get(server.url("/status/200")).with_max_retries(1),
        HttpRequest::get(server.url("/status/404")).with_max_retries(1),
    ];
    let responses = fetcher.fetch_all(requests).await;
    let statuses = responses.iter().map(|r| r.status).collect();
    (statuses, fetcher.stats(), server.hits("/status/404"))
}

/// Seed test 3 under the seed's own policy (every error status retried): one response;
/// made 3, retries 1, failed 1, succeeded 1.
#[tokio::test(start_paused = true)]
async fn fetch_all_any_error_status_matches_the_seed_counts() {
    let (statuses, stats, hits_404) = seed_test_3(RetryPolicy::AnyErrorStatus).await;
    assert_eq!(statuses, [200]);
    assert_eq!(
        stats,
        Stats {
            request_made: 3,
            request_failed: 1,
            request_succeeded: 1,
            total_retries: 1
        }
    );
    assert_eq!(hits_404, 2);
}

/// Seed test 3 under the default transient policy: the 404 fails at once.
#[tokio::test(start_paused = true)]
async fn fetch_all_transient_fails_a_404_at_once() {
    let (statuses, stats, hits_404) = seed_test_3(RetryPolicy::Transient).await;
    assert_eq!(statuses, [200]);
    assert_eq!(
        stats,
        Stats {
            request_made: 2,
            request_failed: 1,
            request_succeeded: 1,
            total_retries: 0
        }
    );
    assert_eq!(hits_404, 1);
}

/// The seed's log messages, word for word.
#[tokio::test(start_paused = true)]
async fn log_messages_are_the_seeds() {
    let (logs, _guard) = Logs::capture();
    let server = server().await;
    let fetcher = fetcher(RetryPolicy::Transient);
    let ok = server.url("/status/200");
    let bad = server.url("/status/503");
    let responses = fetcher
        .fetch_all(vec![
            HttpRequest::get(&ok),
            HttpRequest::get(&bad).with_max_retries(1),
        ])
        .await;
    assert_eq!(responses.len(), 1);
    let success = logs.at(Level::INFO);
    assert_eq!(success.len(), 1);
    assert!(
        success[0].starts_with(&format!("Success {ok} - 200 (")),
        "{success:?}"
    );
    assert!(success[0].ends_with("s)"), "{success:?}");
    assert_eq!(
        logs.at(Level::WARN),
        [
            format!(
                "Warning {bad} - Attempt 1 failed (HTTP status 503 Service Unavailable), retrying in 1s"
            ),
            "Failed to fetch 1 URLs".to_owned(),
        ]
    );
    assert_eq!(
        logs.at(Level::ERROR),
        [format!(
            "Failed {bad} after 2 attempts: HTTP status 503 Service Unavailable"
        )]
    );
}

/// The seed's example: input order kept, the 404 fails, the 500 is retried once after the
/// seed's 1 s back-off, while `/delay/1` takes its second.
#[tokio::test(start_paused = true)]
async fn demo_prints_the_seeds_lines() {
    let started = Instant::now();
    let report = demo::run(&DemoOptions::default()).await.unwrap();
    assert_eq!(started.elapsed().as_secs(), 1);
    assert_eq!(report.succeeded, 3);
    assert_eq!(report.lines.len(), 7, "{report}");
    assert_eq!(report.lines[..2], ["", "Successful responses: 3"]);
    let expected = [
        "/delay/1: 200 (1.00s)",
        "/status/200: 200 (0.00s)",
        "/json: 200 (0.00s)",
    ];
    for (line, tail) in report.lines[2..5].iter().zip(expected) {
        assert!(line.starts_with("- http://127.0.0.1:"), "{line}");
        assert!(line.ends_with(tail), "{line}");
    }
    assert_eq!(
        report.stats,
        Stats {
            request_made: 6,
            request_failed: 2,
            request_succeeded: 3,
            total_retries: 1
        }
    );
    assert_eq!(
        report.lines[5..],
        [
            "",
            "Stats: {'request_made': 6, 'request_failed': 2, 'request_succeeded': 3, 'total_retries': 1}"
        ]
    );
}
