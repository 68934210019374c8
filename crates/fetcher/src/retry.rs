//! When to retry and how long to wait: the retry policy, the back-off schedule and
//! `Retry-After`.
//!
//! The seed waits `min(2 ** attempt, 30)` seconds after failed attempt `attempt` (0-based):
//! 1, 2, 4, 8, 16, 30, 30 … That is [`RetryConfig::default`]. Base, cap and jitter are
//! configurable; a `Retry-After` header on a retried response (seconds or an HTTP date)
//! replaces the back-off, capped by [`RetryConfig::retry_after_cap`].
//!
//! The seed retries every failure; its README says a 404 "will fail" and a 500 "will
//! retry". [`RetryPolicy::Transient`] (the default) does what the README says, the way curl
//! does; [`RetryPolicy::AnyErrorStatus`] does what the seed's code does.

use std::time::{Duration, SystemTime};

use crate::error::ErrorKind;

/// Which failures are worth another attempt.
#[derive(Debug, Clone, Default, PartialEq, Eq)]
#[non_exhaustive]
pub enum RetryPolicy {
    /// Connection errors, broken connections, cut bodies, time-outs and the statuses in
    /// [`RetryPolicy::TRANSIENT_STATUSES`] (408, 425, 429, 500, 502, 503, 504).
    #[default]
    Transient,
    /// Connection errors, broken connections, time-outs and every status >= 400: the seed's
    /// code (its test 3 retries a 404).
    AnyErrorStatus,
    /// Connection errors, broken connections, time-outs and exactly these statuses.
    Statuses(Vec<u16>),
    /// Never retry.
    Never,
}

impl RetryPolicy {
    /// The statuses [`RetryPolicy::Transient`] retries.
    pub const TRANSIENT_STATUSES: [u16; 7] = [408, 425, 429, 500, 502, 503, 504];

    /// Whether a failure of this kind gets another attempt (if any are left).
    ///
    /// Invalid URLs and requests, oversized bodies, undecodable bodies and redirect failures
    /// are never retried: another attempt would fail the same way.
    ///
    /// ```
    /// use fetcher::{ErrorKind, RetryPolicy};
    /// assert!(RetryPolicy::Transient.should_retry(&ErrorKind::Status(503)));
    /// assert!(!RetryPolicy::Transient.should_retry(&ErrorKind::Status(404)));
    /// assert!(RetryPolicy::AnyErrorStatus.should_retry(&ErrorKind::Status(404)));
    /// ```
    pub fn should_retry(&self, kind: &ErrorKind) -> bool {
        match kind {
            ErrorKind::Connect(_)
            | ErrorKind::Timeout(_)
            | ErrorKind::Request(_)
            | ErrorKind::BodyCut { .. } => !matches!(self, RetryPolicy::Never),
            ErrorKind::Status(code) => match self {
                RetryPolicy::Transient => Self::TRANSIENT_STATUSES.contains(code),
                RetryPolicy::AnyErrorStatus => *code >= 400,
                RetryPolicy::Statuses(codes) => codes.contains(code),
                RetryPolicy::Never => false,
            },
            ErrorKind::InvalidUrl(_)
            | ErrorKind::InvalidRequest(_)
            | ErrorKind::BodyTooLarge { .. }
            | ErrorKind::Decode(_)
            | ErrorKind::Redirect(_)
            | ErrorKind::Sink(_)
            | ErrorKind::Cancelled => false,
        }
    }
}

/// Back-off and retry settings of a [`Fetcher`](crate::Fetcher).
#[derive(Debug, Clone, PartialEq)]
pub struct RetryConfig {
    /// Wait after the first failed attempt; doubles after each further one (the seed: 1 s).
    pub base: Duration,
    /// Upper bound of the doubling wait (the seed: 30 s).
    pub cap: Duration,
    /// Fraction of each wait that is random, in `0.0..=1.0`: the wait is drawn uniformly
    /// from `[d * (1 - jitter), d]`. `0.0` (the seed) is no jitter, `1.0` is "full jitter".
    pub jitter: f64,
    /// Which failures are retried.
    pub policy: RetryPolicy,
    /// Whether a `Retry-After` header on a retried response sets the wait.
    pub honor_retry_after: bool,
    /// Upper bound of a wait taken from `Retry-After`.
    pub retry_after_cap: Duration,
}

impl Default for RetryConfig {
    fn default() -> Self {
        Self {
            base: Duration::from_secs(1),
            cap: Duration::from_secs(30),
            jitter: 0.0,
            policy: RetryPolicy::Transient,
            honor_retry_after: true,
            retry_after_cap: Duration::from_secs(60),
        }
    }
}

impl RetryConfig {
    /// The back-off after failed attempt `attempt` (0-based), before jitter:
    /// `min(base * 2^attempt, cap)`.
    ///
    /// ```
    /// use std::time::Duration;
    /// use fetcher::RetryConfig;
    /// let seed = RetryConfig::default();
    /// let waits: Vec<u64> = (0..7).map(|a| seed.backoff(a).as_secs()).collect();
    /// assert_eq!(waits, [1, 2, 4, 8, 16, 30, 30]);
    /// ```
    pub fn backoff(&self, attempt: u32) -> Duration {
        let factor = 2u32.checked_pow(attempt).unwrap_or(u32::MAX);
        self.base
            .checked_mul(factor)
            .map_or(self.cap, |d| d.min(self.cap))
    }

