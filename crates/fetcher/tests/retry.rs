//! Every retry-policy rule, the back-off schedule, `Retry-After`, time-outs, and that no
//! slot is held while sleeping — against the embedded server.
//!
//! Schedules and time-outs run on paused tokio time with the seed's real values: in a
//! current-thread runtime the loopback server's answers are ready whenever the runtime
//! looks for work, so the clock only jumps while everything waits on a timer (a back-off
//! sleep, `/delay`, `/drip`) or on a peer that will never answer (`/hang`) — exactly the
//! waits that should be skipped. Policy rules use millisecond back-off on the real clock.

#![allow(clippy::unwrap_used, clippy::expect_used)]

mod common;

use std::time::Duration;

use tokio::time::Instant;

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

/// The waits announced by the WARNING lines ("… retrying in {delay}s").
fn announced(logs: &Logs) -> Vec<String> {
    logs.at(Level::WARN)
        .iter()
        .filter_map(|m| m.rsplit_once("retrying in ").map(|(_, d)| d.to_owned()))
        .collect()
}

/// A fetcher with the seed's back-off and `retry` changed as given.
fn seed_fetcher(retry: RetryConfig) -> Fetcher {
    Fetcher::new(FetcherConfig {
        retry,
        ..FetcherConfig::default()
    })
    .unwrap()
}

#[tokio::test(start_paused = true)]
async fn backoff_is_the_seeds_schedule_one_second_doubling_capped_at_thirty() {
    let (logs, _guard) = Logs::capture();
    let server = server().await;
    let fetcher = seed_fetcher(RetryConfig::default());
    let request = HttpRequest::get(server.url("/status/500")).with_max_retries(6);
    let started = Instant::now();
    let error = fetcher.fetch_single(&request).await.unwrap_err();
    assert_eq!(error.kind, ErrorKind::Status(500));
    assert_eq!(announced(&logs), ["1s", "2s", "4s", "8s", "16s", "30s"]);
    assert_eq!(started.elapsed().as_secs(), 1 + 2 + 4 + 8 + 16 + 30);
    assert_eq!(fetcher.stats().total_retries, 6);
}

#[tokio::test(start_paused = true)]
async fn base_and_cap_are_configurable() {
    let (logs, _guard) = Logs::capture();
    let server = server().await;
    let fetcher = seed_fetcher(RetryConfig {
        base: Duration::from_millis(250),
        cap: Duration::from_millis(600),
        ..RetryConfig::default()
    });
    fetcher
        .fetch_single(&HttpRequest::get(server.url("/status/502")))
        .await
        .unwrap_err();
    assert_eq!(announced(&logs), ["0.25s", "0.5s", "0.6s"]);
}

#[tokio::test(start_paused = true)]
async fn full_jitter_waits_a_random_part_of_the_backoff() {
    fastrand::seed(7); // the jitter draws from this thread's generator: fixed draws
    let (logs, _guard) = Logs::capture();
    let server = server().await;
    let fetcher = seed_fetcher(RetryConfig {
        jitter: 1.0,
        ..RetryConfig::default()
    });
    let started = Instant::now();
    fetcher
        .fetch_single(&HttpRequest::get(server.url("/status/503")))
        .await
        .unwrap_err();
    let waited = started.elapsed();
    assert!(waited < Duration::from_secs(1 + 2 + 4), "{waited:?}");
    let delays = announced(&logs);
    assert_eq!(delays.len(), 3);
    assert_ne!(delays, ["1s", "2s", "4s"]);
}

#[tokio::test(start_paused = true)]
async fn retry_after_seconds_replaces_the_backoff() {
    let (logs, _guard) = Logs::capture();
    let server = server().await;
    let fetcher = seed_fetcher(RetryConfig::default());
    let request = HttpRequest::get(server.url("/flaky/ra/1?status=429&retry_after=3"));
    let started = Instant::now();
    let response = fetcher.fetch_single(&request).await.unwrap();
    assert_eq!(response.attempt, 2);
    assert_eq!(announced(&logs), ["3s"]);
    assert_eq!(started.elapsed().as_secs(), 3);
}

#[tokio::test(start_paused = true)]
async fn retry_after_as_an_http_date() {
    let server = server().await;
    let fetcher = seed_fetcher(RetryConfig::default());
    let request = HttpRequest::get(server.url("/flaky/date/1?status=503&retry_after_date=5"));
    let started = Instant::now();
    assert_eq!(fetcher.fetch_single(&request).await.unwrap().attempt, 2);
    // an HTTP date has whole seconds: the wait is in (4, 5] s, not the 1 s back-off
    let waited = started.elapsed();
    assert!(
        waited > Duration::from_secs(4) && waited <= Duration::from_secs(5),
        "{waited:?}"
    );
}

#[tokio::test(start_paused = true)]
async fn retry_after_is_capped() {
    let (logs, _guard) = Logs::capture();
    let server = server().await;
    let fetcher = seed_fetcher(RetryConfig {
        retry_after_cap: Duration::from_secs(20),
        ..RetryConfig::default()
    });
    let request = HttpRequest::get(server.url("/flaky/cap/1?status=503&retry_after=3600"));
    fetcher.fetch_single(&request).await.unwrap();
    assert_eq!(announced(&logs), ["20s"]);
}

