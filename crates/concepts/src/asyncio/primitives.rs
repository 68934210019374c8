//! Queue, lock, event and semaphore (seed: `Asyncio/concurrency_primitives.py`).
//!
//! **Python.** `asyncio.Queue(maxsize=3)` passes items from a producer to two consumers, which
//! give up after one idle second (`wait_for(queue.get(), 1.0)`); `asyncio.Lock` keeps four
//! workers' read-sleep-write increments apart (4 × 5 = 20); `asyncio.Event` releases every
//! waiter with one `set()` and lets a late waiter pass at once; `asyncio.Semaphore(5)` lets at
//! most five of ten workers in at a time.
//!
//! **Rust.** The same four in [`tokio::sync`]:
//!
//! - [`queue`]: a bounded [`mpsc`] channel of capacity 3. Its receiver has one owner, so the
//!   two consumers share it behind a `Mutex` (a multi-consumer queue); the idle limit is
//!   [`tokio::time::timeout`]. Unlike an `asyncio.Queue`, a channel *knows* when every sender
//!   is gone: `recv` then returns `None`, and consumers end at once without a time-out
//!   ([`QueueEnding::SendersDropped`]). The seed's ending is [`QueueEnding::IdleTimeout`].
//! - [`lock`]: [`tokio::sync::Mutex`], whose guard may be held across `.await` (a
//!   `std::sync::Mutex` guard must not be). The mutex *owns* the counter, so the increment
//!   cannot be written without taking the lock; [`lost_updates`] does the seed's
//!   read-sleep-write on an atomic without a lock and loses 15 of the 20 increments.
//! - [`Event`]: tokio has no `Event`; a [`watch`] channel of `bool` is one (set, clear,
//!   is-set, wait). `Notify::notify_waiters` is *not*: it stores nothing, so a late waiter
//!   would block. For a set-once signal a `CancellationToken` also works (see
//!   [`cancellation`](super::cancellation)).
//! - [`semaphore`]: [`Semaphore`] with 5 permits; the demo counts the workers inside and
//!   reports the peak, which is 5.

use std::fmt;
use std::sync::Arc;
use std::sync::atomic::{AtomicU32, AtomicUsize, Ordering};
use std::time::Duration;

use futures::future::try_join_all;
use tokio::sync::{Mutex, Semaphore, mpsc, watch};
use tokio::time::{sleep, timeout};

use super::{AsyncDemoError, Stamped, Timeline, run_demo, scaled, stamped_lines};
use crate::demo::Demo;

/// The queue's capacity, as in the seed.
pub const QUEUE_CAPACITY: usize = 3;
/// Items the producer sends.
pub const ITEMS: usize = 5;
/// Lock demo: workers, and increments per worker.
pub const LOCK_WORKERS: u32 = 4;
/// Lock demo: increments per worker.
pub const INCREMENTS: u32 = 5;
/// Semaphore demo: permits, and workers competing for them.
pub const PERMITS: usize = 5;
/// Semaphore demo: workers competing for the permits.
pub const SEMAPHORE_WORKERS: usize = 10;

/// What the primitives demos do.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Step {
    /// A producer put an item into the queue.
    Put {
        /// The producer.
        producer: String,
        /// The item.
        item: String,
    },
    /// A consumer got an item.
    Got {
        /// The consumer.
        consumer: String,
        /// The item.
        item: String,
    },
    /// A consumer waited a whole idle period without an item and stopped.
    TimedOut {
        /// The consumer.
        consumer: String,
    },
    /// A consumer found the channel closed (every sender gone) and stopped.
    Closed {
        /// The consumer.
        consumer: String,
    },
    /// A worker incremented the shared counter to `value`.
    Incremented {
        /// The worker.
        worker: String,
        /// The counter after the increment.
        value: u32,
    },
    /// A waiter starts waiting for the event.
    Waiting {
        /// The waiter.
        waiter: String,
    },
    /// The setter will set the event after one second.
    WillSet {
        /// The setter.
        setter: String,
    },
    /// The setter set the event.
    Set {
        /// The setter.
        setter: String,
    },
    /// A waiter got past the event.
    Released {
        /// The waiter.
        waiter: String,
    },
    /// A worker got a semaphore permit; `inside` workers hold one now.
    Acquired {
        /// The worker.
        worker: String,
        /// How many workers hold a permit, this one included.
        inside: usize,
    },
    /// A worker is giving its permit back.
    Releasing {
        /// The worker.
        worker: String,
    },
}

