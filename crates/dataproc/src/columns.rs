//! One column's statistics: which are asked ([`StatSet`]), the fold that gathers them
//! ([`ColumnFold`]) and its finished record ([`Record`]).
//!
//! Every column folds into the same exact [`NumericState`] (Σx, Σx², min, max) the
//! single-column run uses; what costs memory is kept only when a statistic needs it:
//! every value (8 bytes each) for the exact median, `median_low`/`median_high` and
//! quantiles; a value → count table for `mode` and `distinct`; a quantile sketch for
//! `--approx-median`. The statistics carry Python's `statistics` names and values:
//!
//! - `variance`, `stdev` (sample, n − 1), `pvariance`, `pstdev` (population, n): exact
//!   and correctly rounded, as Python computes them from exact fractions;
//! - `median`, `median_low`, `median_high`: exact, in the order of Python's stable
//!   `sorted` (zeros of both signs in input order, see [`crate::select`]); `mode`: the
//!   most common value, the first seen on ties (as `statistics.mode`); `distinct`: exact
//!   count of distinct values (`len(set(xs))`, so `0.0` and `-0.0` are one value);
//! - `geometric_mean`: `exp(fsum(log(x)) / n)` as Python 3.11 computes it (left out when
//!   a value is zero or negative, where Python raises); `harmonic_mean`: `n / Σ(1/x)`
//!   with the sum exact and the ratio rounded once, as Python (0.0 when a value is zero;
//!   left out for a negative value);
//! - quantiles (`--quantiles 0.25,0.75`): linear interpolation between the closest ranks,
//!   `x[j] + (x[j+1] − x[j])·f` with `j + f = (n − 1)·q` — numpy's default `linear`
//!   method and Python's `statistics.quantiles(method='inclusive')` — computed exactly and
//!   rounded once; an exact zero is `-0.0` only when `x[j]` and `x[j+1]` both are, as
//!   Python's `(x[j]·(n − δ) + x[j+1]·δ) / n` gives. Keys are written as pandas' `describe`
//!   writes them: `25%`, `99.9%`.
//!
//! A statistic that is undefined for the data (the sample variance of one value, the
//! geometric mean of a negative value) is left out of the record, not written as null.

use std::collections::HashMap;
use std::hash::{BuildHasherDefault, Hasher};

use num_bigint::{BigInt, BigUint, Sign};

use crate::distinct::DistinctSketch;
use crate::error::{Error, Result};
use crate::exact::{ExactSum, round_ratio, units};
use crate::numeric::Median;
use crate::pyjson::py_float_repr;
use crate::select::select_ranks;
use crate::sketch::{DEFAULT_ALPHA, QuantileSketch};
use crate::stats::{NumericState, middle};

/// One statistic a record can hold.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Stat {
    /// How many numbers were folded.
    Count,
    /// How many cells were missing (empty or a null value).
    Nulls,
    /// The correctly rounded sum.
    Sum,
    /// The correctly rounded mean.
    Mean,
    /// The median (exact, or from the sketch with `--approx-median`).
    Median,
    /// The low median (a data value).
    MedianLow,
    /// The high median (a data value).
    MedianHigh,
    /// The smallest value.
    Min,
    /// The largest value.
    Max,
    /// The sample standard deviation under the seed's key `std_dev`.
    StdDev,
    /// The sample standard deviation under Python's name `stdev`.
    Stdev,
    /// The sample variance.
    Variance,
    /// The population standard deviation.
    Pstdev,
    /// The population variance.
    Pvariance,
    /// The most common value, first seen on ties.
    Mode,
    /// The geometric mean.
    GeometricMean,
    /// The harmonic mean.
    HarmonicMean,
    /// The number of distinct values.
    Distinct,
    /// The asked quantiles, at this place in the record.
    Quantiles,
}

impl Stat {
    /// Every statistic with its name on the command line and in records.
    pub const ALL: [(Self, &'static str); 19] = [
        (Self::Count, "count"),
        (Self::Nulls, "nulls"),
        (Self::Sum, "sum"),
        (Self::Mean, "mean"),
        (Self::Median, "median"),
        (Self::MedianLow, "median_low"),
        (Self::MedianHigh, "median_high"),
        (Self::Min, "min"),
        (Self::Max, "max"),
        (Self::StdDev, "std_dev"),
        (Self::Stdev, "stdev"),
        (Self::Variance, "variance"),
        (Self::Pstdev, "pstdev"),
        (Self::Pvariance, "pvariance"),
        (Self::Mode, "mode"),
        (Self::GeometricMean, "geometric_mean"),
        (Self::HarmonicMean, "harmonic_mean"),
        (Self::Distinct, "distinct"),
        (Self::Quantiles, "quantiles"),
    ];

    /// The record key.
    pub fn name(self) -> &'static str {
        Self::ALL
            .iter()
            .find(|(s, _)| *s == self)
            .map_or("", |(_, n)| n)
    }

