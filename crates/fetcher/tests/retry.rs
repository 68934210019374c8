//! Every retry-policy rule, the back-off schedule, `Retry-After`, time-outs, and that no
//! slot is held while sleeping — against the embedded server, with millisecond back-off.

#![allow(clippy::unwrap_used, clippy::expect_used)]

mod common;

use std::time::{Duration, Instant};

use common::{Logs, fast_retry, fetcher, server};
use fetcher::{ErrorKind, Fetcher, FetcherConfig, HttpRequest, RetryConfig, RetryPolicy};
use tracing::Level;

/// Attempts made for one request to `/status/{code}` with one retry allowed.
async fn attempts_for(fetcher: &Fetcher, server: &fetcher::server::Server, code: u16) -> u32 {
    let request = HttpRequest::get(server.url(&format!("/status/{code}"))).with_max_retries(1);
    fetcher.fetch_single(&request).await.unwrap_err().attempts
}

#[tokio::test]
async fn transient_policy_retries_transient_statuses_only() {
    let server = server().await;
    let fetcher = fetcher(8, RetryPolicy::Transient);
    for code in [408, 425, 429, 500, 502, 503, 504] {
        assert_eq!(attempts_for(&fetcher, &server, code).await, 2, "{code}");
    }
    for code in [400, 401, 403, 404, 410, 422, 501, 505] {
        assert_eq!(attempts_for(&fetcher, &server, code).await, 1, "{code}");
    }
}

#[tokio::test]
async fn any_error_status_policy_retries_every_status_from_400() {
    let server = server().await;
    let fetcher = fetcher(8, RetryPolicy::AnyErrorStatus);
    for code in [400, 404, 418, 501, 503, 599] {
        assert_eq!(attempts_for(&fetcher, &server, code).await, 2, "{code}");
    }
    // a redirect or a success is not an error
    let ok = fetcher
        .fetch_single(&HttpRequest::get(server.url("/status/204")))
        .await;
    assert_eq!(ok.unwrap().status, 204);
}

#[tokio::test]
async fn custom_status_set_and_never() {
    let server = server().await;
    let only_418 = fetcher(8, RetryPolicy::Statuses(vec![418]));
    assert_eq!(attempts_for(&only_418, &server, 418).await, 2);
    assert_eq!(attempts_for(&only_418, &server, 503).await, 1);
    let never = fetcher(8, RetryPolicy::Never);
    assert_eq!(attempts_for(&never, &server, 503).await, 1);
}

#[tokio::test]
async fn flaky_path_succeeds_on_the_attempt_after_its_failures() {
    let server = server().await;
    let fetcher = fetcher(2, RetryPolicy::Transient);
    let response = fetcher
        .fetch_single(&HttpRequest::get(server.url("/flaky/k2/2")))
        .await
        .unwrap();
    assert_eq!(response.attempt, 3);
    assert_eq!(server.key_hits("k2"), 3);
    let stats = fetcher.stats();
    assert_eq!(
        (
            stats.request_made,
            stats.total_retries,
            stats.request_succeeded
        ),
        (3, 2, 1)
    );
    assert_eq!(stats.request_failed, 0);
}

#[tokio::test]
async fn backoff_doubles_from_base_to_cap() {
    let (logs, _guard) = Logs::capture();
    let server = server().await;
    let fetcher = Fetcher::new(FetcherConfig {
        retry: RetryConfig {
            cap: Duration::from_millis(25),
            ..fast_retry(RetryPolicy::Transient)
        },
        ..FetcherConfig::default()
    })
    .unwrap();
    let started = Instant::now();
    let request = HttpRequest::get(server.url("/status/502"));
    fetcher.fetch_single(&request).await.unwrap_err();
    assert!(started.elapsed() >= Duration::from_millis(10 + 20 + 25));
    let delays: Vec<String> = logs
        .at(Level::WARN)
        .iter()
        .map(|m| m.rsplit("retrying in ").next().unwrap().to_owned())
        .collect();
    assert_eq!(delays, ["0.01s", "0.02s", "0.025s"]);
}

/// Waits announced by the warnings of a request to `path` that fails once then succeeds.
async fn announced_delay(retry: RetryConfig, path: &str) -> String {
    let (logs, _guard) = Logs::capture();
    let server = server().await;
    let fetcher = Fetcher::new(FetcherConfig {
        retry,
        ..FetcherConfig::default()
    })
    .unwrap();
    let request = HttpRequest::get(server.url(path));
    let response =
        tokio::time::timeout(Duration::from_secs(10), fetcher.fetch_single(&request)).await;
    assert_eq!(
        response
            .expect("waited the back-off, not Retry-After")
            .unwrap()
            .attempt,
        2
    );
    let warnings = logs.at(Level::WARN);
    assert_eq!(warnings.len(), 1, "{warnings:?}");
    warnings[0]
        .rsplit("retrying in ")
        .next()
        .unwrap()
        .to_owned()
}

