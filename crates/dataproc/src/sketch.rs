//! A mergeable quantile sketch for streams too long to keep: the approximate median.
//!
//! This is the DDSketch idea: values fall into logarithmic buckets `γ^(i−1) < |x| ≤ γ^i`
//! with `γ = (1 + α)/(1 − α)`, so any quantile is answered within relative error `α` of
//! the true value at that rank. Memory is bounded by the range of magnitudes, not by the
//! count: at most ~142 000 buckets (1.1 MiB) for α = 0.5 % across the whole `f64` range,
//! a few hundred for typical data. Sketches of parts merge by adding bucket counts.

/// Counts per bucket index, stored densely from `offset`.
#[derive(Debug, Clone, Default, PartialEq)]
struct Store {
    offset: i32,
    counts: Vec<u64>,
}

impl Store {
    fn add(&mut self, index: i32, n: u64) {
        if self.counts.is_empty() {
            self.offset = index;
        }
        if index < self.offset {
            let grow = (self.offset - index) as usize;
            self.counts.splice(0..0, std::iter::repeat_n(0, grow));
            self.offset = index;
        }
        let at = (index - self.offset) as usize;
        if at >= self.counts.len() {
            self.counts.resize(at + 1, 0);
        }
        self.counts[at] += n;
    }

    fn merge(&mut self, other: &Self) {
        for (i, &n) in other.counts.iter().enumerate() {
            if n > 0 {
                self.add(other.offset + i as i32, n);
            }
        }
    }

    /// `(index, count)` from the smallest index up.
    fn iter(&self) -> impl DoubleEndedIterator<Item = (i32, u64)> + '_ {
        self.counts
            .iter()
            .enumerate()
            .filter(|(_, n)| **n > 0)
            .map(|(i, &n)| (self.offset + i as i32, n))
    }
}

/// An approximate-quantile sketch with relative accuracy `alpha`.
///
/// ```
/// use dataproc::sketch::QuantileSketch;
/// let mut s = QuantileSketch::new(0.005);
/// for i in 1..=1001 { s.push(f64::from(i)); }
/// let m = s.quantile(0.5).unwrap();
/// assert!((m - 501.0).abs() <= 501.0 * 0.005);
/// ```
#[derive(Debug, Clone, PartialEq)]
pub struct QuantileSketch {
    alpha: f64,
    ln_gamma: f64,
    positive: Store,
    negative: Store,
    zeros: u64,
    count: u64,
}

/// The default relative accuracy of [`QuantileSketch`]: 0.5 %.
pub const DEFAULT_ALPHA: f64 = 0.005;

impl QuantileSketch {
    /// An empty sketch answering within relative error `alpha` (0 < alpha < 1).
    pub fn new(alpha: f64) -> Self {
        let alpha = alpha.clamp(1e-6, 0.5);
        Self {
            alpha,
            ln_gamma: ((1.0 + alpha) / (1.0 - alpha)).ln(),
            positive: Store::default(),
            negative: Store::default(),
            zeros: 0,
            count: 0,
        }
    }

    /// The relative accuracy.
    pub fn alpha(&self) -> f64 {
        self.alpha
    }

    fn index(&self, magnitude: f64) -> i32 {
        // Subnormals share the lowest normal bucket: still within alpha of 0 in absolute terms.
        let m = magnitude.max(f64::MIN_POSITIVE);
        (m.ln() / self.ln_gamma).ceil() as i32
    }

    fn value(&self, index: i32) -> f64 {
        let gamma = self.ln_gamma.exp();
        (2.0 * (f64::from(index) * self.ln_gamma).exp() / (gamma + 1.0)).min(f64::MAX)
    }

    /// Adds a finite value.
    #[inline]
    pub fn push(&mut self, x: f64) {
        self.count += 1;
        if x > 0.0 {
            let i = self.index(x);
            self.positive.add(i, 1);
        } else if x < 0.0 {
            let i = self.index(-x);
            self.negative.add(i, 1);
        } else {
            self.zeros += 1;
        }
    }

    /// Adds another sketch (same `alpha`) of other values.
    pub fn merge(&mut self, other: &Self) {
        self.positive.merge(&other.positive);
        self.negative.merge(&other.negative);
        self.zeros += other.zeros;
        self.count += other.count;
    }

    /// The value at rank `q · (n − 1)` (0 ≤ q ≤ 1), within relative error `alpha`;
    /// `None` when empty.
    pub fn quantile(&self, q: f64) -> Option<f64> {
        if self.count == 0 {
            return None;
        }
        let rank = (q.clamp(0.0, 1.0) * (self.count - 1) as f64).round() as u64;
        let mut seen = 0u64;
        for (i, n) in self.negative.iter().rev() {
            seen += n;
            if seen > rank {
                return Some(-self.value(i));
            }
        }
        seen += self.zeros;
        if seen > rank {
            return Some(0.0);
        }
        for (i, n) in self.positive.iter() {
            seen += n;
            if seen > rank {
                return Some(self.value(i));
            }
        }
        None
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
            let exact = xs[(q * (xs.len() - 1) as f64).round() as usize];
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
        let top = s.quantile(1.0).unwrap();
        assert!(top.is_finite() && top > 1e307, "{top}");
        assert!(s.quantile(0.0).unwrap() < -1e307);
    }
}
