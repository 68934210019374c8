//! Cancellation with clean-up, and graceful shutdown (seed: `Asyncio/cancellation_patterns.py`).
//!
//! **Python.** `task.cancel()` throws `CancelledError` into the task at its current `await`;
//! the task catches it, awaits its clean-up and re-raises. For shutdown, an `Event` asks the
//! workers to stop, they get a grace period, and only the stragglers are cancelled.
//!
//! **Rust.** Cancellation is *dropping the future*: [`JoinHandle::abort`](tokio::task::JoinHandle::abort) makes the runtime
//! drop the task at its current `.await`. Nothing is thrown, so clean-up goes into `Drop`: a
//! [`CleanupGuard`] held across the work runs on the way out unless the work finished. `Drop`
//! cannot `.await`, so a clean-up that must await needs the cooperative path: a
//! [`CancellationToken`] that workers watch (`select!` on `token.cancelled()`), a grace period
//! (`timeout` around draining the [`JoinSet`]), then `abort_all` for the rest.
//!
//! The seed's shutdown has no straggler (all its workers notice the event within a second);
//! here worker `W3` does its work in 5 s steps and only checks the token between them, so the
//! grace period runs out and it is aborted: the path the seed describes but never takes.

use std::collections::HashMap;
use std::fmt;
use std::time::Duration;

use tokio::task::JoinSet;
use tokio::time::{sleep, timeout};
use tokio_util::sync::CancellationToken;

use super::{AsyncDemoError, Stamped, Timeline, run_demo, scaled, stamped_lines};
use crate::demo::Demo;

// ANCHOR: guard
/// Records `on_drop` into a timeline when dropped, unless [`finish`](Self::finish)ed first:
/// clean-up that runs however the work ends, including by cancellation.
///
/// ```
/// use concepts::asyncio::{Timeline, cancellation::CleanupGuard};
/// let log = Timeline::new();
/// let finished = CleanupGuard::new(log.clone(), "cleaned up");
/// finished.finish();
/// let cancelled = CleanupGuard::new(log.clone(), "cleaned up");
/// drop(cancelled);
/// assert_eq!(log.events(), ["cleaned up"]);
/// ```
#[derive(Debug)]
pub struct CleanupGuard<E> {
    log: Timeline<E>,
    on_drop: Option<E>,
}

impl<E> CleanupGuard<E> {
    /// A guard that records `on_drop` if it is dropped before [`finish`](Self::finish).
    pub fn new(log: Timeline<E>, on_drop: E) -> Self {
        Self {
            log,
            on_drop: Some(on_drop),
        }
    }

    /// The work finished normally: no clean-up event.
    pub fn finish(mut self) {
        self.on_drop = None;
    }
}

impl<E> Drop for CleanupGuard<E> {
    fn drop(&mut self) {
        if let Some(event) = self.on_drop.take() {
            self.log.record(event);
        }
    }
}
// ANCHOR_END: guard

/// What the cancellation demos do.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Step {
    /// A task started.
    Started(String),
    /// A task completed its work (does not happen when it is cancelled).
    Completed(String),
    /// A task was cancelled and its clean-up ran (from its guard's `Drop`).
    CancelledCleanedUp(String),
    /// The awaiting side saw that the task was cancelled.
    CaughtCancellation(String),
    /// A worker does one unit of work.
    Working(String),
    /// The shutdown signal was given.
    ShutdownSignalled,
    /// A worker saw the signal and stopped by itself.
    Stopped(String),
    /// The grace period ended with these workers still running.
    GraceOver(Vec<String>),
    /// All workers are down.
    AllDown {
        /// Workers that stopped by themselves.
        stopped: usize,
        /// Workers that were aborted.
        aborted: usize,
    },
}

impl fmt::Display for Step {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match self {
            Step::Started(name) => write!(f, "Task {name} started"),
            Step::Completed(name) => write!(f, "Task {name} completed"),
            Step::CancelledCleanedUp(name) => {
                write!(f, "Task {name} was cancelled; cleanup done (guard dropped)")
            }
            Step::CaughtCancellation(name) => write!(f, "Caught cancellation of task {name}"),
            Step::Working(name) => write!(f, "Worker {name} is working..."),
            Step::ShutdownSignalled => f.write_str("Shutdown signalled"),
            Step::Stopped(name) => write!(f, "Worker {name} stopped cooperatively"),
            Step::GraceOver(left) => write!(f, "Grace period over; aborting {left:?}"),
            Step::AllDown { stopped, aborted } => write!(
                f,
                "All workers have been shut down ({stopped} stopped, {aborted} aborted)."
            ),
        }
    }
}

/// How a cancellable task ended, as its awaiting side saw it.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Outcome {
    /// It finished with this result.
    Finished(String),
    /// It was cancelled.
    Cancelled,
}

/// The seed's `cancellable_task`: five seconds of work behind a clean-up guard.
pub async fn cancellable_task(name: String, log: Timeline<Step>, unit: Duration) -> String {
    let guard = CleanupGuard::new(log.clone(), Step::CancelledCleanedUp(name.clone()));
    log.record(Step::Started(name.clone()));
    sleep(unit * 5).await;
    guard.finish();
    log.record(Step::Completed(name.clone()));
    format!("Result from {name}")
}

/// What the basic cancellation showed.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct CancelReport {
    /// Every step, time-stamped, in order.
    pub events: Vec<Stamped<Step>>,
    /// How the task ended.
    pub outcome: Outcome,
}

