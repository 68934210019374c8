//! Task groups, exception groups and `gather(return_exceptions=True)` (seed: `Asyncio/task_groups.py`).
//!
//! **Python.** `async with asyncio.TaskGroup() as tg:` starts workers and waits for all of
//! them at the end of the block. If one fails, the group cancels the others, *waits* for
//! them to finish cancelling, and raises an `ExceptionGroup` of the failures (`except*`
//! handles it). `gather(..., return_exceptions=True)` instead lets every task finish and
//! returns results and exceptions side by side.
//!
//! **Rust.** A [`JoinSet`] holds the group's tasks. [`task_group`] drains it with
//! `join_next`, calls `abort_all` at the first error, keeps draining (so it waits for the
//! aborted siblings, as the `async with` block does) and returns every error it collected,
//! with the names of the workers it cancelled, in a [`GroupError`] (the exception group).
//! The collect-everything variant, [`gather_all`], joins the handles in submission order
//! and returns a `Vec<Result<_, _>>`: the exceptions are values. A panicking worker is
//! re-raised with `resume_unwind`, as an unexpected exception would propagate in Python.
//!
//! **Leaving the scope.** A `TaskGroup` never lets its block end before its children have.
//! A `JoinSet` does not wait on its own: *dropping* it only asks the runtime to abort its
//! tasks and returns at once; each task is dropped (its clean-up runs) later, when the
//! runtime next schedules it. To leave the scope the way Python does, await
//! [`JoinSet::shutdown`] (abort all, then wait until every task is gone) or, for tasks that
//! should finish rather than be aborted, close and wait on a `tokio_util::task::TaskTracker`.
//! [`leave_early`] shows both against a plain drop.
//!
//! **What happens to a sibling.** The seed's workers all take one second. Python 3.11
//! prints "Worker F finished" before the exception group: `D`, `E` and `F` wake in the same
//! loop iteration, and the group hears of `D`'s failure through a done-callback queued
//! *behind* `F`, so `F` runs to its end before anybody cancels it. The Rust demo keeps the
//! seed's jobs and timings ([`failing_jobs`]) and, on a current-thread runtime (the tests'
//! paused clock), shows the same order: `F` was already scheduled, the group's task runs
//! after it, and aborting a finished task does nothing. The real difference is in when an
//! abort lands. asyncio's `cancel()` throws `CancelledError` at the task's next `await`,
//! where the task can catch it and `await` clean-up; tokio's `abort` drops the task at its
//! next poll, running only `Drop`. And on the multi-thread runtime the siblings run in
//! parallel on other workers, so whether a sibling due in the same instant finishes or is
//! aborted is a race, where asyncio's single thread makes it a fixed order. A sibling that
//! is still sleeping is cancelled in both: [`slow_sibling_jobs`] gives `G` two seconds.

use std::collections::HashMap;
use std::fmt;
use std::time::Duration;

use futures::future::join_all;
use thiserror::Error;
use tokio::task::{JoinError, JoinSet};
use tokio::time::sleep;

use super::cancellation::CleanupGuard;
use super::{AsyncDemoError, Stamped, Timeline, run_demo, stamped_lines};
use crate::demo::Demo;

/// A worker's failure (the seed's `ValueError`).
#[derive(Debug, Clone, PartialEq, Eq, Error)]
#[error("Worker {0} failed")]
pub struct WorkerFailed(pub String);

/// The exception group: every failure collected before the group stopped, and the workers it
/// cancelled.
#[derive(Debug, Clone, PartialEq, Eq, Error)]
#[error("{} (cancelled: {:?})", list(.errors), .cancelled)]
pub struct GroupError {
    /// The failures, in the order they were seen.
    pub errors: Vec<WorkerFailed>,
    /// The workers cancelled because of them.
    pub cancelled: Vec<String>,
}

fn list(errors: &[WorkerFailed]) -> String {
    errors
        .iter()
        .map(ToString::to_string)
        .collect::<Vec<_>>()
        .join(", ")
}

/// One worker to run: its name, how long it works, whether it then fails.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Job {
    /// The worker's name.
    pub name: String,
    /// How many seed seconds it works.
    pub seconds: u32,
    /// Whether it fails at the end instead of returning a result.
    pub fail: bool,
}

impl Job {
    /// A one-second job that succeeds.
    pub fn ok(name: &str) -> Self {
        Self {
            name: name.to_owned(),
            seconds: 1,
            fail: false,
        }
    }

    /// A one-second job that fails.
    pub fn failing(name: &str) -> Self {
        Self {
            fail: true,
            ..Self::ok(name)
        }
    }

    /// The same job, taking `seconds` instead.
    pub fn taking(self, seconds: u32) -> Self {
        Self { seconds, ..self }
    }
}

