//! The fetcher's own HTTP stack (`src/transport`) where it must behave as reqwest did and as
//! curl users expect: the error kinds of a silent TLS peer, a refusing proxy and a failed
//! handshake; broken compressed bodies; `Content-Encoding` spellings; URL credentials; an
//! HTTP/2 stream the server refused, or a connection going away (`GOAWAY`); who resolves a
//! SOCKS5 destination; and its pool: connections kept and reused, not lent again when a
//! body was left unread or the server closed them, kept after a chunked gzip body. Against
//! raw loopback sockets that answer exactly the bytes a test gives, h2c servers of `h2`, the
//! crate's test server and the tests' proxies.

#![allow(clippy::unwrap_used, clippy::expect_used)]

mod common;
#[path = "common/proxies.rs"]
mod proxies;

use std::io::Write as _;
use std::sync::Arc;
use std::sync::atomic::{AtomicUsize, Ordering};
use std::time::{Duration, Instant};

use common::server;
use fetcher::proxy::{ProxyConfig, ProxySource};
use fetcher::{ErrorKind, Fetcher, FetcherConfig, HttpRequest, RetryPolicy};
use serde_json::Value;
use tokio::io::{AsyncReadExt, AsyncWriteExt};
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

/// A loopback server that answers each connection's first request with `response` and
/// then closes (`reset`: with an RST, as a crashed peer does); its `http://` base URL.
async fn raw_server(response: Vec<u8>, reset: bool) -> String {
    let listener = TcpListener::bind("127.0.0.1:0").await.unwrap();
    let url = format!("http://{}", listener.local_addr().unwrap());
    tokio::spawn(async move {
        while let Ok((mut stream, _)) = listener.accept().await {
            let response = response.clone();
            tokio::spawn(async move {
                let mut head = Vec::new();
                let mut byte = [0u8; 1];
                while !head.ends_with(b"\r\n\r\n") {
                    if stream.read(&mut byte).await.unwrap_or(0) == 0 {
                        return;
                    }
                    head.push(byte[0]);
                }
                let _ = stream.write_all(&response).await;
                let _ = stream.flush().await;
                if reset {
                    let _ = stream.set_zero_linger();
                }
            });
        }
    });
    url
}

/// `data` gzip-compressed.
fn gzip(data: &[u8]) -> Vec<u8> {
    let mut encoder = flate2::write::GzEncoder::new(Vec::new(), flate2::Compression::default());
    encoder.write_all(data).unwrap();
    encoder.finish().unwrap()
}

/// A `200 OK` with these header lines (each ending in CRLF) and this body, as raw bytes.
fn response_of(headers: &str, body: &[u8]) -> Vec<u8> {
    let mut response = format!("HTTP/1.1 200 OK\r\n{headers}\r\n").into_bytes();
    response.extend_from_slice(body);
    response
}

/// The kind of the error a GET of `url` ends in.
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

#[tokio::test]
async fn a_corrupt_gzip_body_is_a_decode_error() {
    let mut body = gzip(&b"hello world, ".repeat(200));
    let middle = body.len() / 2;
    for byte in &mut body[12..middle] {
        *byte = !*byte;
    }
    let headers = format!(
        "Content-Encoding: gzip\r\nContent-Length: {}\r\n",
        body.len()
    );
    let url = raw_server(response_of(&headers, &body), false).await;
    let kind = error_of(&fetcher_with(FetcherConfig::default()), url).await;
    assert!(matches!(kind, ErrorKind::Decode(_)), "{kind:?}");
}

#[tokio::test]
async fn a_truncated_gzip_body_is_cut() {
    let body = gzip(&b"hello world, ".repeat(200));
    let half = &body[..body.len() / 2];
    // Complete on the wire (its Content-Length is met), but the gzip stream stops.
    let headers = format!(
        "Content-Encoding: gzip\r\nContent-Length: {}\r\n",
        half.len()
    );
    let url = raw_server(response_of(&headers, half), false).await;
    let fetcher = fetcher_with(FetcherConfig::default());
    let kind = error_of(&fetcher, url).await;
    assert!(matches!(kind, ErrorKind::BodyCut { .. }), "{kind:?}");
    // Cut on the wire: fewer bytes than declared, then the connection closes.
    let headers = format!(
        "Content-Encoding: gzip\r\nContent-Length: {}\r\n",
        body.len()
    );
    for reset in [false, true] {
        let url = raw_server(response_of(&headers, half), reset).await;
        let kind = error_of(&fetcher, url).await;
        assert!(
            matches!(kind, ErrorKind::BodyCut { .. }),
            "{reset}: {kind:?}"
        );
    }
}

