//! Exact summation and correctly rounded results.
//!
//! Every finite `f64` is an integer multiple of 2⁻¹⁰⁷⁴, so a sum of them is an integer in
//! those units: [`ExactSum`] keeps it exactly in a fixed-point "superaccumulator" wide
//! enough for the whole `f64` range plus 64 bits of growth. [`ExactSumSq`] does the same
//! for squares (units of 2⁻²¹⁴⁸). The hot loop does not touch the wide number: each value's
//! 53-bit mantissa (or its 106-bit square) is added to a 128-bit bin for its binary
//! exponent — one integer add, no shifting — and every 2²⁰ values the bins are flushed
//! into the wide number (32-bit limbs in `i64`s, carries settled lazily).
//!
//! Both are mergeable (limb-wise addition), which is what makes chunked, threaded or
//! distributed statistics exact: the merged state is identical to a single pass.
//!
//! The final numbers are rounded once, with [`num_bigint`] for the arithmetic at the end:
//! [`round_ratio`] gives the correctly rounded `f64` of an exact ratio, [`round_sqrt`]
//! the correctly rounded square root of one. Nothing overflows while the exact result is
//! a finite `f64`: `[1e308, 1e308, -1e308]` sums to `1e308`.

use num_bigint::{BigInt, BigUint, Sign};
use num_traits::{One, Zero};

/// Additions between two carry settlements; keeps every limb far from `i64` overflow.
const SETTLE_EVERY: u32 = 1 << 28;

/// Values between two bin flushes: keeps a bin of squares (< 2^106 each) below 2^126,
/// inside an `i128`.
const FLUSH_EVERY: u32 = 1 << 20;

/// One bin per position of a finite `f64` (biased exponent minus one; 0 for subnormals).
const BINS: usize = 2046;

/// A fixed-point accumulator of `N` 32-bit limbs (stored in `i64` for lazy carries).
#[derive(Debug, Clone)]
struct Limbs<const N: usize> {
    limbs: [i64; N],
    pending: u32,
}

impl<const N: usize> Limbs<N> {
    fn new() -> Self {
        Self {
            limbs: [0; N],
            pending: 0,
        }
    }

    /// Adds or subtracts `mag << pos` (in the accumulator's units); `pos / 32 + 4 < N`.
    #[inline(always)]
    fn add(&mut self, mag: u128, pos: u32, negative: bool) {
        let k = (pos / 32) as usize;
        let s = pos % 32;
        let sign: i64 = if negative { -1 } else { 1 };
        let lo = (mag as u64 as u128) << s;
        self.limbs[k] += sign * i64::from(lo as u32);
        self.limbs[k + 1] += sign * i64::from((lo >> 32) as u32);
        self.limbs[k + 2] += sign * i64::from((lo >> 64) as u32);
        let hi = mag >> 64;
        if hi != 0 {
            // hi < 2^64, so hi << s < 2^95: three limbs.
            let hi = hi << s;
            self.limbs[k + 2] += sign * i64::from(hi as u32);
            self.limbs[k + 3] += sign * i64::from((hi >> 32) as u32);
            self.limbs[k + 4] += sign * i64::from((hi >> 64) as u32);
        }
        self.pending += 1;
        if self.pending == SETTLE_EVERY {
            self.settle();
        }
    }

    /// Propagates carries so every limb but the top one is in `0..2^32`.
    fn settle(&mut self) {
        for i in 0..N - 1 {
            let carry = self.limbs[i] >> 32;
            self.limbs[i] -= carry << 32;
            self.limbs[i + 1] += carry;
        }
        self.pending = 0;
    }

    fn merge(&mut self, other: &Self) {
        self.settle();
        let mut other = other.clone();
        other.settle();
        for (a, b) in self.limbs.iter_mut().zip(other.limbs) {
            *a += b;
        }
        self.settle();
    }

    /// The exact value, in the accumulator's units.
    fn to_bigint(&self) -> BigInt {
        let mut settled = self.clone();
        settled.settle();
        let digits: Vec<u32> = settled.limbs[..N - 1].iter().map(|&l| l as u32).collect();
        let low = BigInt::from_biguint(Sign::Plus, BigUint::new(digits));
        let top = BigInt::from(settled.limbs[N - 1]) << (32 * (N - 1));
        top + low
    }
}

