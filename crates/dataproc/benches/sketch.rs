//! Quantile sketch speed by input order: the same 10⁶ values, spread log-uniformly over
//! 200 decades of magnitude with both signs, pushed in increasing, decreasing and random
//! order, then the median and p99 asked. A sketch whose speed depends on the order (a
//! store that shifts its buckets each time a smaller magnitude arrives) shows here as a
//! gap between the rows; the promise is that there is none. Then the distinct-count sketch
//! on the same values (10⁶ distinct) and on 10⁶ values with 1 000 distinct.

use std::hint::black_box;

use criterion::{BenchmarkId, Criterion, Throughput, criterion_group, criterion_main};
use dataproc::distinct::DistinctSketch;
use dataproc::sketch::QuantileSketch;

/// `n` values `±10^u`, `u` uniform in [-100, 100], from a fixed xorshift stream.
fn values(n: usize) -> Vec<f64> {
    let mut state: u64 = 0x9E37_79B9_7F4A_7C15;
    (0..n)
        .map(|_| {
            state ^= state << 13;
            state ^= state >> 7;
            state ^= state << 17;
            let u = (state >> 11) as f64 / (1u64 << 53) as f64;
            let sign = if state & 1 == 0 { 1.0 } else { -1.0 };
            sign * 10f64.powf(u * 200.0 - 100.0)
        })
        .collect()
}

fn by_order(c: &mut Criterion) {
    let n = 1_000_000;
    let random = values(n);
    let mut increasing = random.clone();
    increasing.sort_by(f64::total_cmp);
    // Decreasing magnitude: the order that made the old store shift on every new bucket.
    let mut decreasing = random.clone();
    decreasing.sort_by(|a, b| b.abs().total_cmp(&a.abs()));
    let mut group = c.benchmark_group("sketch push 1e6 + median");
    group.sample_size(10);
    group.throughput(Throughput::Elements(n as u64));
    for (name, data) in [
        ("increasing", &increasing),
        ("decreasing-magnitude", &decreasing),
        ("random", &random),
    ] {
        group.bench_with_input(BenchmarkId::from_parameter(name), data, |b, data| {
            b.iter(|| {
                let mut s = QuantileSketch::new(0.005);
                for &x in data.iter() {
                    s.push(x);
                }
                black_box((s.quantile(0.5), s.quantile(0.99)))
            });
        });
    }
    group.finish();

    let repeated: Vec<f64> = random
        .iter()
        .enumerate()
        .map(|(i, _)| (i % 1000) as f64)
        .collect();
    let mut group = c.benchmark_group("distinct push 1e6 + estimate");
    group.sample_size(10);
    group.throughput(Throughput::Elements(n as u64));
    for (name, data) in [("1e6 distinct", &random), ("1e3 distinct", &repeated)] {
        group.bench_with_input(BenchmarkId::from_parameter(name), data, |b, data| {
            b.iter(|| {
                let mut d = DistinctSketch::new();
                for &x in data.iter() {
                    d.push(x);
                }
                black_box(d.estimate())
            });
        });
    }
    group.finish();
}

criterion_group!(benches, by_order);
criterion_main!(benches);
