//! Property tests: the quantile sketch holds its promise (see `dataproc::sketch`) against
//! the exact answer, computed in rational arithmetic, on adversarial inputs — two far
//! clusters, constants, subnormals, mixed signs around zero, heavy tails, finite doubles
//! of every magnitude — pushed in any order or in merged parts. Order and merging must not
//! change the sketch at all, so those are checked for equality.
#![allow(clippy::unwrap_used, clippy::expect_used)]

use dataproc::sketch::QuantileSketch;
use num_rational::BigRational;
use num_traits::{Signed, Zero};
use proptest::prelude::*;

fn exact(x: f64) -> BigRational {
    BigRational::from_float(x).unwrap()
}

/// Checks `quantile(q)` against the sorted input: within `α·((1−f)|x_lo| + f|x_hi|)` of the
/// interpolated exact value, plus the f64 rounding of the interpolation when `f > 0`.
fn check(sorted: &[f64], s: &QuantileSketch, q: f64) -> Result<(), TestCaseError> {
    let n = sorted.len();
    let got = s.quantile(q).unwrap();
    let h = q * (n - 1) as f64;
    let lo = h.floor();
    let f = h - lo;
    let (x_lo, x_hi) = (sorted[lo as usize], sorted[(lo as usize + 1).min(n - 1)]);
    prop_assert!(
        got >= sorted[0] && got <= sorted[n - 1],
        "{got:e} outside [min, max]"
    );
    let (w_hi, w_lo) = (exact(f), BigRational::from_integer(1.into()) - exact(f));
    let target = &w_lo * exact(x_lo) + &w_hi * exact(x_hi);
    let weight = &w_lo * exact(x_lo).abs() + &w_hi * exact(x_hi).abs();
    let mut allowed = exact(s.alpha()) * &weight;
    if !f.is_zero() {
        let terms = exact(x_lo).abs() + exact(x_hi).abs();
        allowed += exact(4.0 * f64::EPSILON / 2.0) * terms + exact(f64::from_bits(4));
    }
    let err = (exact(got) - &target).abs();
    prop_assert!(
        err <= allowed,
        "q={q} n={n}: got {got:e}, exact {x_lo:e}..{x_hi:e} (f={f}), alpha={}",
        s.alpha()
    );
    if lo as usize == 0 && f == 0.0 || lo as usize == n - 1 {
        prop_assert_eq!(got, x_lo, "min and max are exact");
    }
    Ok(())
}

fn sketch(alpha: f64, xs: &[f64]) -> QuantileSketch {
    let mut s = QuantileSketch::new(alpha);
    xs.iter().for_each(|&x| s.push(x));
    s
}

/// Pushed in the given order, sorted up, sorted down, by decreasing magnitude and in
/// merged parts: all the same sketch, and within the bound.
fn holds(alpha: f64, xs: &[f64], cuts: &[usize], extra_q: &[f64]) -> Result<(), TestCaseError> {
    let s = sketch(alpha, xs);
    let mut sorted = xs.to_vec();
    sorted.sort_by(f64::total_cmp);
    let mut down = sorted.clone();
    down.reverse();
    let mut by_magnitude = sorted.clone();
    by_magnitude.sort_by(|a, b| b.abs().total_cmp(&a.abs()));
    for other in [&sorted, &down, &by_magnitude] {
        prop_assert_eq!(&sketch(alpha, other), &s, "the order changed the sketch");
    }
    let mut merged = QuantileSketch::new(alpha);
    let mut bounds: Vec<usize> = cuts.iter().map(|c| c % (xs.len() + 1)).collect();
    bounds.extend([0, xs.len()]);
    bounds.sort_unstable();
    for part in bounds.windows(2) {
        merged.merge(&sketch(alpha, &xs[part[0]..part[1]]));
    }
    prop_assert_eq!(&merged, &s, "merging parts differs from one pass");
    for &q in [0.0, 0.01, 0.25, 0.5, 0.75, 0.99, 1.0]
        .iter()
        .chain(extra_q)
    {
        check(&sorted, &s, q)?;
    }
    Ok(())
}

fn finite() -> impl Strategy<Value = f64> {
    use proptest::num::f64::{NEGATIVE, NORMAL, POSITIVE, SUBNORMAL, ZERO};
    POSITIVE | NEGATIVE | NORMAL | SUBNORMAL | ZERO
}

