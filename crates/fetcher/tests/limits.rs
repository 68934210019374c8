//! Concurrency (global and per host, measured by the server), the rate limit, the body
//! cap, redirects, compression and request bodies.
//!
//! `/delay` runs on paused tokio time; the rate limiter (governor) keeps its own real
//! clock, so its test runs on real time with small numbers.

#![allow(clippy::unwrap_used, clippy::expect_used)]

mod common;

use std::time::{Duration, Instant};

use common::{fast_retry, fetcher, server};
use fetcher::{Body, ErrorKind, Fetcher, FetcherConfig, HttpRequest, Method, RetryPolicy};
use serde_json::json;

fn config(policy: RetryPolicy) -> FetcherConfig {
    FetcherConfig {
        retry: fast_retry(policy),
        ..FetcherConfig::default()
    }
}

#[tokio::test(start_paused = true)]
async fn global_limit_caps_requests_in_flight() {
    let server = server().await;
    let fetcher = fetcher(3, RetryPolicy::Transient);
    let requests = (0..8)
        .map(|_| HttpRequest::get(server.url("/delay/0.1")))
        .collect();
    let responses = fetcher.fetch_all(requests).await;
    assert_eq!(responses.len(), 8);
    assert_eq!(server.peak_in_flight(), 3);
}

#[tokio::test(start_paused = true)]
async fn per_host_limit_caps_each_host_separately() {
    let (a, b) = (server().await, server().await);
    let fetcher = Fetcher::new(FetcherConfig {
        max_concurrent: 10,
        per_host: Some(2),
        ..config(RetryPolicy::Transient)
    })
    .unwrap();
    let requests = (0..4)
        .flat_map(|_| {
            [
                HttpRequest::get(a.url("/delay/0.1")),
                HttpRequest::get(b.url("/delay/0.1")),
            ]
        })
        .collect();
    let responses = fetcher.fetch_all(requests).await;
    assert_eq!(responses.len(), 8);
    assert_eq!((a.peak_in_flight(), b.peak_in_flight()), (2, 2));
}

#[tokio::test]
async fn a_busy_host_does_not_block_other_hosts() {
    let (a, b) = (server().await, server().await);
    let fetcher = Fetcher::new(FetcherConfig {
        max_concurrent: 10,
        per_host: Some(1),
        ..config(RetryPolicy::Never)
    })
    .unwrap();
    let spawn = |url: String| {
        let fetcher = fetcher.clone();
        tokio::spawn(async move { fetcher.fetch_single(&HttpRequest::get(url)).await })
    };
    let hanging = spawn(a.url("/hang"));
    while a.in_flight() == 0 {
        tokio::time::sleep(Duration::from_millis(5)).await;
    }
    let queued = spawn(a.url("/get"));
    let request = HttpRequest::get(b.url("/get"));
    let other = tokio::time::timeout(Duration::from_secs(5), fetcher.fetch_single(&request)).await;
    assert_eq!(
        other.expect("host b waited for host a").unwrap().status,
        200
    );
    assert_eq!(a.hits("/get"), 0, "host a got a second request in flight");
    assert!(!queued.is_finished());
    hanging.abort();
    let queued = tokio::time::timeout(Duration::from_secs(5), queued).await;
    assert_eq!(
        queued
            .expect("host a's slot was not released")
            .unwrap()
            .unwrap()
            .status,
        200
    );
}

#[tokio::test]
async fn rate_limit_spaces_attempts() {
    let server = server().await;
    let fetcher = Fetcher::new(FetcherConfig {
        rate_per_sec: Some(20.0),
        ..config(RetryPolicy::Transient)
    })
    .unwrap();
    let requests = (0..5)
        .map(|_| HttpRequest::get(server.url("/get")))
        .collect();
    let started = Instant::now();
    assert_eq!(fetcher.fetch_all(requests).await.len(), 5);
    // 20/s with no burst: the 5th attempt starts 4 × 50 ms after the first
    assert!(
        started.elapsed() >= Duration::from_millis(200),
        "{:?}",
        started.elapsed()
    );
}

#[tokio::test]
async fn body_cap_is_a_typed_error_not_retried() {
    let server = server().await;
    let fetcher = Fetcher::new(FetcherConfig {
        max_body_bytes: Some(1000),
        ..config(RetryPolicy::AnyErrorStatus)
    })
    .unwrap();
    let ok = fetcher
        .fetch_single(&HttpRequest::get(server.url("/bytes/1000")))
        .await
        .unwrap();
    assert_eq!(ok.raw.len(), 1000);
    // declared by Content-Length
    let error = fetcher
        .fetch_single(&HttpRequest::get(server.url("/bytes/1001")))
        .await
        .unwrap_err();
    assert_eq!(error.kind, ErrorKind::BodyTooLarge { limit: 1000 });
    assert_eq!(error.attempts, 1);
    // found while streaming a compressed body (its length is not declared)
    let small = Fetcher::new(FetcherConfig {
        max_body_bytes: Some(50),
        ..config(RetryPolicy::Transient)
    })
    .unwrap();
    let error = small
        .fetch_single(&HttpRequest::get(server.url("/gzip")))
        .await
        .unwrap_err();
    assert_eq!(error.kind, ErrorKind::BodyTooLarge { limit: 50 });
}

