//! One fetch job across many machines, on Redis Streams: `fetcher queue push` streams an
//! input into the job's request stream, any number of `fetcher worker`s fetch from it, and
//! `fetcher queue collect` writes their records, the batch CLI's, exactly once per line.
//!
//! Nothing is popped, so nothing is lost with a worker (scrapy-redis's failure): a worker
//! reads requests through the consumer group `workers` (`XREADGROUP`), which leases them to
//! it, and for each result appends the record to the result stream and acknowledges (and
//! deletes) the request in one `MULTI`/`EXEC`. Requests a dead worker leased come back to
//! the others after `--claim-idle` (`XAUTOCLAIM`); one delivered more than
//! `--max-deliveries` times goes to the dead-letter stream instead of being fetched again.
//! `--per-host` and `--rate` are the job's, kept in Redis by the scripts of [`limiter`].
//!
//! Delivery is at least once: a worker that dies after its request reached the server but
//! before its result was written leaves the request to be fetched again, and a result can
//! be written twice; `collect` keeps the first record of each line.
//!
//! A job `NAME` is these keys (one hash tag, so they live on one Redis Cluster slot):
//!
//! | key | type | holds |
//! |---|---|---|
//! | `fetcher:{NAME}:requests` | stream, group `workers` | entry `LINE-0` → `in`: the input line; deleted when done |
//! | `fetcher:{NAME}:results` | stream | `line`, `rec`: the JSON record (with its newline) |
//! | `fetcher:{NAME}:dead` | stream | `line`, `in`, `deliveries`, `error` |
//! | `fetcher:{NAME}:errors` | hash | request entry id → why its last delivery ended without a result |
//! | `fetcher:{NAME}:rate` | string | the rate limiter's next free start (µs) |
//! | `fetcher:{NAME}:host:{ORIGIN}` | sorted set | per-host leases → their expiry (ms) |

pub mod args;
pub mod collect;
pub mod limiter;
pub mod push;
pub mod status;
pub mod worker;

use std::time::Duration;

use redis::aio::{ConnectionManager, ConnectionManagerConfig};

use crate::cli::CliError;

/// The consumer group every worker of a job reads through.
pub const GROUP: &str = "workers";

/// What went wrong talking to Redis.
#[derive(Debug, thiserror::Error)]
pub enum QueueError {
    /// The `--redis` URL does not parse.
    #[error("invalid --redis URL '{url}': {source}; write it as redis://HOST:PORT/DB")]
    Url {
        /// The URL given.
        url: String,
        /// Why it does not parse.
        source: redis::RedisError,
    },
    /// A Redis command failed (connection refused, timed out, wrong type, ...).
    #[error("redis {what}: {source}; check that Redis 7 runs at --redis and is reachable")]
    Redis {
        /// What was being done.
        what: &'static str,
        /// The Redis error.
        source: redis::RedisError,
    },
    /// Redis answered something this version of fetcher does not expect.
    #[error("redis {what}: unexpected reply ({why}); fetcher needs Redis 7 or later")]
    Reply {
        /// What was being done.
        what: &'static str,
        /// What was wrong with the reply.
        why: String,
    },
}

impl QueueError {
    /// A command error, with what was being done.
    pub fn redis(what: &'static str) -> impl FnOnce(redis::RedisError) -> QueueError {
        move |source| QueueError::Redis { what, source }
    }
}

impl From<QueueError> for CliError {
    fn from(e: QueueError) -> Self {
        match e {
            QueueError::Url { .. } => CliError::Usage(e.to_string()),
            _ => CliError::Queue(e.to_string()),
        }
    }
}

/// The Redis keys of one job.
///
/// ```
/// let job = fetcher::queue::Job::new("crawl-1").unwrap();
/// assert_eq!(job.requests(), "fetcher:{crawl-1}:requests");
/// assert!(fetcher::queue::Job::new("no spaces").is_err());
/// ```
#[derive(Debug, Clone)]
pub struct Job {
    name: String,
    prefix: String,
}

impl Job {
    /// A job name: letters, digits, `.`, `_`, `-`, `:` (at most 200).
    ///
    /// # Errors
    /// A usage error saying what a name may hold.
    pub fn new(name: &str) -> Result<Self, CliError> {
        let ok = !name.is_empty()
            && name.len() <= 200
            && name
                .chars()
                .all(|c| c.is_ascii_alphanumeric() || matches!(c, '.' | '_' | '-' | ':'));
        if !ok {
            return Err(CliError::Usage(format!(
                "invalid --job '{name}': use letters, digits, '.', '_', '-' or ':'"
            )));
        }
        Ok(Self {
            name: name.to_owned(),
            prefix: format!("fetcher:{{{name}}}:"),
        })
    }

    /// The name given.
    pub fn name(&self) -> &str {
        &self.name
    }

    fn key(&self, what: &str) -> String {
        format!("{}{what}", self.prefix)
    }

    /// The request stream.
    pub fn requests(&self) -> String {
        self.key("requests")
    }

    /// The result stream.
    pub fn results(&self) -> String {
        self.key("results")
    }

    /// The dead-letter stream.
    pub fn dead(&self) -> String {
        self.key("dead")
    }

    /// The hash of last errors by request entry id.
    pub fn errors(&self) -> String {
        self.key("errors")
    }

    /// The rate limiter's key.
    pub fn rate(&self) -> String {
        self.key("rate")
    }

    /// The lease set of one origin (`scheme://host:port`).
    pub fn host(&self, origin: &str) -> String {
        self.key(&format!("host:{origin}"))
    }

    /// The pattern matching every lease set of the job.
    pub fn hosts_pattern(&self) -> String {
        self.key("host:*")
    }
}