#[tokio::test]
async fn content_encoding_is_read_as_curl_reads_it() {
    let data = b"{\"ok\": true}";
    let fetcher = fetcher_with(FetcherConfig::default());
    for encoding in ["GZIP", "Gzip", "gzip, identity", "identity, gzip", " gzip "] {
        let body = gzip(data);
        let headers = format!(
            "Content-Type: application/json\r\nContent-Encoding: {encoding}\r\nContent-Length: {}\r\n",
            body.len()
        );
        let url = raw_server(response_of(&headers, &body), false).await;
        let response = fetcher.fetch_single(&HttpRequest::get(url)).await.unwrap();
        assert_eq!(response.raw.as_ref(), data, "{encoding:?}");
    }
}

#[tokio::test]
async fn a_deflate_body_cut_into_one_byte_chunks_is_still_told_apart() {
    let data = br#"{"deflated": true}"#;
    let fetcher = fetcher_with(FetcherConfig::default());
    let mut raw = flate2::write::DeflateEncoder::new(Vec::new(), flate2::Compression::default());
    raw.write_all(data).unwrap();
    let mut zlib = flate2::write::ZlibEncoder::new(Vec::new(), flate2::Compression::default());
    zlib.write_all(data).unwrap();
    for (name, body) in [
        ("raw", raw.finish().unwrap()),
        ("zlib", zlib.finish().unwrap()),
    ] {
        // Chunked, one byte a chunk at first: the first frames hold less than the two
        // bytes that say which it is.
        let mut chunked = Vec::new();
        for part in [&body[..1], &body[1..2], &body[2..]] {
            chunked.extend(format!("{:x}\r\n", part.len()).into_bytes());
            chunked.extend_from_slice(part);
            chunked.extend_from_slice(b"\r\n");
        }
        chunked.extend_from_slice(b"0\r\n\r\n");
        let headers = "Content-Type: application/json\r\nContent-Encoding: deflate\r\n\
                       Transfer-Encoding: chunked\r\n";
        let url = raw_server(response_of(headers, &chunked), false).await;
        let response = fetcher.fetch_single(&HttpRequest::get(url)).await.unwrap();
        assert_eq!(response.raw.as_ref(), data, "{name}");
    }
}

#[tokio::test]
async fn empty_and_ranged_encoded_bodies() {
    let fetcher = fetcher_with(FetcherConfig::default());
    // An empty body labelled gzip is empty, not a cut gzip stream.
    let url = raw_server(
        response_of("Content-Encoding: gzip\r\nContent-Length: 0\r\n", b""),
        false,
    )
    .await;
    let response = fetcher.fetch_single(&HttpRequest::get(url)).await.unwrap();
    assert_eq!((response.status, response.raw.len()), (200, 0));
    // A range asked for is of the bytes as sent: no Accept-Encoding, nothing decoded.
    let body = gzip(b"0123456789");
    let headers = format!(
        "Content-Encoding: gzip\r\nContent-Length: {}\r\n",
        body.len()
    );
    let url = raw_server(response_of(&headers, &body), false).await;
    let request = HttpRequest::get(url).with_header("Range", "bytes=0-");
    let response = fetcher.fetch_single(&request).await.unwrap();
    assert_eq!(response.raw.as_ref(), body.as_slice());
    assert_eq!(response.header("content-encoding"), Some("gzip"));
}

/// The `Authorization` the test server saw for a URL with `userinfo@`.
async fn authorization_for(userinfo: &str) -> Value {
    let server = server().await;
    let fetcher = fetcher_with(FetcherConfig::default());
    let url = server
        .url("/get")
        .replace("://", &format!("://{userinfo}@"));
    let response = fetcher.fetch_single(&HttpRequest::get(url)).await.unwrap();
    response.body().as_json().unwrap()["headers"]["authorization"].clone()
}

#[tokio::test]
async fn an_empty_user_with_a_password_is_still_sent() {
    // base64(":secret"), as curl and reqwest send it.
    assert_eq!(authorization_for(":secret").await, "Basic OnNlY3JldA==");
}

