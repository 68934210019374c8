//! The job's `--per-host` and `--rate`, kept in Redis so they hold across all its workers.
//!
//! - **Per host**: a sorted set per origin holds the job's leases, each scored with its
//!   expiry on Redis's clock. `Limiter::lease` removes lapsed leases and adds one if fewer
//!   than the limit remain; a worker renews its leases while their requests run
//!   ([`Limiter::renew`]) and removes them when done, so a worker that dies holds a host's
//!   slot for at most [`LEASE_TTL`].
//! - **Rate**: GCRA reduced to its core, a "theoretical arrival time" per job: each request
//!   takes the next start slot, `max(now, tat)`, moves `tat` one interval on, and waits
//!   until its slot. One script call per request, no polling, and no burst above the rate.
//!
//! Both run as Lua scripts, atomic in Redis, and read the time with `TIME`, so workers'
//! clocks need not agree.

use std::time::Duration;

use redis::Script;
use redis::aio::ConnectionManager;

use super::{Job, QueueError};

/// How long a per-host lease lasts unless renewed.
pub const LEASE_TTL: Duration = Duration::from_secs(10);

/// Takes a lease if the host has a free slot: `KEYS[1]` the lease set, `ARGV` limit, TTL
/// (ms), lease id; returns 1 when taken, 0 when the host is full.
const LEASE: &str = r"
local t = redis.call('TIME')
local now = t[1] * 1000 + math.floor(t[2] / 1000)
redis.call('ZREMRANGEBYSCORE', KEYS[1], '-inf', now)
if redis.call('ZCARD', KEYS[1]) < tonumber(ARGV[1]) then
  redis.call('ZADD', KEYS[1], now + tonumber(ARGV[2]), ARGV[3])
  redis.call('PEXPIRE', KEYS[1], tonumber(ARGV[2]))
  return 1
end
return 0
";

/// Extends leases that still exist: `KEYS` lease sets, `ARGV[1]` TTL (ms), then one lease
/// id per key. A lease that already lapsed is not brought back (its slot may be taken).
const RENEW: &str = r"
local t = redis.call('TIME')
local now = t[1] * 1000 + math.floor(t[2] / 1000)
local ttl = tonumber(ARGV[1])
for i, key in ipairs(KEYS) do
  if redis.call('ZADD', key, 'XX', 'CH', now + ttl, ARGV[i + 1]) == 1 then
    redis.call('PEXPIRE', key, ttl)
  end
end
return 0
";

/// Reserves the next start slot: `KEYS[1]` the rate key, `ARGV[1]` the interval (µs);
/// returns how long to wait for it (µs).
const RESERVE: &str = r"
local t = redis.call('TIME')
local now = t[1] * 1000000 + t[2]
local tat = tonumber(redis.call('GET', KEYS[1]) or '0')
if tat < now then tat = now end
local interval = tonumber(ARGV[1])
redis.call('SET', KEYS[1], string.format('%.0f', tat + interval), 'PX',
  math.ceil((tat + interval - now) / 1000) + 1000)
return tat - now
";

/// How long a request waits before asking again for a full host's slot.
const POLL: Duration = Duration::from_millis(20);

/// A held per-host lease: its set and its id.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Lease {
    /// The origin's lease set.
    pub key: String,
    /// This lease's member.
    pub id: String,
}

/// The job-wide limits of one worker's requests.
#[derive(Debug, Clone)]
pub struct Limiter {
    job: Job,
    per_host: Option<usize>,
    interval_us: Option<u64>,
    lease: Script,
    renew: Script,
    reserve: Script,
}

impl Limiter {
    /// Limits of `job`: at most `per_host` requests in flight per origin, at most `rate`
    /// starts per second (both over all workers).
    pub fn new(job: Job, per_host: Option<usize>, rate: Option<f64>) -> Self {
        Self {
            job,
            per_host,
            // A rate was checked positive and finite by the CLI; 1 µs at least.
            interval_us: rate.map(|r| ((1e6 / r).round() as u64).max(1)),
            lease: Script::new(LEASE),
            renew: Script::new(RENEW),
            reserve: Script::new(RESERVE),
        }
    }

    /// Whether any job-wide limit is set.
    pub fn is_active(&self) -> bool {
        self.per_host.is_some() || self.interval_us.is_some()
    }

    /// Waits for a slot of `origin` (if `--per-host`) and then for a start slot (if
    /// `--rate`), in that order, as the library does per worker; returns the lease to renew
    /// and release. `lease_id` must be unique in the job (the request entry's id).
    ///
    /// # Errors
    /// When a script fails in Redis.
    pub async fn acquire(
        &self,
        con: &mut ConnectionManager,
        origin: Option<&str>,
        lease_id: &str,
    ) -> Result<Option<Lease>, QueueError> {
        let mut lease = None;
        if let (Some(limit), Some(origin)) = (self.per_host, origin) {
            let key = self.job.host(origin);
            loop {
                let taken: i64 = self
                    .lease
                    .key(&key)
                    .arg(limit)
                    .arg(LEASE_TTL.as_millis() as u64)
                    .arg(lease_id)
                    .invoke_async(con)
                    .await
                    .map_err(QueueError::redis("take a per-host lease"))?;
                if taken == 1 {
                    break;
                }
                // Spread the retries of many waiting requests.
                let jitter = Duration::from_millis(fastrand::u64(0..=POLL.as_millis() as u64));
                tokio::time::sleep(POLL + jitter).await;
            }
            lease = Some(Lease {
                key,
                id: lease_id.to_owned(),
            });
        }
        if let Some(interval) = self.interval_us {
            let wait_us: i64 = self
                .reserve
                .key(self.job.rate())
                .arg(interval)
                .invoke_async(con)
                .await
                .map_err(QueueError::redis("reserve a rate slot"))?;
            if wait_us > 0 {
                tokio::time::sleep(Duration::from_micros(wait_us.unsigned_abs())).await;
            }
        }
        Ok(lease)
    }

    /// Extends `leases` by [`LEASE_TTL`].
    ///
    /// # Errors
    /// When the script fails in Redis.
    pub async fn renew(
        &self,
        con: &mut ConnectionManager,
        leases: &[Lease],
    ) -> Result<(), QueueError> {
        if leases.is_empty() {
            return Ok(());
        }
        let mut call = self.renew.prepare_invoke();
        call.arg(LEASE_TTL.as_millis() as u64);
        for lease in leases {
            call.key(&lease.key).arg(&lease.id);
        }
        call.invoke_async::<i64>(con)
            .await
            .map_err(QueueError::redis("renew per-host leases"))?;
        Ok(())
    }

    /// Gives `leases` back.
    ///
    /// # Errors
    /// When Redis fails the command.
    pub async fn release(con: &mut ConnectionManager, leases: &[Lease]) -> Result<(), QueueError> {
        if leases.is_empty() {
            return Ok(());
        }
        let mut pipe = redis::pipe();
        for lease in leases {
            pipe.cmd("ZREM").arg(&lease.key).arg(&lease.id).ignore();
        }
        pipe.query_async::<()>(con)
            .await
            .map_err(QueueError::redis("release per-host leases"))
    }
}
