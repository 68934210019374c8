//! as_completed, gather, wait, wait_for and shield (seed: `Asyncio/coordination_patterns.py`).
//!
//! **Python.** Four tasks sleep 3, 1, 2 and 5 seconds. `as_completed` yields them as they
//! finish (T1, T2, T0, T3); `gather` returns all results in submission order after 5 s;
//! `wait(..., FIRST_COMPLETED)` returns after 1 s with 1 done and 3 pending; `wait_for` with a
//! 2 s time-out gives up on a 3 s task. `shield` protects a task from the cancellation of
//! the wrapper around it: the seed cancels the wrapper after 1 s, its `await` raises
//! `CancelledError` and it prints "Shielded task was cancelled"; the inner task was not
//! cancelled then, but the program ends at once and `asyncio.run` cancels it on the way
//! out, so "Important task completed" is never printed (Python 3.11 shows exactly this).
//!
//! **Rust.**
//!
//! - [`as_completed`]: a [`FuturesUnordered`] of task handles is a stream of results in
//!   completion order.
//! - [`gather`]: [`try_join_all`] returns the results in submission order.
//! - [`wait_first`]: [`select_all`] returns the first finished result, its index and the
//!   still-pending handles; then [`tokio::time::timeout`] is `wait_for`: on time-out the inner
//!   future is dropped, which cancels it. The difference: `wait_for` cancels the inner task
//!   and then *waits for it* to finish cancelling, so its `except CancelledError`/`finally`
//!   blocks can `await` clean-up (a clean-up that sleeps 0.5 s makes a 1 s `wait_for`
//!   return after 1.5 s); dropping a future runs only its synchronous `Drop` code, at once,
//!   and no `.await` can run in it. Async clean-up needs cooperative cancellation
//!   ([`super::cancellation`]).
//! - [`shield_as_seed`]: the seed's run. The outer wait (a `timeout` of 1 s around
//!   `&mut handle`) is cancelled: "Shielded task was cancelled"; then the demo ends, the
//!   task is aborted as `asyncio.run` would cancel it, and it never completes.
//! - [`shield`]: the Rust nuance. No wrapper is needed: dropping a `JoinHandle` (or a
//!   future awaiting one) does not cancel the task, so *every spawned task is shielded*
//!   from whoever awaits it, and the handle can still be awaited to "Important Result".
//!   What is not spawned is not shielded: a plain future inside a cancelled `timeout` is
//!   dropped mid-way and never finishes ([`unshielded`]). (To cancel the task itself, the
//!   seed's `task.cancel()`, call `JoinHandle::abort`.) One more difference: when a tokio
//!   runtime shuts down it drops its unfinished tasks without throwing anything into them.
//!
//! The seed's result string says "completer"; it is written "completed" here. In the seed,
//! the tasks still pending after `wait` are cancelled when `asyncio.run` ends; here they are
//! aborted explicitly.

use std::fmt;
use std::time::Duration;

use futures::StreamExt;
use futures::future::{select_all, try_join_all};
use futures::stream::FuturesUnordered;
use tokio::task::JoinHandle;
use tokio::time::{sleep, timeout};

use super::{AsyncDemoError, Stamped, Timeline, run_demo, stamped_lines};
use crate::demo::Demo;

/// The seed's task delays in seconds: task `T{i}` sleeps `DELAYS[i]`.
pub const DELAYS: [u32; 4] = [3, 1, 2, 5];

/// The time-out `wait_for` gives the 3 s task, in seed seconds.
pub const WAIT_FOR_LIMIT: u32 = 2;

/// What the coordination demos do.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Step {
    /// A result arrived.
    Completed(String),
    /// `wait` returned after the first completion.
    FirstCompleted {
        /// Tasks done.
        done: usize,
        /// Tasks still pending.
        pending: usize,
    },
    /// The `wait_for` time-out expired before the task finished.
    TimedOut,
    /// The important task started.
    ImportantStarted,
    /// The important task finished.
    ImportantCompleted,
    /// The outer wait on the important task was cancelled.
    OuterCancelled,
    /// The seed's `except asyncio.CancelledError` branch after `await shielded`.
    ShieldCancelled,
}

