//! The `dataproc` binary end to end: formats, bad lines, empty input, NaN, huge values,
//! CSV quoting, configuration errors, exit codes.
#![allow(clippy::unwrap_used, clippy::expect_used)]
// The seed's example batch holds 3.14159 and expects 3.14: data, not an approximation of pi.
#![allow(clippy::approx_constant)]

use std::io::Write;
use std::path::PathBuf;

use assert_cmd::Command;
use predicates::prelude::*;
use serde_json::Value;

fn dataproc() -> Command {
    let mut cmd = Command::cargo_bin("dataproc").unwrap();
    cmd.arg("--quiet");
    cmd
}

/// A file with these contents and this extension in a fresh temporary directory.
fn file(ext: &str, contents: &str) -> (tempfile::TempDir, PathBuf) {
    let dir = tempfile::tempdir().unwrap();
    let path = dir.path().join(format!("input.{ext}"));
    std::fs::File::create(&path)
        .unwrap()
        .write_all(contents.as_bytes())
        .unwrap();
    (dir, path)
}

/// Runs `cmd`, expecting exit code `code`, nothing on stdout and `text` on stderr.
fn fails(cmd: &mut Command, code: i32, text: &str) {
    cmd.assert()
        .code(code)
        .stdout("")
        .stderr(predicate::str::contains(text));
}

/// Runs `cmd`, expecting exit code `code` and nothing on stdout; returns its stderr.
fn stderr_of(cmd: &mut Command, code: i32) -> String {
    let out = cmd
        .assert()
        .code(code)
        .stdout("")
        .get_output()
        .stderr
        .clone();
    String::from_utf8(out).unwrap()
}

fn output(cmd: &mut Command) -> Value {
    let out = cmd.assert().success().get_output().stdout.clone();
    serde_json::from_slice(&out).unwrap()
}

#[test]
fn numbers_one_per_line_from_a_file() {
    let (_dir, path) = file("txt", "45\n10\n\n 23 \n43\r\n");
    let v = output(dataproc().arg("numeric").arg(&path));
    assert_eq!(v["output_data"]["count"], 4);
    assert_eq!(v["output_data"]["std_dev"], 16.760568804985905);
    assert_eq!(v["input_data"]["streamed"], true);
    assert_eq!(v["input_data"]["format"], "lines");
    assert_eq!(v["input_data"]["items"], 4, "the blank line is not an item");
}

#[test]
fn numbers_from_stdin_with_sniffed_formats() {
    let v = output(dataproc().arg("numeric").write_stdin("[1, \"2\", true]"));
    assert_eq!(v["output_data"]["sum"], 4.0);
    assert_eq!(v["input_data"]["format"], "json");
    // Every column: the text one is reported as text, not fatal.
    let v = output(dataproc().arg("numeric").write_stdin("1,x\n2,y\n"));
    assert_eq!(v["input_data"]["format"], "csv");
    assert_eq!(v["output_data"]["columns"][0]["sum"], 3.0);
    assert_eq!(v["output_data"]["columns"][1]["type"], "text");
    assert_eq!(v["output_data"]["columns"][1]["non_numeric"], 2);
    // A quoted CSV header starts with `"` as a JSON line would; it is still CSV.
    let v = output(
        dataproc()
            .arg("numeric")
            .write_stdin("\"price\",qty\n1.5,2\n2.5,3\n"),
    );
    assert_eq!(v["input_data"]["format"], "csv");
    assert_eq!(v["output_data"]["columns"][0]["column"], "price");
    assert_eq!(v["output_data"]["columns"][0]["sum"], 4.0);
    let v = output(dataproc().arg("numeric").write_stdin("\"1.5\"\n2\n"));
    assert_eq!(v["input_data"]["format"], "jsonl");
    assert_eq!(v["output_data"]["sum"], 3.5);
    // Blank lines first: the first line with content decides, delimiter included.
    let v = output(
        dataproc()
            .args(["numeric", "--column", "b"])
            .write_stdin("\n\na\tb\n1\t2\n"),
    );
    assert_eq!(v["output_data"]["sum"], 2.0);
    fails(
        dataproc()
            .args(["numeric", "--format", "lines"])
            .write_stdin("[1]\n"),
        4,
        "line 1: Cannot Convert [1]",
    );
}

