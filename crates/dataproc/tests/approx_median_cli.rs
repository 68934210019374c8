//! `dataproc numeric --approx-median` end to end on the cases issue 14 found broken: the
//! even-count midpoint, a constant column, subnormals, mixed signs.
#![allow(clippy::unwrap_used, clippy::expect_used)]

use assert_cmd::Command;
use serde_json::Value;

/// The approximate median the CLI prints for these lines on stdin.
fn approx_median(lines: &str) -> f64 {
    let out = Command::cargo_bin("dataproc")
        .unwrap()
        .args(["--quiet", "numeric", "--approx-median"])
        .write_stdin(lines)
        .assert()
        .success()
        .get_output()
        .stdout
        .clone();
    let v: Value = serde_json::from_slice(&out).unwrap();
    v["output_data"]["median"].as_f64().unwrap()
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