impl fmt::Display for Step {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match self {
            Step::Put { producer, item } => write!(f, "Producer {producer} put: {item}"),
            Step::Got { consumer, item } => write!(f, "Consumer {consumer} got: {item}"),
            Step::TimedOut { consumer } => write!(f, "Consumer {consumer} timed out."),
            Step::Closed { consumer } => write!(f, "Consumer {consumer}: channel closed."),
            Step::Incremented { worker, value } => {
                write!(f, "Worker {worker} incremented shared_resource to {value}")
            }
            Step::Waiting { waiter } => write!(f, "Waiter {waiter} waiting for event."),
            Step::WillSet { setter } => write!(f, "Setter {setter} setting event after 1 second."),
            Step::Set { setter } => write!(f, "Setter {setter} set the event."),
            Step::Released { waiter } => write!(f, "Waiter {waiter} received event signal."),
            Step::Acquired { worker, inside } => {
                write!(f, "Worker {worker} acquired semaphore ({inside} inside).")
            }
            Step::Releasing { worker } => write!(f, "Worker {worker} releasing semaphore."),
        }
    }
}

// ---------------------------------------------------------------- queue

/// How the queue demo's consumers learn that no more items will come.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum QueueEnding {
    /// As in the seed: the queue stays open and each consumer gives up after one idle second.
    IdleTimeout,
    /// The Rust way: the producer's sender is the last one, so the channel closes when it is
    /// done and consumers stop at once.
    SendersDropped,
}

/// What the queue demo showed.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct QueueReport {
    /// Every step, time-stamped, in order.
    pub events: Vec<Stamped<Step>>,
    /// The items in the order the consumers got them, whichever consumer it was.
    pub received: Vec<String>,
}

/// Producer `P1` sends five items (0.1 s apart) through a channel of capacity 3; consumers
/// `C1` and `C2` take turns, 0.2 s per item, until one seed second passes without an item
/// or the channel closes (see [`QueueEnding`]).
pub async fn queue(unit: Duration, ending: QueueEnding) -> Result<QueueReport, AsyncDemoError> {
    let log = Timeline::new();
    let (sender, receiver) = mpsc::channel::<String>(QUEUE_CAPACITY);
    let receiver = Arc::new(Mutex::new(receiver));

    let consumers: Vec<_> = ["C1", "C2"]
        .into_iter()
        .map(|name| tokio::spawn(consumer(name, Arc::clone(&receiver), log.clone(), unit)))
        .collect();
    // The consumers own the receiver now: once both stop, a blocked `send` fails instead of
    // waiting for ever.
    drop(receiver);
    // Keeping a sender here keeps the queue open, like the seed's `Queue` object.
    let (producer_sender, kept_open) = match ending {
        QueueEnding::IdleTimeout => (sender.clone(), Some(sender)),
        QueueEnding::SendersDropped => (sender, None),
    };
    let producer = tokio::spawn(producer("P1", producer_sender, log.clone(), unit));

    producer.await??;
    try_join_all(consumers).await?;
    drop(kept_open);
    let events = log.entries();
    let received = events
        .iter()
        .filter_map(|e| match &e.event {
            Step::Got { item, .. } => Some(item.clone()),
            _ => None,
        })
        .collect();
    Ok(QueueReport { events, received })
}

async fn producer(
    name: &'static str,
    sender: mpsc::Sender<String>,
    log: Timeline<Step>,
    unit: Duration,
) -> Result<(), AsyncDemoError> {
    for i in 0..ITEMS {
        let item = format!("item-{i}");
        sender
            .send(item.clone())
            .await
            .map_err(|_| AsyncDemoError::ChannelClosed(name.to_owned()))?;
        log.record(Step::Put {
            producer: name.to_owned(),
            item,
        });
        sleep(scaled(unit, 0.1)).await;
    }
    Ok(())
}

async fn consumer(
    name: &'static str,
    receiver: Arc<Mutex<mpsc::Receiver<String>>>,
    log: Timeline<Step>,
    unit: Duration,
) {
    loop {
        // The time-out covers waiting for the turn at the receiver as well as for an item.
        let next = timeout(unit, async { receiver.lock().await.recv().await }).await;
        let consumer = name.to_owned();
        match next {
            Ok(Some(item)) => {
                log.record(Step::Got { consumer, item });
                sleep(scaled(unit, 0.2)).await;
            }
            Ok(None) => {
                log.record(Step::Closed { consumer });
                return;
            }
            Err(_elapsed) => {
                log.record(Step::TimedOut { consumer });
                return;
            }
        }
    }
}

// ---------------------------------------------------------------- lock

/// What the lock demo showed.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct LockReport {
    /// Every step, time-stamped, in order.
    pub events: Vec<Stamped<Step>>,
    /// The counter at the end.
    pub total: u32,
}

