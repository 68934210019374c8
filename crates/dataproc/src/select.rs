//! Exact order statistics (the median, `median_low`/`median_high`, quantile ranks) of
//! values kept in several parts, found by radix selection without sorting or joining
//! the parts.
//!
//! Each value is read as an integer key that orders as `f64::total_cmp` does
//! (`order_key`). Ranks that lie close together (the median and its two middle
//! values) usually take one pass: a strided sample of 2^14 keys, sorted, gives two keys
//! that bracket the ranks, and one branch-free pass counts the keys below the bracket
//! and gathers the few inside it, where a selection finds the ranks. Otherwise (spread
//! quantiles, a missed bracket, few distinct values) a pass over all parts counts the
//! keys by their top 16 bits; the buckets holding the wanted ranks are then either
//! gathered (one more pass copies their keys out, and a selection among those few finds
//! the ranks) or, when one holds more than a sixteenth of the values, counted again by
//! their next 16 bits. The passes only read the values, where `select_nth_unstable` on
//! one joined copy would first copy every part and then move every value a few times;
//! the copy it needs beside the values is a sixteenth of them at most. A constant column
//! ends after four counting passes, each rank being the one key left.
//!
//! The order is Python's `sorted`: ascending, and stable with `-0.0 == 0.0`, so a rank
//! that falls among the zeros holds the zero of that place in input order (the parts
//! taken in order), not the `total_cmp` one (`-0.0` before `0.0`). When a selected value
//! is a zero, two more passes count the negatives and find that zero
//! (`zeros_in_input_order`).

use crate::stats::{from_order_key, order_key};

/// Bits of the key a counting pass looks at.
const RADIX: u32 = 16;

/// Buckets per counting pass.
const BUCKETS: usize = 1 << RADIX;

/// Buckets of at most this many keys are gathered (at least; a sixteenth of all is the
/// bound for big inputs).
const GATHER_MIN: usize = 1 << 16;

/// The values at `ranks` (from 0) among all values of `parts` (finite numbers) in the
/// order Python's `sorted` gives them (zeros of both signs in input order, the parts
/// taken in order), in the order the ranks are given; a rank past the end is left out.
///
/// ```
/// use dataproc::select::select_ranks;
/// let parts = [vec![5.0, -1.0, 3.0], vec![0.5, 7.0]];
/// assert_eq!(select_ranks(&parts, &[2, 0, 4, 9]), [3.0, -1.0, 7.0]);
/// // sorted([0.0, -2.0, -0.0]) is [-2.0, 0.0, -0.0].
/// let zeros = select_ranks(&[vec![0.0, -2.0], vec![-0.0]], &[1, 2]);
/// assert_eq!(zeros.iter().map(|x| x.to_bits()).collect::<Vec<_>>(), [0, 1 << 63]);
/// ```
pub fn select_ranks(parts: &[Vec<f64>], ranks: &[usize]) -> Vec<f64> {
    let total: usize = parts.iter().map(Vec::len).sum();
    select_gathering(parts, ranks, GATHER_MIN.max(total / 16))
}

/// [`select_ranks`], gathering buckets of at most `gather` keys.
fn select_gathering(parts: &[Vec<f64>], ranks: &[usize], gather: usize) -> Vec<f64> {
    let total: usize = parts.iter().map(Vec::len).sum();
    let mut wanted: Vec<usize> = ranks.iter().copied().filter(|&r| r < total).collect();
    wanted.sort_unstable();
    wanted.dedup();
    let mut found = Vec::with_capacity(wanted.len());
    if total <= gather || !bracketed(parts, total, &wanted, gather, &mut found) {
        descend(parts, Prefix::ALL, total, &wanted, 0, gather, &mut found);
    }
    found.sort_unstable_by_key(|&(rank, _)| rank);
    zeros_in_input_order(parts, &mut found);
    ranks
        .iter()
        .filter_map(|r| {
            let at = found.binary_search_by_key(r, |&(rank, _)| rank).ok()?;
            Some(from_order_key(found[at].1))
        })
        .collect()
}