    /// The statistic of a name.
    ///
    /// # Errors
    /// A configuration error listing the known names.
    pub fn parse(name: &str) -> Result<Self> {
        Self::ALL
            .iter()
            .find(|(_, n)| *n == name)
            .map(|(s, _)| *s)
            .ok_or_else(|| {
                let names: Vec<&str> = Self::ALL.iter().map(|(_, n)| *n).collect();
                Error::Configuration(format!(
                    "unknown statistic '{name}' in --stats; pick from {}",
                    names.join(", ")
                ))
            })
    }
}

/// Which statistics a run computes, in record order, and how.
#[derive(Debug, Clone, PartialEq)]
pub struct StatSet {
    /// The statistics in record order.
    pub stats: Vec<Stat>,
    /// The quantiles asked (each in `[0, 1]`).
    pub quantiles: Vec<f64>,
    /// Whether the median and quantiles come from the bounded sketch.
    pub approximate: bool,
    /// Whether `distinct` comes from a HyperLogLog ([`DistinctSketch`]) instead of a table
    /// of every distinct value.
    pub approx_distinct: bool,
}

impl Default for StatSet {
    /// The seed's statistics plus `nulls`: count, nulls, sum, mean, median, min, max,
    /// std_dev.
    fn default() -> Self {
        Self {
            stats: vec![
                Stat::Count,
                Stat::Nulls,
                Stat::Sum,
                Stat::Mean,
                Stat::Median,
                Stat::Min,
                Stat::Max,
                Stat::StdDev,
            ],
            quantiles: Vec::new(),
            approximate: false,
            approx_distinct: false,
        }
    }
}

impl StatSet {
    /// The set for the command line: `stats` (a comma list, `None` for the default),
    /// `quantiles` (a comma list of fractions), and the median mode.
    ///
    /// ```
    /// use dataproc::columns::{Stat, StatSet};
    /// use dataproc::Median;
    /// let set = StatSet::from_lists(Some("mean,stdev"), Some("0.25, 0.75"), Median::Exact)?;
    /// assert_eq!(set.stats, [Stat::Mean, Stat::Stdev, Stat::Quantiles]);
    /// assert_eq!(set.quantiles, [0.25, 0.75]);
    /// # Ok::<(), dataproc::Error>(())
    /// ```
    ///
    /// # Errors
    /// A configuration error for an unknown name or a quantile outside `[0, 1]`.
    pub fn from_lists(
        stats: Option<&str>,
        quantiles: Option<&str>,
        median: Median,
    ) -> Result<Self> {
        let mut set = Self::default();
        if let Some(list) = stats {
            set.stats = split_list(list)
                .map(Stat::parse)
                .collect::<Result<Vec<_>>>()?;
        }
        if let Some(list) = quantiles {
            for q in split_list(list) {
                let value: f64 = q
                    .parse()
                    .ok()
                    .filter(|v| (0.0..=1.0).contains(v))
                    .ok_or_else(|| {
                        Error::Configuration(format!(
                            "--quantiles takes fractions from 0 to 1 (e.g. 0.25,0.75), not '{q}'"
                        ))
                    })?;
                set.quantiles.push(value);
            }
            if !set.stats.contains(&Stat::Quantiles) {
                let at = set
                    .stats
                    .iter()
                    .position(|s| *s == Stat::Median)
                    .map_or(set.stats.len(), |i| i + 1);
                set.stats.insert(at, Stat::Quantiles);
            }
        }
        match median {
            Median::Exact => {}
            Median::Approximate => set.approximate = true,
            Median::Omitted => set.stats.retain(|s| *s != Stat::Median),
        }
        Ok(set)
    }

    /// The set with `distinct` from a HyperLogLog (added to the statistics when missing):
    /// bounded memory (at most 12 KiB per column) for a count exact up to 128 distinct
    /// values and within 0.81 % relative standard error beyond.
    pub fn with_approx_distinct(mut self) -> Self {
        self.approx_distinct = true;
        if !self.has(Stat::Distinct) {
            self.stats.push(Stat::Distinct);
        }
        self
    }

    fn has(&self, stat: Stat) -> bool {
        self.stats.contains(&stat)
    }

    /// Whether a fold keeps every value (the exact median, `median_low`/`median_high`,
    /// quantiles).
    pub fn keeps_values(&self) -> bool {
        self.wants_order() && !self.approximate
    }

    fn wants_order(&self) -> bool {
        self.has(Stat::Median)
            || self.has(Stat::MedianLow)
            || self.has(Stat::MedianHigh)
            || (self.has(Stat::Quantiles) && !self.quantiles.is_empty())
    }
}

