//! `dataproc numeric` over whole tables, end to end: every column, chosen columns,
//! missing values (against pandas), groups, JSON fields, statistics, output formats and
//! the header rule. Expected values were computed once with Python 3.11 / pandas 2 (the
//! expression is quoted beside each).
#![allow(clippy::unwrap_used, clippy::expect_used)]

use std::io::Write;
use std::path::PathBuf;

use assert_cmd::Command;
use predicates::prelude::*;
use serde_json::{Value, json};

fn dataproc() -> Command {
    let mut cmd = Command::cargo_bin("dataproc").unwrap();
    cmd.args(["--quiet", "numeric"]);
    cmd
}

fn file(name: &str, contents: &str) -> (tempfile::TempDir, PathBuf) {
    let dir = tempfile::tempdir().unwrap();
    let path = dir.path().join(name);
    std::fs::File::create(&path)
        .unwrap()
        .write_all(contents.as_bytes())
        .unwrap();
    (dir, path)
}

fn stdout(cmd: &mut Command) -> String {
    String::from_utf8(cmd.assert().success().get_output().stdout.clone()).unwrap()
}

fn json_of(cmd: &mut Command) -> Value {
    serde_json::from_str(&stdout(cmd)).unwrap()
}

const PEOPLE: &str = "name,age,score,city\n\
                      ann,31,2.5,Oslo\n\
                      bob,NA,3.5,Rome\n\
                      cy,45,,Oslo\n\
                      di,28,N/A,Rome\n\
                      ed,null,1.0,Oslo\n";

#[test]
fn every_column_is_described_and_text_columns_are_reported() {
    let (_d, path) = file("people.csv", PEOPLE);
    let v = json_of(dataproc().arg(&path));
    let cols = v["output_data"]["columns"].as_array().unwrap();
    let names: Vec<&str> = cols.iter().map(|c| c["column"].as_str().unwrap()).collect();
    assert_eq!(names, ["name", "age", "score", "city"]);
    assert_eq!(cols[0]["type"], "text");
    assert_eq!(cols[0]["non_numeric"], 5);
    assert_eq!(cols[1]["type"], "numeric");
    // pandas: df = pd.read_csv(io.StringIO(PEOPLE)); df.age.count(), df.age.isna().sum(),
    // df.age.mean(), df.age.median() -> 3, 2, 34.666666666666664, 31.0
    assert_eq!(cols[1]["count"], 3);
    assert_eq!(cols[1]["nulls"], 2);
    assert_eq!(cols[1]["mean"], 34.666666666666664);
    // statistics.stdev([31, 45, 28]) -> 9.073771725877465 (pandas' std: ...467, 2 ulps off)
    assert_eq!(cols[1]["std_dev"], 9.073771725877465);
    assert_eq!(cols[1]["median"], 31.0);
    // df.score.count(), df.score.isna().sum(), df.score.sum() -> 3, 2, 7.0
    assert_eq!(cols[2]["count"], 3);
    assert_eq!(cols[2]["nulls"], 2);
    assert_eq!(cols[2]["sum"], 7.0);
    assert_eq!(v["metadata"]["header"], true);
    assert_eq!(v["input_data"]["items"], 5);
}

#[test]
fn columns_repeat_and_take_lists_and_a_chosen_text_column_fails_with_its_line() {
    let (_d, path) = file("people.csv", PEOPLE);
    for args in [
        &["-c", "age", "-c", "score"][..],
        &["--column", "age,score"],
        &["-c", "1", "--column", "2"],
    ] {
        let v = json_of(dataproc().arg(&path).args(args));
        let cols = v["output_data"]["columns"].as_array().unwrap();
        assert_eq!(cols.len(), 2, "{args:?}");
        assert_eq!(cols[0]["column"], "age");
        assert_eq!(cols[1]["column"], "score");
    }
    // One chosen column: the seed's shape, its name in the metadata.
    let v = json_of(dataproc().arg(&path).args(["-c", "age"]));
    assert_eq!(v["output_data"]["count"], 3);
    assert_eq!(v["metadata"]["column"], "age");
    dataproc()
        .arg(&path)
        .args(["-c", "age,name"])
        .assert()
        .code(4)
        .stdout("")
        .stderr(predicate::str::contains(
            "people.csv: line 2: column 'name': Cannot Convert ann to numeric",
        ));
}

