//! A mergeable quantile sketch for streams too long to keep: approximate median and
//! quantiles within a relative error that holds on every input.
//!
//! **Algorithm.** A relative-error sketch (DDSketch, Masson, Rim & Lee, VLDB 2019): a
//! magnitude `m` falls into the bucket `i` with `γ^(i−1) < m ≤ γ^i`, `γ = (1 + α)/(1 − α)`,
//! whose representative `2γ^i/(γ + 1)` is within `α·m` of every member. Positive and
//! negative values have a store each; zeros are counted apart and answered exactly. A
//! relative (value) error was chosen over a rank error (KLL, t-digest) because it is
//! deterministic, it is what "the median within 0.5 %" means to a reader, and bucket
//! counts merge by plain addition, so a merge is exactly the sketch of the whole input.
//!
//! **Subnormals.** Below `f64::MIN_POSITIVE` floats are spaced `2^-1074` apart, and a
//! logarithmic bucket there can hold two neighbours further apart than `α`. So the
//! subnormal range has buckets of its own: one per float for the smallest `⌈1/α⌉` ones
//! (exact), then logarithmic buckets of accuracy `α/2`, whose representative rounded to
//! the float grid stays within `α`.
//!
//! **The promise.** Let `x_0 ≤ … ≤ x_(n−1)` be the values pushed. For every rank `r` the
//! sketch's estimate `e_r` satisfies `|e_r − x_r| ≤ α·|x_r|`, for any finite input
//! (zeros, subnormals, mixed signs, `±f64::MAX`); ranks `0` and `n − 1` are exact (the
//! sketch keeps the minimum and maximum) and every estimate is clamped to `[min, max]`.
//! [`QuantileSketch::quantile`] follows the rule of numpy's default and Python's
//! `statistics.quantiles(method='inclusive')`: with `h = q·(n − 1)`, `f = h − ⌊h⌋`, it
//! answers `(1 − f)·e_⌊h⌋ + f·e_⌈h⌉`, so the even-count median is the midpoint of the two
//! middle ranks' estimates. Against the exact answer `(1 − f)·x_⌊h⌋ + f·x_⌈h⌉` the error
//! is at most `α·((1 − f)·|x_⌊h⌋| + f·|x_⌈h⌉|)` — that is `α·|exact|` whenever the two
//! neighbours do not straddle zero — plus the rounding of that interpolation in `f64`
//! (at most `2^-51·(|x_⌊h⌋| + |x_⌈h⌉|)` and 4 subnormal ulps; nothing when `f = 0`). A
//! constant input is answered exactly; `{1, 1000}` gives `500.5`. The bound is tested
//! as stated, in rational arithmetic, in `tests/sketch_props.rs`.
//!
//! **Cost.** A push is one logarithm and a counter increment, whatever the order of the
//! input: the stores grow geometrically at either end. Memory is 8 bytes per bucket
//! between the smallest and largest magnitude seen, per sign — `ln(max/min)/(2α)`
//! buckets, about 230 per decade for α = 0.5 % (1.8 KiB), at most ~148 000 per sign
//! (1.2 MB) for the whole `f64` range; never more with a longer input. Sketches of parts
//! merge by adding bucket counts (same `α`; another `α` is re-bucketed, adding its error).

/// The default relative accuracy of [`QuantileSketch`]: 0.5 %.
pub const DEFAULT_ALPHA: f64 = 0.005;

/// Internal accuracy relative to the promised one: the margin covers the rounding of the
/// logarithm and exponential near bucket boundaries (≈ 10⁻¹³ relative).
const MARGIN: f64 = 1.0 - 1e-8;

/// Buckets of magnitudes: where a magnitude goes and what a bucket answers.
#[derive(Debug, Clone, Copy, PartialEq)]
struct Mapping {
    /// `ln γ` of the normal range.
    ln_gamma: f64,
    /// `1 / ln γ`.
    inv_ln_gamma: f64,
    /// `ln(1 − α)`: the representative of bucket `i` is `exp(i·ln γ + this)`.
    ln_rep: f64,
    /// Subnormals with at most this many ulps get a bucket each.
    exact_ulps: u64,
    /// `ln γ` of the subnormal range (accuracy α/2).
    sub_ln_gamma: f64,
    /// `1 − α/2`.
    sub_rep: f64,
    /// Index of the bucket holding `f64::MIN_POSITIVE`: the lowest normal one.
    normal_base: i32,
    /// Index of the lowest subnormal bucket.
    sub_base: i32,
    /// Index of the bucket holding `f64::MAX`.
    top: i32,
}