/// The items of a comma list, trimmed, empty ones left out.
pub fn split_list(list: &str) -> impl Iterator<Item = &str> {
    list.split(',').map(str::trim).filter(|s| !s.is_empty())
}

/// The pandas `describe` key of a quantile: `25%`, `50%`, `99.9%`.
///
/// ```
/// assert_eq!(dataproc::columns::quantile_key(0.25), "25%");
/// assert_eq!(dataproc::columns::quantile_key(0.999), "99.9%");
/// ```
pub fn quantile_key(q: f64) -> String {
    let percent = py_float_repr((q * 1e6).round() / 1e4);
    format!("{}%", percent.strip_suffix(".0").unwrap_or(&percent))
}

/// A hasher for keys that are already well spread or short (value bits, group keys):
/// a multiply-rotate mix, much quicker than SipHash for 8-byte keys.
#[derive(Debug, Default, Clone, Copy)]
pub struct MixHasher(u64);

impl Hasher for MixHasher {
    fn write(&mut self, bytes: &[u8]) {
        for chunk in bytes.chunks(8) {
            let mut word = [0u8; 8];
            word[..chunk.len()].copy_from_slice(chunk);
            self.write_u64(u64::from_le_bytes(word));
        }
    }
    #[inline]
    fn write_u64(&mut self, x: u64) {
        self.0 = (self.0 ^ x)
            .wrapping_mul(0x9E37_79B9_7F4A_7C15)
            .rotate_left(26);
    }
    #[inline]
    fn finish(&self) -> u64 {
        self.0
    }
}

/// A `HashMap` with [`MixHasher`].
pub type MixMap<K, V> = HashMap<K, V, BuildHasherDefault<MixHasher>>;

/// How often a value was seen and when first (its rank among the column's values).
#[derive(Debug, Clone, Copy)]
struct Seen {
    count: u64,
    first: u64,
    value: f64,
}

/// One column's (or one group's column's) fold.
#[derive(Debug, Clone)]
pub struct ColumnFold {
    state: NumericState,
    nulls: u64,
    non_numeric: u64,
    invalid: u64,
    non_finite: u64,
    values: Option<Vec<f64>>,
    /// Kept values of later parts, taken over whole by [`ColumnFold::merge`] (order
    /// statistics select across the parts, so they are never joined).
    parts: Vec<Vec<f64>>,
    /// What the less common statistics keep, out of line so a fold stays a few cache lines.
    rare: Option<Box<Rare>>,
}

/// The state of the statistics asked less often.
#[derive(Debug, Clone)]
struct Rare {
    sketch: Option<QuantileSketch>,
    hll: Option<DistinctSketch>,
    seen: Option<MixMap<u64, Seen>>,
    logs: Option<(ExactSum, bool)>,
    reciprocals: Option<(ExactSum, bool, bool)>,
}

impl Rare {
    /// Folds in the column's `first`-th number (counted from 0).
    #[inline(never)]
    fn push(&mut self, x: f64, first: u64) {
        if let Some(seen) = &mut self.seen {
            // 0.0 == -0.0 in Python: one key.
            let key = if x == 0.0 { 0 } else { x.to_bits() };
            seen.entry(key)
                .and_modify(|s| s.count += 1)
                .or_insert(Seen {
                    count: 1,
                    first,
                    value: x,
                });
        }
        if let Some(sketch) = &mut self.sketch {
            sketch.push(x);
        }
        if let Some(hll) = &mut self.hll {
            hll.push(x);
        }
        if let Some((logs, undefined)) = &mut self.logs {
            if x > 0.0 {
                logs.add(x.ln());
            } else {
                *undefined = true;
            }
        }
        if let Some((sum, zero, negative)) = &mut self.reciprocals {
            if x < 0.0 {
                *negative = true;
            } else if x == 0.0 {
                *zero = true;
            } else {
                // 1/x overflows only for subnormal x; Python cannot sum the inf exactly either.
                let r = 1.0 / x;
                if r.is_finite() {
                    sum.add(r);
                } else {
                    *negative = true;
                }
            }
        }
    }