#[test]
fn a_byte_order_mark_is_skipped() {
    for (ext, text) in [
        ("txt", "\u{feff}1.5\n2\n"),
        ("csv", "\u{feff}x,y\n1.5,0\n2,0\n"),
        ("json", "\u{feff}[1.5, 2]"),
    ] {
        let (_d, path) = file(ext, text);
        let mut cmd = dataproc();
        cmd.arg("numeric").arg(&path);
        if ext == "csv" {
            cmd.args(["--column", "x"]);
        }
        assert_eq!(output(&mut cmd)["output_data"]["sum"], 3.5, "{ext}");
    }
    let v = output(dataproc().arg("numeric").write_stdin("\u{feff}[1.5, 2]"));
    assert_eq!(v["input_data"]["format"], "json");
    assert_eq!(v["output_data"]["sum"], 3.5);
}

#[test]
fn json_lines_and_json_arrays_from_files() {
    let (_d, path) = file("jsonl", "1\n\"2.5\"\n\n3\n");
    let v = output(dataproc().arg("numeric").arg(&path));
    assert_eq!(v["output_data"]["sum"], 6.5);
    let (_d, path) = file("json", "[1e16, 1.0, -1e16]");
    let v = output(dataproc().arg("numeric").arg(&path));
    assert_eq!(v["output_data"]["sum"], 1.0);
}

#[test]
fn a_bad_line_is_named_and_the_exit_code_is_non_zero() {
    let (_d, path) = file("txt", "1\n2\nthree\n4\n");
    fails(
        dataproc().arg("numeric").arg(&path),
        4,
        "line 3: Cannot Convert three to numeric",
    );
    // A last line without a line break is numbered too.
    fails(
        dataproc().arg("numeric").write_stdin("1\n2\nthree"),
        4,
        "line 3: Cannot Convert three to numeric",
    );
}

#[test]
fn a_bad_json_line_is_named() {
    let (_d, path) = file("jsonl", "1\n{oops\n");
    fails(
        dataproc().arg("numeric").arg(&path),
        3,
        "line 2: invalid JSON",
    );
}

#[test]
fn empty_input_is_a_validation_error() {
    for contents in ["", "\n\n  \n"] {
        let (_d, path) = file("txt", contents);
        fails(
            dataproc().arg("numeric").arg(&path),
            3,
            "Input data cannot be empty",
        );
    }
}

#[test]
fn nan_fails_by_default_and_can_be_skipped() {
    let (_d, path) = file("txt", "1\nnan\n3\n-inf\n");
    fails(
        dataproc().arg("numeric").arg(&path),
        4,
        "line 2: value nan is not finite",
    );
    let v = output(
        dataproc()
            .arg("numeric")
            .arg(&path)
            .arg("--skip-non-finite"),
    );
    assert_eq!(v["output_data"]["count"], 2);
    assert_eq!(v["metadata"]["skipped_non_finite"], 2);
    // The items read: the finite ones and the skipped ones.
    assert_eq!(v["input_data"]["items"], 4);
}

#[test]
fn the_median_can_be_approximate_or_left_out() {
    let numbers: String = (1..=1001).map(|i| format!("{i}\n")).collect();
    let (_d, path) = file("txt", &numbers);
    let v = output(dataproc().arg("numeric").arg(&path).arg("--approx-median"));
    let m = v["output_data"]["median"].as_f64().unwrap();
    assert!((m - 501.0).abs() <= 501.0 * 0.005, "{m}");
    assert!(
        v["metadata"]["median"]
            .as_str()
            .unwrap()
            .starts_with("approximate")
    );
    let v = output(dataproc().arg("numeric").arg(&path).arg("--no-median"));
    assert!(v["output_data"].get("median").is_none());
    assert_eq!(v["output_data"]["mean"], 501.0);
}

