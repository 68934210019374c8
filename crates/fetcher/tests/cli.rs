//! The `fetcher` binary end to end, against the crate's own server on 127.0.0.1: mixed
//! outcomes, bad input lines, ordered output, resume after a killed run, SIGINT mid-run.
#![allow(clippy::unwrap_used, clippy::expect_used)]

#[path = "common/site.rs"]
mod site;

use std::collections::BTreeMap;
use std::path::Path;
use std::process::{Child, Command as StdCommand, Stdio};
use std::time::{Duration, Instant};

use assert_cmd::Command;
use serde_json::Value;
use site::Site;

/// The binary with quick time-outs and back-off.
fn fetcher() -> Command {
    let mut cmd = Command::cargo_bin("fetcher").unwrap();
    cmd.args([
        "--timeout",
        "2s",
        "--backoff",
        "10ms",
        "--backoff-max",
        "20ms",
    ]);
    cmd.timeout(Duration::from_secs(30));
    cmd
}

fn records(text: &str) -> Vec<Value> {
    text.lines()
        .map(|l| serde_json::from_str(l).expect(l))
        .collect()
}

fn by_line(records: &[Value]) -> BTreeMap<u64, Value> {
    let mut map = BTreeMap::new();
    for r in records {
        let line = r["line"].as_u64().unwrap();
        assert!(
            map.insert(line, r.clone()).is_none(),
            "line {line} written twice"
        );
    }
    map
}

fn read_records(path: &Path) -> Vec<Value> {
    records(&std::fs::read_to_string(path).unwrap())
}

#[test]
fn mixed_outcomes_and_bad_lines() {
    let h = Site::new();
    let input = h.input(
        "in.txt",
        &[
            "# a comment".into(),
            h.url("/json"),
            String::new(),
            h.url("/status/404"),
            format!(
                r#"{{"url": "{}", "method": "POST", "body": {{"a": 1}}, "headers": {{"X-T": "1"}}}}"#,
                h.url("/post")
            ),
            "{not json".into(),
            h.url("/status/503"),
            "not a url".into(),
            "ftp://127.0.0.1/x".into(),
        ],
    );
    let out = fetcher()
        .arg(&input)
        .args(["--retries", "2", "--body"])
        .output()
        .unwrap();
    let stderr = String::from_utf8_lossy(&out.stderr);
    assert_eq!(
        out.status.code(),
        Some(2),
        "bad input lines exit 2: {stderr}"
    );
    assert!(
        stderr.contains("input line 6: not a JSON request"),
        "{stderr}"
    );
    assert!(stderr.contains("input line 8: not a URL"), "{stderr}");
    assert!(stderr.contains("bad input lines 2"), "{stderr}");

    let got = by_line(&records(&String::from_utf8(out.stdout).unwrap()));
    assert_eq!(got.keys().copied().collect::<Vec<_>>(), [2, 4, 5, 7, 9]);
    let ok = &got[&2];
    assert_eq!(ok["status"], 200);
    assert_eq!(ok["attempts"], 1);
    assert!(ok["error"].is_null());
    assert!(ok["body"].is_object(), "JSON body inline: {ok}");
    assert!(ok["bytes"].as_u64().unwrap() > 0);
    assert!(ok["response_time"].as_f64().unwrap() > 0.0);

    let not_found = &got[&4];
    assert_eq!(not_found["status"], 404);
    assert_eq!(not_found["attempts"], 1, "404 is not retried by default");
    assert_eq!(not_found["error"]["kind"], "status");

    let post = &got[&5];
    assert_eq!(post["method"], "POST");
    assert_eq!(post["status"], 200);
    assert_eq!(post["body"]["json"], serde_json::json!({"a": 1}), "{post}");

    let unavailable = &got[&7];
    assert_eq!(unavailable["status"], 503);
    assert_eq!(unavailable["attempts"], 3, "503 retried twice");
    assert_eq!(h.server.hits("/status/503"), 3);

    assert_eq!(got[&9]["error"]["kind"], "invalid_url");
    assert!(got[&9]["status"].is_null());
}