// ANCHOR: lock
/// Four workers each increment a shared counter five times: read, sleep 0.1 s, write, all
/// under a [`Mutex`]. The total is 20 and, the increments being serialised, it takes 2 s.
pub async fn lock(unit: Duration) -> Result<LockReport, AsyncDemoError> {
    let log = Timeline::new();
    let counter = Arc::new(Mutex::new(0_u32));
    let workers = (0..LOCK_WORKERS).map(|i| {
        let (counter, log) = (Arc::clone(&counter), log.clone());
        tokio::spawn(async move {
            for _ in 0..INCREMENTS {
                let mut shared = counter.lock().await;
                let current = *shared;
                sleep(scaled(unit, 0.1)).await;
                *shared = current + 1;
                log.record(Step::Incremented {
                    worker: format!("W{i}"),
                    value: *shared,
                });
            }
        })
    });
    try_join_all(workers).await?;
    let total = *counter.lock().await;
    Ok(LockReport {
        events: log.entries(),
        total,
    })
}
// ANCHOR_END: lock

// ANCHOR: lost_updates
/// The seed's increments without the lock: each worker reads, sleeps 0.1 s, writes back
/// what it read plus one. All four read the same value in every round, so 15 of the 20
/// increments are lost and the result is 5. Rust rules out the *data race* (a plain shared
/// `u32` cannot be written from several tasks without an atomic or a lock), not this *race
/// condition*: the read and the write are each safe, the gap between them is the bug. A
/// `Mutex` locked once to read and once to write loses the same updates (a test shows it);
/// only holding one guard across the read, the sleep and the write, as [`lock`] does,
/// keeps them.
pub async fn lost_updates(unit: Duration) -> Result<u32, AsyncDemoError> {
    let counter = Arc::new(AtomicU32::new(0));
    let workers = (0..LOCK_WORKERS).map(|_| {
        let counter = Arc::clone(&counter);
        tokio::spawn(async move {
            for _ in 0..INCREMENTS {
                let current = counter.load(Ordering::SeqCst);
                sleep(scaled(unit, 0.1)).await;
                counter.store(current + 1, Ordering::SeqCst);
            }
        })
    });
    try_join_all(workers).await?;
    Ok(counter.load(Ordering::SeqCst))
}
// ANCHOR_END: lost_updates

// ---------------------------------------------------------------- event

/// `asyncio.Event` for tokio: a flag that releases every waiter when set and lets waiters
/// through at once while it stays set; `clear` makes them wait again.
///
/// ```
/// # tokio::runtime::Builder::new_current_thread().build().unwrap().block_on(async {
/// use concepts::asyncio::primitives::Event;
/// let event = Event::new();
/// let waiter = tokio::spawn({
///     let event = event.clone();
///     async move { event.wait().await }
/// });
/// event.set();
/// waiter.await.unwrap();
/// assert!(event.is_set());
/// event.wait().await; // a late waiter passes at once
/// # });
/// ```
#[derive(Debug, Clone)]
pub struct Event {
    flag: watch::Sender<bool>,
}

impl Default for Event {
    fn default() -> Self {
        Self::new()
    }
}

impl Event {
    /// A new, unset event.
    pub fn new() -> Self {
        Self {
            flag: watch::Sender::new(false),
        }
    }

    /// Sets the event: every waiter is released, and later waiters pass at once.
    pub fn set(&self) {
        self.flag.send_replace(true);
    }

    /// Clears the event: later waiters wait for the next [`set`](Self::set).
    pub fn clear(&self) {
        self.flag.send_replace(false);
    }

    /// Whether the event is set.
    pub fn is_set(&self) -> bool {
        *self.flag.borrow()
    }

    /// Waits until the event is set (returns at once if it already is).
    pub async fn wait(&self) {
        let mut receiver = self.flag.subscribe();
        // `wait_for` fails only when the sender is dropped, and `self` holds it.
        let _ = receiver.wait_for(|set| *set).await;
    }
}

/// What the event demo showed.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct EventReport {
    /// Every step, time-stamped, in order.
    pub events: Vec<Stamped<Step>>,
    /// How long the late waiter `W3`, arriving after the set, waited.
    pub late_wait: Duration,
}