    /// Takes in a later part's state; its first-seen ranks move up by `offset`.
    fn merge(&mut self, other: Self, offset: u64) {
        if let (Some(mine), Some(theirs)) = (&mut self.sketch, &other.sketch) {
            mine.merge(theirs);
        }
        if let (Some(mine), Some(theirs)) = (&mut self.hll, &other.hll) {
            mine.merge(theirs);
        }
        if let (Some(mine), Some(theirs)) = (&mut self.seen, other.seen) {
            for (key, s) in theirs {
                mine.entry(key)
                    .and_modify(|m| m.count += s.count)
                    .or_insert(Seen {
                        first: s.first + offset,
                        ..s
                    });
            }
        }
        if let (Some((mine, a)), Some((theirs, b))) = (&mut self.logs, &other.logs) {
            mine.merge(theirs);
            *a |= b;
        }
        if let (Some((mine, z, n)), Some((theirs, z2, n2))) =
            (&mut self.reciprocals, &other.reciprocals)
        {
            mine.merge(theirs);
            *z |= z2;
            *n |= n2;
        }
    }

    /// Lets go of what order statistics and counts keep (the column is text).
    fn drop_values(&mut self) {
        self.sketch = None;
        self.hll = None;
        self.seen = None;
    }
}

impl ColumnFold {
    /// An empty fold keeping what `set` needs.
    pub fn new(set: &StatSet) -> Self {
        let order = set.wants_order();
        let approximate = order && set.approximate;
        let rare = Rare {
            sketch: approximate.then(|| QuantileSketch::new(DEFAULT_ALPHA)),
            hll: (set.has(Stat::Distinct) && set.approx_distinct).then(DistinctSketch::new),
            seen: (set.has(Stat::Mode) || (set.has(Stat::Distinct) && !set.approx_distinct))
                .then(MixMap::default),
            logs: set
                .has(Stat::GeometricMean)
                .then(|| (ExactSum::new(), false)),
            reciprocals: set
                .has(Stat::HarmonicMean)
                .then(|| (ExactSum::new(), false, false)),
        };
        let any = rare.sketch.is_some()
            || rare.hll.is_some()
            || rare.seen.is_some()
            || rare.logs.is_some()
            || rare.reciprocals.is_some();
        Self {
            state: NumericState::new(),
            nulls: 0,
            non_numeric: 0,
            invalid: 0,
            non_finite: 0,
            values: set.keeps_values().then(Vec::new),
            parts: Vec::new(),
            rare: any.then(|| Box::new(rare)),
        }
    }

    /// Folds in one finite number.
    #[inline]
    pub fn push(&mut self, x: f64) {
        if let Some(rare) = &mut self.rare {
            rare.push(x, self.state.count());
        }
        self.state.push(x);
        if let Some(values) = &mut self.values {
            values.push(x);
        }
    }

    /// Makes room for `additional` more numbers where every value is kept.
    pub fn reserve(&mut self, additional: usize) {
        if let Some(values) = &mut self.values {
            values.reserve(additional);
        }
    }

    /// Counts a missing cell.
    #[inline]
    pub fn push_null(&mut self) {
        self.nulls += 1;
    }

    /// Counts `n` missing cells (rows that had no such field).
    pub fn add_nulls(&mut self, n: u64) {
        self.nulls += n;
    }

    /// Counts a cell that is not a number in a column described as found (its type
    /// becomes text); what was kept for order statistics is let go.
    pub fn push_non_numeric(&mut self) {
        self.non_numeric += 1;
        self.values = None;
        self.parts = Vec::new();
        if let Some(rare) = &mut self.rare {
            rare.drop_values();
        }
    }

    /// Counts a bad number skipped with `--skip-invalid`.
    pub fn push_invalid(&mut self) {
        self.invalid += 1;
    }

    /// Counts a NaN or ±inf skipped with `--skip-non-finite`.
    pub fn push_non_finite(&mut self) {
        self.non_finite += 1;
    }

    /// How many cells this fold has seen (numbers, nulls, non-numbers, skipped).
    pub fn cells(&self) -> u64 {
        self.count() + self.nulls + self.non_numeric + self.invalid + self.non_finite
    }

    /// How many numbers were folded.
    pub fn count(&self) -> u64 {
        self.state.count()
    }

    /// Whether a non-number made this column text.
    pub fn is_text(&self) -> bool {
        self.non_numeric > 0
    }

    /// Takes in the fold of a later part of the same column: the result is what one pass
    /// over both parts gives (the mode's "first seen" included).
    pub fn merge(&mut self, other: Self) {
        let offset = self.state.count();
        self.state.merge(&other.state);
        self.nulls += other.nulls;
        self.non_numeric += other.non_numeric;
        self.invalid += other.invalid;
        self.non_finite += other.non_finite;
        if self.non_numeric > 0 {
            self.values = None;
            self.parts = Vec::new();
            if let Some(rare) = &mut self.rare {
                rare.drop_values();
            }
        }
        if self.values.is_some()
            && let Some(theirs) = other.values
        {
            // Taken over whole, not copied: the order statistics select across parts.
            self.parts.extend(
                std::iter::once(theirs)
                    .chain(other.parts)
                    .filter(|p| !p.is_empty()),
            );
        }
        if let (Some(mine), Some(theirs)) = (&mut self.rare, other.rare) {
            mine.merge(*theirs, offset);
        }
    }

