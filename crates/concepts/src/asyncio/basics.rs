//! Coroutine, task and future (seed: `Asyncio/basics.py`).
//!
//! **Python.** `async def` defines a coroutine; `asyncio.create_task` wraps one in a task
//! that the event loop schedules; `loop.create_future()` plus `loop.call_later(1, ...)` makes
//! a future that a timer sets one second later, and `await future` waits for it.
//!
//! **Rust.** An `async fn` returns a lazy future: nothing runs until it is awaited, just as
//! calling a coroutine function only creates the coroutine. [`tokio::spawn`] is
//! `create_task`; it returns a [`JoinHandle`](tokio::task::JoinHandle), which is awaited for
//! the task's result. The bare future is a [`oneshot`] channel: the sender is the
//! `set_result` side, the receiver is the awaitable; the timer is a spawned task that sleeps
//! and then sends (tokio has no `call_later`: a sleeping task is how a callback is
//! scheduled).
//!
//! Differences a test pins down: a spawned task starts without being awaited and keeps
//! running when its handle is dropped (it is *detached*, not cancelled).

use std::fmt;
use std::time::Duration;

use tokio::sync::oneshot;
use tokio::time::sleep;

use super::{AsyncDemoError, Stamped, Timeline, run_demo, stamped_lines};
use crate::demo::Demo;

/// The value the timer sets on the one-shot future, as in the seed.
pub const FUTURE_VALUE: &str = "Future Result Set";

/// What the basics demo does, in the seed's words.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Step {
    /// The coroutine began.
    CoroutineStarted,
    /// The coroutine finished its one-second sleep.
    CoroutineEnded,
    /// A task was created around the coroutine.
    TaskCreated,
    /// The task's handle was awaited and the task is done.
    TaskEnded,
    /// The caller awaits the one-shot future.
    WaitingForFuture,
    /// The timer set the future to this value and the caller received it.
    FutureResolved(String),
}

impl fmt::Display for Step {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match self {
            Step::CoroutineStarted => f.write_str("Coroutine started"),
            Step::CoroutineEnded => f.write_str("Coroutine ended"),
            Step::TaskCreated => f.write_str("Task created"),
            Step::TaskEnded => f.write_str("Task ended"),
            Step::WaitingForFuture => f.write_str("Waiting for future..."),
            Step::FutureResolved(value) => f.write_str(value),
        }
    }
}

// ANCHOR: examples
/// The coroutine: records its start, sleeps one seed second, records its end.
pub async fn coroutine_example(log: Timeline<Step>, unit: Duration) {
    log.record(Step::CoroutineStarted);
    sleep(unit).await;
    log.record(Step::CoroutineEnded);
}

/// The task: spawns [`coroutine_example`] and awaits its handle.
pub async fn task_example(log: Timeline<Step>, unit: Duration) -> Result<(), AsyncDemoError> {
    log.record(Step::TaskCreated);
    let handle = tokio::spawn(coroutine_example(log.clone(), unit));
    handle.await?;
    log.record(Step::TaskEnded);
    Ok(())
}

/// The future: a one-shot value that a timer sets after one seed second.
pub async fn future_example(log: Timeline<Step>, unit: Duration) -> Result<String, AsyncDemoError> {
    let (set_result, future) = oneshot::channel::<String>();
    // `loop.call_later(1, set_future)`: a task that sleeps, then sets the value.
    tokio::spawn(async move {
        sleep(unit).await;
        // An error only means nobody waits for the value any more: nothing to do then.
        let _ = set_result.send(FUTURE_VALUE.to_owned());
    });
    log.record(Step::WaitingForFuture);
    let value = future.await.map_err(|_| AsyncDemoError::FutureAbandoned)?;
    log.record(Step::FutureResolved(value.clone()));
    Ok(value)
}
// ANCHOR_END: examples

/// What the basics demo showed.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct BasicsReport {
    /// Every step, time-stamped, in order.
    pub events: Vec<Stamped<Step>>,
    /// The value the future resolved to.
    pub future_value: String,
}

/// The seed's `main`: the coroutine awaited directly, then as a task, then the future.
pub async fn run(unit: Duration) -> Result<BasicsReport, AsyncDemoError> {
    let log = Timeline::new();
    coroutine_example(log.clone(), unit).await;
    task_example(log.clone(), unit).await?;
    let future_value = future_example(log.clone(), unit).await?;
    Ok(BasicsReport {
        events: log.entries(),
        future_value,
    })
}

// ANCHOR: demo
/// The runnable demo.
pub const DEMO: Demo = Demo {
    name: "basics",
    seed_file: "Asyncio/basics.py",
    title: "async fn, a spawned task and its handle, a one-shot value set by a timer",
    explanation: "Python: a coroutine (async def), a task (create_task) and a future set by \
loop.call_later. Rust: an async fn is a lazy future; tokio::spawn returns a JoinHandle to \
await; a oneshot channel is the future, set by a task that sleeps one second.",
    run: || run_demo(|unit| async move { Ok(stamped_lines(&run(unit).await?.events)) }),
};
// ANCHOR_END: demo
