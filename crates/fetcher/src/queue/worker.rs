//! `fetcher worker`: fetch a job's requests from Redis until stopped (or, with `--burst`,
//! until the job has none left).
//!
//! The reader reads as many entries as its window has room for (`XREADGROUP COUNT n
//! BLOCK`; the window, four entries per request slot, bounds what is held but not yet
//! stored, as the batch run's does, so a freed slot finds an entry already read), and
//! every few seconds first takes over entries other workers left idle for `--claim-idle`
//! (`XAUTOCLAIM`); an entry delivered more than `--max-deliveries` times goes to the
//! dead-letter stream instead. Each entry runs as a task: the job-wide limits
//! ([`super::limiter`]), then [`Executor::execute`], the batch CLI's one path from request
//! to record. The writer task sends finished records in batches, each batch one
//! `MULTI`/`EXEC` of `XADD` result, `XACK` and `XDEL` request per record, so a request is
//! acknowledged exactly when its result is stored. A heartbeat re-claims the worker's own
//! entries in flight (`XCLAIM ... JUSTID` resets their idle time without counting a
//! delivery) and renews their per-host leases, so a slow request is not taken over.
//!
//! Ctrl-C or SIGTERM: no new reads; requests in flight get `--grace`; their results are
//! written and acknowledged, and the entries of requests cut off are handed back at once
//! (their idle time set past any `--claim-idle`), with why in the job's error hash.

use std::collections::HashMap;
use std::sync::{Arc, Mutex, PoisonError};
use std::time::{Duration, Instant};

use redis::aio::ConnectionManager;
use tokio::sync::mpsc::{self, UnboundedReceiver, UnboundedSender};
use tokio::sync::{OwnedSemaphorePermit, Semaphore};
use tokio_util::sync::CancellationToken;
use tokio_util::task::TaskTracker;

use super::limiter::{LEASE_TTL, Lease, Limiter};
use super::{Entry, GROUP, Job, QueueError, connect, ensure_group, entries, reply, requests_left};
use crate::cli::args::{BodyMode, InputFormat, Settings, Sink};
use crate::cli::execute::Executor;
use crate::cli::input::{RequestTemplate, parse_line};
use crate::cli::output::RecordOptions;
use crate::cli::progress::Progress;
use crate::cli::signals::Shutdown;
use crate::cli::summary::{Outcome, Tally};
use crate::cli::{CliError, EXIT_INTERRUPTED, EXIT_OK};
use crate::limits::{Limits, host_key};
use crate::{Fetcher, HttpRequest};

/// Entries held (read, not yet stored) per request slot.
const WINDOW: usize = 4;
/// How long one `XREADGROUP` waits for new entries.
const BLOCK: Duration = Duration::from_secs(1);
/// With `--burst`, short: at the end of a job the reader polls until the last results
/// are stored, and each wait adds to the run.
const BURST_BLOCK: Duration = Duration::from_millis(10);
/// Results sent in one `MULTI`/`EXEC`, at most.
const WRITE_BATCH: usize = 512;
/// Idle time given to entries handed back, so any worker takes them at once (10 years).
const HANDED_BACK_IDLE_MS: u64 = 10 * 365 * 24 * 3600 * 1000;
/// Connection failures of the reader tolerated within [`RETRY_WINDOW`].
const READ_TRIES: usize = 10;
/// The window over which reader failures are counted.
const RETRY_WINDOW: Duration = Duration::from_secs(60);
/// The wait after a reader failure.
const RETRY_WAIT: Duration = Duration::from_secs(1);
/// Tries of a failed result write before the worker gives up.
const WRITE_TRIES: u32 = 8;

/// The queue side of a worker.
#[derive(Debug, Clone)]
pub struct WorkerOptions {
    /// Redis URL.
    pub redis: String,
    /// The job.
    pub job: Job,
    /// Entries idle this long in another worker are taken over.
    pub claim_idle: Duration,
    /// Deliveries after which an entry is dead.
    pub max_deliveries: u64,
    /// Exit when the job has no requests left.
    pub burst: bool,
    /// This worker's consumer name.
    pub consumer: String,
}