    /// The finished record: `type` (`numeric`, or `text` with `non_numeric` counted),
    /// then the statistics of `set` in its order, and the skipped counts that are not
    /// zero (`invalid`, `non_finite`).
    pub fn finish(mut self, set: &StatSet) -> Record {
        let mut record = Record::default();
        let count = self.state.count();
        if self.is_text() {
            record.push("type", Cell::Text("text".into()));
            record.push("count", Cell::Count(count + self.non_numeric));
            record.push("nulls", Cell::Count(self.nulls));
            record.push("non_numeric", Cell::Count(self.non_numeric));
            self.push_skipped(&mut record);
            return record;
        }
        record.push("type", Cell::Text("numeric".into()));
        let order = self.order_stats(set);
        for &stat in &set.stats {
            let s = &self.state;
            let value = match stat {
                Stat::Count => Some(Cell::Count(count)),
                Stat::Nulls => Some(Cell::Count(self.nulls)),
                Stat::Sum => (count > 0).then(|| Cell::Float(s.sum())),
                Stat::Mean => s.mean().map(Cell::Float),
                Stat::Min => (count > 0).then(|| Cell::Float(s.min())),
                Stat::Max => (count > 0).then(|| Cell::Float(s.max())),
                Stat::StdDev | Stat::Stdev => s.std_dev().map(Cell::Float),
                Stat::Variance => s.variance().map(Cell::Float),
                Stat::Pstdev => s.pstdev().map(Cell::Float),
                Stat::Pvariance => s.pvariance().map(Cell::Float),
                Stat::Median => order.median.map(Cell::Float),
                Stat::MedianLow => order.low.map(Cell::Float),
                Stat::MedianHigh => order.high.map(Cell::Float),
                Stat::Mode => self.mode().map(Cell::Float),
                Stat::Distinct => self.rare.as_ref().and_then(|r| match (&r.hll, &r.seen) {
                    (Some(hll), _) => Some(Cell::Count(hll.estimate())),
                    (None, Some(seen)) => Some(Cell::Count(seen.len() as u64)),
                    (None, None) => None,
                }),
                Stat::GeometricMean => self.geometric_mean().map(Cell::Float),
                Stat::HarmonicMean => self.harmonic_mean().map(Cell::Float),
                Stat::Quantiles => {
                    for (q, v) in set.quantiles.iter().zip(&order.quantiles) {
                        if let Some(v) = v {
                            record.push(&quantile_key(*q), Cell::Float(*v));
                        }
                    }
                    None
                }
            };
            if let Some(v) = value {
                record.push(stat.name(), v);
            }
        }
        self.push_skipped(&mut record);
        record
    }

    fn push_skipped(&self, record: &mut Record) {
        if self.invalid > 0 {
            record.push("invalid", Cell::Count(self.invalid));
        }
        if self.non_finite > 0 {
            record.push("non_finite", Cell::Count(self.non_finite));
        }
    }

    /// The median, low and high medians and quantiles from the kept values or sketch.
    fn order_stats(&mut self, set: &StatSet) -> OrderStats {
        let mut out = OrderStats::default();
        if let Some(sketch) = self.rare.as_ref().and_then(|r| r.sketch.as_ref()) {
            out.median = sketch.quantile(0.5);
            out.quantiles = set.quantiles.iter().map(|&q| sketch.quantile(q)).collect();
            return out;
        }
        let Some(values) = self.values.take() else {
            return out;
        };
        // In input order (the first part's values first): zeros are told apart by it.
        let mut parts = vec![values];
        parts.append(&mut self.parts);
        let n: usize = parts.iter().map(Vec::len).sum();
        if n == 0 {
            return out;
        }
        let (low, high) = ((n - 1) / 2, n / 2);
        let positions: Vec<QuantileRank> = set
            .quantiles
            .iter()
            .map(|&q| QuantileRank::new(n, q))
            .collect();
        let mut ranks = vec![low, high];
        for p in &positions {
            ranks.push(p.rank);
            if p.rank + 1 < n {
                ranks.push(p.rank + 1);
            }
        }
        ranks.sort_unstable();
        ranks.dedup();
        let values = select_ranks(&parts, &ranks);
        drop(parts);
        let at = |i: usize| ranks.binary_search(&i).map_or(f64::NAN, |k| values[k]);
        let (low, high) = (at(low), at(high));
        out.low = Some(low);
        out.high = Some(high);
        out.median = Some(if n % 2 == 1 { high } else { middle(low, high) });
        out.quantiles = positions.iter().map(|p| Some(p.value(&at))).collect();
        out
    }

