//! The `fetcher` binary's curl-style flags end to end: `serve --tls` with `--cacert` and
//! `-k`, bad TLS and proxy values, proxy environment variables and `NO_PROXY`, cookie
//! jars, request bodies from flags and JSON lines, `-i` header lists, redirects, and
//! passwords kept out of records while `--resume` still matches.
//!
//! Each child process gets its proxy variables set explicitly, so the shell running the
//! tests cannot change what they see.

#![allow(clippy::unwrap_used, clippy::expect_used)]

#[path = "common/proxies.rs"]
mod proxies;
#[path = "common/site.rs"]
mod site;

use std::io::{BufRead, BufReader};
use std::path::PathBuf;
use std::process::{Command as StdCommand, Stdio};
use std::time::Duration;

use assert_cmd::Command;
use proxies::Proxy;
use serde_json::{Value, json};
use site::Site;

const PROXY_VARS: [&str; 8] = [
    "http_proxy",
    "HTTP_PROXY",
    "https_proxy",
    "HTTPS_PROXY",
    "all_proxy",
    "ALL_PROXY",
    "no_proxy",
    "NO_PROXY",
];

/// How these tests run the binary beside the shared [`Site`]: proxy variables set explicitly.
impl Site {
    /// The binary, quiet, with no proxy variables but `env`.
    fn fetcher(&self, env: &[(&str, &str)]) -> Command {
        let mut cmd = Command::cargo_bin("fetcher").unwrap();
        for var in PROXY_VARS {
            cmd.env_remove(var);
        }
        cmd.envs(env.iter().copied());
        cmd.args(["-q", "--retries", "0", "--timeout", "5s"]);
        cmd.timeout(Duration::from_secs(30));
        cmd
    }

    /// Runs `args` with `lines` on stdin; returns exit code, records, stderr.
    fn run(
        &self,
        env: &[(&str, &str)],
        args: &[&str],
        lines: &[String],
    ) -> (i32, Vec<Value>, String) {
        let out = self
            .fetcher(env)
            .args(args)
            .write_stdin(lines.join("\n") + "\n")
            .output()
            .unwrap();
        let records = String::from_utf8(out.stdout)
            .unwrap()
            .lines()
            .map(|l| serde_json::from_str(l).expect(l))
            .collect();
        (
            out.status.code().unwrap_or(-1),
            records,
            String::from_utf8_lossy(&out.stderr).into_owned(),
        )
    }
}

/// A `fetcher serve` child process, killed when dropped (also when a test fails).
struct Served(std::process::Child);

impl Drop for Served {
    fn drop(&mut self) {
        let _ = self.0.kill();
        let _ = self.0.wait();
    }
}

/// `fetcher serve ARGS` as a child process, and the base URL it prints.
fn serve(args: &[&str]) -> (Served, String) {
    let mut served = Served(
        StdCommand::new(assert_cmd::cargo::cargo_bin("fetcher"))
            .arg("serve")
            .args(args)
            .stdout(Stdio::piped())
            .stderr(Stdio::null())
            .spawn()
            .unwrap(),
    );
    let mut stdout = BufReader::new(served.0.stdout.take().unwrap());
    loop {
        let mut line = String::new();
        assert!(stdout.read_line(&mut line).unwrap() > 0, "serve exited");
        if let Some(base) = line.trim().strip_prefix("Serving on ") {
            return (served, base.to_owned());
        }
    }
}

#[test]
fn serve_tls_writes_a_ca_for_cacert_and_insecure_warns_once() {
    let site = Site::new();
    let ca = site.path("ca.pem");
    let (_served, url) = serve(&["--tls", "--write-cacert", ca.to_str().unwrap()]);
    assert!(url.starts_with("https://127.0.0.1:"), "{url}");
    let lines = [format!("{url}/get"), format!("{url}/json")];

    let (code, records, _) = site.run(&[], &["--cacert", ca.to_str().unwrap()], &lines);
    assert_eq!(code, 0, "{records:?}");
    assert!(records.iter().all(|r| r["status"] == 200));

    let (code, records, _) = site.run(&[], &[], &lines);
    assert_eq!(code, 1);
    assert_eq!(records[0]["error"]["kind"], "connect", "{:?}", records[0]);

    let (code, _, stderr) = site.run(&[], &["-k"], &lines);
    assert_eq!(code, 0);
    assert_eq!(stderr.matches("--insecure").count(), 1, "{stderr}");
}