#[tokio::test]
async fn url_credentials_that_are_not_utf8_go_as_their_bytes() {
    // base64 of FF 3A 70 77, as curl sends it (not of U+FFFD's three bytes).
    assert_eq!(authorization_for("%FF:pw").await, "Basic /zpwdw==");
}

/// A fetcher with no retries that sends everything through `proxy`.
fn through(proxy: String) -> Fetcher {
    Fetcher::new(FetcherConfig {
        retry: common::fast_retry(RetryPolicy::Never),
        proxy: ProxyConfig {
            source: ProxySource::Url(proxy),
            no_proxy: Some(String::new()),
        },
        ..FetcherConfig::default()
    })
    .unwrap()
}

#[tokio::test]
async fn refusing_proxies_and_failed_handshakes_are_connect_errors() {
    // A proxy that wants credentials answers CONNECT with 407.
    let refusing = raw_server(
        b"HTTP/1.1 407 Proxy Authentication Required\r\nContent-Length: 0\r\n\r\n".to_vec(),
        false,
    )
    .await;
    let kind = error_of(&through(refusing), "https://example.test/".into()).await;
    assert!(matches!(kind, ErrorKind::Connect(_)), "{kind:?}");
    // A SOCKS5 proxy rejecting the password.
    let socks = proxies::Proxy::socks5(Some(("ann", "right"))).await;
    let wrong = format!("socks5h://ann:wrong@{}", socks.addr());
    let kind = error_of(&through(wrong), "http://example.test/".into()).await;
    assert!(matches!(kind, ErrorKind::Connect(_)), "{kind:?}");
    // A plain HTTP server where TLS was expected (it answers the ClientHello with a 400):
    // the handshake fails.
    let plain = TcpListener::bind("127.0.0.1:0").await.unwrap();
    let https = format!("https://{}/", plain.local_addr().unwrap());
    tokio::spawn(async move {
        let (mut stream, _) = plain.accept().await.unwrap();
        let mut hello = [0u8; 16];
        let _ = stream.read(&mut hello).await;
        let _ = stream
            .write_all(b"HTTP/1.1 400 Bad Request\r\nContent-Length: 0\r\n\r\n")
            .await;
    });
    let kind = error_of(&fetcher_with(FetcherConfig::default()), https).await;
    assert!(matches!(kind, ErrorKind::Connect(_)), "{kind:?}");
}

/// An h2c server (prior knowledge) that refuses the first `refused` streams with
/// `REFUSED_STREAM` (RFC 9113 8.7: not processed, safe to retry) and answers the rest
/// with `ok`; its URL and the count of streams it saw.
async fn refusing_h2_server(refused: usize) -> (String, Arc<AtomicUsize>) {
    let listener = TcpListener::bind("127.0.0.1:0").await.unwrap();
    let url = format!("http://{}/", listener.local_addr().unwrap());
    let seen = Arc::new(AtomicUsize::new(0));
    let count = Arc::clone(&seen);
    tokio::spawn(async move {
        while let Ok((stream, _)) = listener.accept().await {
            let count = Arc::clone(&count);
            tokio::spawn(async move {
                let mut connection = h2::server::handshake(stream).await.unwrap();
                while let Some(Ok((_request, mut respond))) = connection.accept().await {
                    if count.fetch_add(1, Ordering::SeqCst) < refused {
                        respond.send_reset(h2::Reason::REFUSED_STREAM);
                        continue;
                    }
                    answer_ok(respond);
                }
            });
        }
    });
    (url, seen)
}

/// Answers an h2 stream `200` with the body `ok`.
fn answer_ok(mut respond: h2::server::SendResponse<bytes::Bytes>) {
    let response = http::Response::new(());
    let mut body = respond.send_response(response, false).unwrap();
    body.send_data(bytes::Bytes::from_static(b"ok"), true)
        .unwrap();
}

/// A fetcher with no retries that speaks h2c (HTTP/2 by prior knowledge).
fn h2c_fetcher() -> Fetcher {
    fetcher_with(FetcherConfig {
        http2_prior_knowledge: true,
        ..FetcherConfig::default()
    })
}

