//! Reaching servers the way curl does, against the crate's own servers on 127.0.0.1: HTTPS
//! with a private CA, a self-signed certificate trusted as itself, `--insecure`, h2 by
//! ALPN, mutual TLS; HTTP (also over TLS) and SOCKS5 proxies; cookies; User-Agent; redirects; uploads;
//! secrets kept out of errors and logs.

#![allow(clippy::unwrap_used, clippy::expect_used)]

mod common;
#[path = "common/proxies.rs"]
mod proxies;

use std::net::SocketAddr;
use std::path::{Path, PathBuf};

use common::{Logs, server};
use fetcher::cookies::CookieConfig;
use fetcher::proxy::{ProxyConfig, ProxySource};
use fetcher::server::Server;
use fetcher::server::tls::{CertAuthority, Identity, SERVER_NAMES, ServerTls};
use fetcher::tls::TlsConfig;
use fetcher::upload::{FormValue, Upload};
use fetcher::{ConfigError, ErrorKind, Fetcher, FetcherConfig, HttpRequest, HttpResponse, Method};
use proxies::Proxy;
use serde_json::{Value, json};

fn loopback() -> SocketAddr {
    "127.0.0.1:0".parse().unwrap()
}

/// A fetcher with no retries, no proxy, and these settings.
fn fetcher_with(config: FetcherConfig) -> Fetcher {
    Fetcher::new(FetcherConfig {
        retry: common::fast_retry(fetcher::RetryPolicy::Never),
        ..config
    })
    .unwrap()
}

fn quiet() -> FetcherConfig {
    FetcherConfig {
        proxy: ProxyConfig::off(),
        ..FetcherConfig::default()
    }
}

fn write(dir: &Path, name: &str, text: &str) -> PathBuf {
    let path = dir.join(name);
    std::fs::write(&path, text).unwrap();
    path
}

fn json_of(response: &HttpResponse) -> Value {
    response.body().as_json().cloned().expect("a JSON body")
}

async fn get(fetcher: &Fetcher, url: String) -> Result<HttpResponse, fetcher::FetchError> {
    fetcher
        .fetch_single(&HttpRequest::get(url).with_max_retries(0))
        .await
}

/// A TLS server whose certificate a new CA issued, and that CA's certificate file.
async fn tls_server(dir: &Path) -> (Server, PathBuf, CertAuthority) {
    let ca = CertAuthority::new("test CA").unwrap();
    let server = Server::start_tls(loopback(), &ServerTls::new(ca.issue_server().unwrap()))
        .await
        .unwrap();
    let ca_file = write(dir, "ca.pem", ca.cert_pem());
    (server, ca_file, ca)
}

fn trusting(ca_file: &Path) -> FetcherConfig {
    FetcherConfig {
        tls: TlsConfig {
            ca_files: vec![ca_file.to_owned()],
            ..TlsConfig::default()
        },
        ..quiet()
    }
}

#[tokio::test]
async fn https_with_a_private_ca_negotiates_h2() {
    let dir = tempfile::tempdir().unwrap();
    let (server, ca_file, _ca) = tls_server(dir.path()).await;
    let response = get(&fetcher_with(trusting(&ca_file)), server.url("/get"))
        .await
        .unwrap();
    assert_eq!(response.status, 200);
    assert_eq!(json_of(&response)["protocol"], "HTTP/2.0", "h2 by ALPN");

    // Without --cacert the private CA is unknown: a connect error, not a response.
    let err = get(&fetcher_with(quiet()), server.url("/get"))
        .await
        .unwrap_err();
    assert_eq!(err.kind.name(), "connect", "{err}");

    // --insecure accepts it.
    let insecure = FetcherConfig {
        tls: TlsConfig {
            insecure: true,
            ..TlsConfig::default()
        },
        ..quiet()
    };
    assert_eq!(
        get(&fetcher_with(insecure), server.url("/get"))
            .await
            .unwrap()
            .status,
        200
    );
}

#[tokio::test]
async fn requests_to_an_h2_origin_share_one_connection() {
    let dir = tempfile::tempdir().unwrap();
    let (server, ca_file, _ca) = tls_server(dir.path()).await;
    let fetcher = fetcher_with(FetcherConfig {
        max_concurrent: 16,
        ..trusting(&ca_file)
    });
    // Sixteen at once before any connection exists: the first one's ALPN answer (h2)
    // is waited for, and then shared.
    let requests = (0..16)
        .map(|_| HttpRequest::get(server.url("/get")))
        .collect();
    let outcomes = fetcher.fetch_all_outcomes(requests).await;
    for outcome in outcomes {
        let response = outcome.unwrap();
        assert_eq!(json_of(&response)["protocol"], "HTTP/2.0");
    }
    assert_eq!(server.connections(), 1);
}

