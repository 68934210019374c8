//! The run summary: counts by outcome, status and error kind, retries, bytes, wall time,
//! requests per second and latency percentiles.
//!
//! Latencies go into an HDR histogram (microseconds, 3 significant digits), so the summary
//! costs the same few dozen KiB for ten requests or ten million — oha keeps every result and
//! its users hit that memory growth. The machine-readable form ([`Tally::to_json`]) uses
//! oha's key names where they fit (`summary.successRate`, `total`, `slowest`, `fastest`,
//! `average`, `requestsPerSec`, `totalData`, `latencyPercentiles.p10`…`p99.99`,
//! `statusCodeDistribution`, `errorDistribution`; times in seconds) and adds what oha lacks
//! under `requests`: attempts, retries, skipped (by `--resume`), cancelled and bad input
//! lines.

use std::collections::BTreeMap;
use std::fmt::Write as _;
use std::time::Duration;

use hdrhistogram::Histogram;
use serde_json::{Value, json};

/// Percentiles reported, as oha reports them.
const PERCENTILES: [(&str, f64); 9] = [
    ("p10", 0.10),
    ("p25", 0.25),
    ("p50", 0.50),
    ("p75", 0.75),
    ("p90", 0.90),
    ("p95", 0.95),
    ("p99", 0.99),
    ("p99.9", 0.999),
    ("p99.99", 0.9999),
];

/// What one finished request contributes to the summary.
#[derive(Debug, Clone, PartialEq)]
pub struct Outcome {
    /// The final HTTP status, if the server answered.
    pub status: Option<u16>,
    /// The error kind's name if the request failed (a status >= 400 is `"status"`).
    pub error: Option<&'static str>,
    /// Attempts made (1 + retries).
    pub attempts: u32,
    /// Time of the last attempt, if one was made.
    pub latency: Option<Duration>,
    /// Body bytes received.
    pub bytes: u64,
}

/// Running totals of a run; fed by the writer, one [`Outcome`] at a time.
#[derive(Debug)]
pub struct Tally {
    latency_us: Histogram<u64>,
    fastest: Option<Duration>,
    slowest: Duration,
    latency_sum: Duration,
    /// Requests that succeeded.
    pub succeeded: u64,
    /// Requests that failed (after their retries).
    pub failed: u64,
    /// Requests started but cut off by an interrupt; not written, a `--resume` redoes them.
    pub cancelled: u64,
    /// Requests skipped because `--resume` found them done.
    pub skipped: u64,
    /// Input lines that could not be read as a request.
    pub bad_input: u64,
    attempts: u64,
    bytes: u64,
    statuses: BTreeMap<u16, u64>,
    errors: BTreeMap<&'static str, u64>,
}

impl Tally {
    /// An empty tally.
    pub fn new() -> Result<Self, hdrhistogram::CreationError> {
        Ok(Self {
            // 1 µs .. 1 hour at 3 significant digits: about 40 KiB.
            latency_us: Histogram::new_with_bounds(1, 3_600_000_000, 3)?,
            fastest: None,
            slowest: Duration::ZERO,
            latency_sum: Duration::ZERO,
            succeeded: 0,
            failed: 0,
            cancelled: 0,
            skipped: 0,
            bad_input: 0,
            attempts: 0,
            bytes: 0,
            statuses: BTreeMap::new(),
            errors: BTreeMap::new(),
        })
    }

    /// Adds one finished request.
    pub fn add(&mut self, outcome: &Outcome) {
        match outcome.error {
            None => self.succeeded += 1,
            Some(kind) => {
                self.failed += 1;
                *self.errors.entry(kind).or_default() += 1;
            }
        }
        if let Some(status) = outcome.status {
            *self.statuses.entry(status).or_default() += 1;
        }
        self.attempts += u64::from(outcome.attempts);
        self.bytes += outcome.bytes;
        if let Some(latency) = outcome.latency {
            let micros = u64::try_from(latency.as_micros()).unwrap_or(u64::MAX);
            self.latency_us.saturating_record(micros.max(1));
            self.fastest = Some(self.fastest.map_or(latency, |f| f.min(latency)));
            self.slowest = self.slowest.max(latency);
            self.latency_sum += latency;
        }
    }