/// Equal when the values are equal, however the carries stand.
impl<const N: usize> PartialEq for Limbs<N> {
    fn eq(&self, other: &Self) -> bool {
        let (mut a, mut b) = (self.clone(), other.clone());
        a.settle();
        b.settle();
        a.limbs == b.limbs
    }
}

impl<const N: usize> Eq for Limbs<N> {}

/// Splits a finite `f64` into `(mantissa, position, negative)`: `|x| = mantissa · 2^(position − 1074)`.
#[inline(always)]
fn split(x: f64) -> (u64, u32, bool) {
    let bits = x.to_bits();
    let exp = ((bits >> 52) & 0x7ff) as u32;
    let frac = bits & ((1u64 << 52) - 1);
    let negative = bits >> 63 == 1;
    if exp == 0 {
        (frac, 0, negative)
    } else {
        (frac | (1u64 << 52), exp - 1, negative)
    }
}

/// A wide fixed-point number fed through per-exponent bins: `bins[p − offset]` holds a
/// sum of integers scaled by `2^(SCALE·p)` units, flushed into `limbs` every
/// [`FLUSH_EVERY`] adds. The bins cover only the positions seen so far (growing as new
/// ones arrive), so a state costs a few hundred bytes for typical data instead of 32 KiB
/// for every position: many states (a table's columns per group) stay cheap. The limbs
/// themselves (0.5 or 1 KiB) exist only from the first flush: a group of a
/// high-cardinality `--group-by` that sees fewer than [`FLUSH_EVERY`] values and no merge
/// never allocates them.
#[derive(Debug, Clone)]
struct Binned<const N: usize, const SCALE: u32> {
    /// Out of line: the hot add touches only the bins, so many states stay cache-small;
    /// `None` until the first flush.
    limbs: Option<Box<Limbs<N>>>,
    bins: Vec<i128>,
    offset: u32,
    pending: u32,
}

impl<const N: usize, const SCALE: u32> Binned<N, SCALE> {
    fn new() -> Self {
        Self {
            limbs: None,
            bins: Vec::new(),
            offset: 0,
            pending: 0,
        }
    }

    #[inline(always)]
    fn add(&mut self, value: i128, pos: u32) {
        match self.bins.get_mut(pos.wrapping_sub(self.offset) as usize) {
            Some(bin) => *bin += value,
            None => self.add_outside(value, pos),
        }
        self.pending += 1;
        if self.pending == FLUSH_EVERY {
            self.flush();
        }
    }

    /// Grows the bins to cover `pos` (a position in `0..BINS`) and adds there.
    #[cold]
    fn add_outside(&mut self, value: i128, pos: u32) {
        if pos as usize >= BINS {
            return;
        }
        if self.bins.is_empty() {
            self.offset = pos;
        } else if pos < self.offset {
            let grow = (self.offset - pos) as usize;
            self.bins.splice(0..0, std::iter::repeat_n(0, grow));
            self.offset = pos;
        }
        let at = (pos - self.offset) as usize;
        if at >= self.bins.len() {
            self.bins.resize(at + 1, 0);
        }
        self.bins[at] += value;
    }

    fn flush(&mut self) {
        for (i, bin) in self.bins.iter_mut().enumerate() {
            if *bin != 0 {
                let pos = self.offset + i as u32;
                let limbs = self.limbs.get_or_insert_with(|| Box::new(Limbs::new()));
                limbs.add(bin.unsigned_abs(), SCALE * pos, *bin < 0);
                *bin = 0;
            }
        }
        self.pending = 0;
    }

    /// Whether nothing was ever added (or only zeros).
    fn is_zero_so_far(&self) -> bool {
        self.limbs.is_none() && self.bins.iter().all(|&bin| bin == 0)
    }