#[test]
fn exit_codes_all_ok_and_some_failed() {
    let h = Site::new();
    let ok = h.input("ok.txt", &[h.url("/json"), h.url("/get")]);
    fetcher().arg(&ok).assert().code(0);
    fetcher().arg(&ok).args(["--threads", "2"]).assert().code(0);
    let some_failed = h.input("bad.txt", &[h.url("/json"), h.url("/status/500")]);
    fetcher()
        .arg(&some_failed)
        .args(["--retries", "0"])
        .assert()
        .code(1);
    fetcher()
        .args(["--concurrency", "0"])
        .arg(&ok)
        .assert()
        .code(2)
        .stderr(predicates::str::contains(
            "--concurrency must be at least 1",
        ));
}

#[test]
fn stdin_to_stdout_quiet_and_summary_json() {
    let h = Site::new();
    let summary = h.path("summary.json");
    let out = fetcher()
        .args(["-", "-q", "--retries", "1", "--summary-json"])
        .arg(&summary)
        .write_stdin(format!(
            "{}\n{}\n{}\n",
            h.url("/json"),
            h.url("/json"),
            h.url("/status/429")
        ))
        .output()
        .unwrap();
    assert_eq!(out.status.code(), Some(1));
    assert!(
        out.stderr.is_empty(),
        "--quiet and piped: nothing on stderr"
    );
    assert_eq!(records(&String::from_utf8(out.stdout).unwrap()).len(), 3);

    let json: Value = serde_json::from_str(&std::fs::read_to_string(&summary).unwrap()).unwrap();
    assert_eq!(json["requests"]["finished"], 3);
    assert_eq!(json["requests"]["succeeded"], 2);
    assert_eq!(json["requests"]["retries"], 1);
    assert_eq!(json["statusCodeDistribution"]["200"], 2);
    assert_eq!(json["statusCodeDistribution"]["429"], 1);
    assert_eq!(json["errorDistribution"]["status"], 1);
    assert!(json["latencyPercentiles"]["p99.99"].as_f64().unwrap() > 0.0);
    assert!((json["summary"]["successRate"].as_f64().unwrap() - 2.0 / 3.0).abs() < 1e-9);
}

#[test]
fn threads_split_the_run_and_lose_nothing() {
    let h = Site::new();
    // Every tenth request fails, so both threads' writers count some of each.
    let lines: Vec<String> = (0..300)
        .map(|i| match i % 10 {
            0 => h.url("/status/503"),
            _ => h.url(&format!("/get?n={i}")),
        })
        .collect();
    let input = h.input("in.txt", &lines);
    let summary = h.path("summary.json");
    let out = fetcher()
        .arg(&input)
        .args(["-q", "--retries", "0", "--threads", "3", "-c", "9"])
        .arg("--summary-json")
        .arg(&summary)
        .output()
        .unwrap();
    assert_eq!(out.status.code(), Some(1));
    // Whole records (none cut into by another thread's), each line once.
    let got = by_line(&records(&String::from_utf8(out.stdout).unwrap()));
    assert_eq!(
        got.keys().copied().collect::<Vec<_>>(),
        (1..=300).collect::<Vec<_>>()
    );
    assert!(
        got.iter()
            .all(|(line, r)| r["status"] == if line % 10 == 1 { 503 } else { 200 })
    );
    let json: Value = serde_json::from_str(&std::fs::read_to_string(&summary).unwrap()).unwrap();
    assert_eq!(json["requests"]["finished"], 300);
    assert_eq!(json["statusCodeDistribution"]["200"], 270);
    assert_eq!(json["statusCodeDistribution"]["503"], 30);
}

#[test]
fn strict_stops_at_the_first_bad_line() {
    let h = Site::new();
    let mut lines = vec![h.url("/get"), "{broken".into()];
    lines.extend((0..20).map(|_| h.url("/json")));
    let input = h.input("in.txt", &lines);
    let out = fetcher()
        .arg(&input)
        .args(["--strict", "-c", "1"])
        .output()
        .unwrap();
    assert_eq!(out.status.code(), Some(2));
    assert_eq!(records(&String::from_utf8(out.stdout).unwrap()).len(), 1);
    assert_eq!(
        h.server.hits("/json"),
        0,
        "nothing after the bad line started"
    );
}