#[tokio::test]
async fn a_self_signed_ca_certificate_is_trusted_as_itself() {
    // What `openssl req -x509` makes: self-signed, CA:TRUE, presented as the server's own
    // certificate; webpki alone rejects it (CaUsedAsEndEntity), curl --cacert accepts it.
    let mut params = rcgen::CertificateParams::new(
        SERVER_NAMES
            .iter()
            .map(|n| (*n).to_owned())
            .collect::<Vec<_>>(),
    )
    .unwrap();
    params.is_ca = rcgen::IsCa::Ca(rcgen::BasicConstraints::Unconstrained);
    let key = rcgen::KeyPair::generate().unwrap();
    let cert = params.self_signed(&key).unwrap();
    let identity = Identity {
        cert_pem: cert.pem(),
        key_pem: key.serialize_pem(),
    };
    let server = Server::start_tls(loopback(), &ServerTls::new(identity.clone()))
        .await
        .unwrap();
    let dir = tempfile::tempdir().unwrap();
    let pinned = write(dir.path(), "self.pem", &identity.cert_pem);
    let fetcher = fetcher_with(trusting(&pinned));
    assert_eq!(get(&fetcher, server.url("/get")).await.unwrap().status, 200);
    // By name too: "localhost" is one of the names it holds.
    let by_name = server.url("/get").replace("127.0.0.1", "localhost");
    assert_eq!(get(&fetcher, by_name).await.unwrap().status, 200);

    // A different self-signed certificate is not trusted by this one.
    let other = rcgen::generate_simple_self_signed(vec!["127.0.0.1".to_owned()]).unwrap();
    let other_file = write(dir.path(), "other.pem", &other.cert.pem());
    let err = get(&fetcher_with(trusting(&other_file)), server.url("/get"))
        .await
        .unwrap_err();
    assert_eq!(err.kind.name(), "connect", "{err}");
}

#[tokio::test]
async fn mutual_tls_needs_the_client_certificate() {
    let dir = tempfile::tempdir().unwrap();
    let ca = CertAuthority::new("test CA").unwrap();
    let clients = CertAuthority::new("client CA").unwrap();
    let tls = ServerTls {
        identity: ca.issue_server().unwrap(),
        client_ca_pem: Some(clients.cert_pem().to_owned()),
    };
    let server = Server::start_tls(loopback(), &tls).await.unwrap();
    let ca_file = write(dir.path(), "ca.pem", ca.cert_pem());

    let err = get(&fetcher_with(trusting(&ca_file)), server.url("/get"))
        .await
        .unwrap_err();
    assert!(
        matches!(err.kind, ErrorKind::Connect(_) | ErrorKind::Request(_)),
        "{err}"
    );

    let client = clients.issue_client("alice").unwrap();
    let cert = write(dir.path(), "client.pem", &client.cert_pem);
    let key = write(dir.path(), "client.key", &client.key_pem);
    let mut config = trusting(&ca_file);
    config.tls.client_cert = Some((cert, key));
    let response = get(&fetcher_with(config), server.url("/get"))
        .await
        .unwrap();
    assert_eq!(response.status, 200);
}

#[tokio::test]
async fn bad_tls_files_name_their_flag_before_any_request() {
    let dir = tempfile::tempdir().unwrap();
    let ca = CertAuthority::new("test CA").unwrap();
    let one = ca.issue_client("one").unwrap();
    let two = ca.issue_client("two").unwrap();
    let garbage = write(dir.path(), "garbage.pem", "not a certificate\n");
    let cert = write(dir.path(), "one.pem", &one.cert_pem);
    let wrong_key = write(dir.path(), "two.key", &two.key_pem);
    let cases = [
        (
            TlsConfig {
                ca_files: vec![dir.path().join("missing.pem")],
                ..TlsConfig::default()
            },
            "--cacert",
        ),
        (
            TlsConfig {
                ca_files: vec![garbage.clone()],
                ..TlsConfig::default()
            },
            "--cacert",
        ),
        (
            TlsConfig {
                client_cert: Some((garbage.clone(), wrong_key.clone())),
                ..TlsConfig::default()
            },
            "--cert",
        ),
        (
            TlsConfig {
                client_cert: Some((cert.clone(), garbage)),
                ..TlsConfig::default()
            },
            "--key",
        ),
        (
            TlsConfig {
                client_cert: Some((cert, wrong_key)),
                ..TlsConfig::default()
            },
            "--key",
        ),
    ];
    for (tls, flag) in cases {
        let err = Fetcher::new(FetcherConfig { tls, ..quiet() }).unwrap_err();
        assert!(matches!(err, ConfigError::Tls { .. }), "{err}");
        assert!(err.to_string().starts_with(flag), "{flag}: {err}");
    }
}

