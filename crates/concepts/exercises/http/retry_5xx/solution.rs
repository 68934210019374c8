//! Solution — HTTP exceptions: a loop that returns at once on a success or a status that is
//! not retried, and sleeps `backoff(n)` before retry `n` while retries are left.

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
    let seconds = 2u64.saturating_pow(retry.saturating_sub(1)).min(30);
    Duration::from_secs(seconds)
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
    let mut retries = 0;
    loop {
        let status = match attempt().await {
            Ok(value) => return Ok(value),
            Err(status) => status,
        };
        if !(500..=599).contains(&status) {
            return Err(GaveUp::NotRetried(status));
        }
        if retries == max_retries {
            return Err(GaveUp::Exhausted {
                tries: retries + 1,
                last: status,
            });
        }
        retries += 1;
        tokio::time::sleep(backoff(retries)).await;
    }
}
