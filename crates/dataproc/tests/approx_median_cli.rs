//! `dataproc numeric --approx-median` end to end on the cases issue 14 found broken: the
//! even-count midpoint, a constant column, subnormals, mixed signs.
#![allow(clippy::unwrap_used, clippy::expect_used)]

use assert_cmd::Command;
use serde_json::Value;

/// The approximate median the CLI prints for these lines on stdin.
fn approx_median(lines: &str) -> f64 {
    approx_result(lines)["output_data"]["median"]
        .as_f64()
        .unwrap()
}

/// The result the CLI prints with `--approx-median` for these lines on stdin.
fn approx_result(lines: &str) -> Value {
    let out = Command::cargo_bin("dataproc")
        .unwrap()
        .args(["--quiet", "numeric", "--approx-median"])
        .write_stdin(lines)
        .assert()
        .success()
        .get_output()
        .stdout
        .clone();
    serde_json::from_slice(&out).unwrap()
}

#[test]
fn an_even_count_gives_the_midpoint_of_both_middle_ranks() {
    assert_eq!(approx_median("1\n1000\n"), 500.5);
    let m = approx_median("-3\n10\n20\n1e6\n");
    assert!((m - 15.0).abs() <= 15.0 * 0.005, "{m}");
}

#[test]
fn a_constant_column_is_exact() {
    assert_eq!(approx_median(&"1000\n".repeat(1000)), 1000.0);
    assert_eq!(approx_median(&"-2.5e-310\n".repeat(7)), -2.5e-310);
}

#[test]
fn subnormals_and_mixed_signs_stay_within_half_a_percent() {
    // 3, 150, 151, 7000 and 2^40 ulps: the middle one is 151 ulps.
    let m = approx_median("1.5e-323\n7.4e-322\n7.46e-322\n3.4585e-320\n5.43e-312\n");
    assert!((m - 7.46e-322).abs() <= 7.46e-322 * 0.005, "{m:e}");
    let m = approx_median("-1e-300\n0\n-0\n4e-5\n-7\n");
    assert_eq!(m, 0.0);
    let m = approx_median("-1e300\n-2.5\n3.75\n1e300\n2e-320\n");
    assert!((m - 2e-320).abs() <= 2e-320 * 0.005, "{m:e}");
}

#[test]
fn a_median_between_ranks_of_opposite_signs_keeps_the_stated_bound() {
    // Exact median 0.25, the midpoint of -1 and 1.5: each estimate is within 0.5 % of its rank,
    // so the answer is within 0.5 % of (|-1| + |1.5|) / 2 = 1.25, not of 0.25.
    let m = approx_median("-2\n-1\n1.5\n3\n");
    assert!((m - 0.25).abs() <= 0.005 * 1.25, "{m}");
    let v = approx_result("1\n2\n");
    let note = v["metadata"]["median"].as_str().unwrap();
    assert!(
        note.contains("within 0.5% of |exact| unless x_lo < 0 < x_hi"),
        "{note}"
    );
    assert!(note.contains("0.5% of max(|x_lo|, |x_hi|)"), "{note}");
}