    /// Adds what `other` counted (another writer's part of the same run).
    pub fn merge(&mut self, other: &Tally) {
        // Both histograms have the same bounds, so adding cannot fail.
        let _ = self.latency_us.add(&other.latency_us);
        self.fastest = match (self.fastest, other.fastest) {
            (Some(a), Some(b)) => Some(a.min(b)),
            (a, b) => a.or(b),
        };
        self.slowest = self.slowest.max(other.slowest);
        self.latency_sum += other.latency_sum;
        self.succeeded += other.succeeded;
        self.failed += other.failed;
        self.cancelled += other.cancelled;
        self.skipped += other.skipped;
        self.bad_input += other.bad_input;
        self.attempts += other.attempts;
        self.bytes += other.bytes;
        for (status, n) in &other.statuses {
            *self.statuses.entry(*status).or_default() += n;
        }
        for (kind, n) in &other.errors {
            *self.errors.entry(kind).or_default() += n;
        }
    }

    /// Requests that finished (succeeded or failed) in this run.
    pub fn finished(&self) -> u64 {
        self.succeeded + self.failed
    }

    /// Attempts beyond the first, over all finished requests.
    pub fn retries(&self) -> u64 {
        self.attempts.saturating_sub(self.finished())
    }

    fn percentile(&self, q: f64) -> Option<f64> {
        (!self.latency_us.is_empty()).then(|| self.latency_us.value_at_quantile(q) as f64 / 1e6)
    }

    fn average(&self) -> Option<Duration> {
        let n = u32::try_from(self.latency_us.len())
            .ok()
            .filter(|n| *n > 0)?;
        Some(self.latency_sum / n)
    }

    /// The oha-shaped JSON summary of a run that took `wall` and was or was not interrupted.
    pub fn to_json(&self, wall: Duration, interrupted: bool) -> Value {
        let total = self.finished();
        let secs = wall.as_secs_f64();
        let per_sec = |n: u64| if secs > 0.0 { n as f64 / secs } else { 0.0 };
        let percentiles: serde_json::Map<String, Value> = PERCENTILES
            .iter()
            .map(|(name, q)| ((*name).to_owned(), json!(self.percentile(*q))))
            .collect();
        let statuses: serde_json::Map<String, Value> = self
            .statuses
            .iter()
            .map(|(status, n)| (status.to_string(), json!(n)))
            .collect();
        let errors: serde_json::Map<String, Value> = self
            .errors
            .iter()
            .map(|(kind, n)| ((*kind).to_owned(), json!(n)))
            .collect();
        json!({
            "summary": {
                "successRate": if total > 0 { self.succeeded as f64 / total as f64 } else { 0.0 },
                "total": secs,
                "slowest": self.fastest.map(|_| self.slowest.as_secs_f64()),
                "fastest": self.fastest.map(|f| f.as_secs_f64()),
                "average": self.average().map(|a| a.as_secs_f64()),
                "requestsPerSec": per_sec(total),
                "totalData": self.bytes,
                "sizePerRequest": self.bytes.checked_div(total).unwrap_or(0),
                "sizePerSec": per_sec(self.bytes),
            },
            "latencyPercentiles": percentiles,
            "statusCodeDistribution": statuses,
            "errorDistribution": errors,
            "requests": {
                "finished": total,
                "succeeded": self.succeeded,
                "failed": self.failed,
                "cancelled": self.cancelled,
                "skipped": self.skipped,
                "badInput": self.bad_input,
                "attempts": self.attempts,
                "retries": self.retries(),
            },
            "interrupted": interrupted,
        })
    }