impl Mapping {
    fn new(alpha: f64) -> Self {
        let a = alpha * MARGIN;
        let ln_gamma = ((1.0 + a) / (1.0 - a)).ln();
        let sub = a / 2.0;
        let mut m = Self {
            ln_gamma,
            inv_ln_gamma: 1.0 / ln_gamma,
            ln_rep: (-a).ln_1p(),
            exact_ulps: (1.0 / alpha).ceil() as u64,
            sub_ln_gamma: ((1.0 + sub) / (1.0 - sub)).ln(),
            sub_rep: 1.0 - sub,
            normal_base: 0,
            sub_base: 0,
            top: 0,
        };
        m.normal_base = m.normal_index(f64::MIN_POSITIVE);
        m.top = m.normal_index(f64::MAX);
        let sub_buckets = m.sub_offset(f64::MIN_POSITIVE.next_down().to_bits()) + 1;
        m.sub_base = m.normal_base - sub_buckets;
        m
    }

    fn normal_index(&self, m: f64) -> i32 {
        (m.ln() * self.inv_ln_gamma).ceil() as i32
    }

    /// Position among the subnormal buckets of the subnormal with `ulps` ulps.
    fn sub_offset(&self, ulps: u64) -> i32 {
        if ulps <= self.exact_ulps {
            (ulps - 1) as i32
        } else {
            let j = ((ulps as f64 / self.exact_ulps as f64).ln() / self.sub_ln_gamma).ceil();
            (self.exact_ulps - 1) as i32 + j as i32
        }
    }

    /// The bucket of a magnitude `m > 0` (finite).
    #[inline]
    fn index(&self, m: f64) -> i32 {
        if m >= f64::MIN_POSITIVE {
            self.normal_index(m)
        } else {
            self.sub_base + self.sub_offset(m.to_bits())
        }
    }

    /// The magnitude bucket `i` answers.
    fn value(&self, i: i32) -> f64 {
        if i >= self.normal_base {
            return (f64::from(i) * self.ln_gamma + self.ln_rep).exp();
        }
        let s = i64::from(i - self.sub_base);
        let exact = self.exact_ulps as i64;
        let ulps = if s < exact {
            (s + 1) as f64
        } else {
            let j = (s - exact + 1) as f64;
            (self.exact_ulps as f64 * (j * self.sub_ln_gamma).exp() * self.sub_rep).round()
        };
        f64::from_bits(ulps as u64)
    }
}

/// Counts per bucket index, stored densely from `offset`; grows geometrically at either
/// end (amortised O(1) per new bucket whatever the order), never beyond `[lo, hi]`.
#[derive(Debug, Clone, Default)]
struct Store {
    offset: i32,
    counts: Vec<u64>,
    total: u64,
}

impl Store {
    #[inline]
    fn add(&mut self, index: i32, n: u64, bounds: (i32, i32)) {
        let at = i64::from(index) - i64::from(self.offset);
        if at < 0 || at >= self.counts.len() as i64 {
            self.cover(index, index, bounds);
        }
        let at = (index - self.offset) as usize;
        self.counts[at] += n;
        self.total += n;
    }

    /// Makes room for indices `lo..=hi` (within `bounds`), with slack on the side it grows.
    #[cold]
    fn cover(&mut self, lo: i32, hi: i32, (min, max): (i32, i32)) {
        if self.counts.is_empty() {
            self.offset = lo;
            self.counts = vec![0; (hi - lo + 1) as usize];
            return;
        }
        let len = self.counts.len() as i32;
        let end = self.offset + len - 1;
        if lo < self.offset {
            let new_lo = lo.min(self.offset - len).max(min);
            let grow = (self.offset - new_lo) as usize;
            let mut counts = Vec::with_capacity(grow + self.counts.len());
            counts.resize(grow, 0);
            counts.extend_from_slice(&self.counts);
            self.counts = counts;
            self.offset = new_lo;
        }
        if hi > end {
            let new_end = hi.max(end + len).min(max);
            let new_len = (new_end - self.offset + 1) as usize;
            // Exactly the growth chosen here (Vec would double again on top of it).
            self.counts.reserve_exact(new_len - self.counts.len());
            self.counts.resize(new_len, 0);
        }
    }

