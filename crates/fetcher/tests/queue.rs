//! `fetcher queue` and `fetcher worker` as processes, against the crate's own server and a
//! throwaway `redis-server` (skipped, saying so, where it is not installed; failing under
//! `CI=true`).

#![allow(clippy::unwrap_used, clippy::expect_used)]

mod common;
#[path = "support/redis.rs"]
mod redis_server;

use std::collections::BTreeMap;
use std::path::Path;
use std::process::{Output, Stdio};
use std::time::{Duration, Instant};

use fetcher::queue::status::PendingSummary;
use redis_server::RedisServer;
use tokio::process::{Child, Command};

/// Stream entries as `XRANGE` gives them: id, then field/value pairs.
type Stream<T> = Vec<(String, Vec<(String, T)>)>;

const BIN: &str = env!("CARGO_BIN_EXE_fetcher");

/// `fetcher ARGS` to completion.
async fn fetcher(args: &[&str]) -> Output {
    Command::new(BIN)
        .args(args)
        .stdin(Stdio::null())
        .output()
        .await
        .unwrap()
}

/// A worker process of `job` named `name`.
fn worker(redis: &RedisServer, job: &str, name: &str, extra: &[&str]) -> Child {
    Command::new(BIN)
        .args([
            "worker",
            "--redis",
            &redis.url(),
            "--job",
            job,
            "--consumer",
            name,
        ])
        .args(extra)
        .stdin(Stdio::null())
        .stdout(Stdio::null())
        .stderr(Stdio::piped())
        .kill_on_drop(true)
        .spawn()
        .unwrap()
}

async fn push(redis: &RedisServer, job: &str, input: &Path) -> Output {
    let out = fetcher(&[
        "queue",
        "push",
        "--redis",
        &redis.url(),
        "--job",
        job,
        input.to_str().unwrap(),
    ])
    .await;
    assert!(
        out.status.success(),
        "push: {}",
        String::from_utf8_lossy(&out.stderr)
    );
    out
}

/// Writes `urls` to a file in `dir` and pushes it as `job`.
async fn push_urls(redis: &RedisServer, job: &str, dir: &Path, urls: &[String]) {
    let input = dir.join(format!("{job}.txt"));
    std::fs::write(&input, urls.join("\n")).unwrap();
    push(redis, job, &input).await;
}

/// Runs workers `names` of `job` at once, to completion; each must exit 0.
async fn run_workers(redis: &RedisServer, job: &str, names: &[&str], flags: &[&str]) {
    let mut workers: Vec<Child> = names
        .iter()
        .map(|name| worker(redis, job, name, flags))
        .collect();
    for w in &mut workers {
        let (code, err) = exit_of(w).await;
        assert_eq!(code, 0, "{err}");
    }
}

async fn redis_con(redis: &RedisServer) -> redis::aio::MultiplexedConnection {
    redis::Client::open(redis.url())
        .unwrap()
        .get_multiplexed_async_connection()
        .await
        .unwrap()
}

/// Requests pending per consumer.
async fn pending(con: &mut redis::aio::MultiplexedConnection, job: &str) -> BTreeMap<String, u64> {
    let (_, _, _, consumers): PendingSummary = redis::cmd("XPENDING")
        .arg(format!("fetcher:{{{job}}}:requests"))
        .arg("workers")
        .query_async(con)
        .await
        .unwrap();
    consumers.unwrap_or_default().into_iter().collect()
}

/// Waits until `name` holds at least `n` requests.
async fn until_holding(con: &mut redis::aio::MultiplexedConnection, job: &str, name: &str, n: u64) {
    let deadline = Instant::now() + Duration::from_secs(5);
    while pending(con, job).await.get(name).copied().unwrap_or(0) < n {
        assert!(Instant::now() < deadline, "{name} never held {n} requests");
        tokio::time::sleep(Duration::from_millis(10)).await;
    }
}