fn through(proxy: String) -> FetcherConfig {
    FetcherConfig {
        proxy: ProxyConfig {
            source: ProxySource::Url(proxy),
            no_proxy: Some(String::new()),
        },
        ..FetcherConfig::default()
    }
}

#[tokio::test]
async fn an_http_proxy_carries_plain_requests_and_tunnels_https() {
    let server = server().await;
    let proxy = Proxy::http().await;
    let fetcher = fetcher_with(through(format!("http://ann:pw@{}", proxy.addr())));
    let response = get(&fetcher, server.url("/get?via=proxy")).await.unwrap();
    assert_eq!(json_of(&response)["args"]["via"], "proxy");
    let seen = proxy.seen();
    assert_eq!(
        seen[0].request,
        format!("GET {}", server.url("/get?via=proxy"))
    );
    // Basic ann:pw
    assert_eq!(seen[0].auth.as_deref(), Some("Basic YW5uOnB3"));

    let dir = tempfile::tempdir().unwrap();
    let (tls, ca_file, _ca) = tls_server(dir.path()).await;
    let mut config = trusting(&ca_file);
    config.proxy = through(format!("http://{}", proxy.addr())).proxy;
    let response = get(&fetcher_with(config), tls.url("/get")).await.unwrap();
    assert_eq!(response.status, 200);
    assert_eq!(
        proxy.seen()[1].request,
        format!("CONNECT {}", tls.addr()),
        "HTTPS goes through a CONNECT tunnel"
    );

    // --noproxy sends a listed host direct.
    let mut config = through(format!("http://{}", proxy.addr()));
    config.proxy.no_proxy = Some("127.0.0.1".into());
    let response = get(&fetcher_with(config), server.url("/get"))
        .await
        .unwrap();
    assert_eq!(response.status, 200);
    assert_eq!(proxy.seen().len(), 2, "no third request through the proxy");
}

#[tokio::test]
async fn an_https_proxy_is_spoken_to_over_tls() {
    let dir = tempfile::tempdir().unwrap();
    let (tls, ca_file, ca) = tls_server(dir.path()).await;
    let proxy_tls = ServerTls::new(ca.issue_server().unwrap());
    let proxy = Proxy::https(proxy_tls.rustls_config().unwrap()).await;
    let mut config = trusting(&ca_file);
    config.proxy = through(format!("https://ann:pw@localhost:{}", proxy.addr().port())).proxy;
    let fetcher = fetcher_with(config);
    let plain = server().await;
    let response = get(&fetcher, plain.url("/get?via=tls")).await.unwrap();
    assert_eq!(json_of(&response)["args"]["via"], "tls");
    // TLS to the server inside TLS to the proxy.
    let response = get(&fetcher, tls.url("/get")).await.unwrap();
    assert_eq!(response.status, 200);
    let seen = proxy.seen();
    assert_eq!(
        seen.iter().map(|s| s.request.as_str()).collect::<Vec<_>>(),
        [
            format!("GET {}", plain.url("/get?via=tls")),
            format!("CONNECT {}", tls.addr())
        ]
    );
    assert!(
        seen.iter()
            .all(|s| s.auth.as_deref() == Some("Basic YW5uOnB3"))
    );
}

