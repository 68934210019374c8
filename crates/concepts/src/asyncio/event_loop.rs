//! Three ways to run a coroutine, and the runtime that runs them (seed: `Asyncio/event_loop.py`).
//!
//! **Python.** `asyncio.run` starts the event loop. A coroutine can be awaited directly, wrapped
//! in a task with `create_task` and awaited, or several tasks can be started and collected
//! with `asyncio.gather`: three one-second coroutines gathered take one second, not three.
//!
//! **Rust.** The event loop is a library object: a [`tokio::runtime::Runtime`], built with a
//! `Builder` and entered with `block_on` (what `asyncio.run` does; `#[tokio::main]` writes
//! that for you). The three ways are `.await` on the future, `tokio::spawn` then `.await` on
//! the handle, and [`futures::future::try_join_all`] over several handles (the `gather`).
//!
//! **The difference.** A multi-thread runtime (tokio's default) runs tasks on several OS
//! threads *at the same time*; asyncio's loop is one thread. [`tasks_overlap`] shows it: two
//! tasks that each block until the other has started meet on a 2-worker runtime and cannot
//! on a current-thread one (which behaves like asyncio). Blocking a worker is done here only
//! to make the threads visible; real code uses `spawn_blocking` for blocking work.

use std::fmt;
use std::sync::mpsc;
use std::time::Duration;

use futures::future::try_join_all;
use tokio::time::sleep;

use super::{AsyncDemoError, Stamped, Timeline, run_demo, stamped_lines};
use crate::demo::Demo;

/// What the coroutine returns, as in the seed.
pub const COROUTINE_RESULT: &str = "Result from coroutine";

/// How a coroutine was run.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Way {
    /// Awaited directly, inside the caller.
    Direct,
    /// Spawned as a task, then its handle awaited.
    Spawned,
    /// Three tasks spawned and joined together (`gather`).
    Joined,
}

impl fmt::Display for Way {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(match self {
            Way::Direct => "Running coroutine directly",
            Way::Spawned => "Running with tokio::spawn (asyncio.create_task)",
            Way::Joined => "Running multiple tasks simultaneously (try_join_all, asyncio.gather)",
        })
    }
}

/// What the event-loop demo does.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Step {
    /// A new way of running begins.
    Running(Way),
    /// A coroutine began.
    CoroutineStarted,
    /// A coroutine finished.
    CoroutineFinished,
    /// The caller got the results of this way.
    Results(Way, Vec<String>),
}

impl fmt::Display for Step {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match self {
            Step::Running(way) => write!(f, "{way}"),
            Step::CoroutineStarted => f.write_str("Coroutine started"),
            Step::CoroutineFinished => f.write_str("Coroutine finished"),
            Step::Results(_, results) => write!(f, "Results: {results:?}"),
        }
    }
}

/// The coroutine: one seed second of simulated I/O, then a result.
pub async fn simple_coroutine(log: Timeline<Step>, unit: Duration) -> String {
    log.record(Step::CoroutineStarted);
    sleep(unit).await;
    log.record(Step::CoroutineFinished);
    COROUTINE_RESULT.to_owned()
}

/// What the event-loop demo showed.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct EventLoopReport {
    /// Every step, time-stamped, in order.
    pub events: Vec<Stamped<Step>>,
    /// The result of the directly awaited coroutine.
    pub direct: String,
    /// The result of the spawned task.
    pub spawned: String,
    /// The results of the three joined tasks, in submission order.
    pub joined: Vec<String>,
}

// ANCHOR: run
/// The seed's `demo_event_loop`: direct, spawned, then three joined.
pub async fn run(unit: Duration) -> Result<EventLoopReport, AsyncDemoError> {
    let log = Timeline::new();

    log.record(Step::Running(Way::Direct));
    let direct = simple_coroutine(log.clone(), unit).await;
    log.record(Step::Results(Way::Direct, vec![direct.clone()]));

    log.record(Step::Running(Way::Spawned));
    let spawned = tokio::spawn(simple_coroutine(log.clone(), unit)).await?;
    log.record(Step::Results(Way::Spawned, vec![spawned.clone()]));

    log.record(Step::Running(Way::Joined));
    let handles = (0..3).map(|_| tokio::spawn(simple_coroutine(log.clone(), unit)));
    let joined = try_join_all(handles).await?;
    log.record(Step::Results(Way::Joined, joined.clone()));

    Ok(EventLoopReport {
        events: log.entries(),
        direct,
        spawned,
        joined,
    })
}
// ANCHOR_END: run

/// Whether two spawned tasks run at the same time: each one signals that it has started and
/// then *blocks its thread* for up to `patience` waiting for the other's signal. With
/// `worker_threads: Some(n)` (n ≥ 2) they run on a multi-thread runtime and meet at once;
/// with `None` they run on a current-thread runtime, one after the other, like asyncio, and
/// the first one gives up after `patience`.
pub fn tasks_overlap(
    worker_threads: Option<usize>,
    patience: Duration,
) -> Result<bool, AsyncDemoError> {
    let runtime = match worker_threads {
        Some(n) => tokio::runtime::Builder::new_multi_thread()
            .worker_threads(n)
            .build()?,
        None => tokio::runtime::Builder::new_current_thread().build()?,
    };
    let (a_started, a_seen) = mpsc::channel::<()>();
    let (b_started, b_seen) = mpsc::channel::<()>();
    let rendezvous = |started: mpsc::Sender<()>, other: mpsc::Receiver<()>| async move {
        // The other side may already be done and gone; then its signal is in the channel.
        let _ = started.send(());
        other.recv_timeout(patience).is_ok()
    };
    // Spawned from outside the runtime, both land in the shared queue, so two idle workers
    // pick them up at once.
    let a = runtime.spawn(rendezvous(a_started, b_seen));
    let b = runtime.spawn(rendezvous(b_started, a_seen));
    let (a_met, b_met) = runtime.block_on(async { (a.await, b.await) });
    Ok(a_met? && b_met?)
}

// ANCHOR: demo
/// The runnable demo.
pub const DEMO: Demo = Demo {
    name: "event_loop",
    seed_file: "Asyncio/event_loop.py",
    title: "the three ways to run: awaited, spawned, several joined; the runtime's threads",
    explanation: "Python: asyncio.run starts the loop; a coroutine is awaited directly, as a task, \
or gathered with others (three one-second coroutines take one second). Rust: the runtime is \
built explicitly and block_on is asyncio.run; .await, tokio::spawn + handle, try_join_all. \
Unlike asyncio, a multi-thread runtime runs tasks in parallel on OS threads.",
    run: || {
        let mut lines = run_demo(|unit| async move { Ok(stamped_lines(&run(unit).await?.events)) });
        // Outside any runtime: the check builds its own runtimes.
        let patience = Duration::from_millis(100);
        let met = |workers| match tasks_overlap(workers, patience) {
            Ok(met) => met.to_string(),
            Err(e) => format!("error: {e}"),
        };
        lines.push(format!(
            "two blocking tasks met on a 2-worker runtime: {}; on a current-thread runtime \
             (asyncio's model): {}",
            met(Some(2)),
            met(None)
        ));
        lines
    },
};
// ANCHOR_END: demo