/// The default consumer name: `HOST-PID`.
pub fn default_consumer() -> String {
    let host = std::env::var("HOSTNAME")
        .ok()
        .or_else(|| std::fs::read_to_string("/etc/hostname").ok())
        .map(|h| h.trim().to_owned())
        .filter(|h| !h.is_empty())
        .unwrap_or_else(|| "worker".to_owned());
    format!("{host}-{}", std::process::id())
}

/// What the worker's tasks share.
struct Shared {
    opts: WorkerOptions,
    executor: Executor,
    template: RequestTemplate,
    limiter: Limiter,
    /// Per worker, in front of the job-wide lease: at most `--per-host` of this worker's
    /// requests ask Redis for a host's slot at a time.
    local: Option<Limits>,
    con: ConnectionManager,
    /// Entries delivered to this worker and not yet acknowledged, with their lease.
    in_flight: Mutex<HashMap<String, Option<Lease>>>,
    /// `--concurrency` request slots, each held from the limits to the record.
    slots: Semaphore,
    /// Cancelled on the first signal: entries not started yet are handed back.
    stop: CancellationToken,
    abort: CancellationToken,
    progress: Progress,
}

impl Shared {
    fn in_flight(&self) -> std::sync::MutexGuard<'_, HashMap<String, Option<Lease>>> {
        self.in_flight
            .lock()
            .unwrap_or_else(PoisonError::into_inner)
    }
}

/// A finished request on its way to Redis.
struct Written {
    id: String,
    line: u64,
    record: Vec<u8>,
    outcome: Outcome,
    _window: OwnedSemaphorePermit,
}