/// Puts at each found rank (sorted, keys of `total_cmp` order) that holds a zero the
/// zero Python's stable sort puts there: the `(rank - negatives)`-th zero in input order.
fn zeros_in_input_order(parts: &[Vec<f64>], found: &mut [(usize, u64)]) {
    let is_zero = |key: u64| from_order_key(key) == 0.0;
    if !found.iter().any(|&(_, key)| is_zero(key)) {
        return;
    }
    let values = || parts.iter().flatten().copied();
    let negatives = values().filter(|&x| x < 0.0).count();
    let mut zeros = values().filter(|&x| x == 0.0);
    let mut next = 0;
    for (rank, key) in found.iter_mut().filter(|(_, key)| is_zero(*key)) {
        let index = *rank - negatives;
        if let Some(zero) = zeros.nth(index - next) {
            *key = order_key(zero);
        }
        next = index + 1;
    }
}

/// The exact median of `parts` (the mean of the two middle values for an even count,
/// as `statistics.median`); `None` when there are no values.
///
/// ```
/// use dataproc::select::median;
/// assert_eq!(median(&[vec![45.0, 10.0], vec![23.0, 43.0]]), Some(33.0));
/// assert_eq!(median(&[vec![3.0, 1.0, 2.0]]), Some(2.0));
/// assert_eq!(median(&[vec![1e308, 1.7e308]]), Some(1.35e308));
/// assert_eq!(median(&[]), None);
/// // statistics.median([-0.0, 0.0, -0.0]) is 0.0, the middle zero in input order.
/// assert!(median(&[vec![-0.0, 0.0, -0.0]]).is_some_and(|m| m.is_sign_positive()));
/// ```
pub fn median(parts: &[Vec<f64>]) -> Option<f64> {
    let n: usize = parts.iter().map(Vec::len).sum();
    if n == 0 {
        return None;
    }
    let picked = select_ranks(parts, &[(n - 1) / 2, n / 2]);
    let (&low, &high) = (picked.first()?, picked.last()?);
    Some(if n % 2 == 1 {
        high
    } else {
        crate::stats::middle(low, high)
    })
}

/// Keys a sample for [`bracketed`] takes.
const SAMPLE: usize = 1 << 14;

/// The one-pass case: when the wanted ranks lie close together (the median, or
/// `median_low` and `median_high`), a strided sample of the keys, sorted, gives two keys
/// that bracket them with a margin of about five standard deviations of the sample's
/// rank error; one pass counts the keys below the bracket (branch-free) and gathers
/// those in it, and a selection among those finds the ranks. `false` (nothing found)
/// when the bracket missed or would gather more than `gather` keys (a column of few
/// distinct values), and the counting passes of [`descend`] run instead.
fn bracketed(
    parts: &[Vec<f64>],
    total: usize,
    ranks: &[usize],
    gather: usize,
    found: &mut Vec<(usize, u64)>,
) -> bool {
    let (Some(&first), Some(&last)) = (ranks.first(), ranks.last()) else {
        return true;
    };
    let step = (total / SAMPLE).max(1);
    let mut sample: Vec<u64> = parts
        .iter()
        .flat_map(|p| p.iter().step_by(step))
        .map(|&x| order_key(x))
        .collect();
    sample.sort_unstable();
    let s = sample.len();
    // The sample rank of a rank, and the margin: 5 sqrt(s) / 2 (the standard deviation
    // of a sample quantile's rank is at most sqrt(s) / 2).
    let margin = 5 * s.isqrt() / 2 + 1;
    let at = |rank: usize| rank * s / total;
    let (lo_at, hi_at) = (at(first).saturating_sub(margin), at(last) + margin);
    if (hi_at - lo_at) * step > gather {
        return false;
    }
    let lo = if lo_at == 0 { 0 } else { sample[lo_at] };
    let hi = sample.get(hi_at).copied().unwrap_or(u64::MAX);
    let width = hi - lo;
    let mut below = 0usize;
    let mut inside: Vec<u64> = Vec::with_capacity(gather.min(2 * (hi_at - lo_at) * step));
    for part in parts {
        for &x in part {
            let key = order_key(x);
            below += usize::from(key < lo);
            if key.wrapping_sub(lo) <= width {
                if inside.len() == gather {
                    return false;
                }
                inside.push(key);
            }
        }
    }
    if below > first || last >= below + inside.len() {
        return false;
    }
    let relative: Vec<usize> = ranks.iter().map(|r| r - below).collect();
    pick(&mut inside, &relative, below, found);
    true
}