#[tokio::test]
async fn a_refused_h2_stream_is_sent_again_as_reqwest_did() {
    let fetcher = h2c_fetcher();
    let (url, seen) = refusing_h2_server(2).await;
    let response = fetcher.fetch_single(&HttpRequest::get(url)).await.unwrap();
    assert_eq!((response.status, response.raw.as_ref()), (200, &b"ok"[..]));
    assert_eq!(
        seen.load(Ordering::SeqCst),
        3,
        "two refusals, then the answer"
    );
    // Refused more often than that: the error is the fetcher's to retry or report.
    let (url, seen) = refusing_h2_server(usize::MAX).await;
    let kind = error_of(&fetcher, url).await;
    assert!(matches!(kind, ErrorKind::Request(_)), "{kind:?}");
    assert_eq!(seen.load(Ordering::SeqCst), 3);
}

#[tokio::test]
async fn socks5_resolves_names_itself_and_socks5h_leaves_them_to_the_proxy() {
    let server = server().await;
    let by_name = server.url("/get").replace("127.0.0.1", "localhost");
    let port = server.addr().port();
    for (scheme, asked) in [
        ("socks5", format!("SOCKS5 127.0.0.1:{port}")),
        ("socks5h", format!("SOCKS5 localhost:{port}")),
    ] {
        let proxy = proxies::Proxy::socks5(None).await;
        let fetcher = through(format!("{scheme}://{}", proxy.addr()));
        let response = fetcher
            .fetch_single(&HttpRequest::get(by_name.clone()))
            .await
            .unwrap();
        assert_eq!(response.status, 200);
        assert_eq!(proxy.seen()[0].request, asked, "{scheme}");
    }
}

/// GETs `url` and returns the status (panics on an error).
async fn status_of(fetcher: &Fetcher, url: String) -> u16 {
    fetcher
        .fetch_single(&HttpRequest::get(url))
        .await
        .unwrap()
        .status
}

#[tokio::test]
async fn connections_are_kept_and_lent_one_request_at_a_time() {
    let server = server().await;
    let fetcher = fetcher_with(FetcherConfig::with_max_concurrent(4));
    for _ in 0..5 {
        assert_eq!(status_of(&fetcher, server.url("/get")).await, 200);
    }
    assert_eq!(server.connections(), 1, "one after another: one connection");

    // Twenty at once with four slots: never more than four connections.
    let requests = (0..20)
        .map(|_| HttpRequest::get(server.url("/delay/0")))
        .collect();
    let outcomes = fetcher.fetch_all_outcomes(requests).await;
    assert!(
        outcomes
            .iter()
            .all(|o| o.as_ref().is_ok_and(|r| r.status == 200))
    );
    assert!(
        server.connections() <= 4,
        "{} connections",
        server.connections()
    );
}

#[tokio::test]
async fn a_connection_whose_body_was_not_read_to_its_end_is_not_lent_again() {
    let server = server().await;
    let fetcher = fetcher_with(FetcherConfig {
        max_body_bytes: Some(10),
        ..FetcherConfig::default()
    });
    let err = error_of(&fetcher, server.url("/bytes/100000")).await;
    assert!(matches!(err, ErrorKind::BodyTooLarge { .. }), "{err:?}");
    // Its 100,000 bytes were never read: the next request needs (and gets) a fresh one.
    // (A short body hyper had already taken in whole would leave it ready, and lent.)
    let err = error_of(&fetcher, server.url("/bytes/100000")).await;
    assert!(matches!(err, ErrorKind::BodyTooLarge { .. }), "{err:?}");
    assert_eq!(status_of(&fetcher, server.url("/status/204")).await, 204);
    assert_eq!(status_of(&fetcher, server.url("/status/204")).await, 204);
    assert_eq!(
        server.connections(),
        3,
        "two dropped, the empty bodies' one kept"
    );
}

#[tokio::test]
async fn a_connection_the_server_closed_while_idle_is_not_used_again() {
    // Keep-alive in word (no `Connection: close`), closed in deed after one answer.
    let url = raw_server(response_of("Content-Length: 2\r\n", b"ok"), false).await;
    let fetcher = fetcher_with(FetcherConfig::default());
    for _ in 0..3 {
        assert_eq!(status_of(&fetcher, format!("{url}/")).await, 200);
        // Long enough for the close to arrive: the pool must notice it, not send into it.
        tokio::time::sleep(Duration::from_millis(50)).await;
    }
}