    fn merge(&mut self, other: &Self) {
        if other.is_zero_so_far() {
            return;
        }
        if self.is_zero_so_far() {
            // A group new to this part: take the other's state as it is, limbs or not.
            self.clone_from(other);
            return;
        }
        self.flush();
        let mut other = other.clone();
        other.flush();
        if let Some(theirs) = other.limbs {
            match &mut self.limbs {
                Some(mine) => mine.merge(&theirs),
                None => self.limbs = Some(theirs),
            }
        }
    }

    fn to_bigint(&self) -> BigInt {
        let mut all = self.clone();
        all.flush();
        all.limbs
            .map_or_else(BigInt::default, |limbs| limbs.to_bigint())
    }
}

impl<const N: usize, const SCALE: u32> PartialEq for Binned<N, SCALE> {
    fn eq(&self, other: &Self) -> bool {
        self.to_bigint() == other.to_bigint()
    }
}

impl<const N: usize, const SCALE: u32> Eq for Binned<N, SCALE> {}

/// The exact sum of finite `f64`s, in units of 2⁻¹⁰⁷⁴.
///
/// ```
/// use dataproc::exact::ExactSum;
/// let mut sum = ExactSum::new();
/// for x in [1e16, 1.0, -1e16] { sum.add(x); }
/// assert_eq!(sum.value(), 1.0);
/// let mut big = ExactSum::new();
/// for x in [1e308, 1e308, -1e308] { big.add(x); }
/// assert_eq!(big.value(), 1e308);
/// ```
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct ExactSum(Binned<68, 1>);

impl Default for ExactSum {
    fn default() -> Self {
        Self::new()
    }
}

impl ExactSum {
    /// An empty sum (zero).
    pub fn new() -> Self {
        Self(Binned::new())
    }
    /// Adds a finite value exactly (a non-finite one is the caller's to refuse).
    #[inline(always)]
    pub fn add(&mut self, x: f64) {
        debug_assert!(x.is_finite());
        let (mant, pos, negative) = split(x);
        let m = i128::from(mant);
        self.0.add(if negative { -m } else { m }, pos);
    }
    /// Adds another sum: the result is exactly the sum over both inputs.
    pub fn merge(&mut self, other: &Self) {
        self.0.merge(&other.0);
    }
    /// The exact sum as an integer number of 2⁻¹⁰⁷⁴ units.
    pub fn to_bigint(&self) -> BigInt {
        self.0.to_bigint()
    }
    /// The sum, correctly rounded (±inf only when the exact sum is beyond `f64::MAX`).
    pub fn value(&self) -> f64 {
        round_ratio(&self.to_bigint(), &BigUint::one(), -1074)
    }
}

/// The exact sum of squares of finite `f64`s, in units of 2⁻²¹⁴⁸ (a square's mantissa,
/// below 2¹⁰⁶, sits at twice its value's position).
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct ExactSumSq(Binned<134, 2>);

impl Default for ExactSumSq {
    fn default() -> Self {
        Self::new()
    }
}

impl ExactSumSq {
    /// An empty sum (zero).
    pub fn new() -> Self {
        Self(Binned::new())
    }
    /// Adds `x²` exactly.
    #[inline(always)]
    pub fn add_square(&mut self, x: f64) {
        let (mant, pos, _) = split(x);
        let m = i128::from(mant);
        self.0.add(m * m, pos);
    }
    /// Adds another sum of squares.
    pub fn merge(&mut self, other: &Self) {
        self.0.merge(&other.0);
    }
    /// The exact sum as an integer number of 2⁻²¹⁴⁸ units.
    pub fn to_bigint(&self) -> BigInt {
        self.0.to_bigint()
    }
}

/// A finite `f64` exactly, as an integer number of 2⁻¹⁰⁷⁴ units.
///
/// ```
/// use dataproc::exact::units;
/// use num_bigint::BigInt;
/// assert_eq!(units(-1.5), BigInt::from(-3) << 1073);
/// assert_eq!(units(5e-324), BigInt::from(1));
/// ```
pub fn units(x: f64) -> BigInt {
    debug_assert!(x.is_finite());
    let (mant, pos, negative) = split(x);
    let magnitude = BigInt::from(mant) << pos;
    if negative { -magnitude } else { magnitude }
}