    fn merge(&mut self, other: &Self, bounds: (i32, i32)) {
        if other.total == 0 {
            return;
        }
        let (lo, hi) = (other.offset, other.offset + other.counts.len() as i32 - 1);
        if self.counts.is_empty()
            || lo < self.offset
            || hi >= self.offset + self.counts.len() as i32
        {
            self.cover(lo, hi, bounds);
        }
        let start = (lo - self.offset) as usize;
        for (mine, theirs) in self.counts[start..].iter_mut().zip(&other.counts) {
            *mine += theirs;
        }
        self.total += other.total;
    }

    /// `(index, count)` of the non-empty buckets from the smallest index up.
    fn iter(&self) -> impl DoubleEndedIterator<Item = (i32, u64)> + '_ {
        self.counts
            .iter()
            .enumerate()
            .filter(|(_, n)| **n > 0)
            .map(|(i, &n)| (self.offset + i as i32, n))
    }

    /// The index of the bucket holding the `rank`-th (from 0) value counted from the
    /// smallest index, or from the largest when `from_top`.
    fn index_at_rank(&self, rank: u64, from_top: bool) -> Option<i32> {
        let len = self.counts.len();
        let mut seen = 0u64;
        for step in 0..len {
            let at = if from_top { len - 1 - step } else { step };
            seen += self.counts[at];
            if seen > rank {
                return Some(self.offset + at as i32);
            }
        }
        None
    }

    /// The offset and counts without the empty buckets at either end.
    fn trimmed(&self) -> (i32, &[u64]) {
        match self.counts.iter().position(|&n| n > 0) {
            None => (0, &[]),
            Some(first) => {
                let end = self
                    .counts
                    .iter()
                    .rposition(|&n| n > 0)
                    .map_or(first, |i| i + 1);
                (self.offset + first as i32, &self.counts[first..end])
            }
        }
    }
}

impl PartialEq for Store {
    fn eq(&self, other: &Self) -> bool {
        self.total == other.total && self.trimmed() == other.trimmed()
    }
}

/// An approximate-quantile sketch with relative accuracy `alpha` (see the
/// [module docs](self) for the exact promise).
///
/// ```
/// use dataproc::sketch::QuantileSketch;
/// let mut s = QuantileSketch::new(0.005);
/// for i in 1..=1001 { s.push(f64::from(i)); }
/// let m = s.quantile(0.5).unwrap();
/// assert!((m - 501.0).abs() <= 501.0 * 0.005);
///
/// let mut two = QuantileSketch::new(0.005);
/// two.push(1.0);
/// two.push(1000.0);
/// assert_eq!(two.quantile(0.5), Some(500.5)); // the midpoint of both middle ranks
/// assert_eq!(two.quantile(1.0), Some(1000.0)); // min and max are exact
/// ```
#[derive(Debug, Clone, PartialEq)]
pub struct QuantileSketch {
    alpha: f64,
    mapping: Mapping,
    positive: Store,
    negative: Store,
    zeros: u64,
    count: u64,
    min: f64,
    max: f64,
}

impl QuantileSketch {
    /// An empty sketch answering within relative error `alpha`, clamped to
    /// `[1e-6, 0.5]` (NaN gives [`DEFAULT_ALPHA`]).
    pub fn new(alpha: f64) -> Self {
        let alpha = if alpha.is_nan() {
            DEFAULT_ALPHA
        } else {
            alpha.clamp(1e-6, 0.5)
        };
        Self {
            alpha,
            mapping: Mapping::new(alpha),
            positive: Store::default(),
            negative: Store::default(),
            zeros: 0,
            count: 0,
            min: f64::INFINITY,
            max: f64::NEG_INFINITY,
        }
    }

    /// The relative accuracy promised.
    pub fn alpha(&self) -> f64 {
        self.alpha
    }

    /// How many values were pushed (merged sketches included).
    pub fn count(&self) -> u64 {
        self.count
    }

    /// The smallest value pushed, exactly; `None` when empty.
    pub fn min(&self) -> Option<f64> {
        (self.count > 0).then_some(self.min)
    }

    /// The largest value pushed, exactly; `None` when empty.
    pub fn max(&self) -> Option<f64> {
        (self.count > 0).then_some(self.max)
    }

    fn bounds(&self) -> (i32, i32) {
        (self.mapping.sub_base, self.mapping.top)
    }

