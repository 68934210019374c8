//! Async iterators and async generators (seed: `Asyncio/streaming_patterns.py`).
//!
//! **Python.** `AsyncRange(1, 5, 1)` is a class with `__aiter__` / `__anext__` that sleeps a
//! second before each value (1, 2, 3, 4). `fetch_data_stream(count)` is an async generator
//! (`yield` inside `async def`) of readings 0.2 s apart, consumed four ways: `async for`,
//! `await g.__anext__()`, `await g.asend(None)` and an async comprehension.
//!
//! **Rust.** An async iterator is a [`Stream`]. [`AsyncRange`] implements `poll_next` by hand:
//! it keeps its pending sleep between polls, which is the state `__anext__`'s frame holds
//! for Python. A generator is written with [`async_stream::stream!`] and `yield`. The four
//! ways become `while let Some(x) = s.next().await` (the `async for`), calls to `next()`
//! (`__anext__`), a request sent in through a channel before each `next()` (what `asend` is
//! for: a stream has no `send`, and the seed's `asend(None)` is the same as `__anext__`), and
//! `collect::<Vec<_>>()` (the comprehension).
//!
//! Like the seed's table says, a stream is *lazy*: nothing runs until it is polled, and values
//! come in sequence; `as_completed` instead starts every task at once and yields in
//! completion order (see [`coordination`](super::coordination)). Each reading's `value` is
//! random (1..=100) as in the seed; its `at` is the time since the stream first ran, in place
//! of the seed's wall-clock `time.time()`.

use std::fmt;
use std::future::Future;
use std::hash::{BuildHasher, RandomState};
use std::pin::Pin;
use std::task::{Context, Poll, ready};
use std::time::Duration;

use async_stream::stream;
use futures::{Stream, StreamExt};
use tokio::sync::mpsc;
use tokio::time::{Instant, Sleep, sleep};

use super::{AsyncDemoError, Stamped, Timeline, run_demo, scaled, stamped_lines};
use crate::demo::Demo;

/// Readings each consumption style takes, as in the seed.
pub const COUNT: u32 = 2;

// ANCHOR: async_range
/// A hand-written async iterator: `start..stop`, each value after `delay`.
///
/// ```
/// # tokio::runtime::Builder::new_current_thread().enable_time().build().unwrap().block_on(async {
/// use std::time::Duration;
/// use futures::StreamExt;
/// use concepts::asyncio::streaming::AsyncRange;
/// let values: Vec<u32> = AsyncRange::new(1, 5, Duration::from_millis(1)).collect().await;
/// assert_eq!(values, [1, 2, 3, 4]);
/// # });
/// ```
#[derive(Debug)]
pub struct AsyncRange {
    next: u32,
    stop: u32,
    delay: Duration,
    pending: Option<Pin<Box<Sleep>>>,
}

impl AsyncRange {
    /// The values `start..stop`, each produced after `delay`.
    pub fn new(start: u32, stop: u32, delay: Duration) -> Self {
        Self {
            next: start,
            stop,
            delay,
            pending: None,
        }
    }
}

impl Stream for AsyncRange {
    type Item = u32;

    fn poll_next(self: Pin<&mut Self>, cx: &mut Context<'_>) -> Poll<Option<u32>> {
        // `AsyncRange` is `Unpin` (its sleep is boxed), so it can be used as `&mut`.
        let this = self.get_mut();
        if this.next >= this.stop {
            return Poll::Ready(None);
        }
        let delay = this.delay;
        let pending = this.pending.get_or_insert_with(|| Box::pin(sleep(delay)));
        ready!(pending.as_mut().poll(cx));
        this.pending = None;
        let current = this.next;
        this.next += 1;
        Poll::Ready(Some(current))
    }

    fn size_hint(&self) -> (usize, Option<usize>) {
        let left = usize::try_from(self.stop.saturating_sub(self.next)).unwrap_or(usize::MAX);
        (left, Some(left))
    }
}
// ANCHOR_END: async_range

/// One reading from the generator.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Reading {
    /// Its position in the stream, from 0.
    pub id: u32,
    /// Time since the stream first ran.
    pub at: Duration,
    /// A random value in 1..=100.
    pub value: u8,
}

impl fmt::Display for Reading {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(
            f,
            "{{id: {}, at: {:.2}s, value: {}}}",
            self.id,
            self.at.as_secs_f64(),
            self.value
        )
    }
}

fn random_value(id: u32) -> u8 {
    // `RandomState` is seeded randomly per process: enough randomness for demo data.
    let hash = RandomState::new().hash_one(id);
    u8::try_from(hash % 100).unwrap_or(0) + 1
}