/// Runs a worker; returns 0, or 130 when interrupted.
///
/// # Errors
/// Flags that do not apply to a worker, an unusable configuration, or Redis failing.
pub async fn work(opts: WorkerOptions, settings: Settings) -> Result<u8, CliError> {
    let Settings {
        fetcher: mut config,
        run,
    } = settings;
    if run.input.is_some()
        || run.sink != Sink::Stdout
        || run.ordered
        || run.strict
        || run.summary_json.is_some()
    {
        return Err(CliError::Usage(
            "a worker reads its requests from Redis and writes results there: drop INPUT, \
             --output, --resume, --ordered, --strict and --summary-json (push with \
             'fetcher queue push', collect with 'fetcher queue collect')"
                .to_owned(),
        ));
    }
    if opts.max_deliveries == 0 {
        return Err(CliError::Usage(
            "--max-deliveries must be at least 1".to_owned(),
        ));
    }
    if opts.claim_idle.is_zero() {
        return Err(CliError::Usage(
            "--claim-idle must be greater than zero".to_owned(),
        ));
    }
    // The job's limits replace the library's per-worker ones.
    let per_host = config.per_host.take();
    let rate = config.rate_per_sec.take();
    let concurrency = config.max_concurrent;
    let local = per_host
        .map(|n| Limits::new(concurrency, Some(n), None))
        .transpose()?;
    let fetcher = Fetcher::new(config)?;
    if let BodyMode::SaveDir(dir) = &run.body {
        std::fs::create_dir_all(dir).map_err(|source| CliError::Output {
            path: dir.display().to_string(),
            source,
        })?;
    }
    let started = Instant::now();
    let progress = Progress::new(run.progress, None);
    let shutdown = Shutdown::listen(run.grace, progress.clone())
        .map_err(|e| CliError::Start(format!("signal handlers: {e}")))?;
    let mut reader = connect(&opts.redis, BLOCK + Duration::from_secs(10)).await?;
    let mut con = connect(&opts.redis, Duration::from_secs(30)).await?;
    ensure_group(&mut con, &opts.job).await?;

    let (tx, rx) = mpsc::unbounded_channel();
    let shared = Arc::new(Shared {
        limiter: Limiter::new(opts.job.clone(), per_host, rate),
        opts,
        // Stopping ends requests waiting in back-off at once: they are handed back.
        executor: Executor {
            hash: run.hash,
            stop: shutdown.stop.clone(),
            ..Executor::new(
                fetcher,
                run.body.clone(),
                RecordOptions {
                    headers: run.include_headers,
                    body: run.body == BodyMode::Inline,
                },
            )
        },
        template: run.template.clone(),
        local,
        con: con.clone(),
        in_flight: Mutex::default(),
        slots: Semaphore::new(concurrency),
        stop: shutdown.stop.clone(),
        abort: shutdown.abort.clone(),
        progress: progress.clone(),
    });
    let tally = Tally::new().map_err(|e| CliError::Start(format!("histogram: {e}")))?;
    let failed = CancellationToken::new();
    let writer = tokio::spawn(write_results(
        rx,
        Arc::clone(&shared),
        tally,
        failed.clone(),
    ));
    let beat_stop = CancellationToken::new();
    let heartbeat = tokio::spawn(heartbeat(Arc::clone(&shared), beat_stop.clone()));

    let tracker = TaskTracker::new();
    // A lost connection (Redis restarting, a network blip) is retried: the connection
    // reconnects, and what this worker held stays pending for it or the others.
    let mut failures: Vec<Instant> = Vec::new();
    let read = loop {
        let read = read_loop(
            &shared,
            &mut reader,
            &tx,
            concurrency,
            &shutdown.stop,
            &failed,
            &tracker,
        )
        .await;
        failures.retain(|at| at.elapsed() < RETRY_WINDOW);
        match read {
            Err(QueueError::Redis { what, source })
                if failures.len() < READ_TRIES
                    && (source.is_io_error()
                        || source.is_timeout()
                        || source.is_connection_dropped()
                        || source.is_connection_refusal()) =>
            {
                failures.push(Instant::now());
                progress.println(&format!(
                    "fetcher: redis {what}: {source}; retrying in {}s",
                    RETRY_WAIT.as_secs()
                ));
                tokio::select! {
                    () = shutdown.stop.cancelled() => break Ok(()),
                    () = tokio::time::sleep(RETRY_WAIT) => {}
                }
            }
            other => break other,
        }
    };
    tracker.close();
    tracker.wait().await;
    // The writer ends once the last sender is gone.
    drop(tx);
    let written = writer
        .await
        .map_err(|e| CliError::Start(format!("writer task: {e}")))?;
    beat_stop.cancel();
    let _ = heartbeat.await;
    progress.finish();

    let left = std::mem::take(&mut *shared.in_flight());
    let handed_back = left.len();
    let opts = &shared.opts;
    hand_back(&mut con, opts, left).await?;
    if handed_back == 0 {
        // Nothing of ours is pending: leave the group tidy for `queue status`.
        let _: redis::RedisResult<i64> = redis::cmd("XGROUP")
            .arg("DELCONSUMER")
            .arg(opts.job.requests())
            .arg(GROUP)
            .arg(&opts.consumer)
            .query_async(&mut con)
            .await;
    }
    let interrupted = shutdown.stop.is_cancelled();
    let (tally, write_error) = written;
    if run.summary {
        eprint!("{}", tally.to_text(started.elapsed(), interrupted));
        if handed_back > 0 {
            eprintln!(
                "fetcher: worker {}: handed {handed_back} unfinished requests back to the job",
                opts.consumer
            );
        }
    }
    read?;
    if let Some(e) = write_error {
        return Err(e.into());
    }
    Ok(if interrupted {
        EXIT_INTERRUPTED
    } else {
        EXIT_OK
    })
}