    /// Adds a value. NaN and ±infinity have no place in a relative-error sketch and are
    /// not counted (callers decide what non-finite input means; [`crate::numeric`]
    /// rejects or skips it before it gets here).
    #[inline]
    pub fn push(&mut self, x: f64) {
        if !x.is_finite() {
            return;
        }
        self.count += 1;
        if x < self.min {
            self.min = x;
        }
        if x > self.max {
            self.max = x;
        }
        let bounds = self.bounds();
        if x > 0.0 {
            let i = self.mapping.index(x);
            self.positive.add(i, 1, bounds);
        } else if x < 0.0 {
            let i = self.mapping.index(-x);
            self.negative.add(i, 1, bounds);
        } else {
            self.zeros += 1;
        }
    }

    /// Adds another sketch of other values. The result is the sketch of both inputs
    /// together, whatever the order of merges. A sketch of another `alpha` is first
    /// re-bucketed (each of its buckets lands whole in one of ours, so its error adds
    /// to ours); sketches from one [`QuantileSketch::new`] call site never need that.
    pub fn merge(&mut self, other: &Self) {
        if other.count == 0 {
            return;
        }
        self.count += other.count;
        self.zeros += other.zeros;
        self.min = self.min.min(other.min);
        self.max = self.max.max(other.max);
        let bounds = self.bounds();
        if self.mapping == other.mapping {
            self.positive.merge(&other.positive, bounds);
            self.negative.merge(&other.negative, bounds);
            return;
        }
        for (store, theirs) in [
            (&mut self.positive, &other.positive),
            (&mut self.negative, &other.negative),
        ] {
            for (i, n) in theirs.iter() {
                let at = self.mapping.index(other.mapping.value(i).min(f64::MAX));
                store.add(at, n, bounds);
            }
        }
    }

    /// The estimate of the value at `rank` (0-based, `< count`), clamped to [min, max].
    fn at_rank(&self, rank: u64) -> f64 {
        if rank == 0 {
            return self.min;
        }
        if rank + 1 >= self.count {
            return self.max;
        }
        let negatives = self.negative.total;
        let estimate = if rank < negatives {
            // The most negative values sit in the highest-index negative buckets.
            self.negative
                .index_at_rank(rank, true)
                .map_or(0.0, |i| -self.mapping.value(i))
        } else if rank < negatives + self.zeros {
            0.0
        } else {
            self.positive
                .index_at_rank(rank - negatives - self.zeros, false)
                .map_or(0.0, |i| self.mapping.value(i))
        };
        if estimate <= self.min {
            self.min
        } else if estimate >= self.max {
            self.max
        } else {
            estimate
        }
    }