#[test]
fn null_values_and_skip_invalid_are_counted() {
    let (_d, path) = file("t.csv", "x\n1\n-999\noops\n\n4\nNA\n");
    dataproc()
        .arg(&path)
        .args(["-c", "x"])
        .assert()
        .code(4)
        .stderr(predicate::str::contains("line 4: Cannot Convert oops"));
    let v = json_of(dataproc().arg(&path).args([
        "-c",
        "x",
        "--skip-invalid",
        "--null-values",
        "-999,NA",
    ]));
    assert_eq!(v["output_data"]["count"], 2);
    assert_eq!(v["output_data"]["nulls"], 2);
    assert_eq!(v["output_data"]["invalid"], 1);
    assert_eq!(v["metadata"]["skipped_invalid"], 1);
    assert_eq!(v["output_data"]["sum"], 5.0);
    // With the default spellings, -999 is a number and NA a null.
    let v = json_of(dataproc().arg(&path).args(["-c", "x", "--skip-invalid"]));
    assert_eq!(v["output_data"]["count"], 3);
    assert_eq!(v["output_data"]["nulls"], 1);
}

#[test]
fn a_headerless_csv_starting_with_na_keeps_its_first_row() {
    let (_d, path) = file("h.csv", "NA,1\n2,3\n4,5\n");
    let v = json_of(dataproc().arg(&path));
    assert_eq!(v["metadata"]["header"], false);
    let cols = v["output_data"]["columns"].as_array().unwrap();
    // pandas: pd.read_csv(io.StringIO("NA,1\n2,3\n4,5\n"), header=None).describe():
    // column 0 count 2 (1 NaN), mean 3.0; column 1 count 3, mean 3.0, std 2.0
    assert_eq!(cols[0]["count"], 2);
    assert_eq!(cols[0]["nulls"], 1);
    assert_eq!(cols[0]["mean"], 3.0);
    assert_eq!(cols[1]["count"], 3);
    assert_eq!(cols[1]["std_dev"], 2.0);
    assert_eq!(v["input_data"]["items"], 3);
    // --header forces it.
    let v = json_of(dataproc().arg(&path).arg("--header"));
    assert_eq!(v["metadata"]["header"], true);
    assert_eq!(v["input_data"]["items"], 2);
}

#[test]
fn text_and_categorical_use_the_same_header_rule_and_say_so() {
    let (_d, path) = file("c.csv", "color,n\nred,1\nblue,2\n");
    let v = json_of(
        Command::cargo_bin("dataproc")
            .unwrap()
            .args(["--quiet", "categorical"])
            .arg(&path),
    );
    assert_eq!(v["metadata"]["header"], true);
    assert_eq!(v["input_data"]["items"], 2);
    let (_d, path) = file("c.csv", "NA,1\nred,2\n");
    let v = json_of(
        Command::cargo_bin("dataproc")
            .unwrap()
            .args(["--quiet", "text"])
            .arg(&path),
    );
    assert_eq!(v["metadata"]["header"], false);
    assert_eq!(v["input_data"]["items"], 2);
}

#[test]
fn groups_over_unsorted_input() {
    let (_d, path) = file("people.csv", PEOPLE);
    let v = json_of(
        dataproc()
            .arg(&path)
            .args(["--group-by", "city", "-c", "score"]),
    );
    let groups = v["output_data"]["groups"].as_array().unwrap();
    assert_eq!(groups.len(), 2);
    // pandas: df.groupby("city", sort=False).score.agg(["count", "mean", "std"])
    //   Oslo: 2, 1.75, 1.06066 (statistics.stdev([2.5, 1.0]) = 1.0606601717798212);
    //   Rome: 1, 3.5, NaN
    assert_eq!(groups[0]["city"], "Oslo");
    assert_eq!(groups[0]["count"], 2);
    assert_eq!(groups[0]["mean"], 1.75);
    assert_eq!(groups[0]["std_dev"], 1.0606601717798212);
    assert_eq!(groups[1]["city"], "Rome");
    assert_eq!(groups[1]["count"], 1);
    assert_eq!(groups[1]["nulls"], 1);
    assert!(groups[1].get("std_dev").is_none());
    assert_eq!(v["metadata"]["group_by"], json!(["city"]));
}

