//! The fetcher's own HTTP stack (`src/transport`) where it must behave as reqwest did and as
//! curl users expect: what a slow handshake, a broken compressed body, URL credentials and
//! `Content-Encoding` spellings become; against raw loopback sockets that answer exactly
//! the bytes a test gives.

#![allow(clippy::unwrap_used, clippy::expect_used)]

mod common;

use std::time::{Duration, Instant};

use fetcher::proxy::ProxyConfig;
use fetcher::{ErrorKind, Fetcher, FetcherConfig, HttpRequest, RetryPolicy};
use tokio::net::TcpListener;

/// A fetcher with no retries, no proxy, and these settings.
fn fetcher_with(config: FetcherConfig) -> Fetcher {
    Fetcher::new(FetcherConfig {
        retry: common::fast_retry(RetryPolicy::Never),
        proxy: ProxyConfig::off(),
        ..config
    })
    .unwrap()
}

async fn error_of(fetcher: &Fetcher, url: String) -> ErrorKind {
    fetcher
        .fetch_single(&HttpRequest::get(url))
        .await
        .unwrap_err()
        .kind
}

#[tokio::test]
async fn the_connect_timeout_covers_the_tls_handshake() {
    // Accepts TCP, never says a word of TLS.
    let listener = TcpListener::bind("127.0.0.1:0").await.unwrap();
    let addr = listener.local_addr().unwrap();
    let held = tokio::spawn(async move {
        let mut open = Vec::new();
        while let Ok((stream, _)) = listener.accept().await {
            open.push(stream);
        }
    });
    let fetcher = fetcher_with(FetcherConfig {
        connect_timeout: Some(Duration::from_millis(200)),
        default_timeout: Duration::from_secs(5),
        ..FetcherConfig::default()
    });
    let started = Instant::now();
    let kind = error_of(&fetcher, format!("https://{addr}/")).await;
    assert!(matches!(kind, ErrorKind::Connect(_)), "{kind:?}");
    assert!(
        started.elapsed() < Duration::from_secs(2),
        "{:?}",
        started.elapsed()
    );
    held.abort();
}
