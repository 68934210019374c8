//! `fetcher queue collect`: the job's result stream into a file of the batch CLI's records,
//! one per input line.
//!
//! Delivery is at least once, so a line can have several results; the first one in the
//! stream is written and the rest dropped (a bit per line number remembers which lines are
//! written: 12.5 MB for 10^8 lines). With `--resume` the file's records (read by the batch
//! CLI's [`ResumeIndex`](crate::cli::resume::ResumeIndex)) count as written, so only new
//! results are appended; a record whose line the file holds for another request is the
//! batch CLI's "input changed" error. Collecting reads the stream, it takes nothing out of
//! it, so it can run while workers work, and again; `--follow` keeps collecting until the
//! job has no requests left.

use std::collections::HashSet;
use std::io::Write;
use std::time::Duration;

use tokio_util::sync::CancellationToken;

use super::{Job, QueueError, connect, entries, job_exists, requests_left};
use crate::cli::args::Sink;
use crate::cli::resume::record_identity;
use crate::cli::{CliError, EXIT_INTERRUPTED, EXIT_OK, open_output};

/// Results read per `XRANGE`.
const PAGE: usize = 1000;
/// How often `--follow` looks for new results.
const POLL: Duration = Duration::from_millis(200);

/// What `collect` reads.
#[derive(Debug, Clone)]
pub struct CollectOptions {
    /// Redis URL.
    pub redis: String,
    /// The job.
    pub job: Job,
    /// Where records go.
    pub sink: Sink,
    /// Keep going until the job has no requests left.
    pub follow: bool,
}

/// The input lines written so far: a bitmap for line numbers up to 2^32, a set above.
#[derive(Debug, Default)]
struct Lines {
    bits: Vec<u64>,
    huge: HashSet<u64>,
}

impl Lines {
    /// Marks `line`; false if it was already marked.
    fn insert(&mut self, line: u64) -> bool {
        if line >= 1 << 32 {
            return self.huge.insert(line);
        }
        let (word, bit) = ((line / 64) as usize, 1u64 << (line % 64));
        if word >= self.bits.len() {
            self.bits.resize((word + 1).next_power_of_two(), 0);
        }
        let fresh = self.bits[word] & bit == 0;
        self.bits[word] |= bit;
        fresh
    }
}

/// Collects; returns 0, or 130 when `--follow` was interrupted.
///
/// # Errors
/// A missing job, an unwritable output, a `--resume` against other requests, or Redis
/// failing.
pub async fn collect(opts: CollectOptions) -> Result<u8, CliError> {
    let mut con = connect(&opts.redis, Duration::from_secs(30)).await?;
    if !job_exists(&mut con, &opts.job).await? {
        return Err(CliError::Usage(format!(
            "no job '{}' in Redis at {}: push its requests first ('fetcher queue push')",
            opts.job.name(),
            opts.redis
        )));
    }
    // Ctrl-C ends a --follow after the page being written; every record is whole.
    let stop = CancellationToken::new();
    let interrupt = stop.clone();
    tokio::spawn(async move {
        if tokio::signal::ctrl_c().await.is_ok() {
            interrupt.cancel();
        }
    });
    let (resume, mut out, out_name) = open_output(&opts.sink)?;
    if let Some(index) = &resume
        && index.truncated_bytes() > 0
    {
        eprintln!(
            "fetcher: {out_name} ended in a partial record ({} bytes); removed it, it is collected again",
            index.truncated_bytes()
        );
    }
    let write_error = |source| CliError::Output {
        path: out_name.clone(),
        source,
    };
    let mut lines = Lines::default();
    let (mut written, mut duplicates, mut held) = (0u64, 0u64, 0u64);
    let mut start = "-".to_owned();
    loop {
        let finished = opts.follow && requests_left(&mut con, &opts.job).await? == 0;
        let page: redis::Value = redis::cmd("XRANGE")
            .arg(opts.job.results())
            .arg(&start)
            .arg("+")
            .arg("COUNT")
            .arg(PAGE)
            .query_async(&mut con)
            .await
            .map_err(QueueError::redis("read results"))?;
        let page = entries(page).map_err(super::reply("read results"))?;
        for entry in &page {
            let (Some(line), Some(record)) = (entry.number("line"), entry.get("rec")) else {
                continue;
            };
            if !lines.insert(line) {
                duplicates += 1;
                continue;
            }
            if let Some(index) = &resume
                && let Some((line, key)) = record_identity(record)
            {
                match index.lookup(line, key) {
                    Some(true) => {
                        held += 1;
                        continue;
                    }
                    Some(false) => {
                        out.flush().map_err(write_error)?;
                        return Err(CliError::Usage(format!(
                            "--resume: the result of input line {line} is not the request \
                             {out_name} recorded for that line; it holds another job's \
                             results: collect into a new output file"
                        )));
                    }
                    None => {}
                }
            }
            out.write_all(record).map_err(write_error)?;
            written += 1;
        }
        out.flush().map_err(write_error)?;
        if let Some(last) = page.last() {
            start = format!("({}", last.id);
        }
        if page.len() == PAGE {
            continue;
        }
        if !opts.follow || finished || stop.is_cancelled() {
            break;
        }
        tokio::select! {
            () = stop.cancelled() => {}
            () = tokio::time::sleep(POLL) => {}
        }
    }
    let dead: u64 = redis::cmd("XLEN")
        .arg(opts.job.dead())
        .query_async(&mut con)
        .await
        .map_err(QueueError::redis("count dead requests"))?;
    let left = requests_left(&mut con, &opts.job).await?;
    eprintln!(
        "fetcher: job {}: wrote {written} records to {out_name} ({duplicates} duplicates dropped{}); \
         {left} requests not done yet, {dead} dead (see 'fetcher queue status')",
        opts.job.name(),
        if resume.is_some() {
            format!(", {held} already there")
        } else {
            String::new()
        }
    );
    Ok(if stop.is_cancelled() {
        EXIT_INTERRUPTED
    } else {
        EXIT_OK
    })
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn lines_are_marked_once() {
        let mut lines = Lines::default();
        assert!(lines.insert(1));
        assert!(!lines.insert(1));
        assert!(lines.insert(64));
        assert!(lines.insert(100_000));
        assert!(!lines.insert(100_000));
        assert!(lines.insert(u64::MAX));
        assert!(!lines.insert(u64::MAX));
        assert!(lines.bits.len() < 4096);
    }
}