/// Waiters `W1` and `W2` wait; setter `S1` sets the event after one second and both are
/// released together; then a late waiter `W3` passes at once.
pub async fn event(unit: Duration) -> Result<EventReport, AsyncDemoError> {
    let log = Timeline::new();
    let event = Event::new();
    let waiter = |name: &'static str| {
        let (event, log) = (event.clone(), log.clone());
        tokio::spawn(async move {
            log.record(Step::Waiting {
                waiter: name.to_owned(),
            });
            event.wait().await;
            log.record(Step::Released {
                waiter: name.to_owned(),
            });
        })
    };
    let early = [waiter("W1"), waiter("W2")];
    let setter = tokio::spawn({
        let (event, log) = (event.clone(), log.clone());
        async move {
            let setter = "S1".to_owned();
            log.record(Step::WillSet {
                setter: setter.clone(),
            });
            sleep(unit).await;
            event.set();
            log.record(Step::Set { setter });
        }
    });
    try_join_all(early).await?;
    setter.await?;

    let before = log.elapsed();
    waiter("W3").await?;
    let late_wait = log.elapsed() - before;
    Ok(EventReport {
        events: log.entries(),
        late_wait,
    })
}

// ---------------------------------------------------------------- semaphore

/// What the semaphore demo showed.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct SemaphoreReport {
    /// Every step, time-stamped, in order.
    pub events: Vec<Stamped<Step>>,
    /// The most workers that held a permit at the same time.
    pub peak: usize,
}

/// Ten workers each hold one of five permits for one second: two waves of five, 2 s in all.
/// The number of workers inside is counted, and its peak reported.
pub async fn semaphore(unit: Duration) -> Result<SemaphoreReport, AsyncDemoError> {
    let log = Timeline::new();
    let permits = Arc::new(Semaphore::new(PERMITS));
    let inside = Arc::new(AtomicUsize::new(0));
    let peak = Arc::new(AtomicUsize::new(0));
    let workers = (0..SEMAPHORE_WORKERS).map(|i| {
        let (permits, inside, peak, log) = (
            Arc::clone(&permits),
            Arc::clone(&inside),
            Arc::clone(&peak),
            log.clone(),
        );
        tokio::spawn(async move {
            let worker = format!("W{i}");
            let _permit = permits
                .acquire()
                .await
                .map_err(|_| AsyncDemoError::SemaphoreClosed)?;
            let now_inside = inside.fetch_add(1, Ordering::SeqCst) + 1;
            peak.fetch_max(now_inside, Ordering::SeqCst);
            log.record(Step::Acquired {
                worker: worker.clone(),
                inside: now_inside,
            });
            sleep(unit).await;
            log.record(Step::Releasing { worker });
            // Leave the count before the permit goes (when `_permit` drops).
            inside.fetch_sub(1, Ordering::SeqCst);
            Ok::<(), AsyncDemoError>(())
        })
    });
    for outcome in try_join_all(workers).await? {
        outcome?;
    }
    Ok(SemaphoreReport {
        events: log.entries(),
        peak: peak.load(Ordering::SeqCst),
    })
}

// ANCHOR: demo
/// The runnable demo: the seed's four parts in order.
pub const DEMO: Demo = Demo {
    name: "primitives",
    seed_file: "Asyncio/concurrency_primitives.py",
    title: "bounded channel with a receive time-out, mutex (4 x 5 = 20), event, semaphore (5 of 10)",
    explanation: "Python: asyncio.Queue, Lock, Event and Semaphore. Rust: tokio::sync's bounded \
mpsc channel (+ timeout), Mutex (its guard may cross .await), a watch channel as an Event, and \
Semaphore; the semaphore's peak concurrency is measured.",
    run: || {
        run_demo(|unit| async move {
            let mut lines = vec!["-- queue (capacity 3, one producer, two consumers)".to_owned()];
            lines.extend(stamped_lines(
                &queue(unit, QueueEnding::IdleTimeout).await?.events,
            ));
            lines.push("-- lock (4 workers x 5 increments)".to_owned());
            let locked = lock(unit).await?;
            lines.extend(stamped_lines(&locked.events));
            lines.push(format!("Final value of shared_resource: {}", locked.total));
            lines.push(format!(
                "(the same increments without the lock end at {})",
                lost_updates(unit).await?
            ));
            lines.push("-- event (two waiters, one setter, one late waiter)".to_owned());
            let evented = event(unit).await?;
            lines.extend(stamped_lines(&evented.events));
            lines.push(format!(
                "late waiter W3 waited {:.2}s",
                evented.late_wait.as_secs_f64()
            ));
            lines.push("-- semaphore (5 permits, 10 workers)".to_owned());
            let limited = semaphore(unit).await?;
            lines.extend(stamped_lines(&limited.events));
            lines.push(format!(
                "peak concurrency: {} (limit {PERMITS})",
                limited.peak
            ));
            Ok(lines)
        })
    },
};
// ANCHOR_END: demo
