//! `fetcher queue status` (what a job holds) and `fetcher queue drop` (remove it).
//!
//! A request is *waiting* (pushed, never delivered), *in flight* (delivered to a worker,
//! not acknowledged: fetching, or held by a worker that died until it is taken over),
//! *done* (its result written) or *dead*. Done and dead requests are deleted from the
//! request stream, so: done = pushed − left − dead, where pushed is the stream's
//! `entries-added` (Redis 7).

use std::time::Duration;

use redis::aio::ConnectionManager;

use super::{GROUP, Job, QueueError, connect, job_exists, reply};
use crate::cli::{CliError, EXIT_OK};

/// `XPENDING` summary: count, lowest and highest id, `[consumer, count]` pairs (nil
/// when nothing is pending).
pub type PendingSummary = (
    u64,
    Option<String>,
    Option<String>,
    Option<Vec<(String, u64)>>,
);

/// The counts `status` prints.
#[derive(Debug, Clone, PartialEq, Eq, Default)]
pub struct JobStatus {
    /// Requests ever added.
    pub pushed: u64,
    /// Never delivered yet.
    pub waiting: u64,
    /// Delivered, not acknowledged, by consumer name.
    pub in_flight: Vec<(String, u64)>,
    /// With a result.
    pub done: u64,
    /// In the dead-letter stream.
    pub dead: u64,
    /// Result records (a request delivered again can have more than one).
    pub results: u64,
}

impl JobStatus {
    /// Requests in flight over all workers.
    pub fn in_flight_total(&self) -> u64 {
        self.in_flight.iter().map(|(_, n)| n).sum()
    }

    /// Reads the status of `job`; `None` if it does not exist.
    ///
    /// # Errors
    /// When Redis fails or answers what Redis 7 would not.
    pub async fn read(con: &mut ConnectionManager, job: &Job) -> Result<Option<Self>, QueueError> {
        if !job_exists(con, job).await? {
            return Ok(None);
        }
        let what = "read the job's status";
        let (info, pending, results, dead): (redis::Value, redis::Value, u64, u64) = redis::pipe()
            .cmd("XINFO")
            .arg("STREAM")
            .arg(job.requests())
            .cmd("XPENDING")
            .arg(job.requests())
            .arg(GROUP)
            .cmd("XLEN")
            .arg(job.results())
            .cmd("XLEN")
            .arg(job.dead())
            .query_async(con)
            .await
            .map_err(QueueError::redis(what))?;
        let field = |name: &str| -> Result<u64, QueueError> {
            let found = match &info {
                redis::Value::Array(flat) => flat
                    .chunks(2)
                    .find(|pair| {
                        redis::from_redis_value_ref::<String>(&pair[0]).is_ok_and(|k| k == name)
                    })
                    .and_then(|pair| pair.get(1)),
                redis::Value::Map(pairs) => pairs
                    .iter()
                    .find(|(k, _)| {
                        redis::from_redis_value_ref::<String>(k).is_ok_and(|k| k == name)
                    })
                    .map(|(_, v)| v),
                _ => None,
            };
            let value =
                found.ok_or_else(|| reply(what)(format!("XINFO STREAM has no '{name}'")))?;
            redis::from_redis_value_ref(value).map_err(|e| reply(what)(e.to_string()))
        };
        let (pushed, left) = (field("entries-added")?, field("length")?);
        // XPENDING summary: [count, min id, max id, [[consumer, count], ...] or nil].
        let summary: PendingSummary =
            redis::from_redis_value(pending).map_err(|e| reply(what)(e.to_string()))?;
        let consumers = summary.3;
        let mut status = JobStatus {
            pushed,
            in_flight: consumers.unwrap_or_default(),
            dead,
            results,
            ..JobStatus::default()
        };
        status.waiting = left.saturating_sub(status.in_flight_total());
        status.done = pushed.saturating_sub(left).saturating_sub(dead);
        Ok(Some(status))
    }

    /// The report `status` prints.
    pub fn to_text(&self, job: &Job) -> String {
        let workers = if self.in_flight.is_empty() {
            String::new()
        } else {
            let each: Vec<String> = self
                .in_flight
                .iter()
                .map(|(name, n)| format!("{name} {n}"))
                .collect();
            format!("  ({})", each.join(", "))
        };
        format!(
            "job        {}\npushed     {}\nwaiting    {}\nin flight  {}{workers}\ndone       {}\ndead       {}\nresults    {} records (a request fetched twice has two)\n",
            job.name(),
            self.pushed,
            self.waiting,
            self.in_flight_total(),
            self.done,
            self.dead,
            self.results
        )
    }
}

async fn open(redis: &str) -> Result<ConnectionManager, QueueError> {
    connect(redis, Duration::from_secs(30)).await
}

fn no_job(job: &Job, redis: &str) -> CliError {
    CliError::Usage(format!(
        "no job '{}' in Redis at {redis}: check --job and --redis",
        job.name()
    ))
}

/// Prints the status of `job`.
///
/// # Errors
/// A missing job, or Redis failing.
pub async fn status(redis: &str, job: &Job) -> Result<u8, CliError> {
    let mut con = open(redis).await?;
    let status = JobStatus::read(&mut con, job)
        .await?
        .ok_or_else(|| no_job(job, redis))?;
    print!("{}", status.to_text(job));
    Ok(EXIT_OK)
}

/// Removes every key of `job`.
///
/// # Errors
/// A missing job, or Redis failing.
pub async fn drop_job(redis: &str, job: &Job) -> Result<u8, CliError> {
    let mut con = open(redis).await?;
    if !job_exists(&mut con, job).await? {
        return Err(no_job(job, redis));
    }
    let mut keys = vec![
        job.requests(),
        job.results(),
        job.dead(),
        job.errors(),
        job.rate(),
    ];
    let mut cursor = 0u64;
    loop {
        let (next, found): (u64, Vec<String>) = redis::cmd("SCAN")
            .arg(cursor)
            .arg("MATCH")
            .arg(job.hosts_pattern())
            .arg("COUNT")
            .arg(1000)
            .query_async(&mut con)
            .await
            .map_err(QueueError::redis("find the job's leases"))?;
        keys.extend(found);
        if next == 0 {
            break;
        }
        cursor = next;
    }
    let removed: u64 = redis::cmd("DEL")
        .arg(&keys)
        .query_async(&mut con)
        .await
        .map_err(QueueError::redis("remove the job"))?;
    eprintln!(
        "fetcher: job {} dropped ({removed} keys removed)",
        job.name()
    );
    Ok(EXIT_OK)
}
