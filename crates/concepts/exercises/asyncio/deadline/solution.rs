//! Solution — asyncio, coordination: `timeout` drops the inner future at the deadline; its
//! `Elapsed` error becomes the exercise's `TimedOut`.

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
    tokio::time::timeout(limit, slow(work))
        .await
        .map_err(|_elapsed| TimedOut)
}
