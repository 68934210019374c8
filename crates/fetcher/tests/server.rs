//! The embedded server's own paths, checked with raw sockets and the fetcher.

#![allow(clippy::unwrap_used, clippy::expect_used)]

mod common;

use std::time::Duration;

use common::{fetcher, server};
use fetcher::{HttpRequest, RetryPolicy};
use tokio::io::{AsyncReadExt, AsyncWriteExt};
use tokio::net::TcpStream;

/// Sends a raw HTTP/1.1 request and returns everything the server sent back.
async fn raw_get(addr: std::net::SocketAddr, path: &str) -> std::io::Result<Vec<u8>> {
    let mut stream = TcpStream::connect(addr).await?;
    let request = format!("GET {path} HTTP/1.1\r\nHost: {addr}\r\nConnection: close\r\n\r\n");
    stream.write_all(request.as_bytes()).await?;
    let mut answer = Vec::new();
    stream.read_to_end(&mut answer).await?;
    Ok(answer)
}

#[tokio::test]
async fn httpbin_paths_answer_as_httpbin() {
    let server = server().await;
    let answer = String::from_utf8(raw_get(server.addr(), "/status/418").await.unwrap()).unwrap();
    assert!(answer.starts_with("HTTP/1.1 418"), "{answer}");
    let answer = String::from_utf8(raw_get(server.addr(), "/redirect/2").await.unwrap()).unwrap();
    assert!(
        answer.starts_with("HTTP/1.1 303") || answer.starts_with("HTTP/1.1 302"),
        "{answer}"
    );
    assert!(
        answer
            .to_ascii_lowercase()
            .contains("location: /redirect/1"),
        "{answer}"
    );

    let fetcher = fetcher(2, RetryPolicy::Never);
    let json = fetcher
        .fetch_single(&HttpRequest::get(server.url("/json")))
        .await
        .unwrap();
    assert_eq!(
        json.body().as_json().unwrap()["slideshow"]["title"],
        "Sample Slide Show"
    );
    let bytes = fetcher
        .fetch_single(&HttpRequest::get(server.url("/bytes/4096")))
        .await
        .unwrap();
    assert_eq!(bytes.raw.len(), 4096);
    assert_eq!(
        bytes.header("content-type"),
        Some("application/octet-stream")
    );
    let get = fetcher
        .fetch_single(&HttpRequest::get(server.url("/get?a=b")))
        .await
        .unwrap();
    assert_eq!(get.body().as_json().unwrap()["args"]["a"], "b");
    assert_eq!(server.hits("/json"), 1);
    assert_eq!(server.hits("/status/418"), 1);
}

#[tokio::test]
async fn flaky_keys_count_separately_and_send_retry_after() {
    let server = server().await;
    let first = String::from_utf8(
        raw_get(server.addr(), "/flaky/a/1?status=429&retry_after=7")
            .await
            .unwrap(),
    )
    .unwrap();
    assert!(first.starts_with("HTTP/1.1 429"), "{first}");
    assert!(
        first.to_ascii_lowercase().contains("retry-after: 7"),
        "{first}"
    );
    let other = String::from_utf8(raw_get(server.addr(), "/flaky/b/1").await.unwrap()).unwrap();
    assert!(other.starts_with("HTTP/1.1 503"), "{other}");
    let second = String::from_utf8(raw_get(server.addr(), "/flaky/a/1").await.unwrap()).unwrap();
    assert!(second.starts_with("HTTP/1.1 200"), "{second}");
    assert_eq!((server.key_hits("a"), server.key_hits("b")), (2, 1));
}

#[tokio::test]
async fn reset_path_resets_the_connection() {
    let server = server().await;
    let error = raw_get(server.addr(), "/reset").await.unwrap_err();
    assert_eq!(error.kind(), std::io::ErrorKind::ConnectionReset);
}

#[tokio::test]
async fn hang_answers_only_at_shutdown() {
    let server = server().await;
    let addr = server.addr();
    let pending = tokio::spawn(raw_get(addr, "/hang"));
    while server.in_flight() == 0 {
        tokio::time::sleep(Duration::from_millis(5)).await;
    }
    assert!(!pending.is_finished());
    server.shutdown().await;
    let answer = tokio::time::timeout(Duration::from_secs(5), pending)
        .await
        .unwrap()
        .unwrap()
        .unwrap();
    assert!(
        String::from_utf8(answer)
            .unwrap()
            .starts_with("HTTP/1.1 503")
    );
}

#[tokio::test]
async fn drip_sends_its_bytes_slowly() {
    let server = server().await;
    let started = std::time::Instant::now();
    let answer = raw_get(server.addr(), "/drip?numbytes=4&duration=0.2")
        .await
        .unwrap();
    assert!(answer.ends_with(b"\r\n\r\n****"));
    assert!(
        started.elapsed() >= Duration::from_millis(150),
        "{:?}",
        started.elapsed()
    );
}

#[tokio::test]
async fn user_agent_echoes_the_request_header() {
    let server = server().await;
    let fetcher = fetcher(1, RetryPolicy::Never);
    let request = HttpRequest::get(server.url("/user-agent")).with_header("User-Agent", "probe/1");
    let answer = fetcher.fetch_single(&request).await.unwrap();
    assert_eq!(
        answer.body().as_json().unwrap(),
        &serde_json::json!({"user-agent": "probe/1"})
    );
}