#[test]
fn serve_with_given_certificates_and_client_ca_for_mutual_tls() {
    use fetcher::server::tls::CertAuthority;
    let site = Site::new();
    let ca = CertAuthority::new("given CA").unwrap();
    let server = ca.issue_server().unwrap();
    let client = ca.issue_client("alice").unwrap();
    let path = |name: &str, text: &str| site.file(name, text).display().to_string();
    let (ca_file, cert, key) = (
        path("ca.pem", ca.cert_pem()),
        path("server.pem", &server.cert_pem),
        path("server.key", &server.key_pem),
    );
    // One file holding both certificate and key, as curl's --cert accepts.
    let both = path(
        "client.pem",
        &format!("{}{}", client.cert_pem, client.key_pem),
    );
    let (client_cert, client_key) = (
        path("client.crt", &client.cert_pem),
        path("client.key", &client.key_pem),
    );
    let (_served, url) = serve(&[
        "--tls-cert",
        &cert,
        "--tls-key",
        &key,
        "--client-ca",
        &ca_file,
    ]);
    let lines = [format!("{url}/get")];
    let (code, records, _) = site.run(&[], &["--cacert", &ca_file], &lines);
    assert_eq!(code, 1, "no client certificate: {records:?}");
    for args in [
        vec!["--cacert", &ca_file, "--cert", &both],
        vec![
            "--cacert",
            &ca_file,
            "--cert",
            &client_cert,
            "--key",
            &client_key,
        ],
    ] {
        let (code, records, stderr) = site.run(&[], &args, &lines);
        assert_eq!(code, 0, "{args:?}: {stderr}");
        assert_eq!(records[0]["status"], 200);
    }
}

#[test]
fn bad_tls_proxy_and_cookie_values_stop_before_any_request() {
    let site = Site::new();
    let garbage = site.file("garbage.pem", "not PEM\n");
    let garbage = garbage.to_str().unwrap();
    let bad_jar = site.file("jar.txt", "only\tthree\tfields\n");
    let bad_jar = bad_jar.to_str().unwrap();
    for (args, needle) in [
        (
            &["--cacert", "/no/such/ca.pem"][..],
            "--cacert /no/such/ca.pem",
        ),
        (&["--cacert", garbage][..], "--cacert"),
        (&["--cert", garbage][..], "--cert"),
        (&["--proxy", "ftp://127.0.0.1:21"][..], "--proxy"),
        (&["--proxy", "http://u:hunter2@[::1"][..], "--proxy"),
        (&["--cookie-jar", bad_jar][..], "--cookie-jar"),
        (&["-F", "novalue"][..], "NAME=VALUE"),
        (&["-d", "plain text"][..], "--data-raw"),
    ] {
        let (code, records, stderr) = site.run(&[], args, &[site.server.url("/get")]);
        assert_eq!(code, 2, "{args:?}: {stderr}");
        assert!(records.is_empty());
        assert_eq!(stderr.trim().lines().count(), 1, "one line: {stderr}");
        assert!(stderr.contains(needle), "{args:?}: {stderr}");
        assert!(!stderr.contains("hunter2"), "{stderr}");
    }
    let (code, _, stderr) = site.run(
        &[("https_proxy", "socks4://h:1")],
        &[],
        &[site.server.url("/get")],
    );
    assert_eq!(code, 2);
    assert!(stderr.contains("https_proxy"), "{stderr}");
    assert_eq!(site.server.total_hits(), 0);
}