/// Sends signal `name` (`TERM`, `STOP`, ...) to process `pid`.
fn signal(pid: &str, name: &str) {
    let sent = std::process::Command::new("kill")
        .args([&format!("-{name}"), pid])
        .status()
        .unwrap();
    assert!(sent.success(), "kill -{name} {pid}");
}

/// Waits until the server has seen `n` requests on `path`.
async fn until_hits(server: &fetcher::server::Server, path: &str, n: u64) {
    let deadline = Instant::now() + Duration::from_secs(5);
    while server.hits(path) < n {
        assert!(Instant::now() < deadline, "{path} never got {n} requests");
        tokio::time::sleep(Duration::from_millis(10)).await;
    }
}

async fn exit_of(child: &mut Child) -> (i32, String) {
    let status = tokio::time::timeout(Duration::from_secs(20), child.wait())
        .await
        .expect("worker did not finish")
        .unwrap();
    let mut err = String::new();
    if let Some(mut stderr) = child.stderr.take() {
        use tokio::io::AsyncReadExt;
        stderr.read_to_string(&mut err).await.unwrap();
    }
    (status.code().unwrap_or(-1), err)
}

fn lines_of(path: &Path) -> Vec<serde_json::Value> {
    std::fs::read_to_string(path)
        .unwrap()
        .lines()
        .map(|l| serde_json::from_str(l).unwrap())
        .collect()
}

fn status_field(text: &str, name: &str) -> u64 {
    text.lines()
        .find_map(|l| l.strip_prefix(name))
        .and_then(|rest| rest.split_whitespace().next())
        .and_then(|n| n.parse().ok())
        .unwrap_or_else(|| panic!("no '{name}' in status:\n{text}"))
}