    /// The human summary printed on standard error at the end of a run.
    pub fn to_text(&self, wall: Duration, interrupted: bool) -> String {
        let total = self.finished();
        let secs = wall.as_secs_f64();
        let rate = if secs > 0.0 { total as f64 / secs } else { 0.0 };
        let mut out = String::new();
        let head = if interrupted { "Interrupted" } else { "Done" };
        let _ = writeln!(
            out,
            "{head}: {total} requests in {secs:.2}s ({rate:.1} req/s): {} succeeded, {} failed",
            self.succeeded, self.failed
        );
        let _ = writeln!(
            out,
            "  skipped (resume) {}, cancelled {}, bad input lines {}; attempts {} ({} retries); {} received",
            self.skipped,
            self.cancelled,
            self.bad_input,
            self.attempts,
            self.retries(),
            human_bytes(self.bytes)
        );
        write_counts(&mut out, "status codes", &self.statuses);
        write_counts(&mut out, "errors", &self.errors);
        if let (Some(p50), Some(p90), Some(p99)) = (
            self.percentile(0.5),
            self.percentile(0.9),
            self.percentile(0.99),
        ) {
            let _ = writeln!(
                out,
                "  latency: p50 {}  p90 {}  p99 {}  max {}",
                human_secs(p50),
                human_secs(p90),
                human_secs(p99),
                human_secs(self.slowest.as_secs_f64())
            );
            self.write_histogram(&mut out);
        }
        out
    }

    /// oha's response time histogram: [`HISTOGRAM_BUCKETS`] equal steps from the fastest
    /// to the slowest latency, each line `upper-bound [count] |■■■` with bars scaled to
    /// the fullest bucket.
    fn write_histogram(&self, out: &mut String) {
        let (Some(min), Some(max)) = (
            (!self.latency_us.is_empty()).then(|| self.latency_us.min()),
            (!self.latency_us.is_empty()).then(|| self.latency_us.max()),
        ) else {
            return;
        };
        let buckets = if max > min { HISTOGRAM_BUCKETS } else { 1 };
        let step = (max - min) as f64 / buckets as f64;
        let mut counts = vec![0u64; buckets];
        for value in self.latency_us.iter_recorded() {
            let offset = value.value_iterated_to().saturating_sub(min) as f64;
            let at = if step > 0.0 {
                ((offset / step).ceil() as usize).saturating_sub(1)
            } else {
                0
            };
            counts[at.min(buckets - 1)] += value.count_at_value();
        }
        let fullest = counts.iter().copied().max().unwrap_or(0).max(1);
        let width = counts
            .iter()
            .map(|c| c.to_string().len())
            .max()
            .unwrap_or(1);
        let _ = writeln!(out, "  response time histogram:");
        for (i, count) in counts.iter().enumerate() {
            let upper = (min as f64 + step * (i + 1) as f64) / 1e6;
            let bar = "■".repeat((count * HISTOGRAM_WIDTH / fullest) as usize);
            let _ = writeln!(out, "    {upper:.3}s [{count:>width$}] |{bar}");
        }
    }
}

/// Lines of the text summary's latency histogram (oha prints 11).
const HISTOGRAM_BUCKETS: usize = 11;
/// Width of its fullest bar.
const HISTOGRAM_WIDTH: u64 = 32;

/// `  {title}: key: n, key: n` when `counts` is not empty.
fn write_counts<K: std::fmt::Display>(out: &mut String, title: &str, counts: &BTreeMap<K, u64>) {
    if counts.is_empty() {
        return;
    }
    let list: Vec<String> = counts.iter().map(|(k, n)| format!("{k}: {n}")).collect();
    let _ = writeln!(out, "  {title}: {}", list.join(", "));
}

fn human_secs(secs: f64) -> String {
    if secs < 1.0 {
        format!("{:.1}ms", secs * 1e3)
    } else {
        format!("{secs:.2}s")
    }
}