#[test]
fn proxy_variables_are_honoured_and_no_proxy_goes_direct() {
    let site = Site::new();
    let proxy = site.runtime.block_on(Proxy::http());
    let via = format!("http://{}", proxy.addr());
    let lines = [site.server.url("/get")];
    let through = |env: &[(&str, &str)], args: &[&str]| {
        let before = proxy.seen().len();
        let (code, records, stderr) = site.run(env, args, &lines);
        assert_eq!(code, 0, "{env:?} {args:?}: {stderr}");
        assert_eq!(records[0]["status"], 200);
        proxy.seen().len() > before
    };
    // An empty NO_PROXY: loopback goes through the proxy too.
    assert!(through(&[("http_proxy", &via), ("NO_PROXY", "")], &[]));
    assert!(through(&[("HTTP_PROXY", &via), ("no_proxy", "")], &[]));
    assert!(through(&[("all_proxy", &via), ("no_proxy", "")], &[]));
    // No NO_PROXY at all: the environment's proxies skip loopback.
    assert!(!through(&[("http_proxy", &via)], &[]));
    assert!(!through(
        &[("http_proxy", &via), ("NO_PROXY", "127.0.0.1")],
        &[]
    ));
    assert!(!through(&[("http_proxy", &via), ("no_proxy", "*")], &[]));
    // Inside a CGI script upper-case HTTP_PROXY is a client's header: ignored.
    assert!(!through(
        &[
            ("HTTP_PROXY", &via),
            ("no_proxy", ""),
            ("REQUEST_METHOD", "GET")
        ],
        &[]
    ));
    // Flags win over the environment.
    assert!(!through(
        &[("http_proxy", &via), ("no_proxy", "")],
        &["--proxy", ""]
    ));
    assert!(!through(
        &[("http_proxy", &via), ("no_proxy", "")],
        &["--noproxy", "127.0.0.1"]
    ));
    assert!(through(&[], &["--proxy", &via]));
    assert!(!through(&[], &["--proxy", &via, "--noproxy", "127.0.0.1"]));
}

#[test]
fn socks5h_proxy_flag() {
    let site = Site::new();
    let proxy = site.runtime.block_on(Proxy::socks5(Some(("ann", "pw"))));
    let url = site.server.url("/get").replace("127.0.0.1", "localhost");
    let via = format!("socks5h://ann:pw@{}", proxy.addr());
    let (code, records, stderr) = site.run(&[], &["-x", &via], &[url]);
    assert_eq!(code, 0, "{stderr}");
    assert_eq!(records[0]["status"], 200);
    assert_eq!(
        proxy.seen()[0].request,
        format!("SOCKS5 localhost:{}", site.server.addr().port())
    );
}

#[test]
fn a_cookie_jar_file_carries_cookies_across_runs() {
    let site = Site::new();
    let jar = site.path("jar.txt");
    let jar_arg = jar.to_str().unwrap();
    let set = [site.server.url("/cookies/set?session=abc&theme=dark")];
    let (code, records, _) = site.run(&[], &["--cookie-jar", jar_arg, "--body"], &set);
    assert_eq!(code, 0);
    assert_eq!(records[0]["redirects"], 1);
    assert_eq!(
        records[0]["body"]["cookies"],
        json!({"session": "abc", "theme": "dark"})
    );
    let saved = std::fs::read_to_string(&jar).unwrap();
    assert!(
        saved.contains("127.0.0.1\tFALSE\t/\tFALSE\t0\tsession\tabc"),
        "{saved}"
    );

    let show = [site.server.url("/cookies")];
    let (_, records, _) = site.run(&[], &["--cookie-jar", jar_arg, "--body"], &show);
    assert_eq!(records[0]["body"]["cookies"]["theme"], "dark");
    let (_, records, _) = site.run(&[], &["--body"], &show);
    assert_eq!(
        records[0]["body"]["cookies"],
        json!({}),
        "no jar, no cookies"
    );
}