#[test]
fn json_fields_by_dotted_path_and_every_numeric_field_by_default() {
    let lines = "{\"id\": 1, \"order\": {\"total\": 10.5, \"items\": 2}, \"tag\": \"a\"}\n\
                 {\"id\": 2, \"order\": {\"total\": null, \"items\": 3}, \"tag\": \"b\"}\n\
                 {\"id\": 3, \"order\": {\"items\": 4}, \"tag\": \"a\"}\n";
    let (_d, path) = file("o.jsonl", lines);
    let v = json_of(dataproc().arg(&path).args(["--field", "order.total"]));
    assert_eq!(v["output_data"]["count"], 1);
    assert_eq!(
        v["output_data"]["nulls"], 2,
        "null and missing are both nulls"
    );
    let v = json_of(dataproc().arg(&path));
    let cols = v["output_data"]["columns"].as_array().unwrap();
    let names: Vec<&str> = cols.iter().map(|c| c["column"].as_str().unwrap()).collect();
    assert_eq!(names, ["id", "order.total", "order.items", "tag"]);
    assert_eq!(cols[2]["sum"], 9.0);
    assert_eq!(cols[3]["type"], "text");
    let v = json_of(
        dataproc()
            .arg(&path)
            .args(["--field", "order.items", "--group-by", "tag"]),
    );
    let groups = v["output_data"]["groups"].as_array().unwrap();
    assert_eq!(groups[0]["tag"], "a");
    assert_eq!(groups[0]["sum"], 6.0);
    // A JSON array of objects and JSON null in a plain array.
    let (_d, path) = file("a.json", "[{\"x\": 1}, {\"x\": null}, {\"x\": 2.5}]");
    let v = json_of(dataproc().arg(&path));
    assert_eq!(v["output_data"]["sum"], 3.5);
    assert_eq!(v["output_data"]["nulls"], 1);
    let (_d, path) = file("n.json", "[1, null, 2]");
    assert_eq!(json_of(dataproc().arg(&path))["output_data"]["nulls"], 1);
}

#[test]
fn stats_and_quantiles_pick_what_is_computed() {
    let (_d, path) = file("d.txt", "2.5\n1e16\n-3.25\n7\n7\n0.1\n0.1\n1e-3\n42\n0.1\n");
    let v = json_of(dataproc().arg(&path).args([
        "--stats",
        "mean,pvariance,median_low,mode,distinct,quantiles",
        "--quantiles",
        "0.25,0.75",
    ]));
    let out = v["output_data"].as_object().unwrap();
    let keys: Vec<&str> = out.keys().map(String::as_str).collect();
    assert_eq!(
        keys,
        [
            "type",
            "mean",
            "pvariance",
            "median_low",
            "mode",
            "distinct",
            "25%",
            "75%"
        ]
    );
    // statistics.pvariance(d), median_low(d), mode(d), len(set(d)); numpy.quantile(d, .25/.75)
    assert_eq!(out["pvariance"], 8.999999999999989e+30);
    assert_eq!(out["median_low"], 0.1);
    assert_eq!(out["mode"], 0.1);
    assert_eq!(out["distinct"], 7);
    assert_eq!(out["25%"], 0.1);
    assert_eq!(out["75%"], 7.0);
    assert!(
        v["metadata"]["quantiles"]
            .as_str()
            .unwrap()
            .contains("method='inclusive'")
    );
    dataproc()
        .arg(&path)
        .args(["--stats", "avg"])
        .assert()
        .code(2)
        .stderr(predicate::str::contains("unknown statistic 'avg'"));
}

#[test]
fn overflowed_results_are_infinity_never_null() {
    let (_d, path) = file("big.txt", "1e308\n1.5e308\n");
    let text = stdout(dataproc().arg(&path).args(["--stats", "sum,variance,max"]));
    assert!(text.contains("\"sum\": Infinity,"), "{text}");
    assert!(text.contains("\"variance\": Infinity,"), "{text}");
    assert!(!text.contains("null"), "{text}");
    let csv = stdout(
        dataproc()
            .arg(&path)
            .args(["--stats", "sum,max", "--output-format", "csv"]),
    );
    assert_eq!(csv, "column,type,sum,max\nvalue,numeric,inf,1.5e+308\n");
}

#[test]
fn output_formats_files_and_no_meta() {
    let (dir, path) = file("people.csv", PEOPLE);
    let args = ["-c", "age,score", "--stats", "count,mean"];
    let jsonl = stdout(
        dataproc()
            .arg(&path)
            .args(args)
            .args(["--output-format", "jsonl"]),
    );
    assert_eq!(
        jsonl,
        "{\"column\": \"age\", \"type\": \"numeric\", \"count\": 3, \"mean\": 34.666666666666664}\n\
         {\"column\": \"score\", \"type\": \"numeric\", \"count\": 3, \"mean\": 2.3333333333333335}\n"
    );
    let csv = stdout(
        dataproc()
            .arg(&path)
            .args(args)
            .args(["--output-format", "csv"]),
    );
    assert_eq!(
        csv,
        "column,type,count,mean\nage,numeric,3,34.666666666666664\nscore,numeric,3,2.3333333333333335\n"
    );
    let table = stdout(
        dataproc()
            .arg(&path)
            .args(args)
            .args(["--output-format", "table"]),
    );
    assert_eq!(
        table,
        "                      age               score\n\
         type              numeric             numeric\n\
         count                   3                   3\n\
         mean   34.666666666666664  2.3333333333333335\n"
    );
    // --no-meta: two runs are byte-identical; -o writes the file, nothing on stdout.
    let out = dir.path().join("out.json");
    dataproc()
        .arg(&path)
        .args(["--no-meta", "-o"])
        .arg(&out)
        .assert()
        .success()
        .stdout("");
    let first = std::fs::read_to_string(&out).unwrap();
    dataproc()
        .arg(&path)
        .args(["--no-meta", "--output"])
        .arg(&out)
        .assert()
        .success();
    assert_eq!(first, std::fs::read_to_string(&out).unwrap());
    let v: Value = serde_json::from_str(&first).unwrap();
    assert!(v.get("timestamp").is_none() && v.get("processing_time").is_none());
    assert!(v.get("metadata").is_some());
    // A failed run leaves an earlier output file as it was.
    dataproc()
        .arg(&path)
        .args(["-c", "name", "-o"])
        .arg(&out)
        .assert()
        .code(4);
    assert_eq!(first, std::fs::read_to_string(&out).unwrap());
}