/// `512 B`, `1.5 KiB`, `3.2 GiB`.
pub(crate) fn human_bytes(bytes: u64) -> String {
    const UNITS: [&str; 4] = ["B", "KiB", "MiB", "GiB"];
    let mut value = bytes as f64;
    let mut unit = 0;
    while value >= 1024.0 && unit + 1 < UNITS.len() {
        value /= 1024.0;
        unit += 1;
    }
    if unit == 0 {
        format!("{bytes} B")
    } else {
        format!("{value:.1} {}", UNITS[unit])
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn ok(ms: u64) -> Outcome {
        Outcome {
            status: Some(200),
            error: None,
            attempts: 1,
            latency: Some(Duration::from_millis(ms)),
            bytes: 100,
        }
    }

    #[test]
    fn counts_outcomes_statuses_errors_and_retries() {
        let mut tally = Tally::new().unwrap();
        for ms in 1..=100 {
            tally.add(&ok(ms));
        }
        tally.add(&Outcome {
            status: Some(503),
            error: Some("status"),
            attempts: 4,
            latency: Some(Duration::from_millis(5)),
            bytes: 0,
        });
        tally.add(&Outcome {
            status: None,
            error: Some("connect"),
            attempts: 2,
            latency: None,
            bytes: 0,
        });
        tally.skipped = 7;
        let json = tally.to_json(Duration::from_secs(2), false);
        assert_eq!(json["requests"]["finished"], 102);
        assert_eq!(json["requests"]["succeeded"], 100);
        assert_eq!(json["requests"]["failed"], 2);
        assert_eq!(json["requests"]["skipped"], 7);
        assert_eq!(json["requests"]["attempts"], 106);
        assert_eq!(json["requests"]["retries"], 4);
        assert_eq!(json["statusCodeDistribution"]["200"], 100);
        assert_eq!(json["statusCodeDistribution"]["503"], 1);
        assert_eq!(json["errorDistribution"]["status"], 1);
        assert_eq!(json["errorDistribution"]["connect"], 1);
        assert_eq!(json["summary"]["requestsPerSec"], 51.0);
        assert_eq!(json["summary"]["totalData"], 10_000);
        assert_eq!(json["summary"]["slowest"], 0.1);
        assert_eq!(json["summary"]["fastest"], 0.001);
        let p50 = json["latencyPercentiles"]["p50"].as_f64().unwrap();
        assert!((0.049..=0.051).contains(&p50), "{p50}");
        let p99 = json["latencyPercentiles"]["p99.99"].as_f64().unwrap();
        assert!((0.0999..=0.1001).contains(&p99), "{p99}");
    }

    #[test]
    fn merged_tallies_count_as_one() {
        let (mut one, mut a, mut b) = (
            Tally::new().unwrap(),
            Tally::new().unwrap(),
            Tally::new().unwrap(),
        );
        let failed = Outcome {
            status: Some(503),
            error: Some("status"),
            attempts: 3,
            latency: Some(Duration::from_millis(40)),
            bytes: 10,
        };
        for (i, outcome) in [ok(5), failed, ok(900), ok(12)].iter().enumerate() {
            one.add(outcome);
            if i % 2 == 0 {
                a.add(outcome)
            } else {
                b.add(outcome)
            }
        }
        a.cancelled = 1;
        one.cancelled = 1;
        a.merge(&b);
        let wall = Duration::from_secs(1);
        assert_eq!(a.to_json(wall, false), one.to_json(wall, false));
        assert_eq!(a.to_text(wall, false), one.to_text(wall, false));
    }

    #[test]
    fn empty_run_has_null_latencies() {
        let tally = Tally::new().unwrap();
        let json = tally.to_json(Duration::ZERO, true);
        assert_eq!(json["summary"]["successRate"], 0.0);
        assert!(json["latencyPercentiles"]["p50"].is_null());
        assert!(json["summary"]["average"].is_null());
        assert_eq!(json["interrupted"], true);
        assert!(
            tally
                .to_text(Duration::ZERO, true)
                .starts_with("Interrupted: 0 requests")
        );
    }

    #[test]
    fn text_lists_statuses_and_latency() {
        let mut tally = Tally::new().unwrap();
        tally.add(&ok(20));
        let text = tally.to_text(Duration::from_secs(1), false);
        assert!(text.contains("1 succeeded, 0 failed"), "{text}");
        assert!(text.contains("status codes: 200: 1"), "{text}");
        assert!(text.contains("p50 20.0ms"), "{text}");
        assert!(text.contains("100 B received"), "{text}");
        assert!(text.contains("0.020s [1] |■■■■"), "{text}");
        tally.add(&ok(130));
        let text = tally.to_text(Duration::from_secs(1), false);
        let bars: Vec<&str> = text.lines().filter(|l| l.contains("s [")).collect();
        assert_eq!(bars.len(), 11, "{text}");
        assert!(bars[0].starts_with("    0.030s [1] |■"), "{text}");
        assert!(bars[10].starts_with("    0.130s [1] |■"), "{text}");
        assert!(bars[5].ends_with("[0] |"), "{text}");
    }
}