#[test]
fn bodies_from_flags_and_json_lines() {
    let site = Site::new();
    let data = site.file("data.bin", "raw\u{0}bytes\n");
    let json_file = site.file("doc.json", "{\"from\": \"file\"}");
    let anything = site.server.url("/anything");
    let at = |p: &PathBuf| format!("@{}", p.display());

    let run_one = |args: &[&str]| {
        let (code, records, stderr) = site.run(
            &[],
            &[&["--body"], args].concat(),
            std::slice::from_ref(&anything),
        );
        assert_eq!(code, 0, "{args:?}: {stderr}");
        records[0].clone()
    };
    let r = run_one(&["--data-binary", &at(&data)]);
    assert_eq!(r["method"], "POST");
    assert_eq!(r["body"]["data"], "raw\u{0}bytes\n");
    let r = run_one(&["-d", &at(&json_file)]);
    assert_eq!(
        r["body"]["json"],
        Value::Null,
        "/anything has no json field"
    );
    assert_eq!(r["body"]["headers"]["content-type"], "application/json");
    assert_eq!(r["body"]["data"], "{\"from\": \"file\"}");
    let r = run_one(&["--data-raw", "@not-a-file"]);
    assert_eq!(r["body"]["data"], "@not-a-file");
    let r = run_one(&["-F", "a=1", "-F", "b=two words"]);
    assert_eq!(r["body"]["form"], json!({"a": "1", "b": "two words"}));
    let r = run_one(&["-F", "a=1", "-F", &format!("f={}", at(&data))]);
    assert!(
        r["body"]["data"]
            .as_str()
            .unwrap()
            .contains("filename=\"data.bin\"")
    );

    let lines = [
        format!(r#"{{"url": "{anything}", "body": {{"k": 1}}}}"#),
        format!(
            r#"{{"url": "{anything}", "body_file": "{}"}}"#,
            data.display()
        ),
        format!(r#"{{"url": "{anything}", "form": {{"x": "y"}}, "method": "PUT"}}"#),
        format!(r#"{{"url": "{anything}"}}"#),
    ];
    let (code, records, stderr) = site.run(&[], &["--body", "--ordered"], &lines);
    assert_eq!(code, 0, "{stderr}");
    let methods: Vec<&str> = records
        .iter()
        .map(|r| r["method"].as_str().unwrap())
        .collect();
    assert_eq!(
        methods,
        ["POST", "POST", "PUT", "GET"],
        "a body without a method is a POST"
    );
    assert_eq!(records[0]["body"]["data"], "{\"k\":1}");
    assert_eq!(records[1]["body"]["data"], "raw\u{0}bytes\n");
    assert_eq!(records[2]["body"]["form"], json!({"x": "y"}));
}

#[test]
fn headers_redirects_user_agent() {
    let site = Site::new();
    let lines = [
        site.server.url("/response-headers?x-a=1&x-a=2&x-b=3"),
        site.server.url("/redirect/2"),
        site.server.url("/get"),
    ];
    let (code, records, _) = site.run(&[], &["-i", "--ordered", "--body", "-A", "curl/8"], &lines);
    assert_eq!(code, 0);
    assert_eq!(
        records[0]["headers"]["x-a"],
        json!(["1", "2"]),
        "a repeated header is a list"
    );
    assert_eq!(records[0]["headers"]["x-b"], "3");
    assert_eq!(records[1]["redirects"], 2);
    assert_eq!(records[2]["body"]["headers"]["user-agent"], "curl/8");

    let (code, records, _) = site.run(&[], &["-i", "--max-redirects", "0"], &lines[1..2]);
    assert_eq!(code, 0, "a 3xx is the answer itself");
    assert_eq!(records[0]["status"], 303);
    assert_eq!(records[0]["headers"]["location"], "/redirect/1");
    let (code, records, _) = site.run(&[], &["--max-redirects", "1"], &lines[1..2]);
    assert_eq!(code, 1);
    assert_eq!(records[0]["error"]["kind"], "redirect");
}

#[test]
fn passwords_are_redacted_and_resume_still_matches() {
    let site = Site::new();
    let secret = site.server.url("/get").replace("://", "://ann:hunter2@");
    let input = site.file(
        "in.txt",
        &format!("{secret}\n{}\n", site.server.url("/json")),
    );
    let out = site.path("out.jsonl");
    let run = |extra: &[&str]| {
        site.fetcher(&[])
            .arg(&input)
            .arg("-o")
            .arg(&out)
            .args(extra)
            .args(["--body", "-vv"])
            .output()
            .unwrap()
    };
    let first = run(&[]);
    assert!(first.status.success());
    let text = std::fs::read_to_string(&out).unwrap();
    assert!(!text.contains("hunter2"), "{text}");
    assert!(text.contains("ann:***@"), "{text}");
    assert!(!String::from_utf8_lossy(&first.stderr).contains("hunter2"));
    // The request carried the credentials.
    assert!(text.contains("Basic YW5uOmh1bnRlcjI="), "{text}");

    let hits = site.server.total_hits();
    let again = run(&["--resume"]);
    assert!(
        again.status.success(),
        "{}",
        String::from_utf8_lossy(&again.stderr)
    );
    assert_eq!(
        site.server.total_hits(),
        hits,
        "both lines matched, nothing refetched"
    );
}