// ANCHOR: cancel_mid_sleep
/// Task `A` starts its 5 s of work; after 1 s it is aborted; its guard's clean-up runs and
/// the awaiting side sees the cancellation.
pub async fn cancel_mid_sleep(unit: Duration) -> Result<CancelReport, AsyncDemoError> {
    let log = Timeline::new();
    let name = "A".to_owned();
    let task = tokio::spawn(cancellable_task(name.clone(), log.clone(), unit));
    sleep(unit).await;
    task.abort();
    let outcome = match task.await {
        Ok(result) => Outcome::Finished(result),
        Err(e) if e.is_cancelled() => {
            log.record(Step::CaughtCancellation(name));
            Outcome::Cancelled
        }
        Err(e) => return Err(e.into()),
    };
    Ok(CancelReport {
        events: log.entries(),
        outcome,
    })
}
// ANCHOR_END: cancel_mid_sleep

/// Seconds each worker's unit of work takes: `W0`–`W2` one second (as in the seed), the
/// straggler `W3` five.
pub const WORK_STEPS: [u32; 4] = [1, 1, 1, 5];
/// When the shutdown is signalled, in seed seconds.
pub const SIGNAL_AFTER: f64 = 2.0;
/// The grace period after the signal, in seed seconds.
pub const GRACE: f64 = 1.1;

/// A worker: works in steps of `step` seed seconds until the token is cancelled. A one-second
/// worker waits on the token and its step together, so it stops at once; a longer step is
/// not interruptible (think of a call that takes no token) and checks only between steps.
pub async fn worker(
    name: String,
    step: u32,
    token: CancellationToken,
    log: Timeline<Step>,
    unit: Duration,
) -> String {
    let guard = CleanupGuard::new(log.clone(), Step::CancelledCleanedUp(name.clone()));
    while !token.is_cancelled() {
        log.record(Step::Working(name.clone()));
        if step <= 1 {
            tokio::select! {
                () = token.cancelled() => {}
                () = sleep(unit * step) => {}
            }
        } else {
            sleep(unit * step).await;
        }
    }
    guard.finish();
    log.record(Step::Stopped(name.clone()));
    name
}

/// What the graceful shutdown showed.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct ShutdownReport {
    /// Every step, time-stamped, in order.
    pub events: Vec<Stamped<Step>>,
    /// Workers that stopped by themselves within the grace period, in the order they did.
    pub stopped: Vec<String>,
    /// Workers that were aborted after it.
    pub aborted: Vec<String>,
}

/// Four workers run; at 2 s the token is cancelled; `W0`–`W2` stop at once, and after the
/// 1.1 s grace period the straggler `W3` is aborted (its guard cleans up).
pub async fn graceful_shutdown(unit: Duration) -> Result<ShutdownReport, AsyncDemoError> {
    let log = Timeline::new();
    let token = CancellationToken::new();
    let mut workers = JoinSet::new();
    let mut names = HashMap::new();
    for (i, &step) in WORK_STEPS.iter().enumerate() {
        let name = format!("W{i}");
        let handle = workers.spawn(worker(name.clone(), step, token.clone(), log.clone(), unit));
        names.insert(handle.id(), name);
    }

    sleep(scaled(unit, SIGNAL_AFTER)).await;
    log.record(Step::ShutdownSignalled);
    token.cancel();

    let mut stopped = Vec::new();
    let drained = timeout(scaled(unit, GRACE), async {
        while let Some(joined) = workers.join_next().await {
            stopped.push(joined?);
        }
        Ok::<(), AsyncDemoError>(())
    })
    .await;
    if let Ok(result) = drained {
        result?;
    }

    let mut aborted = Vec::new();
    if !workers.is_empty() {
        let mut left: Vec<String> = names
            .iter()
            .filter(|(_, name)| !stopped.contains(name))
            .map(|(_, name)| name.clone())
            .collect();
        left.sort();
        log.record(Step::GraceOver(left));
        workers.abort_all();
        while let Some(joined) = workers.join_next().await {
            match joined {
                Ok(name) => stopped.push(name),
                Err(e) if e.is_cancelled() => {
                    aborted.push(names.get(&e.id()).cloned().unwrap_or_default());
                }
                Err(e) => return Err(e.into()),
            }
        }
    }
    log.record(Step::AllDown {
        stopped: stopped.len(),
        aborted: aborted.len(),
    });
    Ok(ShutdownReport {
        events: log.entries(),
        stopped,
        aborted,
    })
}

// ANCHOR: demo
/// The runnable demo: both parts of the seed.
pub const DEMO: Demo = Demo {
    name: "cancellation",
    seed_file: "Asyncio/cancellation_patterns.py",
    title: "abort with a clean-up guard; graceful shutdown with a token, grace period, abort",
    explanation: "Python: task.cancel() raises CancelledError inside the task, which cleans up; \
an Event asks workers to stop, stragglers are cancelled after a grace period. Rust: abort() \
drops the task, so clean-up lives in a Drop guard; a CancellationToken asks workers to stop, \
a timeout bounds the grace period, JoinSet::abort_all ends the stragglers.",
    run: || {
        run_demo(|unit| async move {
            let mut lines = vec!["-- cancellation mid-sleep".to_owned()];
            lines.extend(stamped_lines(&cancel_mid_sleep(unit).await?.events));
            lines.push("-- graceful shutdown (W3 works in 5 s steps: a straggler)".to_owned());
            lines.extend(stamped_lines(&graceful_shutdown(unit).await?.events));
            Ok(lines)
        })
    },
};
// ANCHOR_END: demo