#[test]
fn ordered_output_follows_input_order() {
    let h = Site::new();
    let lines = vec![
        h.url("/delay/0.3"),
        h.url("/delay/0.2"),
        h.url("/delay/0.1"),
        h.url("/json"),
        h.url("/status/404"),
    ];
    let input = h.input("in.txt", &lines);
    // One thread, and two (each with its own requests; one writer puts them in order).
    for threads in ["1", "2"] {
        let out = fetcher()
            .arg(&input)
            .args(["--ordered", "--threads", threads])
            .output()
            .unwrap();
        let lines: Vec<u64> = records(&String::from_utf8(out.stdout).unwrap())
            .iter()
            .map(|r| r["line"].as_u64().unwrap())
            .collect();
        assert_eq!(lines, [1, 2, 3, 4, 5], "--threads {threads}");
    }

    // Without --ordered, records come as requests complete: the slow first line is last.
    let out = fetcher().arg(&input).output().unwrap();
    let recs = records(&String::from_utf8(out.stdout).unwrap());
    assert_eq!(recs.last().unwrap()["line"], 1);
}

#[test]
fn body_files_and_headers() {
    let h = Site::new();
    let input = h.input("in.txt", &[h.url("/bytes/100"), h.url("/status/418")]);
    let dir = h.path("bodies");
    let out = fetcher()
        .arg(&input)
        .arg("--save-dir")
        .arg(&dir)
        .arg("-i")
        .output()
        .unwrap();
    let got = by_line(&records(&String::from_utf8(out.stdout).unwrap()));
    let file = got[&1]["body_file"].as_str().unwrap();
    assert_eq!(std::fs::read(file).unwrap().len(), 100);
    assert_eq!(got[&1]["bytes"], 100);
    assert!(
        got[&1]["headers"]["content-length"].is_string(),
        "{}",
        got[&1]
    );
    assert!(got[&1].get("body").is_none());
    assert_eq!(got[&2]["status"], 418);
}

#[test]
fn refuses_to_overwrite_without_resume_or_force() {
    let h = Site::new();
    let input = h.input("in.txt", &[h.url("/json")]);
    let output = h.path("out.jsonl");
    std::fs::write(&output, "keep me\n").unwrap();
    fetcher()
        .arg(&input)
        .arg("-o")
        .arg(&output)
        .assert()
        .code(2)
        .stderr(predicates::str::contains("--resume"));
    assert_eq!(std::fs::read_to_string(&output).unwrap(), "keep me\n");
    fetcher()
        .arg(&input)
        .arg("-o")
        .arg(&output)
        .arg("--force")
        .assert()
        .code(0);
    assert_eq!(read_records(&output).len(), 1);
}

/// Waits until `path` holds at least `n` complete lines.
fn wait_for_lines(path: &Path, n: usize, child: &mut Child) {
    let deadline = Instant::now() + Duration::from_secs(20);
    loop {
        let text = std::fs::read_to_string(path).unwrap_or_default();
        if text.matches('\n').count() >= n {
            return;
        }
        assert!(child.try_wait().unwrap().is_none(), "fetcher exited early");
        assert!(Instant::now() < deadline, "no progress: {text}");
        std::thread::sleep(Duration::from_millis(20));
    }
}

fn spawn(args: &[&std::ffi::OsStr]) -> Child {
    StdCommand::new(assert_cmd::cargo::cargo_bin("fetcher"))
        .args(["--timeout", "5s", "--backoff", "10ms", "-q"])
        .args(args)
        .stdin(Stdio::null())
        .stdout(Stdio::null())
        .stderr(Stdio::piped())
        .spawn()
        .unwrap()
}

#[test]
fn resume_after_a_killed_run_loses_and_duplicates_nothing() {
    killed_and_resumed("1", "1", "/delay/0.05");
}

#[test]
fn resume_after_a_killed_run_on_two_lanes_loses_and_duplicates_nothing() {
    // Two writers into one file, killed at any point: whole records, then at most one cut.
    killed_and_resumed("4", "2", "/delay/0.2");
}