    fn mode(&self) -> Option<f64> {
        let seen = self.rare.as_ref()?.seen.as_ref()?;
        seen.values()
            .max_by(|a, b| a.count.cmp(&b.count).then(b.first.cmp(&a.first)))
            .map(|s| s.value)
    }

    fn geometric_mean(&self) -> Option<f64> {
        let (logs, undefined) = self.rare.as_ref()?.logs.as_ref()?;
        let n = self.state.count();
        (n > 0 && !undefined).then(|| (logs.value() / n as f64).exp())
    }

    fn harmonic_mean(&self) -> Option<f64> {
        let (sum, zero, negative) = self.rare.as_ref()?.reciprocals.as_ref()?;
        let n = self.state.count();
        if n == 0 || *negative {
            return None;
        }
        if *zero {
            return Some(0.0);
        }
        if n == 1 {
            return Some(self.state.min());
        }
        let total = sum.to_bigint().to_biguint()?;
        Some(round_ratio(&BigInt::from(n), &total, 1074))
    }
}

#[derive(Debug, Default)]
struct OrderStats {
    median: Option<f64>,
    low: Option<f64>,
    high: Option<f64>,
    quantiles: Vec<Option<f64>>,
}

/// Where the `q` quantile of `n` sorted values lies, for linear interpolation between
/// closest ranks: `h = (n − 1)·q = rank + fraction`, with `q` taken at its exact binary
/// value `m / 2^k`, so the fraction is exactly `r / 2^k`.
#[derive(Debug)]
struct QuantileRank {
    rank: usize,
    /// `(r, 2^k)`; `None` when `h` is the rank itself (or the last one).
    fraction: Option<(BigUint, BigUint)>,
    /// Whether a value follows the rank (it decides the sign of a zero quantile).
    next: bool,
}

impl QuantileRank {
    fn new(n: usize, q: f64) -> Self {
        // q = m / 2^k exactly (q in [0, 1]).
        let (mut m, mut k) = (q, 0u32);
        while m.fract() != 0.0 && k < 1100 {
            m *= 2.0;
            k += 1;
        }
        let m = BigUint::from(m as u64);
        let scaled = BigUint::from(n as u64 - 1) * m;
        let j_big: BigUint = &scaled >> k;
        let j = usize::try_from(j_big).unwrap_or(n - 1).min(n - 1);
        let one = BigUint::from(1u8) << k;
        let r = scaled - (BigUint::from(j as u64) << k);
        let fraction = (r != BigUint::default() && j + 1 < n).then_some((r, one));
        Self {
            rank: j,
            fraction,
            next: j + 1 < n,
        }
    }

    /// The quantile, `x[j]·(1 − f) + x[j+1]·f` computed exactly and rounded once, from
    /// the sorted values' `at(i)`. An exact zero is signed as Python's
    /// `(x[j]·(n − δ) + x[j+1]·δ) / n` signs it, which adds two zeros (`x[j+1]·0` too
    /// when `δ = 0`): `-0.0` only when `x[j]` and `x[j+1]` both are `-0.0`.
    fn value(&self, at: &dyn Fn(usize) -> f64) -> f64 {
        let j = self.rank;
        let exact = match &self.fraction {
            None => at(j),
            Some((r, one)) => {
                let (a, b) = (units(at(j)), units(at(j + 1)));
                let num = a * BigInt::from(one - r) + b * BigInt::from(r.clone());
                if num.sign() != Sign::NoSign {
                    return round_ratio(&num, one, -1074);
                }
                0.0
            }
        };
        if exact == 0.0 && self.next {
            let negative = at(j).is_sign_negative() && at(j + 1).is_sign_negative();
            return if negative { -0.0 } else { 0.0 };
        }
        exact
    }
}

/// A cell of a finished record.
#[derive(Debug, Clone, PartialEq)]
pub enum Cell {
    /// A count.
    Count(u64),
    /// A statistic (may be non-finite, e.g. an overflowed sum).
    Float(f64),
    /// A name, a type, a group key.
    Text(String),
}

/// A finished record: named cells in order.
#[derive(Debug, Clone, Default, PartialEq)]
pub struct Record {
    /// The cells, in record order.
    pub cells: Vec<(String, Cell)>,
}

impl Record {
    /// Appends a cell.
    pub fn push(&mut self, key: &str, cell: Cell) {
        self.cells.push((key.to_owned(), cell));
    }