    /// The wait after failed attempt `attempt` (0-based): the `Retry-After` value when one
    /// is given and honoured (capped), else the back-off with jitter applied.
    pub fn delay(&self, attempt: u32, retry_after: Option<Duration>) -> Duration {
        if let Some(after) = retry_after.filter(|_| self.honor_retry_after) {
            return after.min(self.retry_after_cap);
        }
        let d = self.backoff(attempt);
        let jitter = self.jitter.clamp(0.0, 1.0);
        if jitter == 0.0 {
            return d;
        }
        d.mul_f64(1.0 - jitter * fastrand::f64())
    }
}

/// Parses a `Retry-After` value: delay-seconds (`"120"`) or an HTTP date, relative to
/// `now`. A date in the past means "now" (zero). Anything else is `None`.
///
/// ```
/// use std::time::{Duration, SystemTime};
/// use fetcher::retry::parse_retry_after;
/// let now = SystemTime::UNIX_EPOCH + Duration::from_secs(1_000_000_000);
/// assert_eq!(parse_retry_after("3", now), Some(Duration::from_secs(3)));
/// let later = httpdate::fmt_http_date(now + Duration::from_secs(5));
/// assert_eq!(parse_retry_after(&later, now), Some(Duration::from_secs(5)));
/// assert_eq!(parse_retry_after("soon", now), None);
/// ```
pub fn parse_retry_after(value: &str, now: SystemTime) -> Option<Duration> {
    let value = value.trim();
    if let Ok(secs) = value.parse::<u64>() {
        return Some(Duration::from_secs(secs));
    }
    let at = httpdate::parse_http_date(value).ok()?;
    Some(at.duration_since(now).unwrap_or(Duration::ZERO))
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn transient_policy_retries_exactly_the_transient_statuses() {
        let p = RetryPolicy::Transient;
        for code in 400..600 {
            let expected = RetryPolicy::TRANSIENT_STATUSES.contains(&code);
            assert_eq!(p.should_retry(&ErrorKind::Status(code)), expected, "{code}");
        }
        assert!(p.should_retry(&ErrorKind::Connect("refused".into())));
        assert!(p.should_retry(&ErrorKind::Timeout(Duration::from_secs(1))));
        assert!(p.should_retry(&ErrorKind::Request("reset".into())));
        let cut = ErrorKind::BodyCut {
            received: 1,
            expected: Some(2),
            why: "closed".into(),
        };
        assert!(p.should_retry(&cut));
        assert!(RetryPolicy::AnyErrorStatus.should_retry(&cut));
        assert!(!RetryPolicy::Never.should_retry(&cut));
        assert!(!p.should_retry(&ErrorKind::Cancelled));
        assert!(!p.should_retry(&ErrorKind::InvalidUrl("x".into())));
        assert!(!p.should_retry(&ErrorKind::InvalidRequest("x".into())));
        assert!(!p.should_retry(&ErrorKind::BodyTooLarge { limit: 1 }));
        assert!(!p.should_retry(&ErrorKind::Decode("x".into())));
        assert!(!p.should_retry(&ErrorKind::Redirect("x".into())));
    }

    #[test]
    fn other_policies() {
        assert!(RetryPolicy::AnyErrorStatus.should_retry(&ErrorKind::Status(400)));
        assert!(RetryPolicy::AnyErrorStatus.should_retry(&ErrorKind::Status(599)));
        assert!(!RetryPolicy::AnyErrorStatus.should_retry(&ErrorKind::Decode("x".into())));
        let only = RetryPolicy::Statuses(vec![418]);
        assert!(only.should_retry(&ErrorKind::Status(418)));
        assert!(!only.should_retry(&ErrorKind::Status(503)));
        assert!(only.should_retry(&ErrorKind::Connect("x".into())));
        assert!(!RetryPolicy::Never.should_retry(&ErrorKind::Timeout(Duration::ZERO)));
        assert!(!RetryPolicy::Never.should_retry(&ErrorKind::Status(503)));
    }

    #[test]
    fn backoff_doubles_up_to_the_cap_and_never_overflows() {
        let c = RetryConfig {
            base: Duration::from_millis(10),
            cap: Duration::from_millis(50),
            ..RetryConfig::default()
        };
        let waits: Vec<u128> = (0..5).map(|a| c.backoff(a).as_millis()).collect();
        assert_eq!(waits, [10, 20, 40, 50, 50]);
        assert_eq!(RetryConfig::default().backoff(200), Duration::from_secs(30));
    }

    #[test]
    fn jitter_stays_within_its_band() {
        let c = RetryConfig {
            jitter: 0.5,
            ..RetryConfig::default()
        };
        for _ in 0..200 {
            let d = c.delay(2, None);
            assert!(
                d <= Duration::from_secs(4) && d >= Duration::from_secs(2),
                "{d:?}"
            );
        }
    }

    #[test]
    fn retry_after_replaces_backoff_capped_unless_disabled() {
        let mut c = RetryConfig {
            retry_after_cap: Duration::from_secs(10),
            ..RetryConfig::default()
        };
        assert_eq!(
            c.delay(0, Some(Duration::from_secs(3))),
            Duration::from_secs(3)
        );
        assert_eq!(
            c.delay(0, Some(Duration::from_secs(3600))),
            Duration::from_secs(10)
        );
        c.honor_retry_after = false;
        assert_eq!(
            c.delay(0, Some(Duration::from_secs(3))),
            Duration::from_secs(1)
        );
    }

    #[test]
    fn retry_after_dates_in_the_past_mean_now() {
        let now = SystemTime::UNIX_EPOCH + Duration::from_secs(1_000_000_000);
        let past = httpdate::fmt_http_date(now - Duration::from_secs(5));
        assert_eq!(parse_retry_after(&past, now), Some(Duration::ZERO));
        assert_eq!(parse_retry_after(" 7 ", now), Some(Duration::from_secs(7)));
        assert_eq!(parse_retry_after("-1", now), None);
    }
}
