//! Solution — asyncio, task groups: a `JoinSet` drained with `join_next`; the first error
//! aborts the rest (`abort_all`) and returns at once; results are put back in submission
//! order by index.

use std::time::Duration;

use tokio::task::JoinSet;

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
    let mut group = JoinSet::new();
    for (index, &job) in jobs.iter().enumerate() {
        group.spawn(async move { (index, work(index, job).await) });
    }
    let mut results = vec![0; jobs.len()];
    while let Some(joined) = group.join_next().await {
        match joined {
            Ok((index, Ok(value))) => results[index] = value,
            Ok((_, Err(failure))) => {
                group.abort_all();
                return Err(failure);
            }
            Err(e) => return Err(format!("a job did not finish: {e}")),
        }
    }
    Ok(results)
}