    /// The cell of a key.
    pub fn get(&self, key: &str) -> Option<&Cell> {
        self.cells.iter().find(|(k, _)| k == key).map(|(_, c)| c)
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn fold(stats: &str, quantiles: Option<&str>, xs: &[f64]) -> Record {
        let set = StatSet::from_lists(Some(stats), quantiles, Median::Exact).unwrap();
        let mut fold = ColumnFold::new(&set);
        for &x in xs {
            fold.push(x);
        }
        fold.finish(&set)
    }

    fn float(record: &Record, key: &str) -> f64 {
        match record.get(key) {
            Some(Cell::Float(x)) => *x,
            other => panic!("{key}: {other:?}"),
        }
    }

    const DATA: [f64; 10] = [2.5, 1e16, -3.25, 7.0, 7.0, 0.1, 0.1, 1e-3, 42.0, 0.1];

    #[test]
    fn spread_and_order_statistics_equal_pythons() {
        let r = fold(
            "variance,stdev,pvariance,pstdev,median,median_low,median_high,mode,distinct",
            None,
            &DATA,
        );
        // python3 -c 'import statistics as st; d=[2.5,1e16,-3.25,7.0,7.0,0.1,0.1,1e-3,42.0,0.1];
        //   print(st.variance(d), st.stdev(d), st.pvariance(d), st.pstdev(d), st.median(d),
        //   st.median_low(d), st.median_high(d), st.mode(d), len(set(d)))'
        assert_eq!(float(&r, "variance"), 9.999999999999987e+30);
        assert_eq!(float(&r, "stdev"), 3162277660168377.5);
        assert_eq!(float(&r, "pvariance"), 8.999999999999989e+30);
        assert_eq!(float(&r, "pstdev"), 2999999999999998.0);
        assert_eq!(float(&r, "median"), 1.3);
        assert_eq!(float(&r, "median_low"), 0.1);
        assert_eq!(float(&r, "median_high"), 2.5);
        assert_eq!(float(&r, "mode"), 0.1);
        assert_eq!(r.get("distinct"), Some(&Cell::Count(7)));
    }

    #[test]
    fn means_equal_pythons() {
        let pos = [2.5, 3.0, 0.1, 7.0, 1e-3, 42.0, 1e16];
        let r = fold("geometric_mean,harmonic_mean", None, &pos);
        // python3 -c 'import statistics as st; d=[2.5,3.0,0.1,7.0,1e-3,42.0,1e16];
        //   print(st.geometric_mean(d), st.harmonic_mean(d))'   (Python 3.11)
        assert_eq!(float(&r, "geometric_mean"), 155.56629672503678);
        assert_eq!(float(&r, "harmonic_mean"), 0.006924522702542289);
        // Python: harmonic_mean([4.0, 0.0, 1.0]) == 0, harmonic_mean([4.0]) == 4.0;
        // geometric_mean and harmonic_mean raise for negative data: left out.
        assert_eq!(
            float(
                &fold("harmonic_mean", None, &[4.0, 0.0, 1.0]),
                "harmonic_mean"
            ),
            0.0
        );
        assert_eq!(
            float(&fold("harmonic_mean", None, &[4.0]), "harmonic_mean"),
            4.0
        );
        let r = fold("geometric_mean,harmonic_mean", None, &[4.0, -1.0]);
        assert_eq!(r.get("geometric_mean"), None);
        assert_eq!(r.get("harmonic_mean"), None);
    }

    #[test]
    fn quantiles_interpolate_linearly_and_exactly() {
        let r = fold("quantiles", Some("0.25,0.75,0.99,0,1"), &DATA);
        // numpy.quantile(d, [0.25, 0.75]) and statistics.quantiles(d, n=4,
        // method='inclusive') give 0.1 and 7.0.
        assert_eq!(float(&r, "25%"), 0.1);
        assert_eq!(float(&r, "75%"), 7.0);
        // Exact: float(F(x[8])*(1-f) + F(x[9])*f) with h = F(0.99)*9, f = h - 8, gives
        // 9100000000000002.0; numpy's floating-point lerp says 9100000000000006.0.
        assert_eq!(float(&r, "99%"), 9100000000000002.0);
        assert_eq!(float(&r, "0%"), -3.25);
        assert_eq!(float(&r, "100%"), 1e16);
    }

    #[test]
    fn a_zero_quantile_is_signed_as_pythons() {
        let bits = |xs: &[f64]| {
            let r = fold("quantiles", Some("0.25,0.5,0.75"), xs);
            ["25%", "50%", "75%"].map(|k| float(&r, k).to_bits())
        };
        // statistics.quantiles(xs, n=4, method='inclusive') (Python 3.11) for each xs:
        // [-5e-324, -0.0] -> [-5e-324, -0.0, -0.0] (negative underflow keeps its sign);
        // [-0.0, -3.0, 3.0] -> [-1.5, 0.0, 1.5] (-0.0·4 + 3.0·0 at 50%);
        // [0.0, -0.0, -0.0, 1.0, -0.0] -> [-0.0, -0.0, 0.0]
        let cases: [(&[f64], [f64; 3]); 3] = [
            (&[-5e-324, -0.0], [-5e-324, -0.0, -0.0]),
            (&[-0.0, -3.0, 3.0], [-1.5, 0.0, 1.5]),
            (&[0.0, -0.0, -0.0, 1.0, -0.0], [-0.0, -0.0, 0.0]),
        ];
        for (xs, want) in cases {
            assert_eq!(bits(xs), want.map(f64::to_bits), "{xs:?}");
        }
    }

    #[test]
    fn mode_takes_the_first_seen_on_ties_and_zeros_are_one_value() {
        // python3 -c 'import statistics as st; d=[3.0,1.0,1.0,3.0,-0.0,0.0];
        //   print(st.mode(d), len(set(d)))'  -> 3.0 3
        let r = fold("mode,distinct", None, &[3.0, 1.0, 1.0, 3.0, -0.0, 0.0]);
        assert_eq!(float(&r, "mode"), 3.0);
        assert_eq!(r.get("distinct"), Some(&Cell::Count(3)));
    }

    #[test]
    fn undefined_statistics_are_left_out_and_population_ones_kept() {
        let r = fold("count,variance,stdev,pvariance,pstdev", None, &[5.0]);
        assert_eq!(r.get("count"), Some(&Cell::Count(1)));
        assert_eq!(r.get("variance"), None);
        assert_eq!(r.get("stdev"), None);
        // statistics.pvariance([5.0]) == 0.0
        assert_eq!(float(&r, "pvariance"), 0.0);
        assert_eq!(float(&r, "pstdev"), 0.0);
        let empty = fold("count,mean,median,min", None, &[]);
        assert_eq!(empty.cells.len(), 2, "{empty:?}");
    }

    #[test]
    fn merged_parts_equal_one_pass() {
        let set = StatSet::from_lists(
            Some("count,sum,median,mode,distinct,geometric_mean,harmonic_mean,stdev"),
            Some("0.3"),
            Median::Exact,
        )
        .unwrap();
        let xs: Vec<f64> = (0..300).map(|i| f64::from(i % 17) + 0.5).collect();
        let mut one = ColumnFold::new(&set);
        xs.iter().for_each(|&x| one.push(x));
        let (mut a, mut b) = (ColumnFold::new(&set), ColumnFold::new(&set));
        xs[..123].iter().for_each(|&x| a.push(x));
        xs[123..].iter().for_each(|&x| b.push(x));
        a.merge(b);
        assert_eq!(a.finish(&set), one.finish(&set));
    }

    #[test]
    fn approx_distinct_is_exact_for_few_values_and_close_for_many() {
        let set = StatSet::from_lists(Some("count"), None, Median::Exact)
            .unwrap()
            .with_approx_distinct();
        let (mut few, mut many) = (ColumnFold::new(&set), ColumnFold::new(&set));
        for i in 0..10_000 {
            few.push(f64::from(i % 100));
            many.push(f64::from(i) * 0.5);
        }
        assert_eq!(few.finish(&set).get("distinct"), Some(&Cell::Count(100)));
        let Some(Cell::Count(n)) = many.finish(&set).get("distinct").cloned() else {
            panic!("a distinct count")
        };
        // 0.81 % standard error: 5 sigma is about 4 %.
        assert!((9_600..=10_400).contains(&n), "{n}");
    }

    #[test]
    fn a_text_column_reports_its_non_numbers_only() {
        let set = StatSet::default();
        let mut fold = ColumnFold::new(&set);
        fold.push(1.0);
        fold.push_null();
        fold.push_non_numeric();
        let r = fold.finish(&set);
        assert_eq!(r.get("type"), Some(&Cell::Text("text".into())));
        assert_eq!(r.get("count"), Some(&Cell::Count(2)));
        assert_eq!(r.get("nulls"), Some(&Cell::Count(1)));
        assert_eq!(r.get("non_numeric"), Some(&Cell::Count(1)));
        assert_eq!(r.get("mean"), None);
    }

    #[test]
    fn unknown_statistics_and_bad_quantiles_are_refused() {
        let err = StatSet::from_lists(Some("mean,avg"), None, Median::Exact).unwrap_err();
        assert!(err.to_string().contains("unknown statistic 'avg'"), "{err}");
        let err = StatSet::from_lists(None, Some("0.5,2"), Median::Exact).unwrap_err();
        assert!(err.to_string().contains("not '2'"), "{err}");
        let set = StatSet::from_lists(None, Some("0.5"), Median::Omitted).unwrap();
        assert!(!set.stats.contains(&Stat::Median));
        assert_eq!(set.stats[4], Stat::Quantiles);
    }
}
