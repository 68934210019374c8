//! Chapter 7 (aiohttp → reqwest, axum, tokio-tungstenite): every demo's claim against the
//! chapter's own servers and the fetcher's httpbin-style server on 127.0.0.1. Socket waits
//! use short real durations; the retry schedule without sockets runs on paused time.
#![allow(clippy::unwrap_used, clippy::expect_used)]

use std::path::Path;
use std::time::Duration;

use concepts::http::exceptions::{
    self, FetchError, Fetched, RetryError, RetryPolicy, fetch_all, with_retries,
};
use concepts::http::loopback::ConnectionCounter;
use concepts::http::streaming::{
    self, Summary, TransferError, Writes, download_all, download_blocking, download_non_blocking,
    streaming_client, summarize_file, upload_file, upload_many, write_random_file,
};
use concepts::http::streaming_server::StreamingServer;
use concepts::http::timeout_and_connector::{
    Connector, Timeouts, get_status, limited_peak, session,
};
use concepts::http::web_socket_server::EchoServer;
use concepts::http::websocket::{WebSocketClient, hello};
use concepts::http::{basics, client_builder};
use fetcher::server::Server;
use serde_json::json;
use tokio::time::Instant;

async fn httpbin() -> Server {
    Server::start("127.0.0.1:0".parse().unwrap()).await.unwrap()
}

/// A loopback port with nothing listening on it.
async fn closed_port() -> std::net::SocketAddr {
    let listener = tokio::net::TcpListener::bind("127.0.0.1:0").await.unwrap();
    listener.local_addr().unwrap()
}

// ------------------------------------------------------------------------- basics

#[tokio::test]
async fn per_request_clients_open_three_connections_where_one_shared_client_opens_one() {
    let server = httpbin().await;
    let report = basics::run(server.addr()).await.unwrap();
    assert_eq!(report.per_request_connections, 3);
    assert_eq!(report.shared_connections, 1);
    assert!((1..=3).contains(&report.gathered_connections));

    let [get, agent, post] = [0, 1, 2].map(|i| report.gathered[i].as_ref().unwrap());
    assert!(get["url"].as_str().unwrap().ends_with("/get"));
    assert_eq!(agent, &json!({"user-agent": concepts::http::USER_AGENT}));
    assert_eq!(post["json"], json!({"data": "test"}));

    let lines = report.lines();
    assert_eq!(
        lines[0],
        "A client per request (bad_example): 3 requests opened 3 connections"
    );
    assert_eq!(
        lines[1],
        "One shared APIClient, one request after another: 3 requests opened 1 connection(s)"
    );
    for i in 1..=3 {
        assert!(lines[i + 1].starts_with(&format!("Request {i} succeeded: {{")));
    }
    assert_eq!(server.hits("/get"), 5);
    assert_eq!(server.hits("/user-agent"), 2);
    assert_eq!(server.hits("/post"), 2);
}