#[tokio::test(start_paused = true)]
async fn retry_after_can_be_ignored() {
    let (logs, _guard) = Logs::capture();
    let server = server().await;
    let fetcher = seed_fetcher(RetryConfig {
        honor_retry_after: false,
        ..RetryConfig::default()
    });
    let request = HttpRequest::get(server.url("/flaky/ignored/1?status=429&retry_after=3600"));
    fetcher.fetch_single(&request).await.unwrap();
    assert_eq!(announced(&logs), ["1s"]);
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

#[tokio::test(start_paused = true)]
async fn never_answering_server_times_out_each_attempt_after_the_seeds_ten_seconds() {
    let server = server().await;
    let fetcher = seed_fetcher(RetryConfig::default());
    let request = HttpRequest::get(server.url("/hang")).with_max_retries(1);
    let started = Instant::now();
    let error = fetcher.fetch_single(&request).await.unwrap_err();
    assert_eq!(error.kind, ErrorKind::Timeout(Duration::from_secs(10)));
    assert_eq!(error.attempts, 2);
    assert_eq!(error.elapsed, Duration::from_secs(10));
    assert_eq!(started.elapsed().as_secs(), 10 + 1 + 10);
    assert_eq!(server.hits("/hang"), 2);
}

#[tokio::test(start_paused = true)]
async fn a_request_timeout_overrides_the_default() {
    let server = server().await;
    let fetcher = Fetcher::new(FetcherConfig {
        default_timeout: Duration::from_secs(2),
        retry: RetryConfig {
            policy: RetryPolicy::Never,
            ..RetryConfig::default()
        },
        ..FetcherConfig::default()
    })
    .unwrap();
    let hang = server.url("/hang");
    let error = fetcher
        .fetch_single(&HttpRequest::get(&hang))
        .await
        .unwrap_err();
    assert_eq!(error.kind, ErrorKind::Timeout(Duration::from_secs(2)));
    let own = HttpRequest::get(&hang).with_timeout(Duration::from_millis(300));
    let error = fetcher.fetch_single(&own).await.unwrap_err();
    assert_eq!(error.kind, ErrorKind::Timeout(Duration::from_millis(300)));
}

#[tokio::test(start_paused = true)]
async fn a_slow_body_counts_against_the_attempt_timeout() {
    let server = server().await;
    let fetcher = seed_fetcher(RetryConfig {
        policy: RetryPolicy::Never,
        ..RetryConfig::default()
    });
    // the headers come at once, the 20 bytes over 20 s: the 10 s time-out cuts the body
    let request = HttpRequest::get(server.url("/drip?numbytes=20&duration=20"));
    let error = fetcher.fetch_single(&request).await.unwrap_err();
    assert_eq!(error.kind, ErrorKind::Timeout(Duration::from_secs(10)));
    // and a body that drips within the time-out arrives whole
    let request = HttpRequest::get(server.url("/drip?numbytes=5&duration=5"));
    let response = fetcher.fetch_single(&request).await.unwrap();
    assert_eq!(response.raw.len(), 5);
    assert!(
        response.response_time >= Duration::from_secs(4),
        "{:?}",
        response.response_time
    );
}

#[tokio::test(start_paused = true)]
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
        tokio::task::yield_now().await;
    }
    // The only slot must be free: another request completes while the first sleeps.
    let started = Instant::now();
    let other = fetcher
        .fetch_single(&HttpRequest::get(server.url("/get")))
        .await;
    assert_eq!(other.unwrap().status, 200);
    assert!(
        started.elapsed() < Duration::from_secs(60),
        "waited for the sleeper's slot"
    );
    assert!(!sleeper.is_finished());
    assert_eq!(server.key_hits("sleeper"), 1);
    // and the sleeper then retries on its own schedule
    let response = sleeper.await.unwrap().unwrap();
    assert_eq!(response.attempt, 2);
    assert_eq!(server.key_hits("sleeper"), 2);
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
async fn invalid_urls_and_headers_make_no_attempt_and_count_as_failed() {
    let fetcher = fetcher(1, RetryPolicy::AnyErrorStatus);
    for url in ["not a url", "ftp://127.0.0.1/x", "http://"] {
        let error = fetcher
            .fetch_single(&HttpRequest::get(url))
            .await
            .unwrap_err();
        assert_eq!(error.kind.name(), "invalid_url", "{url}");
        assert_eq!(error.attempts, 0);
    }
    let bad_header = HttpRequest::get("http://127.0.0.1:1/").with_header("bad name", "x");
    let error = fetcher.fetch_single(&bad_header).await.unwrap_err();
    assert_eq!((error.kind.name(), error.attempts), ("invalid_request", 0));
    let stats = fetcher.stats();
    assert_eq!((stats.request_made, stats.request_failed), (0, 4));
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
