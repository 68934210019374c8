//! Mergeable numeric statistics: the state a stream folds its values into.
//!
//! [`NumericState`] holds the count, the exact sum Σx, the exact sum of squares Σx², the
//! minimum and the maximum — all mergeable, so chunks or threads can each fold a part and
//! [`NumericState::merge`] combines them into exactly what one pass would give. These
//! pieces stand in for the usual Welford/Chan (count, mean, M2) triple: being exact, they
//! merge without any error, and the variance `(n·Σx² − (Σx)²) / (n(n−1))` is computed
//! exactly at the end and rounded once.
//!
//! Accuracy: `sum`, `mean`, `std_dev` are correctly rounded (as Python's `statistics`
//! module for mean and stdev; Python's plain `sum` is not); the median is exact. None of
//! them overflows while the exact result is a finite `f64`.
//!
//! Memory: everything here is constant-size except the exact median, which needs every
//! value (8 bytes each); [`median_owned`] selects it in O(n) without sorting.

use num_bigint::{BigInt, BigUint};
use serde_json::{Map, Value};

use crate::exact::{ExactSum, ExactSumSq, round_ratio, round_sqrt};

/// The mergeable state of a numeric stream (finite values only).
#[derive(Debug, Clone, PartialEq)]
pub struct NumericState {
    count: u64,
    sum: ExactSum,
    sum_sq: ExactSumSq,
    min: f64,
    max: f64,
}

impl Default for NumericState {
    fn default() -> Self {
        Self::new()
    }
}

impl NumericState {
    /// The state of an empty stream.
    pub fn new() -> Self {
        Self {
            count: 0,
            sum: ExactSum::new(),
            sum_sq: ExactSumSq::new(),
            min: f64::INFINITY,
            max: f64::NEG_INFINITY,
        }
    }

    /// Folds in one finite value (the caller refuses or skips NaN and ±inf first).
    #[inline(always)]
    pub fn push(&mut self, x: f64) {
        self.count += 1;
        self.sum.add(x);
        self.sum_sq.add_square(x);
        self.min = self.min.min(x);
        self.max = self.max.max(x);
    }

    /// Combines another state into this one; the result equals one pass over both inputs.
    ///
    /// ```
    /// use dataproc::stats::NumericState;
    /// let (mut a, mut b, mut all) = (NumericState::new(), NumericState::new(), NumericState::new());
    /// for x in [1.0, 2.0] { a.push(x); all.push(x); }
    /// for x in [3.0, 10.0] { b.push(x); all.push(x); }
    /// a.merge(&b);
    /// assert_eq!(a, all);
    /// ```
    pub fn merge(&mut self, other: &Self) {
        self.count += other.count;
        self.sum.merge(&other.sum);
        self.sum_sq.merge(&other.sum_sq);
        self.min = self.min.min(other.min);
        self.max = self.max.max(other.max);
    }

    /// How many values were folded in.
    pub fn count(&self) -> u64 {
        self.count
    }
    /// The smallest value (`+inf` when empty).
    pub fn min(&self) -> f64 {
        self.min
    }
    /// The largest value (`-inf` when empty).
    pub fn max(&self) -> f64 {
        self.max
    }
    /// The sum, correctly rounded.
    pub fn sum(&self) -> f64 {
        self.sum.value()
    }
    /// The mean: the exact sum divided exactly by n, rounded once (as `statistics.mean`).
    pub fn mean(&self) -> Option<f64> {
        (self.count > 0)
            .then(|| round_ratio(&self.sum.to_bigint(), &BigUint::from(self.count), -1074))
    }

    /// `n·Σx² − (Σx)²` exactly, in units of 2⁻²¹⁴⁸ (n² times the squared deviations).
    fn scaled_deviations(&self) -> BigUint {
        let s = self.sum.to_bigint();
        let q = self.sum_sq.to_bigint();
        let n = BigInt::from(self.count);
        // Never negative for real data (Cauchy–Schwarz); clamp defensively.
        (n * q - &s * &s).to_biguint().unwrap_or_default()
    }

    /// The sample variance (n − 1), correctly rounded; `None` below two values.
    pub fn variance(&self) -> Option<f64> {
        (self.count > 1).then(|| {
            let den = BigUint::from(self.count) * BigUint::from(self.count - 1);
            round_ratio(&BigInt::from(self.scaled_deviations()), &den, -2148)
        })
    }

    /// The sample standard deviation (n − 1), correctly rounded (as Python 3.12's
    /// `statistics.stdev`); `None` below two values.
    pub fn std_dev(&self) -> Option<f64> {
        (self.count > 1).then(|| {
            let den = BigUint::from(self.count) * BigUint::from(self.count - 1);
            round_sqrt(&self.scaled_deviations(), &den, -2148)
        })
    }

    /// The population variance (n), correctly rounded (as `statistics.pvariance`);
    /// `None` when empty.
    pub fn pvariance(&self) -> Option<f64> {
        (self.count > 0).then(|| {
            let den = BigUint::from(self.count) * BigUint::from(self.count);
            round_ratio(&BigInt::from(self.scaled_deviations()), &den, -2148)
        })
    }