#[tokio::test]
async fn a_gathered_failure_is_kept_and_reported_as_failed() {
    let dead = closed_port().await;
    let client = basics::ApiClient::new().unwrap();
    let outcomes = vec![
        client.fetch_get(&format!("http://{dead}/get")).await,
        Ok(json!({"ok": true})),
    ];
    let lines = basics::gathered_lines(&outcomes);
    assert!(lines[0].starts_with("Request 1 failed: "), "{}", lines[0]);
    assert_eq!(lines[1], r#"Request 2 succeeded: {"ok":true}"#);
}

#[tokio::test]
async fn a_response_dropped_unread_closes_its_connection_a_read_one_is_reused() {
    let server = httpbin().await;
    let client = client_builder().build().unwrap();

    let read = ConnectionCounter::start(server.addr()).await.unwrap();
    for _ in 0..2 {
        let response = client.get(read.url("/bytes/200000")).send().await.unwrap();
        assert_eq!(response.bytes().await.unwrap().len(), 200_000);
    }
    assert_eq!(read.accepted(), 1);

    let dropped = ConnectionCounter::start(server.addr()).await.unwrap();
    for _ in 0..2 {
        let response = client
            .get(dropped.url("/bytes/200000"))
            .send()
            .await
            .unwrap();
        drop(response);
    }
    assert_eq!(dropped.accepted(), 2);
}

#[tokio::test]
async fn the_pool_opens_a_connection_per_request_in_flight() {
    let server = httpbin().await;
    let front = ConnectionCounter::start(server.addr()).await.unwrap();
    let client = client_builder().build().unwrap();
    let url = front.url("/delay/0.3");
    let requests = (0..10).map(|_| async {
        client
            .get(&url)
            .send()
            .await
            .unwrap()
            .bytes()
            .await
            .unwrap()
    });
    futures::future::join_all(requests).await;
    assert_eq!(front.accepted(), 10, "no cap: ten at once, ten connections");
}

// ------------------------------------------------------------------------- time-outs, connector

#[tokio::test]
async fn a_missing_route_is_http_error_404() {
    let server = httpbin().await;
    let client = session(&Timeouts::default(), &Connector::default()).unwrap();
    let error = get_status(&client, &server.url("/status/404"))
        .await
        .unwrap_err();
    assert_eq!(error, FetchError::Status(404));
    assert_eq!(error.to_string(), "HTTP Error: 404");
    assert_eq!(get_status(&client, &server.url("/get")).await, Ok(200));
}

#[tokio::test]
async fn a_stalled_route_ends_in_a_read_time_out() {
    let server = httpbin().await;
    let timeouts = Timeouts {
        sock_read: Duration::from_millis(200),
        ..Timeouts::default()
    };
    let client = session(&timeouts, &Connector::default()).unwrap();
    let start = Instant::now();
    let error = get_status(&client, &server.url("/hang")).await.unwrap_err();
    assert_eq!(error, FetchError::Timeout);
    assert!(
        start.elapsed() < Duration::from_secs(3),
        "{:?}",
        start.elapsed()
    );
}

#[tokio::test]
async fn the_total_time_out_covers_a_body_that_keeps_trickling() {
    let server = httpbin().await;
    // A byte every 100 ms: never idle for the 10 s read time-out, but longer than 300 ms.
    let timeouts = Timeouts {
        total: Some(Duration::from_millis(300)),
        ..Timeouts::default()
    };
    let client = session(&timeouts, &Connector::default()).unwrap();
    let url = server.url("/drip?numbytes=20&duration=2");
    assert_eq!(get_status(&client, &url).await, Err(FetchError::Timeout));
}

#[tokio::test]
async fn the_in_flight_peak_never_passes_the_per_host_limit() {
    let server = httpbin().await;
    let connector = Connector {
        limit_per_host: 3,
        ..Connector::default()
    };
    let peak = limited_peak(&server, &connector, 12, "/delay/0.1")
        .await
        .unwrap();
    assert_eq!(peak, 3);
    assert_eq!(server.hits("/delay/0.1"), 12);

    let server = httpbin().await;
    let connector = Connector {
        limit: 2,
        ..Connector::default()
    };
    let peak = limited_peak(&server, &connector, 8, "/delay/0.1")
        .await
        .unwrap();
    assert_eq!(peak, 2, "the total limit binds below the per-host one");
}

// ------------------------------------------------------------------------- streaming

/// Size of the large file: big enough that a body held in memory would show, small enough
/// to move in well under a second on loopback.
const LARGE: u64 = 64 << 20;

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn a_large_file_streams_down_and_up_with_its_length_and_digest_intact() {
    let dir = tempfile::tempdir().unwrap();
    let source = dir.path().join("large.bin");
    write_random_file(&source, LARGE).await.unwrap();
    let expected = summarize_file(&source).await.unwrap();
    assert_eq!(expected.bytes, LARGE);

    let server = StreamingServer::start(Duration::ZERO, Some(dir.path()))
        .await
        .unwrap();
    let client = streaming_client().unwrap();

    let copy = dir.path().join("copy.bin");
    let got = download_non_blocking(&client, &server.url("/files/large.bin"), &copy)
        .await
        .unwrap();
    assert_eq!(got, expected);
    assert_eq!(summarize_file(&copy).await.unwrap(), expected);
    assert!(!dir.path().join("copy.bin.part").exists());

    let sent = upload_file(&client, &server.url("/upload"), &source)
        .await
        .unwrap();
    assert_eq!(sent, expected);
}

#[tokio::test]
async fn generated_downloads_have_the_size_asked_both_ways() {
    let dir = tempfile::tempdir().unwrap();
    let server = StreamingServer::start(Duration::from_millis(1), None)
        .await
        .unwrap();
    let client = streaming_client().unwrap();
    let url = server.url("/download?size=100000");

    let blocking = dir.path().join("b.bin");
    let got = download_blocking(&client, &url, &blocking).await.unwrap();
    assert_eq!(got.bytes, 100_000);
    assert_eq!(summarize_file(&blocking).await.unwrap(), got);

    let non_blocking = dir.path().join("n.bin");
    let got = download_non_blocking(&client, &url, &non_blocking)
        .await
        .unwrap();
    assert_eq!(got.bytes, 100_000);
    assert_eq!(summarize_file(&non_blocking).await.unwrap(), got);

    let default = dir.path().join("d.bin");
    let got = download_non_blocking(&client, &server.url("/download"), &default)
        .await
        .unwrap();
    assert_eq!(got.bytes, 1024, "the seed's default size");
}

#[tokio::test]
async fn the_seed_downloads_report_each_url_once_then_the_time() {
    let dir = tempfile::tempdir().unwrap();
    let server = StreamingServer::start(Duration::from_millis(1), None)
        .await
        .unwrap();
    let client = streaming_client().unwrap();
    let urls: Vec<String> = [1024, 9000, 19000]
        .iter()
        .map(|n| server.url(&format!("/download?size={n}")))
        .collect();
    for (writes, label, prefix) in [
        (Writes::Blocking, "Blocking", "blocking"),
        (Writes::NonBlocking, "Non-blocking", "non_blocking"),
    ] {
        let lines = download_all(&client, &urls, dir.path(), writes).await;
        let mut downloaded = lines[..3].to_vec();
        downloaded.sort();
        let mut expected: Vec<String> = urls
            .iter()
            .map(|u| format!("[{label}] Downloaded {u}"))
            .collect();
        expected.sort();
        assert_eq!(downloaded, expected);
        assert!(lines[3].starts_with(&format!("{label} total time: ")));
        let len = |i: usize| {
            std::fs::metadata(dir.path().join(format!("{prefix}_{i}.bin")))
                .unwrap()
                .len()
        };
        assert_eq!([len(0), len(1), len(2)], [1024, 9000, 19000]);
    }
}

#[tokio::test]
async fn a_missing_file_is_a_404_and_leaves_no_file_behind() {
    let dir = tempfile::tempdir().unwrap();
    let server = StreamingServer::start(Duration::ZERO, Some(dir.path()))
        .await
        .unwrap();
    let client = streaming_client().unwrap();
    let target = dir.path().join("out.bin");
    for name in ["absent.bin", "..", ".hidden"] {
        let error = download_non_blocking(&client, &server.url(&format!("/files/{name}")), &target)
            .await
            .unwrap_err();
        assert!(
            matches!(error, TransferError::Http(FetchError::Status(404))),
            "{name}: {error}"
        );
    }
    assert!(!target.exists());
    assert!(!dir.path().join("out.bin.part").exists());
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn a_hundred_concurrent_uploads_each_arrive_whole() {
    let dir = tempfile::tempdir().unwrap();
    let source = dir.path().join("small.bin");
    write_random_file(&source, 100_000).await.unwrap();
    let expected = summarize_file(&source).await.unwrap();
    let server = StreamingServer::start(Duration::ZERO, None).await.unwrap();
    let client = streaming_client().unwrap();
    let outcomes = upload_many(&client, &server.url("/upload"), &source, 100, 5).await;
    assert_eq!(outcomes.len(), 100);
    for outcome in outcomes {
        assert_eq!(outcome.unwrap(), expected);
    }
}

#[tokio::test]
async fn an_upload_of_a_missing_file_fails_before_sending() {
    let server = StreamingServer::start(Duration::ZERO, None).await.unwrap();
    let client = streaming_client().unwrap();
    let error = upload_file(&client, &server.url("/upload"), Path::new("/nonexistent/x"))
        .await
        .unwrap_err();
    assert!(matches!(error, TransferError::File(_)), "{error}");
}

#[test]
fn the_tally_matches_a_known_digest() {
    let mut tally = streaming::Tally::default();
    tally.update(b"");
    assert_eq!(
        tally.finish(),
        Summary {
            bytes: 0,
            sha256: "e3b0c44298fc1c149afbf4c8996fb92427ae41e4649b934ca495991b7852b855".into()
        }
    );
}

// ------------------------------------------------------------------------- exceptions

/// An attempt that returns the scripted outcomes in order.
fn scripted(
    outcomes: Vec<Result<&'static str, FetchError>>,
) -> impl FnMut() -> std::future::Ready<Result<String, FetchError>> {
    let mut outcomes = outcomes.into_iter();
    move || std::future::ready(outcomes.next().unwrap().map(str::to_owned))
}

fn policy(max_retries: u32) -> RetryPolicy {
    RetryPolicy {
        max_retries,
        ..RetryPolicy::default()
    }
}

#[tokio::test(start_paused = true)]
async fn server_errors_are_retried_with_doubling_back_off() {
    let start = Instant::now();
    let attempt = scripted(vec![
        Err(FetchError::Status(503)),
        Err(FetchError::Status(502)),
        Err(FetchError::Timeout),
        Ok("done"),
    ]);
    let fetched = with_retries("u", policy(3), attempt).await;
    assert_eq!(
        fetched,
        Fetched {
            outcome: Ok("done".into()),
            lines: vec![
                "Server error 503 for u".into(),
                "Retrying u in 1s (attempt 1)".into(),
                "Server error 502 for u".into(),
                "Retrying u in 2s (attempt 2)".into(),
                "Timeout while fetching u".into(),
                "Retrying u in 4s (attempt 3)".into(),
                "Success: u -> done".into(),
            ],
        }
    );
    assert_eq!(start.elapsed(), Duration::from_secs(7));
}

#[tokio::test(start_paused = true)]
async fn a_client_error_is_raised_at_once_without_retry() {
    let start = Instant::now();
    let fetched = with_retries("u", policy(3), scripted(vec![Err(FetchError::Status(404))])).await;
    assert_eq!(fetched.lines, ["Client error 404 for u (no retry)"]);
    assert_eq!(
        fetched.outcome,
        Err(RetryError::NotRetried {
            status: 404,
            url: "u".into()
        })
    );
    assert_eq!(start.elapsed(), Duration::ZERO);
}

#[tokio::test(start_paused = true)]
async fn the_last_failure_gives_up_with_failed_to_fetch() {
    let attempt = scripted(vec![
        Err(FetchError::Connection("refused".into())),
        Err(FetchError::Other("bad JSON".into())),
    ]);
    let fetched = with_retries("u", policy(1), attempt).await;
    assert_eq!(
        fetched.lines,
        [
            "Connection error while fetching u: refused",
            "Retrying u in 1s (attempt 1)",
            "HTTP client error while fetching u: bad JSON",
            "Failed u after 2 attempts",
        ]
    );
    let error = fetched.outcome.unwrap_err();
    assert_eq!(error.to_string(), "Failed to fetch u");
}

#[tokio::test(start_paused = true)]
async fn the_back_off_is_capped_at_thirty_units() {
    let start = Instant::now();
    let failures = (0..8).map(|_| Err(FetchError::Status(500))).collect();
    let fetched = with_retries("u", policy(7), scripted(failures)).await;
    let waits: Vec<&str> = fetched
        .lines
        .iter()
        .filter_map(|l| l.strip_prefix("Retrying u in "))
        .collect();
    assert_eq!(
        waits,
        [
            "1s (attempt 1)",
            "2s (attempt 2)",
            "4s (attempt 3)",
            "8s (attempt 4)",
            "16s (attempt 5)",
            "30s (attempt 6)",
            "30s (attempt 7)"
        ]
    );
    assert_eq!(start.elapsed(), Duration::from_secs(91));
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn the_seed_urls_give_their_exact_line_sequences() {
    let server = httpbin().await;
    let client = client_builder().build().unwrap();
    let policy = RetryPolicy {
        timeout: Duration::from_millis(300),
        max_retries: 1,
        unit: Duration::from_millis(10),
    };
    let urls = exceptions::demo_urls(&server, policy);
    let fetched = fetch_all(&client, &urls, policy).await;
    let [json, server_error, missing, stalled] = [0, 1, 2, 3].map(|i| &fetched[i]);

    assert_eq!(json.lines.len(), 1);
    assert!(
        json.lines[0].starts_with(&format!(r#"Success: {} -> {{"slideshow":"#, urls[0])),
        "{}",
        json.lines[0]
    );
    let u = &urls[1];
    assert_eq!(
        server_error.lines,
        [
            format!("Server error 500 for {u}"),
            format!("Retrying {u} in 10ms (attempt 1)"),
            format!("Server error 500 for {u}"),
            format!("Failed {u} after 2 attempts"),
        ]
    );
    assert_eq!(
        missing.lines,
        [format!("Client error 404 for {} (no retry)", urls[2])]
    );
    let u = &urls[3];
    assert!(u.ends_with("/delay/0.6"), "{u}");
    assert_eq!(
        stalled.lines,
        [
            format!("Timeout while fetching {u}"),
            format!("Retrying {u} in 10ms (attempt 1)"),
            format!("Timeout while fetching {u}"),
            format!("Failed {u} after 2 attempts"),
        ]
    );
    assert_eq!(server.hits("/status/500"), 2);
    assert_eq!(server.hits("/status/404"), 1);

    let report = exceptions::report_lines(&fetched);
    let outcomes = &report[report.len() - 4..];
    assert!(outcomes[0].starts_with("Request 1 succeeded: {"));
    assert_eq!(
        outcomes[1],
        format!("Request 2 failed: Failed to fetch {}", urls[1])
    );
    assert_eq!(
        outcomes[2],
        format!("Request 3 failed: 404, url='{}'", urls[2])
    );
    assert_eq!(
        outcomes[3],
        format!("Request 4 failed: Failed to fetch {}", urls[3])
    );
}

#[tokio::test]
async fn a_refused_connection_is_a_connection_error_and_is_retried() {
    let url = format!("http://{}/json", closed_port().await);
    let client = client_builder().build().unwrap();
    let policy = RetryPolicy {
        unit: Duration::from_millis(1),
        ..RetryPolicy::default()
    };
    let fetched = exceptions::fetch_single(&client, &url, policy).await;
    assert_eq!(fetched.lines.len(), 4, "{:?}", fetched.lines);
    for i in [0, 2] {
        assert!(
            fetched.lines[i].starts_with(&format!("Connection error while fetching {url}: ")),
            "{}",
            fetched.lines[i]
        );
    }
    assert!(matches!(
        fetched.outcome,
        Err(RetryError::Exhausted {
            last: FetchError::Connection(_),
            ..
        })
    ));
}

// ------------------------------------------------------------------------- WebSocket

const ECHO: &str = r#"Echo: {"type":"Hello","data":"World"}"#;

#[tokio::test]
async fn the_server_echoes_what_the_client_sends() {
    let server = EchoServer::start().await.unwrap();
    let mut client = WebSocketClient::new(server.ws_url(), 5);
    assert!(client.connect().await);
    client.send_message(&hello()).await;
    assert_eq!(client.next_message().await.as_deref(), Some(ECHO));
    client.send_message(&json!("again")).await;
    assert_eq!(
        client.next_message().await.as_deref(),
        Some(r#"Echo: "again""#)
    );
    assert_eq!(
        client.take_lines(),
        [
            "WebSocket connected".to_owned(),
            format!("msg from server: {ECHO}"),
            r#"msg from server: Echo: "again""#.to_owned(),
        ]
    );
    client.close().await;
    assert_eq!(
        server.shutdown().await,
        [
            r#"Server received: {"type":"Hello","data":"World"}"#,
            r#"Server received: "again""#,
            "WebSocket connection closed",
        ]
    );
}

#[tokio::test]
async fn the_client_reconnects_after_the_server_closes_the_socket() {
    let server = EchoServer::start().await.unwrap();
    let mut client = WebSocketClient::new(server.ws_url(), 5)
        .with_unit(Duration::from_millis(1))
        .with_greeting(hello());
    assert!(client.connect().await);
    assert_eq!(client.next_message().await.as_deref(), Some(ECHO));
    client.take_lines();

    server.close_sockets();
    assert_eq!(client.next_message().await.as_deref(), Some(ECHO));
    assert_eq!(
        client.take_lines(),
        [
            "WebSocket Closed".to_owned(),
            "Reconnecting in 2ms.....".to_owned(),
            "WebSocket connected".to_owned(),
            format!("msg from server: {ECHO}"),
        ]
    );
    assert!(client.is_connected());
}

#[tokio::test]
async fn reconnecting_gives_up_after_the_maximum_attempts() {
    let server = EchoServer::start().await.unwrap();
    let mut client = WebSocketClient::new(server.ws_url(), 3).with_unit(Duration::from_millis(1));
    assert!(client.connect().await);
    client.take_lines();
    server.shutdown().await;

    assert_eq!(client.next_message().await, None);
    let lines = client.take_lines();
    assert_eq!(lines.len(), 8, "{lines:#?}");
    assert_eq!(lines[0], "WebSocket Closed");
    for (i, wait) in ["2ms", "4ms", "8ms"].iter().enumerate() {
        assert_eq!(lines[1 + 2 * i], format!("Reconnecting in {wait}....."));
        assert!(
            lines[2 + 2 * i].starts_with("Connection failed: "),
            "{}",
            lines[2 + 2 * i]
        );
    }
    assert_eq!(lines[7], "Max connection attempts reached.");
}

#[tokio::test]
async fn a_plain_http_route_fails_the_handshake() {
    let server = httpbin().await;
    let mut client = WebSocketClient::new(server.url("/get").replace("http:", "ws:"), 0);
    assert!(!client.connect().await);
    assert_eq!(client.take_lines(), ["Handshake failed: 200 OK"]);
    assert_eq!(
        client.next_message().await,
        None,
        "0 attempts: gives up at once"
    );
    assert_eq!(client.take_lines(), ["Max connection attempts reached."]);
}

#[tokio::test]
async fn the_websocket_demo_echoes_reconnects_and_gives_up() {
    let lines = concepts::http::websocket::run(2, Duration::from_millis(1))
        .await
        .unwrap();
    let got: Vec<_> = lines
        .iter()
        .filter(|l| l.starts_with("Client got : "))
        .collect();
    assert_eq!(got.len(), 2);
    assert_eq!(
        lines.iter().filter(|l| *l == "WebSocket connected").count(),
        2
    );
    assert!(lines.contains(&"Max connection attempts reached.".to_owned()));
    assert_eq!(
        lines
            .iter()
            .filter(|l| l.starts_with("[server] Server received: "))
            .count(),
        2
    );
}

// ------------------------------------------------------------------------- the binary

#[test]
fn list_and_run_show_the_chapter() {
    let out = assert_cmd::Command::cargo_bin("concepts")
        .unwrap()
        .arg("list")
        .assert()
        .success();
    let text = String::from_utf8(out.get_output().stdout.clone()).unwrap();
    assert!(text.contains("http (HTTP client and server (aiohttp))"));
    for demo in concepts::http::DEMOS {
        assert!(text.contains(&format!("http/{}", demo.name)), "{text}");
    }
    let out = assert_cmd::Command::cargo_bin("concepts")
        .unwrap()
        .args(["run", "http/timeout_and_connector"])
        .assert()
        .success();
    let text = String::from_utf8(out.get_output().stdout.clone()).unwrap();
    assert!(text.contains("\nHTTP Error: 404\n"), "{text}");
    assert!(text.contains("GET /hang with sock_read 500ms: timed out"));
    assert!(text.contains("12 requests with limit_per_host=3: at most 3 in flight at the server"));
}