#[tokio::test]
async fn retry_after_seconds_replaces_the_backoff() {
    // A one-minute back-off would time the test out: Retry-After: 0 must win.
    let slow = RetryConfig {
        base: Duration::from_secs(60),
        ..RetryConfig::default()
    };
    let delay = announced_delay(slow, "/flaky/ra0/1?status=429&retry_after=0").await;
    assert_eq!(delay, "0s");
}

#[tokio::test]
async fn retry_after_is_capped_in_seconds_and_date_form() {
    let capped = RetryConfig {
        base: Duration::from_secs(60),
        retry_after_cap: Duration::from_millis(30),
        ..RetryConfig::default()
    };
    let delay = announced_delay(capped.clone(), "/flaky/ra1/1?status=503&retry_after=3600").await;
    assert_eq!(delay, "0.03s");
    let delay = announced_delay(capped, "/flaky/ra2/1?status=503&retry_after_date=3600").await;
    assert_eq!(delay, "0.03s");
}

#[tokio::test]
async fn retry_after_can_be_ignored() {
    let ignore = RetryConfig {
        honor_retry_after: false,
        ..fast_retry(RetryPolicy::Transient)
    };
    let delay = announced_delay(ignore, "/flaky/ra3/1?status=429&retry_after=3600").await;
    assert_eq!(delay, "0.01s");
}

#[tokio::test]
async fn connection_refused_is_a_retried_connect_error() {
    let port = {
        let listener = std::net::TcpListener::bind("127.0.0.1:0").unwrap();
        listener.local_addr().unwrap().port()
    };
    let fetcher = fetcher(2, RetryPolicy::Transient);
    let request = HttpRequest::get(format!("http://127.0.0.1:{port}/")).with_max_retries(1);
    let error = fetcher.fetch_single(&request).await.unwrap_err();
    assert!(matches!(error.kind, ErrorKind::Connect(_)), "{error}");
    assert_eq!(error.attempts, 2);
    assert_eq!(fetcher.stats().total_retries, 1);
}

#[tokio::test]
async fn connection_reset_is_a_retried_request_error() {
    let server = server().await;
    let fetcher = fetcher(2, RetryPolicy::Transient);
    let request = HttpRequest::get(server.url("/reset")).with_max_retries(1);
    let error = fetcher.fetch_single(&request).await.unwrap_err();
    assert!(matches!(error.kind, ErrorKind::Request(_)), "{error}");
    assert_eq!(error.attempts, 2);
    assert_eq!(server.hits("/reset"), 2);
}

#[tokio::test]
async fn never_answering_server_times_out_each_attempt() {
    let server = server().await;
    let fetcher = fetcher(2, RetryPolicy::Transient);
    let timeout = Duration::from_millis(200);
    let request = HttpRequest::get(server.url("/hang"))
        .with_timeout(timeout)
        .with_max_retries(1);
    let started = Instant::now();
    let error = fetcher.fetch_single(&request).await.unwrap_err();
    assert_eq!(error.kind, ErrorKind::Timeout(timeout));
    assert_eq!(error.attempts, 2);
    assert!(error.elapsed >= timeout);
    assert!(started.elapsed() >= timeout * 2);
    assert_eq!(server.hits("/hang"), 2);
}

#[tokio::test]
async fn default_timeout_applies_to_requests_without_one() {
    let server = server().await;
    let fetcher = Fetcher::new(FetcherConfig {
        default_timeout: Duration::from_millis(150),
        retry: fast_retry(RetryPolicy::Never),
        ..FetcherConfig::default()
    })
    .unwrap();
    let error = fetcher
        .fetch_single(&HttpRequest::get(server.url("/hang")))
        .await
        .unwrap_err();
    assert_eq!(error.kind, ErrorKind::Timeout(Duration::from_millis(150)));
}

#[tokio::test]
async fn a_slow_body_counts_against_the_attempt_timeout() {
    let server = server().await;
    let fetcher = fetcher(2, RetryPolicy::Never);
    let request = HttpRequest::get(server.url("/drip?numbytes=5&duration=5"))
        .with_timeout(Duration::from_millis(200));
    let error = fetcher.fetch_single(&request).await.unwrap_err();
    assert_eq!(error.kind.name(), "timeout");
}