/// The keys whose top `bits` bits are `value`.
#[derive(Debug, Clone, Copy)]
struct Prefix {
    value: u64,
    bits: u32,
}

impl Prefix {
    const ALL: Self = Self { value: 0, bits: 0 };

    #[inline(always)]
    fn holds(self, key: u64) -> bool {
        self.bits == 0 || key >> (64 - self.bits) == self.value
    }

    /// The 16 bits after the prefix.
    #[inline(always)]
    fn bucket(self, key: u64) -> usize {
        ((key >> (64 - self.bits - RADIX)) as usize) & (BUCKETS - 1)
    }

    fn child(self, bucket: usize) -> Self {
        Self {
            value: (self.value << RADIX) | bucket as u64,
            bits: self.bits + RADIX,
        }
    }
}

/// Finds the keys at `ranks` (sorted, relative to the `count` keys under `prefix`,
/// which start at global rank `base`) and appends `(global rank, key)` to `found`.
fn descend(
    parts: &[Vec<f64>],
    prefix: Prefix,
    count: usize,
    ranks: &[usize],
    base: usize,
    gather: usize,
    found: &mut Vec<(usize, u64)>,
) {
    if ranks.is_empty() {
        return;
    }
    if prefix.bits == 64 {
        // Every key under a full prefix is the prefix.
        found.extend(ranks.iter().map(|&r| (base + r, prefix.value)));
        return;
    }
    if count <= gather {
        let mut keys = keys_under(parts, prefix, count);
        pick(&mut keys, ranks, base, found);
        return;
    }
    let mut counts = vec![0usize; BUCKETS];
    for part in parts {
        for &x in part {
            let key = order_key(x);
            if prefix.holds(key) {
                counts[prefix.bucket(key)] += 1;
            }
        }
    }
    // The buckets holding wanted ranks: small ones gathered in one shared pass.
    let mut small: Vec<(usize, usize, &[usize])> = Vec::new();
    let mut big: Vec<(usize, usize, &[usize])> = Vec::new();
    let (mut start, mut next) = (0usize, 0usize);
    for (bucket, &n) in counts.iter().enumerate() {
        let end = start + n;
        let from = next;
        while next < ranks.len() && ranks[next] < end {
            next += 1;
        }
        if next > from {
            let entry = (bucket, start, &ranks[from..next]);
            if n <= gather {
                small.push(entry)
            } else {
                big.push(entry)
            }
        }
        start = end;
        if next == ranks.len() {
            break;
        }
    }
    if !small.is_empty() {
        let mut slot = vec![u32::MAX; BUCKETS];
        let mut gathered: Vec<Vec<u64>> = small
            .iter()
            .enumerate()
            .map(|(i, &(bucket, _, _))| {
                slot[bucket] = i as u32;
                Vec::with_capacity(counts[bucket])
            })
            .collect();
        for part in parts {
            for &x in part {
                let key = order_key(x);
                if prefix.holds(key) {
                    let s = slot[prefix.bucket(key)];
                    if s != u32::MAX {
                        gathered[s as usize].push(key);
                    }
                }
            }
        }
        for ((_, start, wanted), mut keys) in small.into_iter().zip(gathered) {
            let relative: Vec<usize> = wanted.iter().map(|r| r - start).collect();
            pick(&mut keys, &relative, base + start, found);
        }
    }
    for (bucket, start, wanted) in big {
        let relative: Vec<usize> = wanted.iter().map(|r| r - start).collect();
        let n = counts[bucket];
        descend(
            parts,
            prefix.child(bucket),
            n,
            &relative,
            base + start,
            gather,
            found,
        );
    }
}

/// The keys under `prefix` (there are `count`).
fn keys_under(parts: &[Vec<f64>], prefix: Prefix, count: usize) -> Vec<u64> {
    let mut keys = Vec::with_capacity(count);
    for part in parts {
        keys.extend(
            part.iter()
                .map(|&x| order_key(x))
                .filter(|&k| prefix.holds(k)),
        );
    }
    keys
}