/// Opens a reconnecting connection to `url`. Commands time out after `timeout` (a blocking
/// read needs more than its block time).
///
/// # Errors
/// [`QueueError::Url`] for a bad URL, [`QueueError::Redis`] when Redis cannot be reached.
pub async fn connect(url: &str, timeout: Duration) -> Result<ConnectionManager, QueueError> {
    let client = redis::Client::open(url).map_err(|source| QueueError::Url {
        url: url.to_owned(),
        source,
    })?;
    let config = ConnectionManagerConfig::new()
        .set_connection_timeout(Some(Duration::from_secs(5)))
        .set_response_timeout(Some(timeout))
        .set_number_of_retries(3);
    ConnectionManager::new_with_config(client, config)
        .await
        .map_err(QueueError::redis("connect"))
}

/// Creates the request stream and its consumer group if they do not exist yet.
///
/// # Errors
/// When Redis fails the command for another reason than the group existing.
pub async fn ensure_group(con: &mut ConnectionManager, job: &Job) -> Result<(), QueueError> {
    let created: redis::RedisResult<()> = redis::cmd("XGROUP")
        .arg("CREATE")
        .arg(job.requests())
        .arg(GROUP)
        .arg("0")
        .arg("MKSTREAM")
        .query_async(con)
        .await;
    match created {
        Err(e) if e.code() != Some("BUSYGROUP") => Err(QueueError::Redis {
            what: "create the consumer group",
            source: e,
        }),
        _ => Ok(()),
    }
}

/// Whether the job's request stream exists.
///
/// # Errors
/// When Redis fails the command.
pub async fn job_exists(con: &mut ConnectionManager, job: &Job) -> Result<bool, QueueError> {
    redis::cmd("EXISTS")
        .arg(job.requests())
        .query_async(con)
        .await
        .map_err(QueueError::redis("look up the job"))
}

/// Requests not done yet (waiting or in flight): done and dead ones are deleted.
///
/// # Errors
/// When Redis fails the command.
pub async fn requests_left(con: &mut ConnectionManager, job: &Job) -> Result<u64, QueueError> {
    redis::cmd("XLEN")
        .arg(job.requests())
        .query_async(con)
        .await
        .map_err(QueueError::redis("count requests"))
}

/// One stream entry: its id and its fields by name.
#[derive(Debug, Clone)]
pub struct Entry {
    /// `MS-SEQ`.
    pub id: String,
    /// `(field, value)` pairs.
    pub fields: Vec<(String, Vec<u8>)>,
}

impl Entry {
    /// The value of `field`, if present.
    pub fn get(&self, field: &str) -> Option<&[u8]> {
        self.fields
            .iter()
            .find(|(name, _)| name == field)
            .map(|(_, value)| value.as_slice())
    }

    /// The value of `field` as a number.
    pub fn number(&self, field: &str) -> Option<u64> {
        std::str::from_utf8(self.get(field)?).ok()?.parse().ok()
    }

    /// The input line of a request entry: the first part of its id.
    pub fn request_line(&self) -> Option<u64> {
        self.id.split_once('-')?.0.parse().ok()
    }
}

/// Reads a list of entries `[[id, [field, value, ...]], ...]`; deleted entries (a nil
/// field list) are left out.
///
/// # Errors
/// A description of what was not as expected.
pub fn entries(value: redis::Value) -> Result<Vec<Entry>, String> {
    let redis::Value::Array(items) = value else {
        return match value {
            redis::Value::Nil => Ok(Vec::new()),
            other => Err(format!("entries: {other:?}")),
        };
    };
    let mut out = Vec::with_capacity(items.len());
    for item in items {
        let (id, fields): (String, Option<Vec<Vec<u8>>>) =
            redis::from_redis_value(item).map_err(|e| e.to_string())?;
        let Some(fields) = fields else { continue };
        let mut pairs = Vec::with_capacity(fields.len() / 2);
        let mut flat = fields.into_iter();
        while let (Some(name), Some(value)) = (flat.next(), flat.next()) {
            pairs.push((String::from_utf8_lossy(&name).into_owned(), value));
        }
        out.push(Entry { id, fields: pairs });
    }
    Ok(out)
}

/// A reply error for `what`.
fn reply(what: &'static str) -> impl FnOnce(String) -> QueueError {
    move |why| QueueError::Reply { what, why }
}

/// Runs one `fetcher queue ...` command; returns the exit code.
///
/// # Errors
/// Bad flags, an unreadable input, an unwritable output, or Redis failing.
pub async fn run_queue(command: args::QueueCommand) -> Result<u8, CliError> {
    use crate::cli::args::Sink;
    match command {
        args::QueueCommand::Push {
            job,
            input,
            input_format,
            strict,
        } => {
            let input = input.filter(|p| p.as_os_str() != "-");
            push::push(push::PushOptions {
                job: Job::new(&job.job)?,
                redis: job.redis,
                input,
                input_format,
                strict,
            })
            .await
        }
        args::QueueCommand::Collect {
            job,
            output,
            resume,
            force,
            follow,
        } => {
            let sink = match output.filter(|p| p.as_os_str() != "-") {
                Some(path) => Sink::File {
                    path,
                    resume,
                    force,
                },
                None if resume => {
                    return Err(CliError::Usage(
                        "--resume needs an output file: add --output FILE".to_owned(),
                    ));
                }
                None => Sink::Stdout,
            };
            collect::collect(collect::CollectOptions {
                job: Job::new(&job.job)?,
                redis: job.redis,
                sink,
                follow,
            })
            .await
        }
        args::QueueCommand::Status { job } => {
            status::status(&job.redis, &Job::new(&job.job)?).await
        }
        args::QueueCommand::Drop { job } => {
            status::drop_job(&job.redis, &Job::new(&job.job)?).await
        }
    }
}