fn alpha() -> impl Strategy<Value = f64> {
    prop::sample::select(vec![0.005, 0.001, 0.02, 0.1])
}

fn subnormal() -> impl Strategy<Value = f64> {
    // Few ulps (where the float grid is coarser than α) as often as any others.
    let ulps = prop_oneof![1u64..2_000, 1u64..(1 << 52)];
    (ulps, any::<bool>()).prop_map(|(k, neg)| {
        let x = f64::from_bits(k);
        if neg { -x } else { x }
    })
}

/// Values spread over many decades with both signs: `±10^u`, `u` in [-300, 300].
fn heavy_tail() -> impl Strategy<Value = f64> {
    (-300.0f64..300.0, any::<bool>()).prop_map(|(u, neg)| {
        let x = 10f64.powf(u);
        if neg { -x } else { x }
    })
}

fn qs() -> impl Strategy<Value = Vec<f64>> {
    prop::collection::vec(0.0f64..=1.0, 0..4)
}

fn cuts() -> impl Strategy<Value = Vec<usize>> {
    prop::collection::vec(any::<usize>(), 0..4)
}

proptest! {
    // Inputs spanning the whole f64 range make ~150 000 buckets per sign: fewer cases.
    #![proptest_config(ProptestConfig::with_cases(24))]

    #[test]
    fn any_finite_doubles(alpha in alpha(), xs in prop::collection::vec(finite(), 1..100),
                          cuts in cuts(), q in qs()) {
        holds(alpha, &xs, &cuts, &q)?;
    }

    #[test]
    fn heavy_tails(alpha in alpha(), xs in prop::collection::vec(heavy_tail(), 1..300),
                   cuts in cuts(), q in qs()) {
        holds(alpha, &xs, &cuts, &q)?;
    }
}

proptest! {
    #![proptest_config(ProptestConfig::with_cases(64))]

    #[test]
    fn two_far_clusters(alpha in alpha(), a in finite(), b in finite(),
                        picks in prop::collection::vec((any::<bool>(), -1e-3f64..1e-3), 1..300),
                        cuts in cuts(), q in qs()) {
        let xs: Vec<f64> = picks
            .iter()
            .map(|&(first, jitter)| if first { a } else { b } * (1.0 + jitter))
            .filter(|x| x.is_finite())
            .collect();
        prop_assume!(!xs.is_empty());
        holds(alpha, &xs, &cuts, &q)?;
    }

    #[test]
    fn constants_are_exact(alpha in alpha(), x in finite(), n in 1usize..300, q in 0.0f64..=1.0) {
        let s = sketch(alpha, &vec![x; n]);
        prop_assert_eq!(s.quantile(q).unwrap().to_bits(), x.to_bits());
        prop_assert_eq!(s.quantile(0.5).unwrap().to_bits(), x.to_bits());
    }

    #[test]
    fn subnormals_and_zeros(alpha in alpha(),
                            xs in prop::collection::vec(prop_oneof![4 => subnormal(), 1 => Just(0.0)], 1..300),
                            cuts in cuts(), q in qs()) {
        holds(alpha, &xs, &cuts, &q)?;
    }

    #[test]
    fn mixed_signs_around_zero(alpha in alpha(),
                               xs in prop::collection::vec(prop_oneof![
                                   -1e3f64..1e3, (-5i32..=5).prop_map(f64::from), Just(0.0)
                               ], 1..300),
                               cuts in cuts(), q in qs()) {
        holds(alpha, &xs, &cuts, &q)?;
    }

    #[test]
    fn sorted_runs_near_the_bucket_edges(alpha in alpha(), start in 1e-6f64..1e6, n in 1usize..300,
                                         q in qs()) {
        // Consecutive doubles and powers of γ: every value sits next to a bucket boundary.
        let gamma = (1.0 + alpha) / (1.0 - alpha);
        let mut xs: Vec<f64> = (0..n as i32).map(|i| start * gamma.powi(i)).collect();
        let mut x = start;
        for _ in 0..n {
            xs.push(x);
            x = x.next_up();
        }
        holds(alpha, &xs, &[n], &q)?;
    }
}
