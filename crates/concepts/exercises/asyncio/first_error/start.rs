//! Exercise — asyncio, task groups: fail fast with a `JoinSet`.
//!
//! `run_all` runs every job at once; job `i` sleeps `millis` milliseconds and then succeeds
//! with `millis`, or fails with `"job {i} failed"`. If all succeed, return their results in
//! submission order. At the first failure, abort the other jobs and return that error
//! without waiting for the slow ones (a `TaskGroup` would cancel them too).
//! Hints: `JoinSet::spawn` an `async move` block returning `(i, outcome)`; `join_next`;
//! `abort_all`.

use std::time::Duration;

/// One job: how long it works and whether it then fails.
#[derive(Debug, Clone, Copy)]
pub struct Job {
    /// Milliseconds of work.
    pub millis: u64,
    /// Whether it fails at the end.
    pub fail: bool,
}

/// Job `index`: sleeps, then returns its milliseconds or its failure.
pub async fn work(index: usize, job: Job) -> Result<u64, String> {
    tokio::time::sleep(Duration::from_millis(job.millis)).await;
    if job.fail {
        Err(format!("job {index} failed"))
    } else {
        Ok(job.millis)
    }
}

/// Every job's result in submission order, or the first failure.
pub async fn run_all(jobs: &[Job]) -> Result<Vec<u64>, String> {
    let _ = jobs;
    todo!("spawn every work(i, job) into a JoinSet, drain it, abort on the first error")
}