impl fmt::Display for Step {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match self {
            Step::Completed(result) => write!(f, "Completed: {result}"),
            Step::FirstCompleted { done, pending } => {
                write!(
                    f,
                    "First completed: {done} tasks; still pending: {pending} tasks"
                )
            }
            Step::TimedOut => f.write_str("Task timed out"),
            Step::ImportantStarted => f.write_str("Important task started"),
            Step::ImportantCompleted => f.write_str("Important task completed"),
            Step::OuterCancelled => f.write_str("Outer wait was cancelled"),
            Step::ShieldCancelled => f.write_str("Shielded task was cancelled"),
        }
    }
}

/// The seed's `slow_task`: sleeps `delay` seed seconds and says so.
pub async fn slow_task(name: String, delay: u32, unit: Duration) -> String {
    sleep(unit * delay).await;
    format!("Task {name} completed after {delay}")
}

fn spawn_all(unit: Duration) -> Vec<JoinHandle<String>> {
    DELAYS
        .iter()
        .enumerate()
        .map(|(i, &delay)| tokio::spawn(slow_task(format!("T{i}"), delay, unit)))
        .collect()
}

// ANCHOR: as_completed
/// Results in completion order (`as_completed`): T1, T2, T0, T3 at 1, 2, 3 and 5 s.
pub async fn as_completed(unit: Duration) -> Result<Vec<Stamped<Step>>, AsyncDemoError> {
    let log = Timeline::new();
    let mut finished: FuturesUnordered<_> = spawn_all(unit).into_iter().collect();
    while let Some(result) = finished.next().await {
        log.record(Step::Completed(result?));
    }
    Ok(log.entries())
}
// ANCHOR_END: as_completed

/// Results in submission order (`gather`), all at 5 s.
pub async fn gather(unit: Duration) -> Result<Vec<Stamped<Step>>, AsyncDemoError> {
    let log = Timeline::new();
    for result in try_join_all(spawn_all(unit)).await? {
        log.record(Step::Completed(result));
    }
    Ok(log.entries())
}

/// `wait(FIRST_COMPLETED)` (1 done, 3 pending after 1 s), then `wait_for` with a 2 s limit on
/// a 3 s task (times out at 3 s); the pending tasks are then aborted.
pub async fn wait_first(unit: Duration) -> Result<Vec<Stamped<Step>>, AsyncDemoError> {
    let log = Timeline::new();
    let (first, _index, pending) = select_all(spawn_all(unit)).await;
    let first = first?;
    log.record(Step::FirstCompleted {
        done: 1,
        pending: pending.len(),
    });
    log.record(Step::Completed(first));

    let limit = unit * WAIT_FOR_LIMIT;
    match timeout(limit, slow_task("T0".to_owned(), DELAYS[0], unit)).await {
        Ok(result) => log.record(Step::Completed(result)),
        Err(_elapsed) => log.record(Step::TimedOut),
    }
    for handle in pending {
        handle.abort();
    }
    Ok(log.entries())
}

/// What the shield demo showed.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct ShieldReport {
    /// Every step, time-stamped, in order.
    pub events: Vec<Stamped<Step>>,
    /// The spawned (shielded) task's result, awaited after the outer wait was cancelled.
    pub result: String,
}

/// The seed's `important_task`: three seed seconds of work that must not be lost.
pub async fn important_task(log: Timeline<Step>, unit: Duration) -> String {
    log.record(Step::ImportantStarted);
    sleep(unit * 3).await;
    log.record(Step::ImportantCompleted);
    "Important Result".to_owned()
}