#[tokio::test]
async fn no_slot_is_held_while_sleeping_in_backoff() {
    let server = server().await;
    // One slot; the flaky request fails once and then sleeps a minute in back-off.
    let fetcher = Fetcher::new(FetcherConfig {
        max_concurrent: 1,
        retry: RetryConfig {
            base: Duration::from_secs(60),
            ..RetryConfig::default()
        },
        ..FetcherConfig::default()
    })
    .unwrap();
    let sleeper = {
        let fetcher = fetcher.clone();
        let url = server.url("/flaky/sleeper/1");
        tokio::spawn(async move { fetcher.fetch_single(&HttpRequest::get(url)).await })
    };
    while fetcher.stats().total_retries == 0 {
        tokio::time::sleep(Duration::from_millis(5)).await;
    }
    // The only slot must be free: another request completes while the first sleeps.
    let request = HttpRequest::get(server.url("/get"));
    let other = tokio::time::timeout(Duration::from_secs(5), fetcher.fetch_single(&request)).await;
    assert_eq!(
        other
            .expect("the slot was held during back-off")
            .unwrap()
            .status,
        200
    );
    assert!(!sleeper.is_finished());
    assert_eq!(server.key_hits("sleeper"), 1);
    sleeper.abort();
    assert!(sleeper.await.unwrap_err().is_cancelled());
}

#[tokio::test]
async fn cancelling_a_request_in_flight_releases_its_slot() {
    let server = server().await;
    let fetcher = fetcher(1, RetryPolicy::Never);
    let hanging = {
        let fetcher = fetcher.clone();
        let url = server.url("/hang");
        tokio::spawn(async move { fetcher.fetch_single(&HttpRequest::get(url)).await })
    };
    while server.in_flight() == 0 {
        tokio::time::sleep(Duration::from_millis(5)).await;
    }
    hanging.abort();
    let _ = hanging.await;
    let request = HttpRequest::get(server.url("/get"));
    let next = tokio::time::timeout(Duration::from_secs(5), fetcher.fetch_single(&request)).await;
    assert_eq!(
        next.expect("the cancelled request kept its slot")
            .unwrap()
            .status,
        200
    );
}

#[tokio::test]
async fn invalid_urls_make_no_attempt_and_count_as_failed() {
    let fetcher = fetcher(1, RetryPolicy::AnyErrorStatus);
    for url in ["not a url", "ftp://127.0.0.1/x", "http://"] {
        let error = fetcher
            .fetch_single(&HttpRequest::get(url))
            .await
            .unwrap_err();
        assert_eq!(error.kind.name(), "invalid_url", "{url}");
        assert_eq!(error.attempts, 0);
    }
    let stats = fetcher.stats();
    assert_eq!((stats.request_made, stats.request_failed), (0, 3));
}

#[tokio::test]
async fn malformed_json_is_a_decode_error_not_retried() {
    let server = server().await;
    let fetcher = fetcher(1, RetryPolicy::AnyErrorStatus);
    let error = fetcher
        .fetch_single(&HttpRequest::get(server.url("/malformed-json")))
        .await
        .unwrap_err();
    assert!(matches!(error.kind, ErrorKind::Decode(_)), "{error}");
    assert_eq!(error.attempts, 1);
}

#[tokio::test]
async fn connect_timeout_ends_a_connection_that_is_never_accepted() {
    // A listener with a full accept queue: the kernel drops further SYNs.
    let socket = tokio::net::TcpSocket::new_v4().unwrap();
    socket.bind("127.0.0.1:0".parse().unwrap()).unwrap();
    let listener = socket.listen(1).unwrap();
    let addr = listener.local_addr().unwrap();
    let mut queued = Vec::new();
    for _ in 0..4 {
        let attempt = tokio::time::timeout(
            Duration::from_millis(100),
            tokio::net::TcpStream::connect(addr),
        );
        if let Ok(Ok(stream)) = attempt.await {
            queued.push(stream);
        }
    }
    let fetcher = Fetcher::new(FetcherConfig {
        connect_timeout: Some(Duration::from_millis(150)),
        retry: fast_retry(RetryPolicy::Never),
        ..FetcherConfig::default()
    })
    .unwrap();
    let request = HttpRequest::get(format!("http://{addr}/")).with_timeout(Duration::from_secs(5));
    let error = fetcher.fetch_single(&request).await.unwrap_err();
    assert!(matches!(error.kind, ErrorKind::Connect(_)), "{error}");
    assert!(error.elapsed < Duration::from_secs(5));
}