#[tokio::test]
async fn redirects_are_followed_up_to_the_limit() {
    let server = server().await;
    let fetcher = Fetcher::new(FetcherConfig {
        max_redirects: 3,
        ..config(RetryPolicy::AnyErrorStatus)
    })
    .unwrap();
    let url = server.url("/redirect/3");
    let response = fetcher.fetch_single(&HttpRequest::get(&url)).await.unwrap();
    assert_eq!(response.status, 200);
    assert_eq!(response.url, url, "the seed keeps the request's URL");
    assert_eq!(
        response.body().as_json().unwrap()["url"],
        server.url("/get")
    );
    let error = fetcher
        .fetch_single(&HttpRequest::get(server.url("/redirect/4")))
        .await
        .unwrap_err();
    assert_eq!(error.kind.name(), "redirect");
    assert_eq!(error.attempts, 1);
}

#[tokio::test]
async fn gzip_and_deflate_bodies_are_decoded() {
    let server = server().await;
    let fetcher = fetcher(1, RetryPolicy::Transient);
    // `?raw=1`: deflate without its zlib header, as some servers send it (curl reads it).
    for (path, flag) in [
        ("/gzip", "gzipped"),
        ("/deflate", "deflated"),
        ("/deflate?raw=1", "deflated"),
    ] {
        let response = fetcher
            .fetch_single(&HttpRequest::get(server.url(path)))
            .await
            .unwrap();
        let body = response.body().as_json().unwrap();
        assert_eq!(body[flag], true, "{path}");
        let accepted = body["headers"]["accept-encoding"].as_str().unwrap();
        for encoding in ["gzip", "br", "deflate"] {
            assert!(accepted.contains(encoding), "{accepted}");
        }
        assert!(response.header("content-encoding").is_none(), "{path}");
    }
    // The answer to HEAD has no body to decode.
    let head = fetcher
        .fetch_single(&HttpRequest::new(Method::HEAD, server.url("/gzip")))
        .await
        .unwrap();
    assert_eq!((head.status, head.raw.len()), (200, 0));
    // An encoding the caller asked for is theirs to decode, as with curl without
    // `--compressed`.
    let own = fetcher
        .fetch_single(&HttpRequest::get(server.url("/gzip")).with_header("Accept-Encoding", "gzip"))
        .await
        .unwrap();
    assert_eq!(own.header("content-encoding"), Some("gzip"));
    assert_eq!(&own.raw[..2], b"\x1f\x8b", "the gzip stream itself");
}

#[tokio::test]
async fn http2_prior_knowledge_speaks_h2_over_cleartext() {
    let server = server().await;
    let protocol = |http2_prior_knowledge| {
        let fetcher = Fetcher::new(FetcherConfig {
            http2_prior_knowledge,
            ..FetcherConfig::default()
        });
        let request = HttpRequest::get(server.url("/get"));
        async move {
            let response = fetcher.unwrap().fetch_single(&request).await.unwrap();
            response.body().as_json().unwrap()["protocol"]
                .as_str()
                .unwrap()
                .to_owned()
        }
    };
    assert_eq!(protocol(true).await, "HTTP/2.0");
    assert_eq!(protocol(false).await, "HTTP/1.1");
}

#[tokio::test]
async fn json_bodies_are_sent_except_with_get() {
    let server = server().await;
    let fetcher = fetcher(1, RetryPolicy::Transient);
    let sent = json!({"name": "seed", "n": [1, 2]});
    let request =
        HttpRequest::post(server.url("/post?x=1"), sent.clone()).with_header("x-test", "yes");
    let echoed = fetcher.fetch_single(&request).await.unwrap();
    let body = echoed.body().as_json().unwrap();
    assert_eq!(body["json"], sent);
    assert_eq!(body["args"]["x"], "1");
    assert_eq!(body["headers"]["x-test"], "yes");
    assert_eq!(body["headers"]["content-type"], "application/json");
    let get = HttpRequest::get(server.url("/get"))
        .with_json(sent)
        .with_method(Method::GET);
    let echoed = fetcher.fetch_single(&get).await.unwrap();
    assert!(
        echoed.body().as_json().unwrap()["headers"]
            .get("content-type")
            .is_none()
    );
}

#[tokio::test(start_paused = true)]
async fn text_bodies_stay_text_and_outcomes_keep_input_order() {
    let server = server().await;
    let fetcher = fetcher(4, RetryPolicy::Transient);
    let outcomes = fetcher
        .fetch_all_outcomes(vec![
            HttpRequest::get(server.url("/delay/0.1")),
            HttpRequest::get(server.url("/status/404")),
            HttpRequest::get(server.url("/drip?numbytes=3&duration=0")),
        ])
        .await;
    assert_eq!(outcomes[0].as_ref().unwrap().status, 200);
    assert_eq!(outcomes[1].as_ref().unwrap_err().status(), Some(404));
    assert_eq!(
        *outcomes[2].as_ref().unwrap().body(),
        Body::Text("***".into())
    );
    let stats = fetcher.stats();
    assert_eq!((stats.request_succeeded, stats.request_failed), (2, 1));
}