#[tokio::test]
async fn socks5_and_socks5h_with_credentials() {
    let server = server().await;
    let proxy = Proxy::socks5(Some(("ann", "pw"))).await;
    let by_name = server.url("/get").replace("127.0.0.1", "localhost");

    let remote_dns = fetcher_with(through(format!("socks5h://ann:pw@{}", proxy.addr())));
    assert_eq!(get(&remote_dns, by_name.clone()).await.unwrap().status, 200);
    let local_dns = fetcher_with(through(format!("socks5://ann:pw@{}", proxy.addr())));
    assert_eq!(
        get(&local_dns, server.url("/get")).await.unwrap().status,
        200
    );

    let seen = proxy.seen();
    let port = server.addr().port();
    assert_eq!(
        seen[0].request,
        format!("SOCKS5 localhost:{port}"),
        "socks5h: the proxy resolves the name"
    );
    assert_eq!(seen[1].request, format!("SOCKS5 127.0.0.1:{port}"));
    assert!(seen.iter().all(|s| s.auth.as_deref() == Some("ann:pw")));

    let wrong = fetcher_with(through(format!("socks5h://ann:nope@{}", proxy.addr())));
    assert!(get(&wrong, server.url("/get")).await.is_err());

    let open = Proxy::socks5(None).await;
    let anyone = fetcher_with(through(format!("socks5h://{}", open.addr())));
    assert_eq!(get(&anyone, by_name).await.unwrap().status, 200);
    assert_eq!(open.seen()[0].auth, None);
}

#[tokio::test]
async fn malformed_proxy_urls_are_config_errors() {
    for bad in ["ftp://127.0.0.1:21", "http://", "http://[::1"] {
        let err = Fetcher::new(through(bad.into())).unwrap_err();
        assert!(matches!(err, ConfigError::Proxy { .. }), "{bad}: {err}");
        assert!(err.to_string().starts_with("--proxy"), "{err}");
    }
}

#[tokio::test]
async fn cookies_follow_redirects_and_later_requests_and_persist() {
    let server = server().await;
    let plain = fetcher_with(quiet());
    let response = get(&plain, server.url("/cookies/set?a=1&b=2"))
        .await
        .unwrap();
    assert_eq!(
        json_of(&response)["cookies"],
        json!({}),
        "no jar by default"
    );

    let dir = tempfile::tempdir().unwrap();
    let jar_file = write(
        dir.path(),
        "jar.txt",
        "# Netscape HTTP Cookie File\n127.0.0.1\tFALSE\t/\tFALSE\t0\tloaded\tyes\n",
    );
    let config = FetcherConfig {
        cookies: CookieConfig {
            enabled: true,
            jar_file: Some(jar_file.clone()),
        },
        ..quiet()
    };
    let fetcher = fetcher_with(config);
    let response = get(&fetcher, server.url("/cookies/set?a=1&b=2"))
        .await
        .unwrap();
    assert_eq!(response.redirects, 1);
    assert_eq!(
        json_of(&response)["cookies"],
        json!({"a": "1", "b": "2", "loaded": "yes"}),
        "set on the 302, sent on the redirect"
    );
    let later = get(&fetcher, server.url("/cookies")).await.unwrap();
    assert_eq!(json_of(&later)["cookies"]["a"], "1");
    assert_eq!(fetcher.cookie_jar().unwrap().len(), 3);

    fetcher.save_cookies().unwrap();
    let saved = std::fs::read_to_string(&jar_file).unwrap();
    assert!(saved.starts_with("# Netscape HTTP Cookie File"), "{saved}");
    assert!(
        saved.contains("127.0.0.1\tFALSE\t/\tFALSE\t0\ta\t1\n"),
        "{saved}"
    );
    assert!(saved.contains("\tloaded\tyes\n"), "{saved}");

    let bad = write(dir.path(), "bad.txt", "one\ttwo\n");
    let err = Fetcher::new(FetcherConfig {
        cookies: CookieConfig {
            enabled: true,
            jar_file: Some(bad),
        },
        ..quiet()
    })
    .unwrap_err();
    assert!(err.to_string().starts_with("--cookie-jar"), "{err}");
}

#[tokio::test]
async fn user_agent_is_fetcher_version_by_default() {
    let server = server().await;
    let agent = |response: HttpResponse| json_of(&response)["headers"]["user-agent"].clone();
    let default = get(&fetcher_with(quiet()), server.url("/get"))
        .await
        .unwrap();
    assert_eq!(
        agent(default),
        format!("fetcher/{}", env!("CARGO_PKG_VERSION"))
    );
    let custom = FetcherConfig {
        user_agent: "curl/8.5.0".into(),
        ..quiet()
    };
    let custom = get(&fetcher_with(custom), server.url("/get"))
        .await
        .unwrap();
    assert_eq!(agent(custom), "curl/8.5.0");
    let none = FetcherConfig {
        user_agent: String::new(),
        ..quiet()
    };
    let none = get(&fetcher_with(none), server.url("/get")).await.unwrap();
    assert_eq!(agent(none), Value::Null);
}