/// The correctly rounded (to nearest, ties to even) `f64` of `num / den · 2^scale`.
///
/// ```
/// use dataproc::exact::round_ratio;
/// use num_bigint::{BigInt, BigUint};
/// assert_eq!(round_ratio(&BigInt::from(1), &BigUint::from(3u32), 0), 1.0 / 3.0);
/// assert_eq!(round_ratio(&BigInt::from(-121), &BigUint::from(4u32), 0), -30.25);
/// assert_eq!(round_ratio(&BigInt::from(1), &BigUint::from(1u32), 1024), f64::INFINITY);
/// ```
pub fn round_ratio(num: &BigInt, den: &BigUint, scale: i64) -> f64 {
    let negative = num.sign() == Sign::Minus;
    let mag = num.magnitude();
    if mag.is_zero() || den.is_zero() {
        return 0.0;
    }
    // Enough quotient bits for 53 mantissa bits, a round bit and more.
    let t = (70 + den.bits() as i64 - mag.bits() as i64).max(0);
    let shifted = mag << (t as u64);
    let quotient = &shifted / den;
    let sticky = &quotient * den != shifted;
    round_bits(&quotient, scale - t, sticky, negative)
}

/// The correctly rounded `f64` of `sqrt(num / den · 2^scale)`.
///
/// ```
/// use dataproc::exact::round_sqrt;
/// use num_bigint::BigUint;
/// assert_eq!(round_sqrt(&BigUint::from(2u32), &BigUint::from(1u32), 0), 2f64.sqrt());
/// assert_eq!(round_sqrt(&BigUint::from(9u32), &BigUint::from(4u32), 0), 1.5);
/// ```
pub fn round_sqrt(num: &BigUint, den: &BigUint, scale: i64) -> f64 {
    if num.is_zero() || den.is_zero() {
        return 0.0;
    }
    // floor(sqrt(floor(y))) = floor(sqrt(y)), so an integer square root of a quotient with
    // ~140 bits gives ~70 exact bits of the root; `scale - t` must be even.
    let mut t = (140 + den.bits() as i64 - num.bits() as i64).max(0);
    if (scale - t) % 2 != 0 {
        t += 1;
    }
    let shifted = num << (t as u64);
    let quotient = &shifted / den;
    let exact_division = &quotient * den == shifted;
    let root = quotient.sqrt();
    let sticky = !(exact_division && &root * &root == quotient);
    round_bits(&root, (scale - t) / 2, sticky, false)
}

