//! Property tests: the statistics against exact rational arithmetic (num-rational) on
//! random inputs — finite doubles of every magnitude, clustered data where naive formulas
//! cancel, and huge values near `f64::MAX`.
#![allow(clippy::unwrap_used, clippy::expect_used)]

use dataproc::exact::ExactSum;
use dataproc::stats::{NumericState, median_owned};
use num_bigint::BigInt;
use num_rational::BigRational;
use num_traits::{FromPrimitive, Signed, Zero};
use proptest::prelude::*;

fn exact(x: f64) -> BigRational {
    BigRational::from_float(x).unwrap()
}

/// `r` is the value nearest to `target` among all doubles (ties: even mantissa).
fn is_correctly_rounded(r: f64, target: &BigRational) -> bool {
    if !r.is_finite() {
        return false;
    }
    let err = (exact(r) - target).abs();
    let neighbours = [r.next_up(), r.next_down()];
    neighbours.iter().filter(|n| n.is_finite()).all(|&n| {
        let other = (exact(n) - target).abs();
        err < other || (err == other && r.to_bits() & 1 == 0)
    })
}

/// `r` is the correctly rounded square root of `target`: the midpoints to its
/// neighbours bracket the root, i.e. their squares bracket `target`.
fn is_correctly_rounded_sqrt(r: f64, target: &BigRational) -> bool {
    let two = BigRational::from_integer(BigInt::from(2));
    // Beyond f64::MAX + ulp/2 the root rounds to infinity.
    let overflow = exact(f64::MAX) + BigRational::from_integer(BigInt::from(1) << 970u32);
    if r.is_infinite() {
        return target >= &(&overflow * &overflow);
    }
    let lo = (exact(r.next_down().max(0.0)) + exact(r)) / &two;
    let hi = if r == f64::MAX {
        overflow
    } else {
        (exact(r.next_up()) + exact(r)) / &two
    };
    &(&lo * &lo) <= target && target <= &(&hi * &hi)
}

fn exact_sum(xs: &[f64]) -> BigRational {
    xs.iter()
        .fold(BigRational::zero(), |acc, &x| acc + exact(x))
}

fn exact_variance(xs: &[f64]) -> BigRational {
    let n = BigRational::from_usize(xs.len()).unwrap();
    let mean = exact_sum(xs) / &n;
    let ss = xs.iter().fold(BigRational::zero(), |acc, &x| {
        let d = exact(x) - &mean;
        acc + &d * &d
    });
    ss / (n - BigRational::from_integer(BigInt::from(1)))
}

fn state(xs: &[f64]) -> NumericState {
    let mut s = NumericState::new();
    xs.iter().for_each(|&x| s.push(x));
    s
}

/// Any finite double, from its bits.
fn any_finite() -> impl Strategy<Value = f64> {
    any::<u64>()
        .prop_map(f64::from_bits)
        .prop_filter("finite", |x| x.is_finite())
}

/// Values clustered around a large offset: where one-pass variance formulas cancel.
fn clustered() -> impl Strategy<Value = Vec<f64>> {
    (-1e12f64..1e12, 1usize..40).prop_flat_map(|(offset, n)| {
        prop::collection::vec((-1.0f64..1.0).prop_map(move |d| offset + d), n)
    })
}

/// Doubles in the top few binades, both signs: sums and squares overflow naively.
fn huge() -> impl Strategy<Value = f64> {
    (1e300f64..f64::MAX, any::<bool>()).prop_map(|(x, neg)| if neg { -x } else { x })
}

fn data() -> impl Strategy<Value = Vec<f64>> {
    prop_oneof![
        prop::collection::vec(any_finite(), 1..30),
        prop::collection::vec(-1e6f64..1e6, 1..60),
        clustered(),
        prop::collection::vec(huge(), 1..20),
        prop::collection::vec(prop_oneof![huge(), -1.0f64..1.0, any_finite()], 1..20),
    ]
}

proptest! {
    #![proptest_config(ProptestConfig::with_cases(300))]

    #[test]
    fn sum_is_correctly_rounded(xs in data()) {
        let target = exact_sum(&xs);
        let got = state(&xs).sum();
        // Beyond the double range the sum is infinite; below it, it must be the nearest double.
        let max = exact(f64::MAX);
        if target.abs() <= max {
            prop_assert!(is_correctly_rounded(got, &target) || got.is_infinite() && target.abs() > max,
                "sum {got:e} of {xs:?}");
        }
    }

    #[test]
    fn mean_is_correctly_rounded(xs in data()) {
        let n = BigRational::from_usize(xs.len()).unwrap();
        let target = exact_sum(&xs) / n;
        let got = state(&xs).mean().unwrap();
        prop_assert!(is_correctly_rounded(got, &target), "mean {got:e} of {xs:?}");
    }

    #[test]
    fn variance_and_std_dev_are_correctly_rounded(xs in data()) {
        prop_assume!(xs.len() > 1);
        let target = exact_variance(&xs);
        let s = state(&xs);
        let var = s.variance().unwrap();
        if target <= exact(f64::MAX) {
            prop_assert!(is_correctly_rounded(var, &target), "variance {var:e} of {xs:?}");
        }
        let sd = s.std_dev().unwrap();
        prop_assert!(is_correctly_rounded_sqrt(sd, &target), "std dev {sd:e} of {xs:?}");
    }

    #[test]
    fn merged_states_equal_one_pass(xs in data(), cut in any::<prop::sample::Index>()) {
        let k = cut.index(xs.len() + 1);
        let mut left = state(&xs[..k]);
        left.merge(&state(&xs[k..]));
        prop_assert_eq!(left, state(&xs));
    }

    #[test]
    fn median_matches_sorting(xs in prop::collection::vec(prop_oneof![-1e9f64..1e9, any_finite()], 1..200)) {
        let mut sorted = xs.clone();
        sorted.sort_by(f64::total_cmp);
        let n = sorted.len();
        let want = if n % 2 == 1 { sorted[n / 2] } else { (sorted[n / 2 - 1] + sorted[n / 2]) / 2.0 };
        prop_assert_eq!(median_owned(xs), Some(want));
    }

    #[test]
    fn exact_sum_agrees_with_rationals_before_rounding(xs in data()) {
        let mut acc = ExactSum::new();
        xs.iter().for_each(|&x| acc.add(x));
        let unit = BigRational::new(BigInt::from(1), BigInt::from(1) << 1074u32);
        prop_assert_eq!(BigRational::from_integer(acc.to_bigint()) * unit, exact_sum(&xs));
    }
}