/// Reads, claims and dispatches until stopped, the writer fails, or (`--burst`) the job
/// is empty.
async fn read_loop(
    shared: &Arc<Shared>,
    reader: &mut ConnectionManager,
    tx: &UnboundedSender<Written>,
    concurrency: usize,
    stop: &CancellationToken,
    failed: &CancellationToken,
    tracker: &TaskTracker,
) -> Result<(), QueueError> {
    let opts = &shared.opts;
    let requests = opts.job.requests();
    let window = Arc::new(Semaphore::new(concurrency.saturating_mul(WINDOW)));
    let claim_every =
        (opts.claim_idle / 2).clamp(Duration::from_millis(50), Duration::from_secs(5));
    let mut last_claim: Option<Instant> = None;
    let mut cursor = "0-0".to_owned();
    let mut con = shared.con.clone();
    loop {
        let first = tokio::select! {
            biased;
            () = stop.cancelled() => break,
            () = failed.cancelled() => break,
            permit = Arc::clone(&window).acquire_owned() => match permit {
                Ok(permit) => permit,
                Err(_) => break,
            },
        };
        let mut permits = vec![first];
        while let Ok(permit) = Arc::clone(&window).try_acquire_owned() {
            permits.push(permit);
        }
        let mut got = 0usize;
        if last_claim.is_none_or(|at| at.elapsed() >= claim_every) {
            last_claim = Some(Instant::now());
            let claimed = claim(&mut con, shared, &mut cursor, permits.len()).await?;
            for (entry, deliveries) in claimed {
                got += 1;
                if deliveries > opts.max_deliveries {
                    dead_letter(&mut con, shared, &entry, deliveries, None).await?;
                } else if let Some(permit) = permits.pop() {
                    dispatch(shared, tracker, tx, entry, permit);
                }
            }
        }
        if !permits.is_empty() {
            let answer: redis::Value = redis::cmd("XREADGROUP")
                .arg("GROUP")
                .arg(GROUP)
                .arg(&opts.consumer)
                .arg("COUNT")
                .arg(permits.len())
                .arg("BLOCK")
                .arg(if opts.burst { BURST_BLOCK } else { BLOCK }.as_millis() as u64)
                .arg("STREAMS")
                .arg(&requests)
                .arg(">")
                .query_async(reader)
                .await
                .map_err(QueueError::redis("read requests"))?;
            let read = read_reply(answer).map_err(reply("read requests"))?;
            got += read.len();
            if stop.is_cancelled() {
                // Read as the signal came: not started, so handed back with the rest.
                let mut in_flight = shared.in_flight();
                for entry in read {
                    in_flight.insert(entry.id, None);
                }
                break;
            }
            for entry in read {
                match permits.pop() {
                    Some(permit) => dispatch(shared, tracker, tx, entry, permit),
                    None => {
                        shared.in_flight().insert(entry.id, None);
                    }
                }
            }
        }
        drop(permits);
        if got == 0 {
            // Idle: look for abandoned entries at the next turn.
            last_claim = None;
            let idle = shared.in_flight().is_empty();
            if opts.burst && idle && requests_left(&mut con, &opts.job).await? == 0 {
                break;
            }
        }
    }
    Ok(())
}

/// The entries of an `XREADGROUP` reply (nil when it timed out).
fn read_reply(value: redis::Value) -> Result<Vec<Entry>, String> {
    let streams: Option<Vec<(String, redis::Value)>> =
        redis::from_redis_value(value).map_err(|e| e.to_string())?;
    let mut out = Vec::new();
    for (_, list) in streams.unwrap_or_default() {
        out.extend(entries(list)?);
    }
    Ok(out)
}

