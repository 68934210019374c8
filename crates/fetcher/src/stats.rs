//! The seed's four counters (`get_stats()`), kept in atomics so clones of a
//! [`Fetcher`](crate::Fetcher) on many tasks share them without a lock.
//!
//! They move exactly as the seed's do: `request_made` once per attempt, `total_retries`
//! once per retry, `request_failed` once per request that ends in an error,
//! `request_succeeded` once per success.

use std::fmt;
use std::sync::atomic::{AtomicU64, Ordering};

use serde::Serialize;

/// A snapshot of the counters.
#[derive(Debug, Clone, Copy, Default, PartialEq, Eq, Serialize)]
pub struct Stats {
    /// Attempts made (every try, including retries).
    pub request_made: u64,
    /// Requests that ended in an error.
    pub request_failed: u64,
    /// Requests that ended in a response with status < 400.
    pub request_succeeded: u64,
    /// Retries (attempts after a failed one).
    pub total_retries: u64,
}

impl fmt::Display for Stats {
    /// As Python prints the seed's stats dict.
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(
            f,
            "{{'request_made': {}, 'request_failed': {}, 'request_succeeded': {}, 'total_retries': {}}}",
            self.request_made, self.request_failed, self.request_succeeded, self.total_retries
        )
    }
}

/// The live counters.
#[derive(Debug, Default)]
pub(crate) struct Counters {
    pub(crate) made: AtomicU64,
    pub(crate) failed: AtomicU64,
    pub(crate) succeeded: AtomicU64,
    pub(crate) retries: AtomicU64,
}

impl Counters {
    pub(crate) fn bump(counter: &AtomicU64) {
        counter.fetch_add(1, Ordering::Relaxed);
    }

    pub(crate) fn snapshot(&self) -> Stats {
        Stats {
            request_made: self.made.load(Ordering::Relaxed),
            request_failed: self.failed.load(Ordering::Relaxed),
            request_succeeded: self.succeeded.load(Ordering::Relaxed),
            total_retries: self.retries.load(Ordering::Relaxed),
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn prints_like_the_seeds_dict() {
        let c = Counters::default();
        Counters::bump(&c.made);
        Counters::bump(&c.made);
        Counters::bump(&c.retries);
        assert_eq!(
            c.snapshot().to_string(),
            "{'request_made': 2, 'request_failed': 0, 'request_succeeded': 0, 'total_retries': 1}"
        );
    }
}
