//! Exercise — asyncio, coordination: `wait_for` is `tokio::time::timeout`.
//!
//! `with_deadline(work, limit)` runs `slow(work)` but gives up after `limit`: it returns
//! `Ok(result)` if the work finished in time and `Err(TimedOut)` otherwise — at the limit,
//! not when the work would have finished (the work is dropped, which cancels it).

use std::time::Duration;

/// The work did not finish in time.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct TimedOut;

/// Work that takes `work` and says so.
pub async fn slow(work: Duration) -> String {
    tokio::time::sleep(work).await;
    format!("done after {} ms", work.as_millis())
}

/// `slow(work)`, abandoned after `limit`.
pub async fn with_deadline(work: Duration, limit: Duration) -> Result<String, TimedOut> {
    let _ = (work, limit);
    todo!("tokio::time::timeout(limit, slow(work))")
}
