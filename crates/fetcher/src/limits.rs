//! The limits every attempt passes through: an optional requests-per-second rate, a
//! per-host concurrency limit and the global one (the seed's `asyncio.Semaphore`).
//!
//! An attempt waits for its host's slot first, then for a global slot, so a request
//! waiting on a busy host never occupies a global slot; then for the rate limiter, last,
//! so that attempts which queued for slots cannot start in a burst above the rate. The
//! slots are released when the returned [`Permit`] is dropped — after the attempt, before
//! any back-off sleep, and also when the future is cancelled.

use std::collections::HashMap;
use std::num::NonZeroU32;
use std::sync::{Arc, Mutex, PoisonError};
use std::time::Duration;

use governor::{DefaultDirectRateLimiter, Quota, RateLimiter};
use tokio::sync::{OwnedSemaphorePermit, Semaphore};
use url::Url;

use crate::error::ConfigError;

/// Global and per-host concurrency and the rate limit, shared by all clones of a fetcher
/// (after [`Fetcher::split`], each handle has global slots of its own).
///
/// [`Fetcher::split`]: crate::Fetcher::split
#[derive(Debug)]
pub(crate) struct Limits {
    global: Arc<Semaphore>,
    per_host: Option<PerHost>,
    rate: Option<Arc<DefaultDirectRateLimiter>>,
}

/// A semaphore per host, created on first use and removed when no attempt holds or waits
/// for it, so the map stays as small as the set of hosts in flight.
#[derive(Debug, Clone)]
struct PerHost {
    limit: usize,
    hosts: Arc<Mutex<HashMap<String, Arc<Semaphore>>>>,
}

/// The slots one attempt holds; dropping it gives them back.
#[derive(Debug)]
pub(crate) struct Permit {
    _global: OwnedSemaphorePermit,
    _host: Option<HostPermit>,
}

#[derive(Debug)]
struct HostPermit {
    key: String,
    permit: Option<OwnedSemaphorePermit>,
    hosts: Arc<Mutex<HashMap<String, Arc<Semaphore>>>>,
}

impl Drop for HostPermit {
    fn drop(&mut self) {
        let mut hosts = self.hosts.lock().unwrap_or_else(PoisonError::into_inner);
        drop(self.permit.take());
        // The map holds one reference; ours is gone with the permit's; anything more is an
        // attempt holding or waiting for this host.
        if hosts
            .get(&self.key)
            .is_some_and(|s| Arc::strong_count(s) == 1)
        {
            hosts.remove(&self.key);
        }
    }
}

impl Limits {
    /// Checks and builds the limits.
    pub(crate) fn new(
        max_concurrent: usize,
        per_host: Option<usize>,
        rate_per_sec: Option<f64>,
    ) -> Result<Self, ConfigError> {
        if max_concurrent == 0 {
            return Err(ConfigError::NotPositive {
                what: "max_concurrent",
                value: "0".into(),
            });
        }
        if per_host == Some(0) {
            return Err(ConfigError::NotPositive {
                what: "per_host",
                value: "0".into(),
            });
        }
        let rate = match rate_per_sec {
            None => None,
            Some(r) => {
                let quota = (r.is_finite() && r > 0.0)
                    .then(|| Quota::with_period(Duration::from_secs_f64(1.0 / r)))
                    .flatten()
                    .ok_or_else(|| ConfigError::NotPositive {
                        what: "rate_per_sec",
                        value: r.to_string(),
                    })?;
                Some(Arc::new(RateLimiter::direct(
                    quota.allow_burst(NonZeroU32::MIN),
                )))
            }
        };
        Ok(Self {
            global: Arc::new(Semaphore::new(max_concurrent)),
            per_host: per_host.map(|limit| PerHost {
                limit,
                hosts: Arc::default(),
            }),
            rate,
        })
    }

    /// Waits for the slot of `url`'s host, a global slot and the rate, in that order.
    pub(crate) async fn acquire(&self, url: &Url) -> Permit {
        let host = match &self.per_host {
            None => None,
            Some(per_host) => Some(per_host.acquire(host_key(url)).await),
        };
        let permit = Permit {
            _global: acquire_owned(&self.global).await,
            _host: host,
        };
        if let Some(rate) = &self.rate {
            rate.until_ready().await;
        }
        permit
    }
}

impl Limits {
    /// Limits with `slots` global slots of their own, sharing the per-host slots and the
    /// rate with these (see [`Fetcher::split`]).
    ///
    /// [`Fetcher::split`]: crate::Fetcher::split
    pub(crate) fn with_slots(&self, slots: usize) -> Self {
        Self {
            global: Arc::new(Semaphore::new(slots)),
            per_host: self.per_host.clone(),
            rate: self.rate.clone(),
        }
    }