/// Takes over up to `count` entries idle for `--claim-idle`, with their delivery counts.
async fn claim(
    con: &mut ConnectionManager,
    shared: &Shared,
    cursor: &mut String,
    count: usize,
) -> Result<Vec<(Entry, u64)>, QueueError> {
    let opts = &shared.opts;
    let requests = opts.job.requests();
    let answer: Vec<redis::Value> = redis::cmd("XAUTOCLAIM")
        .arg(&requests)
        .arg(GROUP)
        .arg(&opts.consumer)
        .arg(opts.claim_idle.as_millis() as u64)
        .arg(cursor.as_str())
        .arg("COUNT")
        .arg(count)
        .query_async(con)
        .await
        .map_err(QueueError::redis("claim idle requests"))?;
    let mut parts = answer.into_iter();
    let (Some(next), Some(list)) = (parts.next(), parts.next()) else {
        return Err(QueueError::Reply {
            what: "claim idle requests",
            why: "XAUTOCLAIM gave fewer than two parts".to_owned(),
        });
    };
    *cursor = redis::from_redis_value(next).map_err(|e| QueueError::Reply {
        what: "claim idle requests",
        why: e.to_string(),
    })?;
    let claimed = entries(list).map_err(reply("claim idle requests"))?;
    let (Some(first), Some(last)) = (claimed.first(), claimed.last()) else {
        return Ok(Vec::new());
    };
    // Delivery counts of ours in that id range (the claimed ones and maybe some in flight).
    let room = claimed.len() + shared.in_flight().len() + 16;
    let pending: Vec<(String, String, u64, u64)> = redis::cmd("XPENDING")
        .arg(&requests)
        .arg(GROUP)
        .arg(&first.id)
        .arg(&last.id)
        .arg(room)
        .arg(&opts.consumer)
        .query_async(con)
        .await
        .map_err(QueueError::redis("read delivery counts"))?;
    let counts: HashMap<String, u64> = pending
        .into_iter()
        .map(|(id, _, _, deliveries)| (id, deliveries))
        .collect();
    Ok(claimed
        .into_iter()
        .map(|entry| {
            let deliveries = counts.get(&entry.id).copied().unwrap_or(1);
            (entry, deliveries)
        })
        .collect())
}

/// Moves an entry to the dead-letter stream, with `error` or the last one recorded.
async fn dead_letter(
    con: &mut ConnectionManager,
    shared: &Shared,
    entry: &Entry,
    deliveries: u64,
    error: Option<String>,
) -> Result<(), QueueError> {
    let job = &shared.opts.job;
    let error = match error {
        Some(error) => error,
        None => {
            let last: Option<String> = redis::cmd("HGET")
                .arg(job.errors())
                .arg(&entry.id)
                .query_async(con)
                .await
                .map_err(QueueError::redis("read the last error"))?;
            let last = last.unwrap_or_else(|| {
                "each worker that took it stopped answering before writing a result \
                 (killed, crashed or cut off)"
                    .to_owned()
            });
            format!("delivered {deliveries} times without a result; last: {last}")
        }
    };
    shared.progress.println(&format!(
        "fetcher: request {} is dead: {error}",
        entry.request_line().unwrap_or(0)
    ));
    let mut pipe = redis::pipe();
    pipe.atomic()
        .cmd("XADD")
        .arg(job.dead())
        .arg("*")
        .arg("line")
        .arg(entry.request_line().unwrap_or(0))
        .arg("in")
        .arg(entry.get("in").unwrap_or_default())
        .arg("deliveries")
        .arg(deliveries)
        .arg("error")
        .arg(error)
        .ignore();
    settle(&mut pipe, &job.requests(), &entry.id)
        .cmd("HDEL")
        .arg(job.errors())
        .arg(&entry.id)
        .ignore()
        .query_async::<()>(con)
        .await
        .map_err(QueueError::redis("move a request to the dead letters"))
}

/// Adds to `pipe` the end of request `id`: acknowledged (out of the group's pending list)
/// and deleted (out of the stream, so the job's Redis memory is what is left to do).
/// `requests` is the job's request stream.
fn settle<'a>(pipe: &'a mut redis::Pipeline, requests: &str, id: &str) -> &'a mut redis::Pipeline {
    pipe.cmd("XACK")
        .arg(requests)
        .arg(GROUP)
        .arg(id)
        .ignore()
        .cmd("XDEL")
        .arg(requests)
        .arg(id)
        .ignore()
}

/// Registers an entry as in flight and starts its task.
fn dispatch(
    shared: &Arc<Shared>,
    tracker: &TaskTracker,
    tx: &UnboundedSender<Written>,
    entry: Entry,
    window: OwnedSemaphorePermit,
) {
    shared.in_flight().insert(entry.id.clone(), None);
    tracker.spawn(run_entry(Arc::clone(shared), tx.clone(), entry, window));
}