#[tokio::test]
async fn zero_redirects_returns_the_3xx_and_records_count_them() {
    let server = server().await;
    let none = FetcherConfig {
        max_redirects: 0,
        ..quiet()
    };
    let response = get(&fetcher_with(none), server.url("/redirect/2"))
        .await
        .unwrap();
    assert_eq!(response.status, 303, "the test server's redirect");
    assert_eq!(response.header("location"), Some("/redirect/1"));
    assert_eq!(response.redirects, 0);

    let followed = get(&fetcher_with(quiet()), server.url("/redirect/3"))
        .await
        .unwrap();
    assert_eq!((followed.status, followed.redirects), (200, 3));

    let two = FetcherConfig {
        max_redirects: 2,
        ..quiet()
    };
    let err = get(&fetcher_with(two), server.url("/redirect/3"))
        .await
        .unwrap_err();
    assert_eq!(err.kind.name(), "redirect", "past the limit: {err}");
}

#[tokio::test]
async fn redirects_repeat_or_drop_the_body_and_keep_credentials_home() {
    let server = server().await;
    let other = common::server().await;
    let fetcher = fetcher_with(quiet());
    let dir = tempfile::tempdir().unwrap();
    let file = write(dir.path(), "data.txt", "file body");
    let via = |status: u16, to: &str| {
        let mut url = url::Url::parse(&server.url("/redirect-to")).unwrap();
        url.query_pairs_mut()
            .append_pair("status_code", &status.to_string())
            .append_pair("url", to);
        url.to_string()
    };
    let send = |req: HttpRequest| {
        let fetcher = fetcher.clone();
        async move {
            fetcher
                .fetch_single(&req.with_max_retries(0))
                .await
                .unwrap()
        }
    };

    // 307 and 308 repeat the method and the body; an uploaded file is read again.
    for status in [307, 308] {
        let answer = send(HttpRequest::post(via(status, "/anything"), json!({"k": 1}))).await;
        let echo = json_of(&answer);
        assert_eq!(
            (echo["method"].as_str(), answer.redirects),
            (Some("POST"), 1)
        );
        assert_eq!(echo["data"], r#"{"k":1}"#, "{status}");
        let upload = Upload::File {
            path: file.clone(),
            json: false,
        };
        let req = HttpRequest::new(Method::PUT, via(status, "/anything")).with_upload(upload);
        let echo = json_of(&send(req).await);
        assert_eq!(
            (echo["method"].as_str(), echo["data"].as_str()),
            (Some("PUT"), Some("file body"))
        );
    }
    // 301, 302 and 303 make a GET without the body or its headers (curl -L).
    for status in [301, 302, 303] {
        let req = HttpRequest::post(via(status, "/anything"), json!({"k": 1}))
            .with_header("Content-Type", "application/json");
        let echo = json_of(&send(req).await);
        assert_eq!(
            (echo["method"].as_str(), echo["bytes"].as_u64()),
            (Some("GET"), Some(0))
        );
        assert!(
            echo["headers"].get("content-type").is_none(),
            "{status}: {echo}"
        );
    }

    // Credentials stay with the first origin; other headers go on.
    let secret = |url: String| {
        HttpRequest::get(url)
            .with_header("Authorization", "Bearer s3cret")
            .with_header("Cookie", "sid=1")
            .with_header("X-Trace", "t")
    };
    let home = json_of(&send(secret(via(302, "/get"))).await);
    assert_eq!(home["headers"]["authorization"], "Bearer s3cret");
    assert_eq!(home["headers"]["cookie"], "sid=1");
    let away = json_of(&send(secret(via(302, &other.url("/get")))).await);
    assert_eq!(away["url"], other.url("/get"));
    assert!(away["headers"].get("authorization").is_none(), "{away}");
    assert!(away["headers"].get("cookie").is_none(), "{away}");
    assert_eq!(away["headers"]["x-trace"], "t");
    // So do the fetcher's own default headers.
    let with_default = fetcher_with(FetcherConfig {
        default_headers: vec![("Authorization".into(), "Basic dTpw".into())],
        ..quiet()
    });
    let away = get(&with_default, via(302, &other.url("/get")))
        .await
        .unwrap();
    assert!(json_of(&away)["headers"].get("authorization").is_none());
    let home = get(&with_default, via(302, "/get")).await.unwrap();
    assert_eq!(json_of(&home)["headers"]["authorization"], "Basic dTpw");

    // A Location that cannot be followed is a redirect error naming it.
    let response = get(&fetcher, via(302, "ftp://127.0.0.1/x"))
        .await
        .unwrap_err();
    assert_eq!(response.kind.name(), "redirect", "{response}");
    assert!(
        response.to_string().contains("ftp://127.0.0.1/x"),
        "{response}"
    );
    // A 3xx that is not a redirect to follow is the answer.
    let answer = get(&fetcher, via(300, "/get")).await.unwrap();
    assert_eq!((answer.status, answer.redirects), (300, 0));
}

async fn upload(fetcher: &Fetcher, url: String, upload: Upload) -> Value {
    let req = HttpRequest::new(Method::POST, url)
        .with_upload(upload)
        .with_max_retries(0);
    json_of(&fetcher.fetch_single(&req).await.unwrap())
}

#[tokio::test]
async fn uploads_are_sent_as_given() {
    let server = server().await;
    let fetcher = fetcher_with(quiet());
    let dir = tempfile::tempdir().unwrap();
    let content = "line one\nline two\n".repeat(1000);
    let file = write(dir.path(), "data.txt", &content);

    let echo = upload(
        &fetcher,
        server.url("/anything"),
        Upload::File {
            path: file.clone(),
            json: false,
        },
    )
    .await;
    assert_eq!(echo["data"], content.as_str(), "the file byte for byte");
    assert_eq!(echo["headers"]["content-length"], content.len().to_string());
    assert_eq!(
        echo["headers"]["content-type"],
        "application/x-www-form-urlencoded"
    );

    let echo = upload(
        &fetcher,
        server.url("/anything"),
        Upload::Text("a b&c".into()),
    )
    .await;
    assert_eq!(echo["data"], "a b&c");

    let form = Upload::Form(vec![
        ("name".into(), FormValue::Text("ann lee".into())),
        ("x".into(), FormValue::Text("1&2".into())),
    ]);
    let echo = upload(&fetcher, server.url("/anything"), form).await;
    assert_eq!(echo["form"], json!({"name": "ann lee", "x": "1&2"}));

    let multipart = Upload::Form(vec![
        ("name".into(), FormValue::Text("ann".into())),
        ("doc".into(), FormValue::File(file)),
    ]);
    let echo = upload(&fetcher, server.url("/anything"), multipart).await;
    let content_type = echo["headers"]["content-type"].as_str().unwrap();
    assert!(
        content_type.starts_with("multipart/form-data; boundary="),
        "{content_type}"
    );
    let data = echo["data"].as_str().unwrap();
    assert!(
        data.contains("name=\"doc\"; filename=\"data.txt\""),
        "{data:.300}"
    );
    assert!(data.contains(&content), "the file part is the whole file");

    // A file that is not there fails before any attempt.
    let req = HttpRequest::new(Method::POST, server.url("/anything")).with_upload(Upload::File {
        path: dir.path().join("missing"),
        json: true,
    });
    let err = fetcher.fetch_single(&req).await.unwrap_err();
    assert_eq!((err.kind.name(), err.attempts), ("invalid_request", 0));
    assert_eq!(server.hits("/anything"), 4);
}

#[tokio::test]
async fn passwords_stay_out_of_errors_responses_and_logs() {
    let server = server().await;
    let fetcher = fetcher_with(quiet());
    let (logs, _guard) = Logs::capture();
    let with_password = server.url("/get").replace("://", "://ann:secret@");
    let response = get(&fetcher, with_password.clone()).await.unwrap();
    assert!(response.url.contains("ann:***@"), "{}", response.url);
    // The request still carries the credentials.
    assert_eq!(
        json_of(&response)["headers"]["authorization"],
        "Basic YW5uOnNlY3JldA=="
    );
    let failing = server.url("/status/500").replace("://", "://ann:secret@");
    let err = get(&fetcher, failing).await.unwrap_err();
    assert!(!err.to_string().contains("secret"), "{err}");
    let all: Vec<String> = [
        tracing::Level::DEBUG,
        tracing::Level::INFO,
        tracing::Level::ERROR,
    ]
    .into_iter()
    .flat_map(|level| logs.at(level))
    .collect();
    assert!(
        all.iter().any(|line| line.starts_with("Attempt 1 GET")),
        "{all:?}"
    );
    assert!(all.iter().all(|line| !line.contains("secret")), "{all:?}");
}