    /// The `q`-quantile (`q` clamped to `[0, 1]`) by linear interpolation between the
    /// estimates of the closest ranks of `h = q·(n − 1)` — numpy's default, Python's
    /// `method='inclusive'` — within the bound of the [module docs](self). `None` when the
    /// sketch is empty or `q` is NaN.
    pub fn quantile(&self, q: f64) -> Option<f64> {
        if self.count == 0 || q.is_nan() {
            return None;
        }
        let h = q.clamp(0.0, 1.0) * (self.count - 1) as f64;
        let lo = h.floor();
        let f = h - lo;
        let below = self.at_rank(lo as u64);
        if f == 0.0 {
            return Some(below);
        }
        let above = self.at_rank(lo as u64 + 1);
        if below == above {
            return Some(below);
        }
        // Two products, no difference: no overflow even from -MAX to MAX.
        let v = (1.0 - f) * below + f * above;
        Some(v.max(below).min(above))
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn quantiles_are_within_alpha_of_the_exact_rank_value() {
        let mut xs: Vec<f64> = (0..20_000)
            .map(|i| (f64::from(i) * 0.618_034).fract() * 2e6 - 1e6 + f64::from(i % 7))
            .collect();
        let mut s = QuantileSketch::new(0.01);
        xs.iter().for_each(|&x| s.push(x));
        xs.sort_by(f64::total_cmp);
        for q in [0.0, 0.1, 0.25, 0.5, 0.9, 1.0] {
            let h = q * (xs.len() - 1) as f64;
            let (lo, f) = (h.floor() as usize, h.fract());
            let exact = xs[lo] * (1.0 - f) + xs[(lo + 1).min(xs.len() - 1)] * f;
            let got = s.quantile(q).unwrap();
            assert!(
                (got - exact).abs() <= exact.abs() * 0.01 + 1e-300,
                "q={q}: {got} vs {exact}"
            );
        }
    }

    #[test]
    fn merging_equals_one_sketch() {
        let (mut a, mut b, mut all) = (
            QuantileSketch::new(0.01),
            QuantileSketch::new(0.01),
            QuantileSketch::new(0.01),
        );
        for i in -500..500 {
            let x = f64::from(i) * 3.7;
            if i % 3 == 0 {
                a.push(x)
            } else {
                b.push(x)
            }
            all.push(x);
        }
        a.merge(&b);
        assert_eq!(a, all);
        assert_eq!(a.quantile(0.5), all.quantile(0.5));
        assert_eq!(a.quantile(0.9), all.quantile(0.9));
        assert_eq!(a.count, all.count);
    }

    #[test]
    fn zeros_and_extremes() {
        let mut s = QuantileSketch::new(0.01);
        for x in [0.0, 0.0, 0.0, f64::MAX, -f64::MAX, 5e-324] {
            s.push(x);
        }
        assert_eq!(s.quantile(0.5), Some(0.0));
        assert_eq!(s.quantile(1.0), Some(f64::MAX));
        assert_eq!(s.quantile(0.0), Some(-f64::MAX));
        let near_top = s.quantile(0.9).unwrap();
        assert!(near_top.is_finite() && near_top > 1e307, "{near_top}");
    }

    #[test]
    fn the_issue_cases() {
        let mut two = QuantileSketch::new(DEFAULT_ALPHA);
        two.push(1.0);
        two.push(1000.0);
        assert_eq!(two.quantile(0.5), Some(500.5));
        let mut constant = QuantileSketch::new(DEFAULT_ALPHA);
        (0..1000).for_each(|_| constant.push(1000.0));
        for q in [0.0, 0.3, 0.5, 0.99, 1.0] {
            assert_eq!(constant.quantile(q), Some(1000.0));
        }
        let mut tiny = QuantileSketch::new(DEFAULT_ALPHA);
        for k in [3u64, 150, 151, 7_000, 1 << 40] {
            tiny.push(f64::from_bits(k));
        }
        let middle = tiny.quantile(0.5).unwrap();
        let exact = f64::from_bits(151);
        assert!(
            (middle - exact).abs() <= exact * DEFAULT_ALPHA,
            "{middle:e}"
        );
    }

    #[test]
    fn the_subnormal_buckets_sit_just_below_the_normal_ones() {
        let m = Mapping::new(DEFAULT_ALPHA);
        let largest_subnormal = f64::MIN_POSITIVE.next_down();
        assert_eq!(m.index(largest_subnormal), m.normal_base - 1);
        assert_eq!(m.index(f64::from_bits(1)), m.sub_base);
        let mut last = m.sub_base;
        for k in [1u64, 2, 199, 200, 201, 1000, 1 << 30, (1 << 52) - 1] {
            let i = m.index(f64::from_bits(k));
            assert!(i >= last, "{k}");
            last = i;
            let v = m.value(i).to_bits() as f64;
            assert!((v - k as f64).abs() <= k as f64 * DEFAULT_ALPHA, "{k}: {v}");
        }
    }

    #[test]
    fn non_finite_values_are_not_counted() {
        let mut s = QuantileSketch::new(DEFAULT_ALPHA);
        for x in [f64::NAN, f64::INFINITY, 2.0, f64::NEG_INFINITY] {
            s.push(x);
        }
        assert_eq!(s.count(), 1);
        assert_eq!(s.quantile(0.5), Some(2.0));
        assert_eq!(s.quantile(f64::NAN), None);
        assert_eq!(QuantileSketch::new(0.01).quantile(0.5), None);
    }

    #[test]
    fn sketches_of_another_alpha_merge_within_both_errors() {
        let (mut fine, mut coarse) = (QuantileSketch::new(0.001), QuantileSketch::new(0.02));
        (1..=500).for_each(|i| fine.push(f64::from(i)));
        (501..=1000).for_each(|i| coarse.push(f64::from(i)));
        fine.merge(&coarse);
        assert_eq!(fine.count(), 1000);
        let p75 = fine.quantile(0.75).unwrap();
        assert!((p75 - 750.25).abs() <= 750.25 * 0.021, "{p75}");
    }
}