    /// The population standard deviation (n), correctly rounded (as Python 3.12's
    /// `statistics.pstdev`); `None` when empty.
    pub fn pstdev(&self) -> Option<f64> {
        (self.count > 0).then(|| {
            let den = BigUint::from(self.count) * BigUint::from(self.count);
            round_sqrt(&self.scaled_deviations(), &den, -2148)
        })
    }

    /// The seed's output map: `count`, `sum`, `mean`, `median`, `min`, `max`, and `std_dev`
    /// only for more than one value. `median` is left out when `None` is given.
    pub fn to_output(&self, median: Option<f64>) -> Map<String, Value> {
        let mut out = Map::new();
        out.insert("count".into(), Value::from(self.count));
        out.insert("sum".into(), Value::from(self.sum()));
        out.insert("mean".into(), Value::from(self.mean()));
        if let Some(m) = median {
            out.insert("median".into(), Value::from(m));
        }
        out.insert("min".into(), Value::from(self.min));
        out.insert("max".into(), Value::from(self.max));
        if let Some(sd) = self.std_dev() {
            out.insert("std_dev".into(), Value::from(sd));
        }
        out
    }
}

/// The exact median of values the caller gives up (mean of the two middle values for an
/// even count, as `statistics.median`); `None` if empty. Found in O(n) by
/// [`crate::select`]'s radix selection.
///
/// ```
/// use dataproc::stats::median_owned;
/// assert_eq!(median_owned(vec![45.0, 10.0, 23.0, 43.0]), Some(33.0));
/// assert_eq!(median_owned(vec![3.0, 1.0, 2.0]), Some(2.0));
/// assert_eq!(median_owned(vec![-0.5, -2.0, 7.0]), Some(-0.5));
/// assert_eq!(median_owned(vec![1e308, 1.7e308]), Some(1.35e308));
/// ```
pub fn median_owned(values: Vec<f64>) -> Option<f64> {
    crate::select::median(&[values])
}

/// An integer whose order is `f64::total_cmp`'s order of `x`.
pub(crate) fn order_key(x: f64) -> u64 {
    let bits = x.to_bits();
    if bits >> 63 == 1 {
        !bits
    } else {
        bits | (1 << 63)
    }
}

/// The inverse of [`order_key`].
pub(crate) fn from_order_key(key: u64) -> f64 {
    f64::from_bits(if key >> 63 == 1 {
        key & !(1 << 63)
    } else {
        !key
    })
}

/// The mean of two middle values as Python writes it, `(a + b) / 2`, except where that
/// overflows: halving first is exact there.
pub(crate) fn middle(lower: f64, upper: f64) -> f64 {
    let sum = lower + upper;
    if sum.is_finite() {
        sum / 2.0
    } else {
        lower / 2.0 + upper / 2.0
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn seed_example() {
        let mut state = NumericState::new();
        for x in [45.0, 10.0, 23.0, 43.0] {
            state.push(x);
        }
        assert_eq!(state.sum(), 121.0);
        assert_eq!(state.mean(), Some(30.25));
        // python3 -c 'import statistics; print(statistics.stdev([45,10,23,43]))'
        assert_eq!(state.std_dev(), Some(16.760568804985905));
        assert_eq!(state.variance(), Some(280.9166666666667));
    }

    #[test]
    fn order_keys_order_as_total_cmp() {
        let xs = [
            f64::NEG_INFINITY,
            -1e308,
            -1.0,
            -5e-324,
            -0.0,
            0.0,
            5e-324,
            2.5,
            f64::MAX,
        ];
        for w in xs.windows(2) {
            assert!(order_key(w[0]) < order_key(w[1]), "{} < {}", w[0], w[1]);
        }
        for x in xs {
            assert_eq!(from_order_key(order_key(x)).to_bits(), x.to_bits());
        }
    }

    #[test]
    fn one_value_has_no_spread() {
        let mut state = NumericState::new();
        state.push(5.0);
        assert_eq!(state.std_dev(), None);
        assert!(!state.to_output(Some(5.0)).contains_key("std_dev"));
    }

    #[test]
    fn huge_values_do_not_overflow() {
        let mut state = NumericState::new();
        for x in [1e308, -1e308] {
            state.push(x);
        }
        assert_eq!(state.mean(), Some(0.0));
        // stdev = sqrt(2) · 1e308, finite although (x − mean)² is not.
        let sd = state.std_dev().unwrap_or(f64::NAN);
        assert!(
            (sd / 1.414_213_562_373_095_1e308 - 1.0).abs() < 1e-15,
            "{sd}"
        );
    }

    #[test]
    fn constant_data_has_zero_spread() {
        let mut state = NumericState::new();
        for _ in 0..10 {
            state.push(0.1);
        }
        assert_eq!(state.std_dev(), Some(0.0));
        assert_eq!(state.mean(), Some(0.1));
    }
}