// ANCHOR: shield_as_seed
/// The seed's `demo_shield`: the outer wait on the spawned task is cancelled after 1 s
/// ("Shielded task was cancelled"); then the program ends, which cancels the task (here an
/// explicit `abort`, as `asyncio.run` cancels what is left). Waits until the task would
/// have finished (3 s) to show that it never completes.
pub async fn shield_as_seed(unit: Duration) -> Vec<Stamped<Step>> {
    let log = Timeline::new();
    let mut task = tokio::spawn(important_task(log.clone(), unit));
    if timeout(unit, &mut task).await.is_err() {
        log.record(Step::ShieldCancelled);
    }
    task.abort();
    sleep(unit * 2).await;
    log.entries()
}
// ANCHOR_END: shield_as_seed

// ANCHOR: shield
/// `shield`, the Rust nuance: the outer wait on a spawned task is cancelled after 1 s (a `timeout` drops it);
/// the task runs on and is awaited to its result at 3 s.
pub async fn shield(unit: Duration) -> Result<ShieldReport, AsyncDemoError> {
    let log = Timeline::new();
    let mut task = tokio::spawn(important_task(log.clone(), unit));
    if timeout(unit, &mut task).await.is_err() {
        log.record(Step::OuterCancelled);
    }
    let result = task.await?;
    Ok(ShieldReport {
        events: log.entries(),
        result,
    })
}
// ANCHOR_END: shield

/// The contrast to [`shield`]: the same work as a plain future (not spawned) inside the same
/// cancelled wait is dropped after 1 s and never completes.
pub async fn unshielded(unit: Duration) -> Vec<Stamped<Step>> {
    let log = Timeline::new();
    if timeout(unit, important_task(log.clone(), unit))
        .await
        .is_err()
    {
        log.record(Step::OuterCancelled);
    }
    // Wait until it would have finished (3 s from the start): it stays dropped.
    sleep(unit * 2).await;
    log.entries()
}

// ANCHOR: demo
/// The runnable demo: the seed's four parts in order, and the unshielded contrast.
pub const DEMO: Demo = Demo {
    name: "coordination",
    seed_file: "Asyncio/coordination_patterns.py",
    title: "completion order, submission order, first completed, time-out, shield",
    explanation: "Python: as_completed, gather, wait(FIRST_COMPLETED), wait_for and shield over \
tasks of 3, 1, 2 and 5 seconds; the seed's shielded wait is cancelled and the program ends \
before the task completes. Rust: FuturesUnordered, try_join_all, select_all, \
tokio::time::timeout (a dropped future runs only Drop, where wait_for awaits the inner \
task's clean-up); a spawned task is already shielded, because dropping its handle does not \
cancel it, so its handle can still be awaited.",
    run: || {
        run_demo(|unit| async move {
            let mut lines = vec!["-- as_completed (FuturesUnordered)".to_owned()];
            lines.extend(stamped_lines(&as_completed(unit).await?));
            lines.push("-- gather (try_join_all)".to_owned());
            lines.extend(stamped_lines(&gather(unit).await?));
            lines.push("-- wait FIRST_COMPLETED (select_all), then wait_for (timeout)".to_owned());
            lines.extend(stamped_lines(&wait_first(unit).await?));
            lines.push(
                "-- shield, the seed's run: the wait is cancelled, then the program ends"
                    .to_owned(),
            );
            lines.extend(stamped_lines(&shield_as_seed(unit).await));
            lines
                .push("-- shield in Rust: a spawned task outlives its cancelled waiter".to_owned());
            let shielded = shield(unit).await?;
            lines.extend(stamped_lines(&shielded.events));
            lines.push(format!("Shielded task result: {}", shielded.result));
            lines.push("-- the same work not spawned: cancelled with its waiter".to_owned());
            lines.extend(stamped_lines(&unshielded(unit).await));
            Ok(lines)
        })
    },
};
// ANCHOR_END: demo
