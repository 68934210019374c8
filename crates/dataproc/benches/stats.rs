//! Parse + statistics throughput: 10⁶ and 10⁷ numbers, one per line, streamed from memory
//! through the same reader and fold as the CLI (with and without the exact median), plus
//! the fold alone on typed values.

use std::hint::black_box;
use std::io::Cursor;
use std::sync::Arc;

use criterion::{BenchmarkId, Criterion, Throughput, criterion_group, criterion_main};
use dataproc::input::{CsvOptions, Format, Source, run_numeric};
use dataproc::{Median, NumericOptions, NumericProcessor, ProcessorConfig};

/// `n` pseudo-random numbers with 6–17 significant digits, one per line.
fn lines(n: usize) -> Arc<[u8]> {
    let mut state: u64 = 0x9E37_79B9_7F4A_7C15;
    let mut out = String::with_capacity(n * 18);
    for i in 0..n {
        state ^= state << 13;
        state ^= state >> 7;
        state ^= state << 17;
        let x = (state >> 11) as f64 / (1u64 << 53) as f64 * 2e6 - 1e6;
        if i % 2 == 0 {
            out.push_str(&format!("{x}\n"));
        } else {
            out.push_str(&format!("{x:.3}\n"));
        }
    }
    Arc::from(out.into_bytes())
}

fn processor(median: Median) -> NumericProcessor {
    let config = ProcessorConfig::builder("bench")
        .max_input_size(i128::MAX)
        .timeout_seconds(f64::INFINITY)
        .log_results(false)
        .build()
        .unwrap_or_else(|e| panic!("{e}"));
    NumericProcessor::with_options(
        config,
        NumericOptions {
            skip_non_finite: false,
            median,
        },
    )
}

fn parse_and_stats(c: &mut Criterion) {
    let mut group = c.benchmark_group("parse+stats");
    group.sample_size(10);
    for n in [1_000_000usize, 10_000_000] {
        let data = lines(n);
        group.throughput(Throughput::Elements(n as u64));
        for (name, median) in [
            ("no-median", Median::Omitted),
            ("approx-median", Median::Approximate),
            ("exact-median", Median::Exact),
        ] {
            let p = processor(median);
            let id = BenchmarkId::new(name, n);
            group.bench_with_input(id, &data, |b, data| {
                b.iter(|| {
                    let source = Source::from_reader(
                        "bench",
                        Cursor::new(Arc::clone(data)),
                        Some(Format::Lines),
                    )
                    .unwrap_or_else(|e| panic!("{e}"));
                    black_box(
                        run_numeric(&p, source, &CsvOptions::default())
                            .unwrap_or_else(|e| panic!("{e}")),
                    )
                });
            });
        }
    }
    group.finish();

    let values: Vec<f64> = (0..1_000_000).map(|i| f64::from(i) * 0.37 - 1e5).collect();
    let mut group = c.benchmark_group("fold");
    group.throughput(Throughput::Elements(values.len() as u64));
    let p = processor(Median::Omitted);
    group.bench_function("typed 1e6", |b| {
        b.iter(|| black_box(p.process_numbers(&values).unwrap_or_else(|e| panic!("{e}"))));
    });
    group.finish();
}

criterion_group!(benches, parse_and_stats);
criterion_main!(benches);