/// What the task-group demos do.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Step {
    /// A worker started.
    Starting(String),
    /// A worker finished with its result.
    Finished(String),
    /// A worker failed.
    Failed(String),
    /// A worker was cancelled before it finished.
    Cancelled(String),
    /// The group saw its first failure and aborted the rest.
    AbortingSiblings,
}

impl fmt::Display for Step {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match self {
            Step::Starting(name) => write!(f, "Worker {name} starting"),
            Step::Finished(name) => write!(f, "Worker {name} finished"),
            Step::Failed(name) => write!(f, "Worker {name} failed"),
            Step::Cancelled(name) => write!(f, "Worker {name} cancelled"),
            Step::AbortingSiblings => f.write_str("First failure: aborting the other workers"),
        }
    }
}

/// The seed's `Worker`: works for `job.seconds`, then fails or returns `Result from {name}`.
pub async fn worker(job: Job, log: Timeline<Step>, unit: Duration) -> Result<String, WorkerFailed> {
    let guard = CleanupGuard::new(log.clone(), Step::Cancelled(job.name.clone()));
    log.record(Step::Starting(job.name.clone()));
    sleep(unit * job.seconds).await;
    guard.finish();
    if job.fail {
        log.record(Step::Failed(job.name.clone()));
        return Err(WorkerFailed(job.name));
    }
    log.record(Step::Finished(job.name.clone()));
    Ok(format!("Result from {}", job.name))
}

fn reraise_panic(e: JoinError) -> ! {
    std::panic::resume_unwind(e.into_panic())
}

// ANCHOR: task_group
/// A task group: runs the jobs together; all succeed → their results in submission order;
/// a failure → the rest are aborted and every failure is returned in a [`GroupError`].
pub async fn task_group(
    jobs: &[Job],
    log: &Timeline<Step>,
    unit: Duration,
) -> Result<Vec<String>, GroupError> {
    let mut group = JoinSet::new();
    let mut names = HashMap::new();
    for (index, job) in jobs.iter().enumerate() {
        let work = worker(job.clone(), log.clone(), unit);
        let handle = group.spawn(async move { (index, work.await) });
        names.insert(handle.id(), job.name.clone());
    }
    let mut results: Vec<Option<String>> = vec![None; jobs.len()];
    let mut errors = Vec::new();
    let mut cancelled = Vec::new();
    while let Some(joined) = group.join_next().await {
        match joined {
            Ok((index, Ok(result))) => {
                if let Some(slot) = results.get_mut(index) {
                    *slot = Some(result);
                }
            }
            Ok((_, Err(failure))) => {
                if errors.is_empty() {
                    log.record(Step::AbortingSiblings);
                    group.abort_all();
                }
                errors.push(failure);
            }
            Err(e) if e.is_cancelled() => {
                cancelled.push(names.get(&e.id()).cloned().unwrap_or_default());
            }
            Err(e) => reraise_panic(e),
        }
    }
    if errors.is_empty() {
        Ok(results.into_iter().flatten().collect())
    } else {
        Err(GroupError { errors, cancelled })
    }
}
// ANCHOR_END: task_group

/// `gather(return_exceptions=True)`: every job runs to its end; results and failures come
/// back side by side, in submission order.
pub async fn gather_all(
    jobs: &[Job],
    log: &Timeline<Step>,
    unit: Duration,
) -> Vec<Result<String, WorkerFailed>> {
    let handles = jobs
        .iter()
        .map(|job| tokio::spawn(worker(job.clone(), log.clone(), unit)));
    join_all(handles)
        .await
        .into_iter()
        .map(|joined| joined.unwrap_or_else(|e| reraise_panic(e)))
        .collect()
}

/// The seed's jobs for the successful group: `A`, `B`, `C`.
pub fn all_succeed_jobs() -> Vec<Job> {
    vec![Job::ok("A"), Job::ok("B"), Job::ok("C")]
}

/// The seed's jobs for the failing group: `D` and `E` fail; `F` succeeds, all after one
/// second, so `F` finishes before the group cancels anything (as Python 3.11 shows).
pub fn failing_jobs() -> Vec<Job> {
    vec![Job::failing("D"), Job::failing("E"), Job::ok("F")]
}

/// Not in the seed: the failing group with a sibling `G` that needs two seconds, so the
/// group's cancellation shows (Python cancels it too).
pub fn slow_sibling_jobs() -> Vec<Job> {
    vec![Job::failing("D"), Job::failing("E"), Job::ok("G").taking(2)]
}

/// How [`leave_early`] leaves a group whose tasks are still running.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Leave {
    /// `drop(group)`: asks for aborts and returns at once.
    Drop,
    /// `group.shutdown().await`: aborts, then waits until every task is gone.
    Shutdown,
}

