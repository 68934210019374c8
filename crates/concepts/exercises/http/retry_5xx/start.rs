//! Exercise — HTTP exceptions: retry only server errors, with a capped doubling back-off.
//!
//! `with_retries(max_retries, attempt)` calls `attempt` until it succeeds. A try fails with
//! the HTTP status it got:
//! - 500 to 599 (the server's fault, may pass): sleep `backoff(n)` before retry `n` (from 1),
//!   at most `max_retries` retries; still failing after them: `GaveUp::Exhausted`;
//! - any other status (a 404 will not change by asking again): `GaveUp::NotRetried` at once,
//!   no sleep.
//!
//! `backoff(n)` is `min(2^(n-1), 30)` seconds: 1, 2, 4, 8, 16, 30, 30, … and must not
//! overflow for a large `n`. Sleep with `tokio::time::sleep`: the check runs on paused time
//! and asserts the exact time of every try.

use std::time::Duration;

/// Why the loop stopped without a success.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum GaveUp {
    /// A status that is not retried, returned at the first try that got it.
    NotRetried(u16),
    /// Still a server error after `tries` tries; `last` is the last status.
    Exhausted {
        /// Tries made, the first included.
        tries: u32,
        /// The last try's status.
        last: u16,
    },
}

/// The sleep before retry number `retry` (from 1): `min(2^(retry-1), 30)` seconds.
pub fn backoff(retry: u32) -> Duration {
    let _ = retry;
    todo!("2^(retry-1) seconds, capped at 30, without overflow (saturating_pow)")
}

/// `attempt` until it succeeds, retrying only 5xx, at most `max_retries` times.
///
/// # Errors
/// [`GaveUp`]: a status not retried, or the retries used up.
pub async fn with_retries<T, F, Fut>(max_retries: u32, mut attempt: F) -> Result<T, GaveUp>
where
    F: FnMut() -> Fut,
    Fut: Future<Output = Result<T, u16>>,
{
    let _ = (max_retries, &mut attempt);
    todo!("loop: try; Ok -> return; 5xx with retries left -> sleep backoff(n); else give up")
}