/// Rounds `q · 2^e` (plus a nonzero tail below `q` when `sticky`) to the nearest `f64`.
fn round_bits(q: &BigUint, e: i64, sticky: bool, negative: bool) -> f64 {
    if q.is_zero() {
        return 0.0;
    }
    let top = q.bits() as i64 - 1;
    let exponent = top + e;
    let magnitude = if exponent > 1023 {
        f64::INFINITY
    } else {
        // Lowest kept bit: 53 bits below the top, or the 2^-1074 position for subnormals.
        let low = (top - 52).max(-1074 - e);
        let mut mant: u64 = if low > top {
            0
        } else if low >= 0 {
            (q >> (low as u64)).iter_u64_digits().next().unwrap_or(0)
        } else {
            (q << ((-low) as u64)).iter_u64_digits().next().unwrap_or(0)
        };
        let round = low >= 1 && q.bit((low - 1) as u64);
        let below = low >= 2 && q.trailing_zeros().is_some_and(|z| (z as i64) < low - 1);
        if round && (sticky || below || mant & 1 == 1) {
            mant += 1;
        }
        let bits = (((low + e + 1074) as u64) << 52) + mant;
        if bits >= f64::INFINITY.to_bits() {
            f64::INFINITY
        } else {
            f64::from_bits(bits)
        }
    };
    if negative { -magnitude } else { magnitude }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn subnormals_and_signs_are_exact() {
        let tiny = f64::from_bits(1);
        let mut sum = ExactSum::new();
        for x in [tiny, tiny, -tiny * 3.0, 2.5e-310] {
            sum.add(x);
        }
        assert_eq!(sum.value(), 2.5e-310 - tiny);
    }

    #[test]
    fn halfway_cases_round_to_even() {
        // 2^53 + 1 is halfway between 2^53 and 2^53 + 2: even mantissa wins.
        let mut sum = ExactSum::new();
        for x in [9_007_199_254_740_992.0, 1.0] {
            sum.add(x);
        }
        assert_eq!(sum.value(), 9_007_199_254_740_992.0);
        let mut sum = ExactSum::new();
        for x in [9_007_199_254_740_994.0, 1.0] {
            sum.add(x);
        }
        assert_eq!(sum.value(), 9_007_199_254_740_996.0);
        // Just above halfway rounds up.
        let mut sum = ExactSum::new();
        for x in [9_007_199_254_740_992.0, 1.0, 1e-300] {
            sum.add(x);
        }
        assert_eq!(sum.value(), 9_007_199_254_740_994.0);
    }

    #[test]
    fn overflowing_sum_is_infinite_and_negative_sum_negative() {
        let mut sum = ExactSum::new();
        for _ in 0..3 {
            sum.add(f64::MAX);
        }
        assert_eq!(sum.value(), f64::INFINITY);
        let mut sum = ExactSum::new();
        for x in [-f64::MAX, -f64::MAX, f64::MAX] {
            sum.add(x);
        }
        assert_eq!(sum.value(), -f64::MAX);
    }

    #[test]
    fn settling_keeps_the_value() {
        let mut a = Limbs::<68>::new();
        for _ in 0..1000 {
            a.add(u128::from(u64::MAX >> 11), 40, false);
            a.add(7, 3, true);
        }
        let before = a.to_bigint();
        a.settle();
        assert_eq!(a.to_bigint(), before);
        let want = (BigInt::from(u64::MAX >> 11) << 40u32) * 1000 - BigInt::from(7 * 8 * 1000);
        assert_eq!(before, want);
    }

    #[test]
    fn merge_equals_one_pass() {
        let xs = [1.5, -2.25e300, 3e-320, 7.0, 2.25e300];
        let mut one = ExactSum::new();
        xs.iter().for_each(|&x| one.add(x));
        assert_eq!(one, one.clone());
        let (mut a, mut b) = (ExactSum::new(), ExactSum::new());
        xs[..2].iter().for_each(|&x| a.add(x));
        xs[2..].iter().for_each(|&x| b.add(x));
        a.merge(&b);
        assert_eq!(a.to_bigint(), one.to_bigint());
        assert_eq!(a.value(), 8.5 + 3e-320);
    }

    #[test]
    fn flushing_many_times_keeps_the_sums_exact() {
        // 3 · 2^20 + 5 values: three flushes plus pending bins, large and tiny mixed.
        let n = 3 * FLUSH_EVERY as u64 + 5;
        let (mut sum, mut sq) = (ExactSum::new(), ExactSumSq::new());
        for i in 0..n {
            let x = if i % 2 == 0 { f64::MAX } else { -f64::MAX };
            sum.add(x);
            sq.add_square(x);
            sum.add(f64::from_bits(1));
        }
        // (n+1)/2 positive, n/2 negative: net +MAX (n odd), plus n tiny units.
        assert_eq!(sum.to_bigint(), split_big(f64::MAX) + BigInt::from(n));
        let (m, p, _) = split(f64::MAX);
        let square = (BigInt::from(m) * BigInt::from(m)) << (2 * p);
        assert_eq!(sq.to_bigint(), square * BigInt::from(n));
    }

    fn split_big(x: f64) -> BigInt {
        let (m, p, _) = split(x);
        BigInt::from(m) << p
    }

    #[test]
    fn squares_are_exact() {
        let mut sq = ExactSumSq::new();
        sq.add_square(3.0);
        sq.add_square(-1e300);
        sq.add_square(f64::from_bits(1));
        // 3² = 9 · 2^2148 units; (2^-1074)² is one unit; 1e300² from its own bits.
        let nine = BigInt::from(9) << 2148u32;
        let (m, p, _) = split(1e300);
        let big = (BigInt::from(m) * BigInt::from(m)) << (2 * p);
        assert_eq!(sq.to_bigint(), nine + big + BigInt::one());
    }
}
