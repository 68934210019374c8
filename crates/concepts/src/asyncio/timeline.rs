//! A shared, time-stamped event log: how the demos record *what happened when*.
//!
//! The seed's files `print` as they go; here every task records a typed event into a
//! [`Timeline`] instead, stamped with the time since the timeline started. Tests compare
//! those stamps with the seed's timings on paused tokio time (where they are exact), and the
//! demos print them. The stamps use [`tokio::time::Instant`], so paused time applies.

use std::fmt;
use std::sync::{Arc, Mutex, PoisonError};
use std::time::Duration;

use tokio::time::Instant;

/// One recorded event and when it happened, measured from the start of its [`Timeline`].
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Stamped<E> {
    /// Time since the timeline started.
    pub at: Duration,
    /// What happened.
    pub event: E,
}

impl<E: fmt::Display> fmt::Display for Stamped<E> {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(f, "[{:>5.2}s] {}", self.at.as_secs_f64(), self.event)
    }
}

/// A cloneable handle to one shared event log; every clone records into the same log.
///
/// ```
/// use concepts::asyncio::Timeline;
/// let log = Timeline::new();
/// let other = log.clone();
/// log.record("first");
/// other.record("second");
/// let events: Vec<_> = log.events();
/// assert_eq!(events, ["first", "second"]);
/// ```
#[derive(Debug)]
pub struct Timeline<E> {
    start: Instant,
    entries: Arc<Mutex<Vec<Stamped<E>>>>,
}

impl<E> Clone for Timeline<E> {
    fn clone(&self) -> Self {
        Self {
            start: self.start,
            entries: Arc::clone(&self.entries),
        }
    }
}

impl<E> Default for Timeline<E> {
    fn default() -> Self {
        Self::new()
    }
}

impl<E> Timeline<E> {
    /// Starts an empty log now.
    pub fn new() -> Self {
        Self {
            start: Instant::now(),
            entries: Arc::new(Mutex::new(Vec::new())),
        }
    }

    /// Time since the log started.
    pub fn elapsed(&self) -> Duration {
        self.start.elapsed()
    }

    /// Records `event`, stamped with the time since the log started.
    pub fn record(&self, event: E) {
        let at = self.elapsed();
        // A panic while the lock is held cannot leave a half-pushed entry behind, so a
        // poisoned log is still consistent: keep using it.
        let mut entries = self.entries.lock().unwrap_or_else(PoisonError::into_inner);
        entries.push(Stamped { at, event });
    }

    /// Everything recorded so far, in order, with time stamps.
    pub fn entries(&self) -> Vec<Stamped<E>>
    where
        E: Clone,
    {
        self.entries
            .lock()
            .unwrap_or_else(PoisonError::into_inner)
            .clone()
    }

    /// Everything recorded so far, in order, without time stamps.
    pub fn events(&self) -> Vec<E>
    where
        E: Clone,
    {
        self.entries().into_iter().map(|s| s.event).collect()
    }
}