/// The keys at `ranks` (sorted) among `keys`, appended with their global rank.
fn pick(keys: &mut [u64], ranks: &[usize], base: usize, found: &mut Vec<(usize, u64)>) {
    if ranks.len() > 8 {
        keys.sort_unstable();
        found.extend(ranks.iter().map(|&r| (base + r, keys[r])));
        return;
    }
    // Successive selections, each in what lies right of the previous one.
    let mut rest = keys;
    let mut offset = 0;
    for &r in ranks {
        let (_, &mut key, right) = rest.select_nth_unstable(r - offset);
        found.push((base + r, key));
        offset = r + 1;
        rest = right;
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    /// The ranks by sorting one joined copy as Python's `sorted` does: stable, with
    /// `-0.0 == 0.0`.
    fn sorted_ranks(parts: &[Vec<f64>], ranks: &[usize]) -> Vec<f64> {
        let mut all: Vec<f64> = parts.concat();
        all.sort_by(|a, b| a.partial_cmp(b).unwrap());
        ranks.iter().filter_map(|&r| all.get(r).copied()).collect()
    }

    fn check(parts: &[Vec<f64>]) {
        let n: usize = parts.iter().map(Vec::len).sum();
        let mut ranks: Vec<usize> = vec![0, n / 2, n.saturating_sub(1), (n - 1) / 2];
        ranks.extend((0..40).map(|i| i * n / 40));
        let want: Vec<u64> = sorted_ranks(parts, &ranks)
            .iter()
            .map(|x| x.to_bits())
            .collect();
        // Small gather bounds take the counting passes (down to full keys) on small data.
        for gather in [1, 64, 1000, usize::MAX] {
            let got = select_gathering(parts, &ranks, gather);
            assert_eq!(got.iter().map(|x| x.to_bits()).collect::<Vec<_>>(), want);
        }
    }

    /// A small deterministic generator (xorshift).
    fn numbers(n: usize, seed: u64, f: impl Fn(u64) -> f64) -> Vec<f64> {
        let mut s = seed | 1;
        (0..n)
            .map(|_| {
                s ^= s << 13;
                s ^= s >> 7;
                s ^= s << 17;
                f(s)
            })
            .collect()
    }

    #[test]
    fn ranks_equal_a_sort_on_spread_clustered_and_constant_data() {
        let n = 5_000;
        let uniform = numbers(n, 7, |s| (s >> 11) as f64 / (1u64 << 53) as f64 * 1e4 - 5e3);
        let integers = numbers(n, 9, |s| (s % 1000) as f64);
        let constant = vec![2.5; n];
        let two = numbers(n, 11, |s| if s % 2 == 0 { -0.0 } else { 0.0 });
        let close = numbers(n, 13, |s| f64::from_bits(1.0f64.to_bits() + s % 5));
        let tiny = numbers(n, 17, |s| {
            f64::from_bits(s % 70_000) * if s % 3 == 0 { -1.0 } else { 1.0 }
        });
        for data in [uniform, integers, constant, two, close, tiny] {
            let (a, b) = data.split_at(n / 3);
            check(&[a.to_vec(), b.to_vec(), Vec::new()]);
            check(&[data]);
        }
    }

    #[test]
    fn a_sampled_bracket_finds_the_middle_ranks_or_gives_way() {
        let n = 60_000;
        let uniform = numbers(n, 7, |s| (s >> 11) as f64 / (1u64 << 53) as f64 * 1e4);
        let integers = numbers(n, 9, |s| (s % 50) as f64);
        let constant = vec![-7.25; n];
        // Sorted, and a sample stride that sees only zeros: the bracket misses.
        let sorted: Vec<f64> = (0..n).map(|i| i as f64).collect();
        let stride = (n / SAMPLE).max(1);
        let fooled: Vec<f64> = (0..n)
            .map(|i| if i % stride == 0 { 0.0 } else { i as f64 })
            .collect();
        let middle = [(n - 1) / 2, n / 2];
        for (data, takes) in [
            (&uniform, true),
            (&sorted, true),
            (&fooled, false),
            (&constant, false),
        ] {
            let mut found = Vec::new();
            assert_eq!(
                bracketed(std::slice::from_ref(data), n, &middle, n / 16, &mut found),
                takes
            );
        }
        for data in [uniform, integers, constant, sorted, fooled] {
            let parts = [data[..n / 3].to_vec(), data[n / 3..].to_vec()];
            for ranks in [vec![(n - 1) / 2, n / 2], vec![n / 2], vec![0], vec![n - 1]] {
                let want: Vec<u64> = sorted_ranks(&parts, &ranks)
                    .iter()
                    .map(|x| x.to_bits())
                    .collect();
                for gather in [n / 16, 5000, 64] {
                    let got = select_gathering(&parts, &ranks, gather);
                    let got: Vec<u64> = got.iter().map(|x| x.to_bits()).collect();
                    assert_eq!(got, want, "{ranks:?} {gather}");
                }
            }
        }
    }

    /// Bits, so that `-0.0` and `0.0` differ.
    fn bits(xs: &[f64]) -> Vec<u64> {
        xs.iter().map(|x| x.to_bits()).collect()
    }

    #[test]
    fn a_zero_at_a_rank_is_the_one_python_sorts_there_across_parts() {
        // def val(i): return -1.0 if i % 9 == 0 else 2.0 if i % 9 == 1 else \
        //     -0.0 if (i // 3) % 4 else 0.0
        let val = |i: usize| match (i % 9, (i / 3) % 4) {
            (0, _) => -1.0,
            (1, _) => 2.0,
            (_, 0) => 0.0,
            _ => -0.0,
        };
        let data: Vec<f64> = (0..70_006).map(val).collect();
        let xs = &data[..70_001];
        let parts = [
            xs[..20_000].to_vec(),
            xs[20_000..20_001].to_vec(),
            Vec::new(),
            xs[20_001..].to_vec(),
        ];
        // s = sorted(val(i) for i in range(70001)); [s[k] for k in ranks]  (Python 3.11)
        let ranks = [
            7778, 7779, 35001, 35002, 35004, 35005, 62220, 62221, 0, 70000,
        ];
        let want = [0.0, -0.0, -0.0, 0.0, 0.0, -0.0, 0.0, -0.0, -1.0, 2.0];
        for gather in [1, 64, 1000, 1 << 16, usize::MAX] {
            let got = select_gathering(&parts, &ranks, gather);
            assert_eq!(bits(&got), bits(&want), "gather {gather}");
        }
        // One rank at a time (a close group of ranks tries the sampled bracket).
        for (&rank, &want) in ranks.iter().zip(&want) {
            assert_eq!(bits(&select_ranks(&parts, &[rank])), bits(&[want]));
        }
        // statistics.median, median_low, median_high of val(0..70006): 0.0, -0.0, 0.0
        let (a, b) = data.split_at(33_333);
        let parts = [a.to_vec(), b.to_vec()];
        assert_eq!(
            bits(&select_ranks(&parts, &[35_002, 35_003])),
            bits(&[-0.0, 0.0])
        );
        assert_eq!(median(&parts).map(f64::to_bits), Some(0));
    }

    #[test]
    fn small_inputs_and_the_median() {
        check(&[vec![1.0]]);
        check(&[vec![3.0, -1.0], vec![2.0]]);
        assert_eq!(median(&[vec![4.0, 1.0], vec![3.0, 2.0]]), Some(2.5));
        assert_eq!(median(&[vec![-0.5, -2.0, 7.0]]), Some(-0.5));
        assert_eq!(select_ranks(&[], &[0]), Vec::<f64>::new());
        // statistics.median([-0.0, 0.0, -0.0]) -> 0.0; median_low([0.0, -0.0]) -> 0.0,
        // median_high -> -0.0; median([-0.0, -0.0]) -> -0.0; median([0.0, -0.0]) -> 0.0
        assert_eq!(median(&[vec![-0.0, 0.0, -0.0]]).map(f64::to_bits), Some(0));
        let two = [vec![0.0], vec![-0.0]];
        assert_eq!(bits(&select_ranks(&two, &[0, 1])), bits(&[0.0, -0.0]));
        assert_eq!(median(&[vec![-0.0, -0.0]]).map(f64::to_bits), Some(1 << 63));
        assert_eq!(median(&two).map(f64::to_bits), Some(0));
    }
}
