//! # Chapter 5: asyncio, answered with tokio
//!
//! **The Python idea.** asyncio runs many *coroutines* (`async def`) on one thread. An
//! *event loop* drives them; a *task* wraps a coroutine so the loop schedules it on its own;
//! a *future* is a result that somebody sets later; `await` suspends the caller until an
//! awaitable is done. On top of that the seed builds queues, locks, events and semaphores,
//! coordination helpers (`as_completed`, `gather`, `wait`, `wait_for`, `shield`), cancellation,
//! async iterators and generators, and task groups.
//!
//! **The Rust answer.** `async fn` returns a lazy [`Future`], exactly
//! like calling a coroutine function. There is no built-in loop: the *runtime* is a library
//! ([`tokio`]), started explicitly (`#[tokio::main]`, or `Runtime::block_on`, which is what
//! `asyncio.run` is). `tokio::spawn` is `create_task` and its `JoinHandle` is the task
//! object; a `oneshot` channel is the bare future. tokio ships the primitives
//! ([`tokio::sync`]), `tokio-util` the cancellation token and `futures` / `async-stream` the
//! stream tools. The modules follow the seed's files, in the seed's order:
//!
//! | module | seed file | shows |
//! |---|---|---|
//! | [`basics`] | `Asyncio/basics.py` | `async fn`, a spawned task and its handle, a one-shot value set by a timer |
//! | [`event_loop`] | `Asyncio/event_loop.py` | the three ways to run: awaited directly, spawned, several joined; the runtime's threads |
//! | [`primitives`] | `Asyncio/concurrency_primitives.py` | bounded channel with a receive time-out, mutex (4 × 5 = 20), event, semaphore (peak 5 of 10) |
//! | [`coordination`] | `Asyncio/coordination_patterns.py` | completion order, submission order, first completed (1 done / 3 pending), time-out, shield |
//! | [`cancellation`] | `Asyncio/cancellation_patterns.py` | abort with a clean-up guard; graceful shutdown: token, grace period, abort of stragglers |
//! | [`streaming`] | `Asyncio/streaming_patterns.py` | a hand-written `Stream` (`AsyncRange`), a generator-style stream consumed four ways |
//! | [`task_groups`] | `Asyncio/task_groups.py` | `JoinSet` as a task group: all succeed; fail fast with every error collected; collect all |
//! | [`pitfalls`] | (the book's "Async pitfalls") | cancellation safety in `select!`, `pin!` for streams, blocking the executor |
//!
//! **Where tokio differs from asyncio** (each point has a test in `tests/asyncio.rs`):
//!
//! - *Tasks run in parallel.* On the default multi-thread runtime spawned tasks run on several
//!   OS threads at once, so shared state needs `Send + Sync` types (`Arc`, `Mutex`, atomics),
//!   and a spawned task may start on another worker before its spawner reaches an `await`
//!   (`create_task` only schedules). asyncio never runs two coroutines at the same instant
//!   ([`event_loop::tasks_overlap`]).
//! - *Cancellation is by drop.* asyncio throws `CancelledError` into the coroutine, which can
//!   catch it and even `await` clean-up. A Rust future is cancelled by dropping it (an aborted
//!   task is dropped by the runtime); clean-up lives in `Drop`, which cannot `await`. Async
//!   clean-up needs cooperative cancellation (a `CancellationToken`) ([`cancellation`]).
//! - *Dropping a `JoinHandle` detaches the task; dropping a `JoinSet` requests aborts.* So
//!   every spawned task is "shielded" from the one awaiting it ([`coordination::shield`]).
//!   A `JoinSet` does not wait when dropped, where a `TaskGroup` waits for its children:
//!   the waiting scope is `shutdown().await` or a `TaskTracker` ([`task_groups`]).
//! - *Channels know their senders.* A receive returns `None` once every sender is gone, so a
//!   consumer needs no idle time-out to notice the end ([`primitives::queue`]).
//!
//! **Fidelity.** Names, values and delays follow the seed's files (read from the public
//! repository the seed README belongs to). Where the Rust version departs from them, the
//! module says so: a straggler added to the graceful shutdown, an extra failing group with a
//! slower sibling next to the seed's, a relative time stamp in the streamed readings.
//!
//! ## When to use async, threads or rayon
//!
//! - **async (tokio)** when the work *waits*: many sockets, HTTP calls, timers, pipelines of
//!   I/O, servers and clients, streams of events. Thousands of tasks cost little memory, and
//!   time-outs, cancellation and back-pressure compose.
//! - **OS threads** (`std::thread`, `std::thread::scope`) for a handful of long-lived or
//!   blocking jobs, or when a library is blocking (wrap it in `tokio::task::spawn_blocking`
//!   if the rest of the program is async). Simpler stack traces, no runtime.
//! - **rayon** for CPU-bound data parallelism (`par_iter`): it uses every core, which
//!   asyncio cannot (the GIL, one thread) and which async tasks should not try (a task that
//!   computes for long blocks its worker thread and stalls every other task on it).
//! - **Avoid async** when plain sequential code does the job, in CPU-bound hot loops, and in
//!   small tools whose only I/O is a few files: the runtime, `Send` bounds and pinned futures
//!   are cost without benefit there.
//!
//! ## The demos
//!
//! Each module has a `pub async fn` core that returns a typed report (values and the
//! time-stamped order of events) and a `DEMO` entry that runs it on a multi-thread runtime
//! with the seed's real delays (`concepts run asyncio/<demo>`). The cores take `unit`, the
//! length of one seed second: tests pass [`SEED_SECOND`] on paused tokio time, so they
//! assert the seed's exact timings in no real time. Setting `CONCEPTS_ASYNC_SPEEDUP=10` in
//! the environment runs the demos ten times faster (one seed second becomes 100 ms).
//! Setting `CONCEPTS_ASYNC_CLOCK=virtual` runs them as the tests do — one thread, paused
//! time that jumps to the next timer — so they finish at once, print the seed's exact time
//! stamps and print the same lines on every run (the book's output is made this way). The
//! order of events is then the current-thread runtime's, which is asyncio's.