/// The request an entry holds, or why it holds none.
fn request_of(entry: &Entry, template: &RequestTemplate) -> Result<(u64, HttpRequest), String> {
    let line = entry
        .request_line()
        .ok_or_else(|| format!("entry id {} is not LINE-0", entry.id))?;
    let text = entry
        .get("in")
        .ok_or("the entry has no 'in' field: it was not added by 'fetcher queue push'")?;
    let text = std::str::from_utf8(text).map_err(|e| format!("not UTF-8 text ({e})"))?;
    match parse_line(text, InputFormat::Auto, template)? {
        Some(req) => Ok((line, req)),
        None => Err("the entry holds no request".to_owned()),
    }
}

/// One entry: limits, fetch, record, then to the writer. Cut off by the end of the grace
/// period, it sends nothing and stays in flight, to be handed back.
async fn run_entry(
    shared: Arc<Shared>,
    tx: UnboundedSender<Written>,
    entry: Entry,
    window: OwnedSemaphorePermit,
) {
    let mut con = shared.con.clone();
    let (line, req) = match request_of(&entry, &shared.template) {
        Ok(found) => found,
        Err(why) => {
            let dead = dead_letter(&mut con, &shared, &entry, 1, Some(why)).await;
            match dead {
                Ok(()) => {
                    shared.in_flight().remove(&entry.id);
                }
                Err(e) => shared.progress.println(&format!("fetcher: {e}")),
            }
            return;
        }
    };
    let slot = tokio::select! {
        biased;
        () = shared.stop.cancelled() => return,
        slot = shared.slots.acquire() => match slot {
            Ok(slot) => slot,
            Err(_) => return,
        },
    };
    let limited = async {
        if !shared.limiter.is_active() {
            return Ok(None);
        }
        let url = url::Url::parse(&req.url).ok();
        let _local = match (&shared.local, &url) {
            (Some(local), Some(url)) => Some(local.acquire(url).await),
            _ => None,
        };
        let origin = url.as_ref().map(host_key);
        let lease = shared
            .limiter
            .acquire(&mut con.clone(), origin.as_deref(), &entry.id)
            .await?;
        if let Some(slot) = shared.in_flight().get_mut(&entry.id) {
            slot.clone_from(&lease);
        }
        // The local slot goes with the lease: the job-wide one now bounds this host.
        Ok::<_, QueueError>(lease)
    };
    let lease = tokio::select! {
        biased;
        () = shared.abort.cancelled() => return,
        lease = limited => lease,
    };
    let lease = match lease {
        Ok(lease) => lease,
        Err(e) => {
            // Left in flight: handed back at the end, or taken over after --claim-idle.
            shared
                .progress
                .println(&format!("fetcher: request {line}: {e}"));
            return;
        }
    };
    let executed = tokio::select! {
        biased;
        executed = shared.executor.execute(line, &req) => executed,
        () = shared.abort.cancelled() => return,
    };
    drop(slot);
    if executed.cancelled {
        // Stopped in a back-off wait: nothing to store; handed back with the rest.
        return;
    }
    if let Some(lease) = lease {
        if let Some(held) = shared.in_flight().get_mut(&entry.id) {
            *held = None;
        }
        if let Err(e) = Limiter::release(&mut con, std::slice::from_ref(&lease)).await {
            // It lapses by itself.
            shared.progress.println(&format!("fetcher: {e}"));
        }
    }
    let _ = tx.send(Written {
        id: entry.id,
        line,
        record: executed.record,
        outcome: executed.outcome,
        _window: window,
    });
}