// ANCHOR: leave_early
/// Starts a five-second worker `G` in a [`JoinSet`], leaves the scope after one second the
/// way `leave` says, and returns what the log held at that moment: after a drop, `G`'s
/// clean-up has not run yet; after `shutdown().await` it has.
pub async fn leave_early(leave: Leave, unit: Duration) -> Vec<Stamped<Step>> {
    let log = Timeline::new();
    let mut group = JoinSet::new();
    group.spawn(worker(Job::ok("G").taking(5), log.clone(), unit));
    sleep(unit).await;
    match leave {
        Leave::Drop => drop(group),
        Leave::Shutdown => group.shutdown().await,
    }
    log.entries()
}
// ANCHOR_END: leave_early

/// The seed's jobs for `gather(return_exceptions=True)`: `A`, failing `B`, `C`.
pub fn gather_jobs() -> Vec<Job> {
    vec![Job::ok("A"), Job::failing("B"), Job::ok("C")]
}

/// One part of the task-group demo: its events and its outcome.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Part<T> {
    /// Every step of this part, time-stamped from the part's start, in order.
    pub events: Vec<Stamped<Step>>,
    /// What the part returned.
    pub outcome: T,
}

/// What the task-group demo showed.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct TaskGroupsReport {
    /// The group whose workers all succeed.
    pub all_succeed: Part<Result<Vec<String>, GroupError>>,
    /// The group that fails fast, with the seed's jobs: `F` finishes first.
    pub fail_fast: Part<Result<Vec<String>, GroupError>>,
    /// The failing group with a two-second sibling, which is cancelled.
    pub slow_sibling: Part<Result<Vec<String>, GroupError>>,
    /// The collect-everything variant.
    pub collected: Part<Vec<Result<String, WorkerFailed>>>,
}

/// The seed's three parts one after the other — a group that succeeds, one that fails
/// fast, and `gather(return_exceptions=True)` — with the slow-sibling group before the last.
pub async fn run(unit: Duration) -> TaskGroupsReport {
    let log = Timeline::new();
    let outcome = task_group(&all_succeed_jobs(), &log, unit).await;
    let all_succeed = Part {
        events: log.entries(),
        outcome,
    };
    let log = Timeline::new();
    let outcome = task_group(&failing_jobs(), &log, unit).await;
    let fail_fast = Part {
        events: log.entries(),
        outcome,
    };
    let log = Timeline::new();
    let outcome = task_group(&slow_sibling_jobs(), &log, unit).await;
    let slow_sibling = Part {
        events: log.entries(),
        outcome,
    };
    let log = Timeline::new();
    let outcome = gather_all(&gather_jobs(), &log, unit).await;
    let collected = Part {
        events: log.entries(),
        outcome,
    };
    TaskGroupsReport {
        all_succeed,
        fail_fast,
        slow_sibling,
        collected,
    }
}

fn outcome_line(outcome: &Result<Vec<String>, GroupError>) -> String {
    match outcome {
        Ok(results) => format!("All workers completed. Results: {}", results.join(", ")),
        Err(group) => format!("Some workers failed: {group}"),
    }
}

// ANCHOR: demo
/// The runnable demo.
pub const DEMO: Demo = Demo {
    name: "task_groups",
    seed_file: "Asyncio/task_groups.py",
    title: "JoinSet as a task group: all succeed; fail fast with every error; collect all",
    explanation: "Python: asyncio.TaskGroup cancels the siblings on the first failure, waits \
for them and raises an ExceptionGroup; a sibling already due in the same tick still finishes; \
gather(return_exceptions=True) collects everything. Rust: a JoinSet drained to its end, with \
abort_all on the first error and the errors collected (dropping a JoinSet only requests \
aborts: shutdown().await waits); join_all over handles returning Vec<Result>.",
    run: || {
        run_demo(|unit| async move {
            let report = run(unit).await;
            let mut lines = vec!["-- task group: A, B, C all succeed".to_owned()];
            lines.extend(stamped_lines(&report.all_succeed.events));
            lines.push(outcome_line(&report.all_succeed.outcome));
            lines.push(
                "-- task group: D and E fail; F, due at the same instant, finishes".to_owned(),
            );
            lines.extend(stamped_lines(&report.fail_fast.events));
            lines.push(outcome_line(&report.fail_fast.outcome));
            lines.push(
                "-- not in the seed: the same group with G taking 2 s: G is cancelled".to_owned(),
            );
            lines.extend(stamped_lines(&report.slow_sibling.events));
            lines.push(outcome_line(&report.slow_sibling.outcome));
            lines.push("-- gather(return_exceptions=True): join_all over handles".to_owned());
            lines.extend(stamped_lines(&report.collected.events));
            lines.push(format!("Results: {:?}", report.collected.outcome));
            lines.push("-- leaving a scope early: drop(JoinSet) vs shutdown().await".to_owned());
            for leave in [Leave::Drop, Leave::Shutdown] {
                let events = leave_early(leave, unit).await;
                lines.push(format!(
                    "{leave:?}: the log on return: {}",
                    stamped_lines(&events).join("; ")
                ));
            }
            Ok::<_, AsyncDemoError>(lines)
        })
    },
};
// ANCHOR_END: demo