/// A loopback server that answers every request of every connection with `response`
/// (keeping the connection open); its `http://` base URL and the count of connections.
async fn keep_alive_server(response: Vec<u8>) -> (String, Arc<AtomicUsize>) {
    let listener = TcpListener::bind("127.0.0.1:0").await.unwrap();
    let url = format!("http://{}", listener.local_addr().unwrap());
    let accepted = Arc::new(AtomicUsize::new(0));
    let count = Arc::clone(&accepted);
    tokio::spawn(async move {
        while let Ok((mut stream, _)) = listener.accept().await {
            count.fetch_add(1, Ordering::SeqCst);
            let response = response.clone();
            tokio::spawn(async move {
                let mut head = Vec::new();
                let mut byte = [0u8; 1];
                while stream.read(&mut byte).await.unwrap_or(0) == 1 {
                    head.push(byte[0]);
                    if head.ends_with(b"\r\n\r\n") {
                        head.clear();
                        if stream.write_all(&response).await.is_err() {
                            return;
                        }
                    }
                }
            });
        }
    });
    (url, accepted)
}

#[tokio::test]
async fn a_chunked_gzip_body_leaves_its_connection_to_be_reused() {
    // As nginx sends a dynamic body with `gzip on`: the decoder is done before hyper has
    // read the last chunk (`0`), so the connection is not ready yet when the body ends.
    let gz = gzip(br#"{"gzipped": true}"#);
    let mut response = format!(
        "HTTP/1.1 200 OK\r\nContent-Type: application/json\r\nContent-Encoding: gzip\r\n\
         Transfer-Encoding: chunked\r\n\r\n{:x}\r\n",
        gz.len()
    )
    .into_bytes();
    response.extend_from_slice(&gz);
    response.extend_from_slice(b"\r\n0\r\n\r\n");
    let (url, accepted) = keep_alive_server(response).await;
    let fetcher = fetcher_with(FetcherConfig::default());
    for _ in 0..3 {
        let response = fetcher
            .fetch_single(&HttpRequest::get(format!("{url}/")))
            .await
            .unwrap();
        assert_eq!(response.body().as_json().unwrap()["gzipped"], true);
        // The connection comes back once hyper has read that last chunk, a moment later.
        tokio::time::sleep(Duration::from_millis(20)).await;
    }
    assert_eq!(accepted.load(Ordering::SeqCst), 1);
}

/// An h2c server whose first connection, on its first stream, announces it is going away
/// (`GOAWAY`, `NO_ERROR`) and answers that stream only 300 ms later; it answers every
/// other stream at once with `ok`. Its URL and the count of connections.
async fn going_away_h2_server() -> (String, Arc<AtomicUsize>) {
    let listener = TcpListener::bind("127.0.0.1:0").await.unwrap();
    let url = format!("http://{}/", listener.local_addr().unwrap());
    let accepted = Arc::new(AtomicUsize::new(0));
    let count = Arc::clone(&accepted);
    tokio::spawn(async move {
        while let Ok((stream, _)) = listener.accept().await {
            let first = count.fetch_add(1, Ordering::SeqCst) == 0;
            tokio::spawn(async move {
                let mut connection = h2::server::handshake(stream).await.unwrap();
                let mut slow = first;
                while let Some(Ok((_request, respond))) = connection.accept().await {
                    let delay = if slow {
                        slow = false;
                        connection.graceful_shutdown();
                        Duration::from_millis(300)
                    } else {
                        Duration::ZERO
                    };
                    tokio::spawn(async move {
                        tokio::time::sleep(delay).await;
                        answer_ok(respond);
                    });
                }
            });
        }
    });
    (url, accepted)
}

#[tokio::test]
async fn requests_after_an_h2_goaway_go_to_a_new_connection() {
    let fetcher = h2c_fetcher();
    let (url, accepted) = going_away_h2_server().await;
    let slow = tokio::spawn({
        let (fetcher, url) = (fetcher.clone(), url.clone());
        async move { fetcher.fetch_single(&HttpRequest::get(url)).await }
    });
    // The GOAWAY has arrived; the first connection still carries the slow stream.
    tokio::time::sleep(Duration::from_millis(100)).await;
    for _ in 0..3 {
        assert_eq!(status_of(&fetcher, url.clone()).await, 200);
    }
    assert_eq!(slow.await.unwrap().unwrap().status, 200);
    assert_eq!(accepted.load(Ordering::SeqCst), 2);
}