#[test]
fn huge_values_do_not_overflow() {
    let (_d, path) = file("txt", "1e308\n1e308\n-1e308\n");
    let out = dataproc()
        .arg("numeric")
        .arg(&path)
        .assert()
        .success()
        .get_output()
        .stdout
        .clone();
    let text = String::from_utf8(out).unwrap();
    assert!(text.contains("\"sum\": 1e+308,"), "{text}");
    let v: Value = serde_json::from_str(&text).unwrap();
    assert_eq!(v["output_data"]["max"], 1e308);
    assert_eq!(v["output_data"]["median"], 1e308);
}

#[test]
fn csv_column_by_name_with_quoting() {
    let (_d, path) = file(
        "csv",
        "id,\"price, usd\",note\n1,\"1_000\",\"a, b\"\n2,\" 2.5 \",\"say \"\"hi\"\"\"\n",
    );
    let v = output(
        dataproc()
            .arg("numeric")
            .arg(&path)
            .args(["--column", "price, usd"]),
    );
    assert_eq!(v["output_data"]["sum"], 1002.5);
    assert_eq!(v["input_data"]["format"], "csv");
}

#[test]
fn csv_column_by_index_detects_the_header() {
    let (_d, path) = file("csv", "a,b\n1,10\n2,20\n");
    let v = output(dataproc().arg("numeric").arg(&path).args(["--column", "1"]));
    assert_eq!(v["output_data"]["sum"], 30.0);
    let (_d, path) = file("csv", "5,10\n1,20\n");
    let v = output(dataproc().arg("numeric").arg(&path).args(["--column", "1"]));
    assert_eq!(v["output_data"]["sum"], 30.0);
    let (_d, path) = file("tsv", "x\ty\n1\t2\n");
    let v = output(dataproc().arg("numeric").arg(&path).args(["--column", "y"]));
    assert_eq!(v["output_data"]["sum"], 2.0);
    let v = output(
        dataproc()
            .args(["numeric", "--delimiter", ";", "--no-header", "-c", "0"])
            .write_stdin("3;4\n5;6\n"),
    );
    assert_eq!(v["output_data"]["sum"], 8.0);
    // The quote character as delimiter read nothing and reported "Input data cannot be empty".
    fails(
        dataproc()
            .args(["numeric", "--delimiter", "\""])
            .write_stdin("1\"2\n"),
        2,
        "--delimiter cannot be \"\\\"\", the CSV quote or a line end; pick another",
    );
}

#[test]
fn csv_errors_name_the_line() {
    let (_d, path) = file("csv", "a,b\n1,2\n3\n");
    fails(
        dataproc().arg("numeric").arg(&path).args(["--column", "b"]),
        3,
        "line 3: no column 1",
    );
    let (_d, path) = file("csv", "a,b\n1,2\n");
    dataproc()
        .arg("numeric")
        .arg(&path)
        .args(["--column", "zz"])
        .assert()
        .code(3)
        .stderr(predicate::str::contains(
            "no column 'zz' in the header (a, b)",
        ));
}