#[test]
fn approximate_distinct_and_quantiles_from_the_sketches() {
    let numbers: String = (0..2000).map(|i| format!("{}\n", i % 50)).collect();
    let (_d, path) = file("n.txt", &numbers);
    let v = json_of(
        dataproc()
            .arg(&path)
            .args(["--approx-distinct", "--stats", "count"]),
    );
    // Exact up to 128 distinct values: len(set(i % 50 for i in range(2000))) == 50.
    assert_eq!(v["output_data"]["distinct"], 50);
    assert!(
        v["metadata"]["distinct"]
            .as_str()
            .unwrap()
            .starts_with("approximate")
    );
    let v = json_of(
        dataproc()
            .arg(&path)
            .args(["--approx-median", "--quantiles", "0.9"]),
    );
    // Exactly 44.1 (numpy.quantile(..., 0.9) says 44.100000000000136); the sketch: within 0.5 %
    let q = v["output_data"]["90%"].as_f64().unwrap();
    assert!((q - 44.1).abs() <= 44.1 * 0.005, "{q}");
}

/// The bits of a record's order statistics (`-0.0` and `0.0` differ; `MAX`: missing).
fn order_bits(record: &Value) -> Vec<u64> {
    let keys = ["median", "median_low", "median_high", "25%", "50%", "75%"];
    keys.iter()
        .map(|k| record[*k].as_f64().map_or(u64::MAX, f64::to_bits))
        .collect()
}

fn bits(xs: [f64; 6]) -> Vec<u64> {
    xs.iter().map(|x| x.to_bits()).collect()
}

#[test]
fn a_zero_at_an_order_rank_is_the_one_pythons_stable_sort_puts_there() {
    let order = "median,median_low,median_high,quantiles";
    let run = |input: &str, args: &[&str]| {
        json_of(
            dataproc()
                .args(["--stats", order, "--quantiles", "0.25,0.5,0.75"])
                .args(args)
                .write_stdin(input),
        )
    };
    // For each xs: st.median(xs), st.median_low(xs), st.median_high(xs),
    // *st.quantiles(xs, n=4, method='inclusive')  (Python 3.11)
    for (input, want) in [
        // [-0.0, 0.0, -0.0]
        ("-0.0\n0.0\n-0.0\n", [0.0, 0.0, 0.0, 0.0, 0.0, 0.0]),
        // [0.0, -0.0]
        ("0.0\n-0.0\n", [0.0, 0.0, -0.0, 0.0, 0.0, 0.0]),
        // [0.0, -1.0, -0.0, 5.0, -0.0]: the 25% cut is x[1]·4 + x[2]·0 = 0.0·4 + -0.0·0
        ("0\n-1\n-0\n5\n-0\n", [-0.0, -0.0, -0.0, 0.0, -0.0, 0.0]),
        // [-1.0, -0.0, 5.0, 6.0, 7.0]: x[1]·4 + x[2]·0 = -0.0·4 + 5.0·0 = 0.0
        ("-1\n-0.0\n5\n6\n7\n", [5.0, 5.0, 5.0, 0.0, 5.0, 6.0]),
    ] {
        let v = run(input, &[]);
        assert_eq!(order_bits(&v["output_data"]), bits(want), "{input:?}");
    }
    // Groups a = [-0.0, 0.0, -0.0, -0.0] and b = [0.0, -0.0].
    let csv = "g,x\na,-0.0\nb,0\na,0\nb,-0.0\na,-0.0\na,-0\n";
    let v = run(csv, &["--format", "csv", "--group-by", "g"]);
    let groups = v["output_data"]["groups"].as_array().unwrap();
    assert_eq!(groups.len(), 2);
    assert_eq!(groups[0]["g"], "a");
    assert_eq!(
        order_bits(&groups[0]),
        bits([0.0, 0.0, -0.0, 0.0, 0.0, -0.0])
    );
    assert_eq!(
        order_bits(&groups[1]),
        bits([0.0, 0.0, -0.0, 0.0, 0.0, 0.0])
    );
}