// ANCHOR: generator
/// The seed's `fetch_data_stream`: `count` readings, each after 0.2 s of "network delay".
pub fn fetch_data_stream(count: u32, unit: Duration) -> impl Stream<Item = Reading> {
    stream! {
        let start = Instant::now();
        for id in 0..count {
            sleep(scaled(unit, 0.2)).await;
            yield Reading { id, at: start.elapsed(), value: random_value(id) };
        }
    }
}
// ANCHOR_END: generator

/// The `asend` counterpart: a generator driven by what is sent in. Each id received on
/// `requests` yields its reading after 0.2 s; the stream ends when the sender is dropped.
pub fn fetch_on_request(
    mut requests: mpsc::Receiver<u32>,
    unit: Duration,
) -> impl Stream<Item = Reading> {
    stream! {
        let start = Instant::now();
        while let Some(id) = requests.recv().await {
            sleep(scaled(unit, 0.2)).await;
            yield Reading { id, at: start.elapsed(), value: random_value(id) };
        }
    }
}

/// A way of consuming a stream.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Style {
    /// `while let Some(x) = s.next().await` (`async for`).
    Loop,
    /// Explicit `next().await` calls (`__anext__`).
    Next,
    /// Send a request in, then `next().await` (`asend`).
    Send,
    /// `collect::<Vec<_>>()` (an async comprehension).
    Collect,
}

impl fmt::Display for Style {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(match self {
            Style::Loop => "while let (async for)",
            Style::Next => "next() (__anext__)",
            Style::Send => "send + next() (asend)",
            Style::Collect => "collect (comprehension)",
        })
    }
}

/// What the streaming demos do.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Step {
    /// `AsyncRange` produced a value.
    Value(u32),
    /// A consumption style got readings (one, or all at once for `collect`).
    Fetched(Style, Vec<Reading>),
}

impl fmt::Display for Step {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match self {
            Step::Value(v) => write!(f, "Got value {v}"),
            Step::Fetched(style, readings) => {
                write!(f, "Fetched via {style}: ")?;
                let shown: Vec<String> = readings.iter().map(ToString::to_string).collect();
                f.write_str(&shown.join(", "))
            }
        }
    }
}

/// The seed's `async_iterator`: `AsyncRange(1, 5)` with one-second steps.
pub async fn async_iterator(unit: Duration) -> Vec<Stamped<Step>> {
    let log = Timeline::new();
    let mut range = AsyncRange::new(1, 5, unit);
    while let Some(value) = range.next().await {
        log.record(Step::Value(value));
    }
    log.entries()
}

/// The seed's `async_generator`: the generator consumed in the four styles, two readings each.
pub async fn async_generator(unit: Duration) -> Result<Vec<Stamped<Step>>, AsyncDemoError> {
    let log = Timeline::new();

    let readings = fetch_data_stream(COUNT, unit);
    let mut readings = std::pin::pin!(readings);
    while let Some(reading) = readings.next().await {
        log.record(Step::Fetched(Style::Loop, vec![reading]));
    }

    let readings = fetch_data_stream(COUNT, unit);
    let mut readings = std::pin::pin!(readings);
    for _ in 0..COUNT {
        if let Some(reading) = readings.next().await {
            log.record(Step::Fetched(Style::Next, vec![reading]));
        }
    }

    let (requests, inbox) = mpsc::channel(1);
    let readings = fetch_on_request(inbox, unit);
    let mut readings = std::pin::pin!(readings);
    for id in 0..COUNT {
        requests
            .send(id)
            .await
            .map_err(|_| AsyncDemoError::ChannelClosed("the asend-style consumer".to_owned()))?;
        if let Some(reading) = readings.next().await {
            log.record(Step::Fetched(Style::Send, vec![reading]));
        }
    }

    let all: Vec<Reading> = fetch_data_stream(COUNT, unit).collect().await;
    log.record(Step::Fetched(Style::Collect, all));
    Ok(log.entries())
}

// ANCHOR: demo
/// The runnable demo: both parts of the seed.
pub const DEMO: Demo = Demo {
    name: "streaming",
    seed_file: "Asyncio/streaming_patterns.py",
    title: "a hand-written Stream (AsyncRange 1..5) and a generator-style stream used four ways",
    explanation: "Python: an async iterator class (__aiter__/__anext__) and an async generator \
consumed by async for, __anext__, asend and a comprehension. Rust: Stream::poll_next by hand, \
async_stream::stream! with yield, and while-let / next() / send-then-next / collect.",
    run: || {
        run_demo(|unit| async move {
            let mut lines = vec!["-- AsyncRange(1, 5), one second per value".to_owned()];
            lines.extend(stamped_lines(&async_iterator(unit).await));
            lines.push("-- fetch_data_stream(2), consumed four ways".to_owned());
            lines.extend(stamped_lines(&async_generator(unit).await?));
            Ok(lines)
        })
    },
};
// ANCHOR_END: demo