/// Kills a run (`-c c --threads threads`) after 5 records, cuts its last record in half,
/// and resumes it: every line once, none lost.
fn killed_and_resumed(c: &str, threads: &str, slow: &str) {
    let h = Site::new();
    // 30 requests, a third of them the same URL (duplicates are distinct requests).
    let lines: Vec<String> = (0..30)
        .map(|i| match i % 3 {
            0 => h.url(slow),
            1 => h.url(&format!("/get?n={i}")),
            _ => h.url("/json"),
        })
        .collect();
    let input = h.input("in.txt", &lines);
    let output = h.path("out.jsonl");
    let mut child = spawn(&[
        input.as_os_str(),
        "-o".as_ref(),
        output.as_os_str(),
        "-c".as_ref(),
        c.as_ref(),
        "--threads".as_ref(),
        threads.as_ref(),
    ]);
    wait_for_lines(&output, 5, &mut child);
    child.kill().unwrap(); // SIGKILL: no chance to flush or clean up
    child.wait().unwrap();
    // Simulate a record cut in half by the kill.
    let mut text = std::fs::read_to_string(&output).unwrap();
    let done_before = text.lines().count();
    assert!(done_before < 30, "the run was killed before the end");
    text.push_str(r#"{"line":29,"url":"http://127.0.0.1"#);
    std::fs::write(&output, text).unwrap();

    let out = fetcher()
        .arg(&input)
        .arg("-o")
        .arg(&output)
        .args(["--resume", "--summary-json"])
        .arg(h.path("summary.json"))
        .output()
        .unwrap();
    let stderr = String::from_utf8_lossy(&out.stderr);
    assert_eq!(out.status.code(), Some(0), "{stderr}");
    assert!(stderr.contains("partial record"), "{stderr}");

    let got = by_line(&read_records(&output));
    assert_eq!(
        got.keys().copied().collect::<Vec<_>>(),
        (1..=30).collect::<Vec<_>>()
    );
    for (line, record) in &got {
        assert_eq!(record["url"], lines[*line as usize - 1]);
        assert_eq!(record["status"], 200);
    }
    let summary: Value =
        serde_json::from_str(&std::fs::read_to_string(h.path("summary.json")).unwrap()).unwrap();
    assert_eq!(summary["requests"]["skipped"], done_before as u64);
    assert_eq!(summary["requests"]["finished"], 30 - done_before as u64);

    // A second resume has nothing left to do.
    fetcher()
        .arg(&input)
        .arg("-o")
        .arg(&output)
        .arg("--resume")
        .assert()
        .code(0)
        .stderr(predicates::str::contains("skipped (resume) 30"));
    assert_eq!(read_records(&output).len(), 30);
}

#[test]
fn resume_refuses_a_changed_input() {
    let h = Site::new();
    let output = h.path("out.jsonl");
    let first = h.input("a.txt", &[h.url("/json"), h.url("/get")]);
    fetcher()
        .arg(&first)
        .arg("-o")
        .arg(&output)
        .assert()
        .code(0);
    let changed = h.input("b.txt", &[h.url("/get"), h.url("/json")]);
    fetcher()
        .arg(&changed)
        .arg("-o")
        .arg(&output)
        .arg("--resume")
        .assert()
        .code(2)
        .stderr(predicates::str::contains("the input changed"));
    assert_eq!(read_records(&output).len(), 2);
}

/// Sends `signal` (`INT`, `TERM`) with kill(1): the crate forbids unsafe code.
fn signal(child: &Child, signal: &str) {
    let status = StdCommand::new("kill")
        .args([&format!("-{signal}"), &child.id().to_string()])
        .status()
        .unwrap();
    assert!(status.success());
}

/// Waits for the child to exit, at most `limit`.
fn wait_exit(child: &mut Child, limit: Duration) -> std::process::ExitStatus {
    let deadline = Instant::now() + limit;
    loop {
        if let Some(status) = child.try_wait().unwrap() {
            return status;
        }
        if Instant::now() > deadline {
            child.kill().unwrap();
            panic!("fetcher did not exit within {limit:?}");
        }
        std::thread::sleep(Duration::from_millis(20));
    }
}

#[test]
fn sigint_writes_what_finished_and_exits_130() {
    let h = Site::new();
    // Two quick requests, then requests that never get an answer.
    let mut lines = vec![h.url("/json"), h.url("/get")];
    lines.extend((0..4).map(|_| h.url("/hang")));
    lines.extend((0..50).map(|_| h.url("/json")));
    let input = h.input("in.txt", &lines);
    let output = h.path("out.jsonl");
    let summary = h.path("summary.json");
    let mut child = spawn(&[
        input.as_os_str(),
        "-o".as_ref(),
        output.as_os_str(),
        "-c".as_ref(),
        "4".as_ref(),
        "--grace".as_ref(),
        "200ms".as_ref(),
        "--summary-json".as_ref(),
        summary.as_os_str(),
    ]);
    wait_for_lines(&output, 2, &mut child);
    // Give the hanging requests time to reach the server.
    let deadline = Instant::now() + Duration::from_secs(10);
    while h.server.hits("/hang") < 4 {
        assert!(Instant::now() < deadline);
        std::thread::sleep(Duration::from_millis(10));
    }
    signal(&child, "INT");
    let status = wait_exit(&mut child, Duration::from_secs(10));
    assert_eq!(status.code(), Some(130));

    let got = by_line(&read_records(&output));
    assert_eq!(got.keys().copied().collect::<Vec<_>>(), [1, 2]);
    assert_eq!(
        h.server.hits("/json"),
        1,
        "nothing started after the signal"
    );
    let json: Value = serde_json::from_str(&std::fs::read_to_string(&summary).unwrap()).unwrap();
    assert_eq!(json["interrupted"], true);
    // The four hanging requests were cut off at the end of the grace; the requests the
    // window had started waiting for a slot ended at the signal without an attempt.
    let cancelled = json["requests"]["cancelled"].as_u64().unwrap();
    assert!((4..=8).contains(&cancelled), "{cancelled}");
    assert_eq!(json["requests"]["finished"], 2);
}

#[test]
fn sigterm_then_sigint_cuts_the_grace_period_short() {
    let h = Site::new();
    let input = h.input("in.txt", &[h.url("/hang")]);
    let output = h.path("out.jsonl");
    let mut child = spawn(&[
        input.as_os_str(),
        "-o".as_ref(),
        output.as_os_str(),
        "--grace".as_ref(),
        "60s".as_ref(),
    ]);
    let deadline = Instant::now() + Duration::from_secs(10);
    while h.server.hits("/hang") < 1 {
        assert!(Instant::now() < deadline);
        std::thread::sleep(Duration::from_millis(10));
    }
    signal(&child, "TERM");
    std::thread::sleep(Duration::from_millis(100));
    assert!(
        child.try_wait().unwrap().is_none(),
        "still in its grace period"
    );
    signal(&child, "INT");
    let status = wait_exit(&mut child, Duration::from_secs(5));
    assert_eq!(status.code(), Some(130));
    assert_eq!(std::fs::read_to_string(&output).unwrap(), "");
}

fn pattern(n: u64) -> Vec<u8> {
    (0..n).map(fetcher::server::pattern_byte).collect()
}

#[test]
fn save_dir_streams_through_part_files_and_records_digests() {
    let h = Site::new();
    let n = 300_000u64;
    let input = h.input(
        "in.txt",
        &[
            h.url(&format!("/range/{n}")),
            h.url("/redirect/2"),
            h.url("/malformed-json"),
            h.url("/truncated/1000?after=400"),
        ],
    );
    let dir = h.path("bodies");
    let out = fetcher()
        .arg(&input)
        .arg("--save-dir")
        .arg(&dir)
        .args(["--hash", "sha256", "--retries", "1"])
        .output()
        .unwrap();
    assert_eq!(out.status.code(), Some(1));
    let got = by_line(&records(&String::from_utf8(out.stdout).unwrap()));
    let big = &got[&1];
    assert_eq!(big["bytes"], n);
    assert_eq!(big["http_version"], "1.1");
    let file = big["body_file"].as_str().unwrap();
    let bytes = std::fs::read(file).unwrap();
    assert_eq!(bytes, pattern(n));
    let digest: String = {
        use sha2::Digest;
        sha2::Sha256::digest(&bytes)
            .iter()
            .map(|b| format!("{b:02x}"))
            .collect()
    };
    assert_eq!(big["sha256"], digest.as_str());
    assert_eq!(got[&2]["final_url"], h.url("/get"));
    assert_eq!(got[&2]["url"], h.url("/redirect/2"));
    // A 200 whose JSON does not parse keeps status, bytes and file beside the error.
    let bad = &got[&3];
    assert_eq!(bad["status"], 200);
    assert_eq!(bad["bytes"], 14);
    assert_eq!(bad["error"]["kind"], "decode");
    assert!(bad["body_file"].is_string(), "{bad}");
    // A cut body is retried, then recorded as cut; only its .part is left, no whole file.
    let cut = &got[&4];
    assert_eq!(cut["attempts"], 2);
    assert_eq!(cut["status"], 200);
    assert_eq!(cut["error"]["kind"], "body_cut");
    assert!(cut.get("body_file").is_none());
    assert!(!dir.join("4.body").exists());
    assert_eq!(std::fs::read(dir.join("4.body.part")).unwrap().len(), 400);
}

#[test]
fn inline_bodies_are_capped_and_binary_ones_base64() {
    let h = Site::new();
    let input = h.input(
        "in.txt",
        &[
            h.url("/range/100"),
            h.url("/range/2000000"),
            h.url("/malformed-json"),
        ],
    );
    let out = fetcher()
        .arg(&input)
        .args(["--body", "--retries", "0"])
        .output()
        .unwrap();
    let got = by_line(&records(&String::from_utf8(out.stdout).unwrap()));
    use base64::Engine as _;
    let decoded = base64::engine::general_purpose::STANDARD
        .decode(got[&1]["body"].as_str().unwrap())
        .unwrap();
    assert_eq!(decoded, pattern(100));
    assert_eq!(got[&1]["body_encoding"], "base64");
    // Over the default 1 MiB cap for inline bodies.
    assert_eq!(got[&2]["error"]["kind"], "body_too_large");
    assert_eq!(got[&2]["status"], 200);
    assert_eq!(got[&3]["body"], "{\"truncated\": ");
    assert_eq!(got[&3]["status"], 200);
    assert_eq!(got[&3]["error"]["kind"], "decode");
    // --max-body raises the cap.
    let out = fetcher()
        .arg(&input)
        .args(["--body", "--max-body", "4MiB", "--retries", "0"])
        .output()
        .unwrap();
    let got = by_line(&records(&String::from_utf8(out.stdout).unwrap()));
    assert!(got[&2]["error"].is_null(), "{}", got[&2]["error"]);
}

#[test]
fn a_killed_download_resumes_with_range_and_ends_byte_identical() {
    let h = Site::new();
    // About 2 s to serve: 48 chunks of 64 KiB, 40 ms apart.
    let n = 3 * 1024 * 1024u64;
    let input = h.input("in.txt", &[h.url(&format!("/range/{n}?pause_ms=40"))]);
    let output = h.path("out.jsonl");
    let dir = h.path("bodies");
    let part = dir.join("1.body.part");
    let mut child = spawn(&[
        input.as_os_str(),
        "-o".as_ref(),
        output.as_os_str(),
        "--save-dir".as_ref(),
        dir.as_os_str(),
        "--timeout".as_ref(),
        "none".as_ref(),
    ]);
    let deadline = Instant::now() + Duration::from_secs(20);
    while std::fs::metadata(&part).map_or(0, |m| m.len()) < n / 4 {
        assert!(Instant::now() < deadline, "the download made no progress");
        assert!(child.try_wait().unwrap().is_none(), "fetcher exited early");
        std::thread::sleep(Duration::from_millis(10));
    }
    child.kill().unwrap(); // SIGKILL, half way
    child.wait().unwrap();
    let left = std::fs::metadata(&part).unwrap().len();
    assert!(left > 0 && left < n, "{left}");
    assert!(!dir.join("1.body").exists(), "no whole file before the end");

    let out = fetcher()
        .arg(&input)
        .arg("-o")
        .arg(&output)
        .arg("--save-dir")
        .arg(&dir)
        .args(["--resume", "--timeout", "none", "--hash", "sha256"])
        .output()
        .unwrap();
    assert_eq!(
        out.status.code(),
        Some(0),
        "{}",
        String::from_utf8_lossy(&out.stderr)
    );
    let got = by_line(&read_records(&output));
    let record = &got[&1];
    assert_eq!(record["status"], 206);
    assert_eq!(record["resumed_from"], left);
    assert_eq!(record["bytes"], n);
    assert_eq!(h.server.ranged_hits(), 1, "the rerun sent Range");
    assert_eq!(std::fs::read(dir.join("1.body")).unwrap(), pattern(n));
    assert!(!part.exists());
}

#[test]
fn retry_after_holds_no_slot_and_a_stop_loses_nothing() {
    let h = Site::new();
    // Two requests told to come back in 30 s, then twenty quick ones, two at a time.
    let mut lines: Vec<String> = (0..2)
        .map(|i| h.url(&format!("/flaky/wait{i}/1?status=429&retry_after=30")))
        .collect();
    lines.extend((0..20).map(|i| h.url(&format!("/get?n={i}"))));
    let input = h.input("in.txt", &lines);
    let output = h.path("out.jsonl");
    let mut child = spawn(&[
        input.as_os_str(),
        "-o".as_ref(),
        output.as_os_str(),
        "-c".as_ref(),
        "2".as_ref(),
    ]);
    // Were a slot held through the wait, nothing could finish before the 429s do (30 s).
    wait_for_lines(&output, 20, &mut child);
    let got = by_line(&read_records(&output));
    assert_eq!(
        got.keys().copied().collect::<Vec<_>>(),
        (3..=22).collect::<Vec<_>>()
    );
    assert_eq!(h.server.key_hits("wait0") + h.server.key_hits("wait1"), 2);
    signal(&child, "INT");
    let status = wait_exit(&mut child, Duration::from_secs(5));
    assert_eq!(status.code(), Some(130));
    assert_eq!(
        read_records(&output).len(),
        20,
        "the waiting ones are not written"
    );

    // --resume does exactly the two that were waiting.
    fetcher()
        .arg(&input)
        .arg("-o")
        .arg(&output)
        .arg("--resume")
        .assert()
        .code(0);
    let got = by_line(&read_records(&output));
    assert_eq!(
        got.keys().copied().collect::<Vec<_>>(),
        (1..=22).collect::<Vec<_>>()
    );
    assert_eq!(got[&1]["status"], 200);
}

#[test]
fn sigint_with_a_silent_stdin_pipe_exits_130() {
    let mut child = StdCommand::new(assert_cmd::cargo::cargo_bin("fetcher"))
        .args(["-q", "--grace", "1s"])
        .stdin(Stdio::piped())
        .stdout(Stdio::null())
        .stderr(Stdio::piped())
        .spawn()
        .unwrap();
    let _writer = child.stdin.take(); // open, and silent
    std::thread::sleep(Duration::from_millis(300));
    signal(&child, "INT");
    let status = wait_exit(&mut child, Duration::from_secs(3));
    assert_eq!(status.code(), Some(130));
}

#[test]
fn a_closed_stdout_ends_the_run_quietly() {
    use std::io::BufRead;
    let h = Site::new();
    let lines: Vec<String> = (0..400).map(|_| h.url("/range/2000")).collect();
    let input = h.input("in.txt", &lines);
    // Two lanes, two writers: whichever meets the closed pipe first, the run ends quietly.
    let mut child = StdCommand::new(assert_cmd::cargo::cargo_bin("fetcher"))
        .arg(&input)
        .args(["--body", "--threads", "2"])
        .stdin(Stdio::null())
        .stdout(Stdio::piped())
        .stderr(Stdio::piped())
        .spawn()
        .unwrap();
    let mut first = String::new();
    let mut stdout = std::io::BufReader::new(child.stdout.take().unwrap());
    stdout.read_line(&mut first).unwrap();
    assert!(first.starts_with("{\"line\""), "{first}");
    drop(stdout); // `| head -1`
    let status = wait_exit(&mut child, Duration::from_secs(10));
    let mut stderr = String::new();
    std::io::Read::read_to_string(&mut child.stderr.take().unwrap(), &mut stderr).unwrap();
    assert_eq!(status.code(), Some(0), "{stderr}");
    assert_eq!(stderr, "", "no error line");
}

#[test]
fn a_full_disk_is_one_clear_error_whichever_lane_meets_it() {
    let h = Site::new();
    let lines: Vec<String> = (0..200).map(|i| h.url(&format!("/get?n={i}"))).collect();
    let input = h.input("in.txt", &lines);
    let out = fetcher()
        .arg(&input)
        .args(["-q", "--threads", "2", "-o", "/dev/full", "--force"])
        .output()
        .unwrap();
    let stderr = String::from_utf8(out.stderr).unwrap();
    assert_eq!(out.status.code(), Some(1), "{stderr}");
    assert_eq!(stderr.lines().count(), 1, "{stderr}");
    assert!(
        stderr.contains("/dev/full") && stderr.contains("No space left"),
        "{stderr}"
    );
}