/// Writes finished records in batches until every sender is gone; returns the tally and
/// the error that made it stop early, if any (it then cancels `failed`).
async fn write_results(
    mut rx: UnboundedReceiver<Written>,
    shared: Arc<Shared>,
    mut tally: Tally,
    failed: CancellationToken,
) -> (Tally, Option<QueueError>) {
    let mut con = shared.con.clone();
    let (results, requests) = (shared.opts.job.results(), shared.opts.job.requests());
    let progress = shared.progress.clone();
    let mut batch: Vec<Written> = Vec::with_capacity(WRITE_BATCH);
    while let Some(first) = rx.recv().await {
        batch.push(first);
        while batch.len() < WRITE_BATCH {
            match rx.try_recv() {
                Ok(next) => batch.push(next),
                Err(_) => break,
            }
        }
        let mut pipe = redis::pipe();
        pipe.atomic();
        for w in &batch {
            pipe.cmd("XADD")
                .arg(&results)
                .arg("*")
                .arg("line")
                .arg(w.line)
                .arg("rec")
                .arg(&w.record)
                .ignore();
            settle(&mut pipe, &requests, &w.id);
        }
        let mut wait = Duration::from_millis(100);
        let mut tries = 0;
        loop {
            tries += 1;
            match pipe.query_async::<()>(&mut con).await {
                Ok(()) => break,
                Err(e) if tries >= WRITE_TRIES => {
                    failed.cancel();
                    // What is left stays pending: handed back, or taken over.
                    return (tally, Some(QueueError::redis("write results")(e)));
                }
                Err(e) => {
                    progress.println(&format!("fetcher: writing results failed ({e}); retrying"));
                    tokio::time::sleep(wait).await;
                    wait = (wait * 2).min(Duration::from_secs(5));
                }
            }
        }
        let mut in_flight = shared.in_flight();
        for w in batch.drain(..) {
            in_flight.remove(&w.id);
            tally.add(&w.outcome);
            progress.record(&w.outcome);
        }
    }
    (tally, None)
}

/// Keeps this worker's entries and leases alive while their requests run: resets the
/// entries' idle time (without counting a delivery) and renews the leases, a few times per
/// `--claim-idle` and per [`LEASE_TTL`].
async fn heartbeat(shared: Arc<Shared>, stop: CancellationToken) {
    let every = (shared.opts.claim_idle.min(LEASE_TTL) / 3).max(Duration::from_millis(20));
    let mut ticker = tokio::time::interval(every);
    ticker.set_missed_tick_behavior(tokio::time::MissedTickBehavior::Delay);
    let mut con = shared.con.clone();
    let requests = shared.opts.job.requests();
    loop {
        tokio::select! {
            () = stop.cancelled() => return,
            _ = ticker.tick() => {}
        }
        let (ids, leases): (Vec<String>, Vec<Lease>) = {
            let in_flight = shared.in_flight();
            (
                in_flight.keys().cloned().collect(),
                in_flight.values().flatten().cloned().collect(),
            )
        };
        for chunk in ids.chunks(1000) {
            let kept: redis::RedisResult<redis::Value> = redis::cmd("XCLAIM")
                .arg(&requests)
                .arg(GROUP)
                .arg(&shared.opts.consumer)
                .arg(0)
                .arg(chunk)
                .arg("JUSTID")
                .query_async(&mut con)
                .await;
            if let Err(e) = kept {
                shared
                    .progress
                    .println(&format!("fetcher: keeping requests leased failed: {e}"));
            }
        }
        if let Err(e) = shared.limiter.renew(&mut con, &leases).await {
            shared.progress.println(&format!("fetcher: {e}"));
        }
    }
}

/// Hands entries cut off by a stop back to the job at once, with why, and frees their
/// leases.
async fn hand_back(
    con: &mut ConnectionManager,
    opts: &WorkerOptions,
    left: HashMap<String, Option<Lease>>,
) -> Result<(), QueueError> {
    if left.is_empty() {
        return Ok(());
    }
    let ids: Vec<&String> = left.keys().collect();
    let leases: Vec<Lease> = left.values().flatten().cloned().collect();
    let why = format!(
        "worker {} stopped before finishing it (interrupted; cut off after its grace period)",
        opts.consumer
    );
    let mut pipe = redis::pipe();
    pipe.cmd("XCLAIM")
        .arg(opts.job.requests())
        .arg(GROUP)
        .arg(&opts.consumer)
        .arg(0)
        .arg(&ids)
        .arg("IDLE")
        .arg(HANDED_BACK_IDLE_MS)
        .arg("JUSTID")
        .ignore();
    for id in &ids {
        pipe.cmd("HSET")
            .arg(opts.job.errors())
            .arg(*id)
            .arg(&why)
            .ignore();
    }
    pipe.query_async::<()>(con)
        .await
        .map_err(QueueError::redis("hand requests back"))?;
    Limiter::release(con, &leases).await
}