async fn status(redis: &RedisServer, job: &str) -> String {
    let out = fetcher(&["queue", "status", "--redis", &redis.url(), "--job", job]).await;
    assert!(
        out.status.success(),
        "{}",
        String::from_utf8_lossy(&out.stderr)
    );
    String::from_utf8(out.stdout).unwrap()
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn three_workers_one_killed_every_line_once_nothing_pending() {
    let Some(redis) = RedisServer::start("three_workers_one_killed") else {
        return;
    };
    let server = common::server().await;
    let dir = tempfile::tempdir().unwrap();
    let n = 240;
    let urls: Vec<String> = (1..=n)
        .map(|i| server.url(&format!("/delay/0.02?i={i}")))
        .collect();
    push_urls(&redis, "kill", dir.path(), &urls).await;
    let flags = ["--burst", "--claim-idle", "300ms", "-c", "4", "-q"];
    let mut a = worker(&redis, "kill", "a", &flags);
    let mut con = redis_con(&redis).await;
    until_holding(&mut con, "kill", "a", 4).await;
    let mut b = worker(&redis, "kill", "b", &flags);
    let mut c = worker(&redis, "kill", "c", &flags);
    tokio::time::sleep(Duration::from_millis(100)).await;
    // Freeze a where it holds requests (not between storing results and reading more),
    // then kill it there.
    let pid = a.id().unwrap().to_string();
    let held_by_a = loop {
        signal(&pid, "STOP");
        let held = pending(&mut con, "kill")
            .await
            .get("a")
            .copied()
            .unwrap_or(0);
        if held > 0 {
            break held;
        }
        signal(&pid, "CONT");
        tokio::time::sleep(Duration::from_millis(5)).await;
    };
    a.start_kill().unwrap();
    a.wait().await.unwrap();
    assert!(held_by_a > 0);
    assert_eq!(exit_of(&mut b).await.0, 0);
    assert_eq!(exit_of(&mut c).await.0, 0);

    let out = dir.path().join("out.jsonl");
    let collected = fetcher(&[
        "queue",
        "collect",
        "--redis",
        &redis.url(),
        "--job",
        "kill",
        "-o",
        out.to_str().unwrap(),
    ])
    .await;
    assert!(collected.status.success());
    let records = lines_of(&out);
    let mut lines: Vec<u64> = records
        .iter()
        .map(|r| r["line"].as_u64().unwrap())
        .collect();
    lines.sort_unstable();
    assert_eq!(
        lines,
        (1..=n).collect::<Vec<_>>(),
        "every line exactly once"
    );
    for record in &records {
        let line = record["line"].as_u64().unwrap() as usize;
        assert_eq!(record["url"], urls[line - 1].as_str());
        assert_eq!(record["status"], 200);
    }
    assert!(
        pending(&mut con, "kill").await.is_empty(),
        "nothing left pending"
    );
    let text = status(&redis, "kill").await;
    assert_eq!(status_field(&text, "done"), n);
    assert_eq!(status_field(&text, "waiting"), 0);
    assert_eq!(status_field(&text, "in flight"), 0);
    assert_eq!(status_field(&text, "dead"), 0);
    // a's leased requests were taken over by b and c: all n are done though a was killed
    // holding `held_by_a`.
    assert!(server.hits("/delay/0.02") >= n);
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn poison_request_ends_in_the_dead_letters() {
    let Some(redis) = RedisServer::start("poison_request") else {
        return;
    };
    let server = common::server().await;
    let dir = tempfile::tempdir().unwrap();
    let input = dir.path().join("urls.txt");
    std::fs::write(
        &input,
        format!("{}\n{}\n", server.url("/hang"), server.url("/get")),
    )
    .unwrap();
    push(&redis, "poison", &input).await;
    let flags = [
        "--claim-idle",
        "200ms",
        "--max-deliveries",
        "2",
        "--timeout",
        "60s",
        "--grace",
        "50ms",
    ];
    let mut con = redis_con(&redis).await;

    // Delivery 1: stopped with SIGTERM: the worker hands the request back, saying why.
    let mut w1 = worker(&redis, "poison", "w1", &flags);
    until_holding(&mut con, "poison", "w1", 1).await;
    until_hits(&server, "/hang", 1).await;
    signal(&w1.id().unwrap().to_string(), "TERM");
    let (code, err) = exit_of(&mut w1).await;
    assert_eq!(code, 130, "{err}");
    assert!(err.contains("handed 1 unfinished requests back"), "{err}");

    // Delivery 2: killed outright.
    let mut w2 = worker(&redis, "poison", "w2", &flags);
    until_holding(&mut con, "poison", "w2", 1).await;
    until_hits(&server, "/hang", 2).await;
    w2.start_kill().unwrap();
    w2.wait().await.unwrap();

    // Delivery 3 is one too many: dead-lettered, not fetched again.
    let mut w3 = worker(&redis, "poison", "w3", &[&flags[..], &["--burst"]].concat());
    let (code, err) = exit_of(&mut w3).await;
    assert_eq!(code, 0, "{err}");
    assert!(err.contains("request 1 is dead"), "{err}");

    let dead: Stream<String> = redis::cmd("XRANGE")
        .arg("fetcher:{poison}:dead")
        .arg("-")
        .arg("+")
        .query_async(&mut con)
        .await
        .unwrap();
    assert_eq!(dead.len(), 1);
    let fields: BTreeMap<String, String> = dead[0].1.iter().cloned().collect();
    assert_eq!(fields["line"], "1");
    assert_eq!(fields["in"], server.url("/hang"));
    assert_eq!(fields["deliveries"], "3");
    assert!(
        fields["error"].contains("w1 stopped before finishing it"),
        "{fields:?}"
    );
    assert_eq!(
        server.hits("/hang"),
        2,
        "the dead request was not fetched a third time"
    );
    let text = status(&redis, "poison").await;
    assert_eq!(status_field(&text, "done"), 1);
    assert_eq!(status_field(&text, "dead"), 1);
    assert_eq!(status_field(&text, "in flight"), 0);
    assert_eq!(status_field(&text, "waiting"), 0);
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn per_host_limit_holds_across_three_workers() {
    let Some(redis) = RedisServer::start("per_host_across_workers") else {
        return;
    };
    let server = common::server().await;
    let dir = tempfile::tempdir().unwrap();
    let urls: Vec<String> = (1..=24)
        .map(|i| server.url(&format!("/delay/0.05?i={i}")))
        .collect();
    push_urls(&redis, "polite", dir.path(), &urls).await;
    // Collecting while the workers work: --follow ends once the job is done.
    let out = dir.path().join("out.jsonl");
    let url = redis.url();
    let args = [
        "queue", "collect", "--follow", "--redis", &url, "--job", "polite", "-o",
    ];
    let follow = Command::new(BIN)
        .args(args)
        .arg(&out)
        .stderr(Stdio::piped())
        .kill_on_drop(true)
        .spawn()
        .unwrap();
    let flags = ["--burst", "-c", "8", "--per-host", "2", "-q"];
    run_workers(&redis, "polite", &["x", "y", "z"], &flags).await;
    let followed = tokio::time::timeout(Duration::from_secs(10), follow.wait_with_output())
        .await
        .expect("collect --follow did not end with the job")
        .unwrap();
    assert!(followed.status.success());
    assert_eq!(lines_of(&out).len(), 24);
    assert_eq!(server.hits("/delay/0.05"), 24);
    assert_eq!(
        server.peak_in_flight(),
        2,
        "three workers together kept to --per-host 2"
    );
    let text = status(&redis, "polite").await;
    assert_eq!(status_field(&text, "done"), 24);
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn rate_is_the_jobs_across_workers() {
    let Some(redis) = RedisServer::start("rate_across_workers") else {
        return;
    };
    let server = common::server().await;
    let dir = tempfile::tempdir().unwrap();
    let urls: Vec<String> = (1..=9)
        .map(|i| server.url(&format!("/get?i={i}")))
        .collect();
    push_urls(&redis, "paced", dir.path(), &urls).await;
    // 20 per second over the job: 9 starts span at least 8 intervals of 50 ms, whatever
    // the number of workers (each alone would allow 20 per second).
    let started = Instant::now();
    run_workers(
        &redis,
        "paced",
        &["p", "q", "r"],
        &["--burst", "--rate", "20", "-q"],
    )
    .await;
    assert!(
        started.elapsed() >= Duration::from_millis(400),
        "{:?}",
        started.elapsed()
    );
    assert_eq!(server.hits("/get"), 9);
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn push_twice_adds_once_and_collect_writes_each_line_once() {
    let Some(redis) = RedisServer::start("push_and_collect") else {
        return;
    };
    let server = common::server().await;
    let dir = tempfile::tempdir().unwrap();
    let input = dir.path().join("urls.txt");
    let text = format!(
        "{}\n# a comment\n\n{}\n{{\"url\": \"{}\", \"method\": \"POST\"}}\n",
        server.url("/get?a"),
        server.url("/status/404"),
        server.url("/post")
    );
    std::fs::write(&input, text).unwrap();
    let first = push(&redis, "once", &input).await;
    assert!(String::from_utf8_lossy(&first.stderr).contains("pushed 3 requests (0 already there)"));
    let again = push(&redis, "once", &input).await;
    assert!(String::from_utf8_lossy(&again.stderr).contains("pushed 0 requests (3 already there)"));

    let mut w = worker(&redis, "once", "solo", &["--burst", "-q"]);
    assert_eq!(exit_of(&mut w).await.0, 0);
    // A result written twice (as when a worker dies between its write and exit) is
    // collected once.
    let mut con = redis_con(&redis).await;
    let results: Stream<Vec<u8>> = redis::cmd("XRANGE")
        .arg("fetcher:{once}:results")
        .arg("-")
        .arg("+")
        .query_async(&mut con)
        .await
        .unwrap();
    assert_eq!(results.len(), 3);
    let (_, fields) = &results[0];
    let _: String = redis::cmd("XADD")
        .arg("fetcher:{once}:results")
        .arg("*")
        .arg(&fields[0].0)
        .arg(&fields[0].1)
        .arg(&fields[1].0)
        .arg(&fields[1].1)
        .query_async(&mut con)
        .await
        .unwrap();

    let out = dir.path().join("out.jsonl");
    let collect = |extra: &'static [&'static str]| {
        let url = redis.url();
        let out = out.clone();
        async move {
            let mut args = vec!["queue", "collect", "--redis", &url, "--job", "once", "-o"];
            let out = out.to_str().unwrap().to_owned();
            args.push(&out);
            args.extend_from_slice(extra);
            fetcher(&args).await
        }
    };
    let done = collect(&[]).await;
    assert!(
        done.status.success(),
        "{}",
        String::from_utf8_lossy(&done.stderr)
    );
    assert!(String::from_utf8_lossy(&done.stderr).contains("wrote 3 records"));
    assert!(String::from_utf8_lossy(&done.stderr).contains("1 duplicates dropped"));
    let records = lines_of(&out);
    let by_line: BTreeMap<u64, &serde_json::Value> = records
        .iter()
        .map(|r| (r["line"].as_u64().unwrap(), r))
        .collect();
    assert_eq!(by_line.keys().copied().collect::<Vec<_>>(), vec![1, 4, 5]);
    assert_eq!(by_line[&4]["status"], 404);
    assert_eq!(by_line[&4]["error"]["kind"], "status");
    assert_eq!(by_line[&5]["method"], "POST");

    // Again without --resume: the file is not overwritten; with it, nothing is added.
    let refused = collect(&[]).await;
    assert_eq!(refused.status.code(), Some(2));
    assert!(String::from_utf8_lossy(&refused.stderr).contains("--resume"));
    let resumed = collect(&["--resume"]).await;
    assert!(resumed.status.success());
    assert!(String::from_utf8_lossy(&resumed.stderr).contains("wrote 0 records"));
    assert_eq!(lines_of(&out).len(), 3);

    // The batch CLI's --resume reads what collect wrote.
    let batch = fetcher(&[
        input.to_str().unwrap(),
        "-o",
        out.to_str().unwrap(),
        "--resume",
        "-q",
    ])
    .await;
    assert_eq!(
        batch.status.code(),
        Some(0),
        "{}",
        String::from_utf8_lossy(&batch.stderr)
    );
    assert_eq!(lines_of(&out).len(), 3);

    let dropped = fetcher(&["queue", "drop", "--redis", &redis.url(), "--job", "once"]).await;
    assert!(dropped.status.success());
    let keys: Vec<String> = redis::cmd("KEYS")
        .arg("fetcher:*")
        .query_async(&mut con)
        .await
        .unwrap();
    assert!(keys.is_empty(), "{keys:?}");
    let gone = fetcher(&["queue", "status", "--redis", &redis.url(), "--job", "once"]).await;
    assert_eq!(gone.status.code(), Some(2));
    assert!(String::from_utf8_lossy(&gone.stderr).contains("no job 'once'"));
}

#[tokio::test]
async fn unreachable_redis_is_one_clear_line() {
    let port = std::net::TcpListener::bind("127.0.0.1:0")
        .unwrap()
        .local_addr()
        .unwrap()
        .port();
    let url = format!("redis://127.0.0.1:{port}");
    let out = fetcher(&["queue", "status", "--redis", &url, "--job", "j"]).await;
    assert_eq!(out.status.code(), Some(1));
    let err = String::from_utf8_lossy(&out.stderr);
    assert!(err.starts_with("fetcher: redis connect:"), "{err}");
    assert!(err.contains("check that Redis 7 runs at --redis"), "{err}");
    assert_eq!(err.lines().count(), 1, "{err}");
    let bad = fetcher(&["worker", "--redis", &url, "--job", "j", "urls.txt"]).await;
    assert_eq!(bad.status.code(), Some(2));
    assert!(String::from_utf8_lossy(&bad.stderr).contains("drop INPUT"));
}