pub mod basics;
pub mod cancellation;
pub mod coordination;
pub mod event_loop;
pub mod pitfalls;
pub mod primitives;
pub mod streaming;
pub mod task_groups;
pub mod timeline;

use std::future::Future;
use std::time::Duration;

use thiserror::Error;
use tokio::task::JoinError;

use crate::demo::Demo;
pub use timeline::{Stamped, Timeline};

/// The demos of this chapter, in the seed's order.
pub const DEMOS: &[Demo] = &[
    basics::DEMO,
    event_loop::DEMO,
    primitives::DEMO,
    coordination::DEMO,
    cancellation::DEMO,
    streaming::DEMO,
    task_groups::DEMO,
];

/// One second of the seed's timeline, the `unit` the demos run with.
pub const SEED_SECOND: Duration = Duration::from_secs(1);

/// The environment variable that, set to `virtual`, runs the demos on a paused clock.
pub const CLOCK_VAR: &str = "CONCEPTS_ASYNC_CLOCK";

/// The environment variable that speeds the demos up by an integer factor (at most 100:
/// faster, the shortest sleeps fall below tokio's 1 ms timer resolution).
pub const SPEEDUP_VAR: &str = "CONCEPTS_ASYNC_SPEEDUP";

/// What can go wrong inside an async demo.
#[derive(Debug, Error)]
pub enum AsyncDemoError {
    /// A spawned task panicked or was cancelled where the demo did not expect it.
    #[error("a task did not finish: {0}")]
    Join(#[from] JoinError),
    /// The sending half of a one-shot value was dropped before it sent.
    #[error("the one-shot value was dropped before it was set")]
    FutureAbandoned,
    /// A channel closed while a producer was still sending.
    #[error("the channel closed while '{0}' was still sending")]
    ChannelClosed(String),
    /// A semaphore was closed while a worker was waiting for a permit.
    #[error("the semaphore was closed")]
    SemaphoreClosed,
    /// The tokio runtime could not be built.
    #[error("could not start the tokio runtime: {0}; check the process's thread limits")]
    Runtime(#[from] std::io::Error),
}

/// `seed_seconds` of the seed's timeline, scaled to `unit`.
///
/// ```
/// use std::time::Duration;
/// use concepts::asyncio::{scaled, SEED_SECOND};
/// assert_eq!(scaled(SEED_SECOND, 0.2), Duration::from_millis(200));
/// assert_eq!(scaled(Duration::from_millis(100), 0.2), Duration::from_millis(20));
/// ```
pub fn scaled(unit: Duration, seed_seconds: f64) -> Duration {
    unit.mul_f64(seed_seconds)
}

/// The unit the demos run with: [`SEED_SECOND`] divided by `CONCEPTS_ASYNC_SPEEDUP` when it
/// holds a whole number from 1 to 100. Returns the unit and, if the variable was set but
/// unusable, a line saying it was ignored.
pub fn demo_unit(speedup: Option<&str>) -> (Duration, Option<String>) {
    match speedup {
        None => (SEED_SECOND, None),
        Some(raw) => match raw.trim().parse::<u32>() {
            Ok(factor @ 1..=100) => (SEED_SECOND / factor, None),
            _ => (
                SEED_SECOND,
                Some(format!(
                    "note: ignored {SPEEDUP_VAR}={raw:?}; use a whole number from 1 to 100"
                )),
            ),
        },
    }
}

/// Runs one demo's async core on a fresh multi-thread runtime and returns its lines; an
/// error becomes the last line. This is the demos' `asyncio.run`.
pub(crate) fn run_demo<F, Fut>(core: F) -> Vec<String>
where
    F: FnOnce(Duration) -> Fut,
    Fut: Future<Output = Result<Vec<String>, AsyncDemoError>>,
{
    let speedup = std::env::var(SPEEDUP_VAR).ok();
    let (unit, note) = demo_unit(speedup.as_deref());
    let mut lines: Vec<String> = note.into_iter().collect();
    let mut builder = match std::env::var(CLOCK_VAR).as_deref() {
        Ok("virtual") => {
            let mut builder = tokio::runtime::Builder::new_current_thread();
            builder.start_paused(true);
            builder
        }
        Ok(other) => {
            lines.push(format!(
                "note: ignored {CLOCK_VAR}={other:?}; the only value is \"virtual\""
            ));
            tokio::runtime::Builder::new_multi_thread()
        }
        Err(_) => tokio::runtime::Builder::new_multi_thread(),
    };
    let outcome = builder
        .enable_all()
        .build()
        .map_err(AsyncDemoError::from)
        .and_then(|runtime| runtime.block_on(core(unit)));
    match outcome {
        Ok(shown) => lines.extend(shown),
        Err(e) => lines.push(format!("error: {e}")),
    }
    lines
}

/// Renders a sequence of time-stamped events as demo lines.
pub(crate) fn stamped_lines<E: std::fmt::Display>(events: &[Stamped<E>]) -> Vec<String> {
    events.iter().map(ToString::to_string).collect()
}