#[test]
fn bad_configuration_is_refused_without_panic() {
    fails(
        dataproc()
            .args(["numeric", "--max-input-size", "0"])
            .write_stdin("1\n"),
        2,
        "max_input_size must be positive.",
    );
    dataproc()
        .args(["numeric", "--timeout", "-1"])
        .write_stdin("1\n")
        .assert()
        .code(2)
        .stderr(predicate::str::contains(
            "timeout_seconds must be positive.",
        ));
    let (_d, path) = file("json", r#"{"name": "x", "timeout_seconds": 0}"#);
    dataproc()
        .arg("numeric")
        .arg("--config")
        .arg(&path)
        .write_stdin("1\n")
        .assert()
        .code(2)
        .stderr(predicate::str::contains(
            "timeout_seconds must be positive.",
        ));
}

#[test]
fn size_limit_from_flags() {
    dataproc()
        .args(["numeric", "--max-input-size", "2"])
        .write_stdin("1\n2\n3\n")
        .assert()
        .code(3)
        .stderr(predicate::str::contains(
            "Input size 3 exceeds maximum 2 (at line 3)",
        ));
}

#[test]
fn the_seed_example() {
    let out = dataproc()
        .arg("example")
        .assert()
        .success()
        .get_output()
        .stdout
        .clone();
    let text = String::from_utf8(out).unwrap();
    let json = text.strip_prefix("Numeric Result:\n").unwrap();
    let v: Value = serde_json::from_str(json).unwrap();
    assert_eq!(v["input_data"], serde_json::json!([45, 10, 23, 43]));
    assert_eq!(v["output_data"]["median"], 33.0);
    assert!(json.contains("\n  \"output_data\": {\n    \"count\": 4,\n    \"sum\": 121.0,"));
}

#[test]
fn text_categorical_pipeline_and_list() {
    let v = output(dataproc().arg("text").write_stdin("the cat\nThe dog\n\n"));
    assert_eq!(v["output_data"]["lines"], 3);
    assert_eq!(
        v["output_data"]["top_words"][0],
        serde_json::json!(["the", 2])
    );
    let v = output(
        dataproc()
            .args(["categorical", "--top-k", "1"])
            .write_stdin("red\nblue\nred\n"),
    );
    assert_eq!(v["output_data"]["mode"], "red");
    assert_eq!(v["output_data"]["cardinality"], 2);
    assert_eq!(
        v["output_data"]["frequencies"],
        serde_json::json!({"red": 2})
    );
    let v = output(
        dataproc()
            .arg("pipeline")
            .write_stdin(r#"["  HELLO WORLD  ", 3.14159, [3,1,4,1,5], {"invalid": "data"}]"#),
    );
    assert_eq!(
        v["output_data"],
        serde_json::json!(["hello world", 3.14, [1, 1, 3, 4, 5], null])
    );
    dataproc()
        .arg("list")
        .assert()
        .success()
        .stdout(predicate::str::contains("numeric").and(predicate::str::contains("TextProcessor")));
    let v = output(dataproc().args(["run", "numeric"]).write_stdin("[1, 2]"));
    assert_eq!(v["output_data"]["mean"], 1.5);
}

#[test]
fn log_file_is_written_rotated_and_off_by_default() {
    let dir = tempfile::tempdir().unwrap();
    let log = dir.path().join("dataproc.log");
    // Two lines (an ERROR for the dict, the INFO summary) against a 50-byte limit: rotates.
    Command::cargo_bin("dataproc")
        .unwrap()
        .current_dir(dir.path())
        .args(["--log-max-bytes", "50", "--log-backups", "2", "--log-file"])
        .arg(&log)
        .arg("pipeline")
        .write_stdin(r#"[{"a": 1}, 2]"#)
        .assert()
        .success();
    let mut text = String::new();
    let mut files = 0;
    for entry in std::fs::read_dir(dir.path()).unwrap() {
        let path = entry.unwrap().path();
        let name = path.file_name().unwrap().to_string_lossy().into_owned();
        assert!(name.starts_with("dataproc.log"), "{name}");
        text.push_str(&std::fs::read_to_string(&path).unwrap());
        files += 1;
    }
    assert!(files >= 2, "the file rotated");
    assert!(text.contains("[INFO] Processed 2 items in"), "{text}");
    assert!(
        text.contains("[ERROR] Processing Error : No processor found for datatype :<class 'dict'>"),
        "{text}"
    );
    // Without --log-file nothing is written.
    let quiet = tempfile::tempdir().unwrap();
    Command::cargo_bin("dataproc")
        .unwrap()
        .current_dir(quiet.path())
        .args(["numeric", "-"])
        .write_stdin("1\n")
        .assert()
        .success();
    assert_eq!(std::fs::read_dir(quiet.path()).unwrap().count(), 0);
}

#[test]
fn a_failure_is_one_line_on_stderr_and_the_seed_event_goes_to_the_log_file() {
    let dir = tempfile::tempdir().unwrap();
    let log = dir.path().join("dataproc.log");
    let (_d, path) = file("txt", "1\n2\nthree\n4\n");
    // Without --quiet: the console is at INFO, where the library's ERROR event would show.
    let stderr = stderr_of(
        Command::cargo_bin("dataproc")
            .unwrap()
            .arg("--log-file")
            .arg(&log)
            .arg("numeric")
            .arg(&path),
        4,
    );
    assert_eq!(
        stderr.lines().collect::<Vec<_>>(),
        [format!(
            "dataproc: processing error: Numeric processing failed: {}: line 3: Cannot Convert \
             three to numeric: could not convert string to float: 'three'",
            path.display()
        )],
        "{stderr}"
    );
    let logged = std::fs::read_to_string(&log).unwrap();
    assert_eq!(
        logged.matches("[ERROR] Processing failed after ").count(),
        1,
        "logged once: {logged}"
    );
    assert!(logged.contains("line 3: Cannot Convert three"), "{logged}");
}

#[test]
fn a_line_break_inside_a_bad_csv_field_stays_on_the_one_error_line() {
    let (_d, path) = file("csv", "1\n\"x\ny\"\n");
    let stderr = stderr_of(
        Command::cargo_bin("dataproc")
            .unwrap()
            .args(["numeric", "--no-header", "--column", "0"])
            .arg(&path),
        4,
    );
    assert_eq!(stderr.lines().count(), 1, "{stderr}");
    assert!(
        stderr.contains("Cannot Convert x\\ny to numeric"),
        "{stderr}"
    );
}

#[test]
fn crlf_line_ends_are_not_part_of_the_items() {
    let v = output(
        dataproc()
            .args(["run", "categorical", "--format", "lines"])
            .write_stdin("Red\r\nred\r\nRed\r\n"),
    );
    assert_eq!(
        v["output_data"]["frequencies"],
        serde_json::json!({"Red": 2, "red": 1})
    );
    let v = output(dataproc().args(["run", "text"]).write_stdin("ab\r\ncd\r\n"));
    assert_eq!(v["output_data"]["characters"], 4);
    fails(
        dataproc().arg("numeric").write_stdin("1\r\nx\r\n"),
        4,
        "line 2: Cannot Convert x to numeric: could not convert string to float: 'x'\n",
    );
}

#[test]
fn a_list_of_mixed_kinds_in_the_pipeline_is_a_null_not_a_panic() {
    // This list made the standard sort panic ("comparison function does not correctly
    // implement a total order") when the pipeline fed it an inconsistent comparator.
    let list = r#"[["40",3,"5",9,"9",19,"41",31,"20",15,"43","47","8","18","17",30,"1",38,22,25,29,"10","28",14,"43","36",42,"24",26,38]]"#;
    let v = output(dataproc().arg("pipeline").write_stdin(list));
    assert_eq!(v["output_data"], serde_json::json!([null]));
    assert_eq!(v["metadata"]["unprocessed"], 1);
}

#[test]
fn a_missing_file_or_a_directory_is_a_clear_validation_error() {
    let dir = tempfile::tempdir().unwrap();
    let missing = dir.path().join("nope.txt");
    fails(dataproc().arg("numeric").arg(&missing), 3, "cannot open ");
    let stderr = stderr_of(dataproc().arg("numeric").arg(dir.path()), 3);
    assert_eq!(
        stderr,
        format!(
            "dataproc: validation error: cannot read {}: it is a directory; pass a file, or - \
             for standard input\n",
            dir.path().display()
        )
    );
}

#[test]
fn bytes_that_are_not_utf8_are_a_bad_number_not_a_crash() {
    fails(
        dataproc().arg("numeric").write_stdin(&b"1\n\xff2\n"[..]),
        4,
        "line 2: Cannot Convert \u{fffd}2 to numeric",
    );
}

#[test]
fn python_float_spellings_on_the_command_line() {
    // python3 -c "print(sum(map(float, ['1_000', '-0', '١٢٣', ' +2.5e0 ', '1e-400'])))"
    let v = output(
        dataproc()
            .arg("numeric")
            .write_stdin("1_000\n-0\n١٢٣\n +2.5e0 \n1e-400\n"),
    );
    assert_eq!(v["output_data"]["sum"], 1125.5);
    assert_eq!(v["output_data"]["count"], 5);
    for bad in ["_1", "1__0", "1_", "0x10", "²"] {
        fails(
            dataproc().arg("numeric").write_stdin(format!("1\n{bad}\n")),
            4,
            &format!("line 2: Cannot Convert {bad} to numeric"),
        );
    }
    // float('1e999') is inf in Python: refused by default like any non-finite value.
    fails(
        dataproc().arg("numeric").write_stdin("1\n1e999\n"),
        4,
        "line 2: value inf is not finite",
    );
}

/// The standard output of a successful run.
fn text_of(cmd: &mut Command) -> String {
    String::from_utf8(cmd.assert().success().get_output().stdout.clone()).unwrap()
}

const NOTES: &str = "The cat\nthe dog.\nA cat!\n";
const COLOURS: &str = "red\nblue\nred\ngreen\n";
const BATCH: &str = r#"["  HELLO WORLD  ", 3.14159, [3,1,4,1,5], {"invalid": "data"}]"#;

#[test]
fn text_counts_in_every_output_format() {
    let (_d, path) = file("txt", NOTES);
    let run = |format: &str| {
        text_of(
            dataproc()
                .arg("text")
                .arg(&path)
                .args(["--output-format", format]),
        )
    };
    // One record; JSON keeps top_words as [word, count] lists.
    assert_eq!(
        run("jsonl"),
        "{\"lines\": 3, \"words\": 6, \"characters\": 21, \"distinct_words\": 4, \"top_words\": \
         [[\"cat\", 2], [\"the\", 2], [\"a\", 1], [\"dog\", 1]]}\n"
    );
    // CSV and the table write the pairs as word:count (a word holds no white space).
    assert_eq!(
        run("csv"),
        "lines,words,characters,distinct_words,top_words\n3,6,21,4,cat:2 the:2 a:1 dog:1\n"
    );
    assert_eq!(
        run("table"),
        "lines                               3\n\
         words                               6\n\
         characters                         21\n\
         distinct_words                      4\n\
         top_words       cat:2 the:2 a:1 dog:1\n"
    );
    let v: Value = serde_json::from_str(&run("json")).unwrap();
    assert_eq!(v["processor_name"], "TextProcessor");
    assert_eq!(
        v["output_data"]["top_words"][0],
        serde_json::json!(["cat", 2])
    );
    // No top words: an empty cell, not `[]`.
    let csv = text_of(
        dataproc()
            .args(["text", "--top-k", "0", "--output-format", "csv"])
            .arg(&path),
    );
    assert_eq!(
        csv,
        "lines,words,characters,distinct_words,top_words\n3,6,21,4,\n"
    );
}

#[test]
fn categorical_counts_are_a_row_per_category_in_every_output_format() {
    let (_d, path) = file("txt", COLOURS);
    let run = |format: &str, extra: &[&str]| {
        text_of(
            dataproc()
                .arg("categorical")
                .arg(&path)
                .args(["--output-format", format])
                .args(extra),
        )
    };
    // By count, then first appearance (blue before green).
    assert_eq!(
        run("jsonl", &[]),
        "{\"category\": \"red\", \"count\": 2}\n\
         {\"category\": \"blue\", \"count\": 1}\n\
         {\"category\": \"green\", \"count\": 1}\n"
    );
    assert_eq!(run("csv", &[]), "category,count\nred,2\nblue,1\ngreen,1\n");
    assert_eq!(
        run("csv", &["--top-k", "2"]),
        "category,count\nred,2\nblue,1\n"
    );
    assert_eq!(
        run("table", &[]),
        "category  count\nred           2\nblue          1\ngreen         1\n"
    );
    let v: Value = serde_json::from_str(&run("json", &[])).unwrap();
    assert_eq!(v["output_data"]["cardinality"], 3);
    assert_eq!(v["output_data"]["mode"], "red");
    // A category with a comma, a quote or spaces stays one CSV field.
    let (_d, path) = file("txt", "a, \"b\"\nplain\na, \"b\"\n");
    let csv = text_of(
        dataproc()
            .args(["categorical", "--format", "lines", "--output-format", "csv"])
            .arg(&path),
    );
    assert_eq!(csv, "category,count\n\"a, \"\"b\"\"\",2\nplain,1\n");
}

#[test]
fn pipeline_and_run_results_in_every_output_format() {
    let pipeline = |format: &str| {
        text_of(
            dataproc()
                .args(["pipeline", "--output-format", format])
                .write_stdin(BATCH),
        )
    };
    // A record per item: its index and its output (null: no processor took it).
    assert_eq!(
        pipeline("jsonl"),
        "{\"item\": 0, \"output\": \"hello world\"}\n\
         {\"item\": 1, \"output\": 3.14}\n\
         {\"item\": 2, \"output\": [1, 1, 3, 4, 5]}\n\
         {\"item\": 3, \"output\": null}\n"
    );
    assert_eq!(
        pipeline("csv"),
        "item,output\n0,hello world\n1,3.14\n2,\"[1, 1, 3, 4, 5]\"\n3,\n"
    );
    assert_eq!(
        pipeline("table"),
        "item           output\n\
         0         hello world\n\
         1                3.14\n\
         2     [1, 1, 3, 4, 5]\n\
         3\n"
    );
    // `run` writes each processor's result as its own subcommand does.
    let csv = text_of(
        dataproc()
            .args(["run", "categorical", "--output-format", "csv"])
            .write_stdin(r#"["x", "y", "x"]"#),
    );
    assert_eq!(csv, "category,count\nx,2\ny,1\n");
    // A text with a newline or a tab keeps the table one line a row.
    let table = text_of(
        dataproc()
            .args(["run", "categorical", "--output-format", "table"])
            .write_stdin(r#"["two\nlines", "a\ttab", "two\nlines"]"#),
    );
    assert_eq!(
        table,
        "category    count\ntwo\\nlines      2\na\\ttab          1\n"
    );
    let csv = text_of(
        dataproc()
            .args(["run", "numeric", "--output-format", "csv"])
            .write_stdin("[1, 2]"),
    );
    assert_eq!(
        csv,
        "count,sum,mean,median,min,max,std_dev\n2,3.0,1.5,1.5,1.0,2.0,0.7071067811865476\n"
    );
    let jsonl = text_of(
        dataproc()
            .args(["run", "text", "--output-format", "jsonl"])
            .write_stdin(r#"["a b", "b"]"#),
    );
    assert_eq!(
        jsonl,
        "{\"lines\": 2, \"words\": 3, \"characters\": 4, \"distinct_words\": 2, \"top_words\": \
         [[\"b\", 2], [\"a\", 1]]}\n"
    );
}

#[test]
fn non_finite_results_are_spelled_per_format() {
    let (_d, path) = file("txt", "1e308\n1.5e308\n");
    let run = |format: &str| {
        text_of(
            dataproc()
                .args(["numeric", "--stats", "sum,max", "--output-format", format])
                .arg(&path),
        )
    };
    assert_eq!(
        run("jsonl"),
        "{\"column\": \"value\", \"type\": \"numeric\", \"sum\": Infinity, \"max\": 1.5e+308}\n"
    );
    assert_eq!(
        run("table"),
        "         value\ntype   numeric\nsum        inf\nmax   1.5e+308\n"
    );
}

/// The subcommands that print a result, each with an input that works and one that fails
/// (more items than `--max-input-size 1`).
fn every_subcommand() -> Vec<(Vec<&'static str>, &'static str, &'static str)> {
    vec![
        (vec!["numeric"], "1\n2\n", "txt"),
        (vec!["text"], NOTES, "txt"),
        (vec!["categorical"], COLOURS, "txt"),
        (vec!["pipeline"], BATCH, "json"),
        (vec!["run", "categorical"], r#"["x", "y"]"#, "json"),
    ]
}

#[test]
fn no_meta_and_output_files_on_every_subcommand() {
    for (args, input, ext) in every_subcommand() {
        let (dir, path) = file(ext, input);
        let run = |extra: &[&str]| {
            let mut cmd = dataproc();
            cmd.args(&args).arg(&path).args(extra);
            cmd
        };
        // --no-meta: no timestamp or processing time, so two runs are byte-identical.
        let first = text_of(&mut run(&["--no-meta"]));
        assert_eq!(first, text_of(&mut run(&["--no-meta"])), "{args:?}");
        let v: Value = serde_json::from_str(&first).unwrap();
        assert!(v.get("timestamp").is_none(), "{args:?}");
        assert!(v.get("processing_time").is_none(), "{args:?}");
        assert!(v["metadata"]["processor_type"].is_string(), "{args:?}");
        let with_meta: Value = output(&mut run(&[]));
        assert!(with_meta["processing_time"].is_number(), "{args:?}");
        // -o / --output: the file holds what stdout would, and stdout stays empty.
        for (flag, format) in [("-o", "csv"), ("--output", "jsonl"), ("-o", "json")] {
            let out = dir.path().join(format!("out.{format}"));
            let expected = text_of(&mut run(&["--no-meta", "--output-format", format]));
            run(&["--no-meta", "--output-format", format, flag])
                .arg(&out)
                .assert()
                .success()
                .stdout("");
            assert_eq!(
                std::fs::read_to_string(&out).unwrap(),
                expected,
                "{args:?} {flag}"
            );
        }
        // A failed run leaves the earlier file as it was, and no part file behind.
        let out = dir.path().join("out.csv");
        let before = std::fs::read_to_string(&out).unwrap();
        run(&["--max-input-size", "1", "--output-format", "csv", "-o"])
            .arg(&out)
            .assert()
            .code(3)
            .stdout("");
        assert_eq!(std::fs::read_to_string(&out).unwrap(), before, "{args:?}");
        let mut names: Vec<String> = std::fs::read_dir(dir.path())
            .unwrap()
            .map(|e| e.unwrap().file_name().to_string_lossy().into_owned())
            .collect();
        names.sort();
        assert_eq!(
            names,
            [
                format!("input.{ext}"),
                "out.csv".into(),
                "out.json".into(),
                "out.jsonl".into()
            ],
            "{args:?}"
        );
    }
}

#[test]
fn an_output_file_is_replaced_whole_or_not_at_all() {
    let (dir, path) = file("txt", COLOURS);
    let run = |out: &std::path::Path| {
        let mut cmd = dataproc();
        cmd.args(["categorical", "--output-format", "csv", "-o"])
            .arg(out)
            .arg(&path);
        cmd
    };
    // A directory that does not exist: a clear error, nothing created.
    let missing = dir.path().join("no-such-dir").join("out.csv");
    let stderr = stderr_of(&mut run(&missing), 4);
    assert!(
        stderr.starts_with(&format!(
            "dataproc: processing error: cannot write the result to {}: ",
            missing.display()
        )) && stderr.ends_with("; check the path and permissions\n"),
        "{stderr}"
    );
    assert!(!dir.path().join("no-such-dir").exists());
    // A directory is not overwritten.
    fails(&mut run(dir.path()), 4, "cannot write the result to");
    assert!(dir.path().is_dir());
    #[cfg(unix)]
    {
        use std::os::unix::fs::PermissionsExt;
        // An existing file keeps its permissions.
        let kept = dir.path().join("kept.csv");
        std::fs::write(&kept, "old\n").unwrap();
        std::fs::set_permissions(&kept, std::fs::Permissions::from_mode(0o640)).unwrap();
        run(&kept).assert().success();
        assert_eq!(
            std::fs::read_to_string(&kept).unwrap(),
            "category,count\nred,2\nblue,1\ngreen,1\n"
        );
        let mode = std::fs::metadata(&kept).unwrap().permissions().mode();
        assert_eq!(mode & 0o777, 0o640);
        // A symbolic link is written through: the link stays, its target is replaced.
        let target = dir.path().join("target.csv");
        std::fs::write(&target, "old\n").unwrap();
        let link = dir.path().join("link.csv");
        std::os::unix::fs::symlink(&target, &link).unwrap();
        run(&link).assert().success();
        assert!(
            std::fs::symlink_metadata(&link)
                .unwrap()
                .file_type()
                .is_symlink()
        );
        assert_eq!(
            std::fs::read_to_string(&target).unwrap(),
            "category,count\nred,2\nblue,1\ngreen,1\n"
        );
    }
}