    /// Global slots free now.
    pub(crate) fn free_global(&self) -> usize {
        self.global.available_permits()
    }

    /// Returns once a global slot is free, without taking it (see [`Fetcher::slot_ready`]).
    ///
    /// [`Fetcher::slot_ready`]: crate::Fetcher::slot_ready
    pub(crate) async fn global_ready(&self) {
        if self.global.available_permits() == 0 {
            // The semaphore is never closed; a free slot is handed to us and given back.
            drop(self.global.acquire().await);
        }
    }
}

impl PerHost {
    async fn acquire(&self, key: String) -> HostPermit {
        let semaphore = {
            let mut hosts = self.hosts.lock().unwrap_or_else(PoisonError::into_inner);
            Arc::clone(
                hosts
                    .entry(key.clone())
                    .or_insert_with(|| Arc::new(Semaphore::new(self.limit))),
            )
        };
        let permit = acquire_owned(&semaphore).await;
        drop(semaphore);
        HostPermit {
            key,
            permit: Some(permit),
            hosts: Arc::clone(&self.hosts),
        }
    }
}

/// The per-host key of a URL: `scheme://host:port`; only built when a per-host limit is set.
pub(crate) fn host_key(url: &Url) -> String {
    let host = url.host_str().unwrap_or_default();
    let port = url.port_or_known_default().unwrap_or(0);
    format!("{}://{}:{}", url.scheme(), host, port)
}

/// Our semaphores are never closed, so acquiring only waits.
async fn acquire_owned(semaphore: &Arc<Semaphore>) -> OwnedSemaphorePermit {
    loop {
        if let Ok(permit) = Arc::clone(semaphore).acquire_owned().await {
            return permit;
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn url(s: &str) -> Url {
        Url::parse(s).unwrap()
    }

    #[test]
    fn hosts_are_keyed_by_origin() {
        assert_eq!(
            host_key(&url("http://Example.com/a?b")),
            "http://example.com:80"
        );
        assert_eq!(
            host_key(&url("https://127.0.0.1:8443/")),
            "https://127.0.0.1:8443"
        );
        assert_eq!(host_key(&url("https://h/")), "https://h:443");
    }

    #[tokio::test]
    async fn host_entries_are_removed_when_idle() {
        let limits = Limits::new(4, Some(1), None).unwrap();
        let a = limits.acquire(&url("http://a/")).await;
        let b = limits.acquire(&url("http://b/")).await;
        let hosts = &limits.per_host.as_ref().unwrap().hosts;
        assert_eq!(hosts.lock().unwrap().len(), 2);
        drop(a);
        assert_eq!(hosts.lock().unwrap().len(), 1);
        drop(b);
        assert!(hosts.lock().unwrap().is_empty());
    }

    #[tokio::test]
    async fn per_host_slot_blocks_the_same_host_only() {
        let limits = Limits::new(4, Some(1), None).unwrap();
        let (a, b) = (url("http://a/"), url("http://b/"));
        let _a = limits.acquire(&a).await;
        let same = tokio::time::timeout(Duration::from_millis(20), limits.acquire(&a));
        assert!(
            same.await.is_err(),
            "second slot on a busy host was granted"
        );
        let other = tokio::time::timeout(Duration::from_millis(20), limits.acquire(&b));
        assert!(other.await.is_ok());
    }

    #[tokio::test(start_paused = true)]
    async fn global_ready_waits_for_a_free_slot_and_takes_none() {
        let limits = Limits::new(1, None, None).unwrap();
        limits.global_ready().await;
        assert_eq!(limits.global.available_permits(), 1, "ready takes no slot");
        let held = limits.acquire(&url("http://a/")).await;
        let waiting = tokio::time::timeout(Duration::from_secs(5), limits.global_ready());
        assert!(waiting.await.is_err(), "ready while every slot is taken");
        drop(held);
        limits.global_ready().await;
        assert_eq!(limits.global.available_permits(), 1);
    }

    #[test]
    fn bad_limits_are_config_errors() {
        assert!(Limits::new(0, None, None).is_err());
        assert!(Limits::new(1, Some(0), None).is_err());
        assert!(Limits::new(1, None, Some(0.0)).is_err());
        assert!(Limits::new(1, None, Some(f64::NAN)).is_err());
        assert!(Limits::new(1, None, Some(5.0)).is_ok());
    }
}
