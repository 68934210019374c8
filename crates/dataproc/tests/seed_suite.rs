//! The seed's test suite (`tests/test_data_processing.py`, as the spec describes it)
//! carried over to Rust: configuration, results, errors, validation, the numeric
//! processor, the class rules (see also `class_rules.rs`), the registry, the pipeline
//! and logging. Where the Rust crate deliberately differs from the seed, the test says so.
#![allow(clippy::unwrap_used, clippy::expect_used)]
// The seed's example batch holds 3.14159 and expects 3.14: data, not an approximation of pi.
#![allow(clippy::approx_constant)]

use std::cell::RefCell;
use std::io;
use std::sync::Once;

use dataproc::pyjson::py_float_repr;
use dataproc::{
    CategoricalProcessor, Error, ErrorKind, InputData, NumericOptions, NumericProcessor,
    PipelineProcessor, ProcessingResult, Processor, ProcessorConfig, TextProcessor,
};
use serde_json::{Value, json};

fn config(max: i128) -> ProcessorConfig {
    ProcessorConfig::builder("TestConfig")
        .max_input_size(max)
        .build()
        .unwrap()
}

fn numeric() -> NumericProcessor {
    NumericProcessor::new(config(1000))
}

// ---------------------------------------------------------------- ProcessorConfig

#[test]
fn config_has_the_seed_defaults() {
    let c = ProcessorConfig::builder("TestConfig").build().unwrap();
    assert_eq!(c.name(), "TestConfig");
    assert_eq!(c.description(), "");
    assert_eq!(c.max_input_size(), 1000);
    assert_eq!(c.timeout_seconds(), 30.0);
    assert!(c.validate_input());
    assert!(c.log_results());
    assert!(c.additional_params().is_empty());
}

#[test]
fn config_accepts_custom_values_and_float_timeout() {
    let c = ProcessorConfig::builder("Custom")
        .description("d")
        .max_input_size(500)
        .timeout_seconds(10.0)
        .validate_input(false)
        .log_results(false)
        .param("k", "v")
        .build()
        .unwrap();
    assert_eq!(c.max_input_size(), 500);
    assert_eq!(c.timeout_seconds(), 10.0);
    assert!(!c.validate_input());
    assert!(!c.log_results());
    assert_eq!(c.additional_params()["k"], "v");
}

#[test]
fn non_positive_max_input_size_is_a_configuration_error() {
    for bad in [0, -1, -1000] {
        let err = ProcessorConfig::builder("x")
            .max_input_size(bad)
            .build()
            .unwrap_err();
        assert_eq!(err.kind(), ErrorKind::Configuration);
        assert_eq!(err.to_string(), "max_input_size must be positive.");
    }
}

#[test]
fn non_positive_timeout_is_a_configuration_error() {
    for bad in [0.0, -1.0, -0.5, f64::NAN] {
        let err = ProcessorConfig::builder("x")
            .timeout_seconds(bad)
            .build()
            .unwrap_err();
        assert_eq!(err.kind(), ErrorKind::Configuration);
        assert_eq!(err.to_string(), "timeout_seconds must be positive.");
    }
}

#[test]
fn config_from_json_checks_the_same_rules_and_reads_the_seed_spelling() {
    let c = ProcessorConfig::from_json(
        r#"{"name": "j", "max_input_size": 5, "timeout_seconds": 1.5, "additional_pars": {"top_k": 3}}"#,
    )
    .unwrap();
    assert_eq!(c.max_input_size(), 5);
    assert_eq!(c.count_param("top_k"), Some(3));
    let err = ProcessorConfig::from_json(r#"{"name": "j", "max_input_size": -3}"#).unwrap_err();
    assert_eq!(err.to_string(), "max_input_size must be positive.");
    let err = ProcessorConfig::from_json(r#"{"max_input_size": 3}"#).unwrap_err();
    assert_eq!(err.kind(), ErrorKind::Configuration);
}

// ---------------------------------------------------------------- ProcessingResult

fn sample_result() -> ProcessingResult {
    let mut r = ProcessingResult::new(
        "TestProcessor",
        InputData::Items(json!([1, 2, 3])),
        json!({"result": "success"}),
        0.5,
    );
    r.metadata.insert("key".into(), "value".into());
    r
}

#[test]
fn result_to_dict_has_exactly_the_six_seed_keys_in_order() {
    let d = sample_result().to_dict();
    let keys: Vec<_> = d.keys().map(String::as_str).collect();
    assert_eq!(
        keys,
        [
            "processor_name",
            "input_data",
            "output_data",
            "processing_time",
            "timestamp",
            "metadata"
        ]
    );
    assert_eq!(d["processor_name"], "TestProcessor");
    assert_eq!(d["input_data"], json!([1, 2, 3]));
    assert_eq!(d["output_data"], json!({"result": "success"}));
    assert_eq!(d["processing_time"], 0.5);
    assert_eq!(d["metadata"], json!({"key": "value"}));
}

#[test]
fn result_timestamp_is_iso_8601_local_time() {
    let d = sample_result().to_dict();
    let ts = d["timestamp"].as_str().unwrap();
    // Python's isoformat: YYYY-MM-DDTHH:MM:SS[.ffffff]
    assert!(ts.len() == 19 || ts.len() == 26, "{ts}");
    assert_eq!(&ts[10..11], "T");
    assert!(ts.parse::<jiff::civil::DateTime>().is_ok(), "{ts}");
}

#[test]
fn result_to_json_is_indented_by_two_and_parses_back() {
    let r = sample_result();
    let text = r.to_json();
    assert!(
        text.starts_with(
            "{\n  \"processor_name\": \"TestProcessor\",\n  \"input_data\": [\n    1,"
        )
    );
    let back: Value = serde_json::from_str(&text).unwrap();
    assert_eq!(back, Value::Object(r.to_dict()));
    // Written from a borrowed view, byte for byte the dict's text.
    assert_eq!(text, dataproc::pyjson::to_py_json(&r.to_dict()));
}

// ---------------------------------------------------------------- errors

#[test]
fn the_three_kinds_are_one_error_type() {
    let all = [
        Error::Validation("v".into()),
        Error::Processing("p".into()),
        Error::Configuration("c".into()),
    ];
    let kinds: Vec<_> = all.iter().map(Error::kind).collect();
    assert_eq!(
        kinds,
        [
            ErrorKind::Validation,
            ErrorKind::Processing,
            ErrorKind::Configuration
        ]
    );
    // "Catching the base": every kind is a std::error::Error with its message.
    let messages: Vec<String> = all
        .iter()
        .map(|e| (e as &dyn std::error::Error).to_string())
        .collect();
    assert_eq!(messages, ["v", "p", "c"]);
}

// ---------------------------------------------------------------- validate_input

#[test]
fn validation_messages_and_order_are_the_seeds() {
    let p = NumericProcessor::new(config(3));
    let cases = [
        (json!("not a list"), "Input data must be list"),
        (json!({"a": 1}), "Input data must be list"),
        (json!([]), "Input data cannot be empty"),
        (json!([1, 2, 3, 4]), "Input size 4 exceeds maximum 3"),
    ];
    for (data, message) in cases {
        assert_eq!(p.validate_input(&data).unwrap_err().to_string(), message);
        // Unlike the seed, `process` keeps them validation errors.
        let err = p.process(&data).unwrap_err();
        assert_eq!(err.kind(), ErrorKind::Validation, "{data}");
        assert_eq!(err.to_string(), message);
    }
    assert_eq!(p.validate_input(&json!([1, 2, 3])).unwrap().len(), 3);
}

// ---------------------------------------------------------------- NumericProcessor

#[test]
fn seed_example_main_py() {
    let c = ProcessorConfig::builder("NumericStats")
        .description("Calculate Numeric Statistics")
        .max_input_size(500)
        .build()
        .unwrap();
    let r = NumericProcessor::new(c)
        .process(&json!([45, 10, 23, 43]))
        .unwrap();
    assert_eq!(r.processor_name, "NumericProcessor");
    assert_eq!(r.input_data, InputData::Items(json!([45, 10, 23, 43])));
    assert_eq!(
        r.output_data,
        // python3 -c 'import statistics; print(statistics.stdev([45,10,23,43]))'
        json!({"count": 4, "sum": 121.0, "mean": 30.25, "median": 33.0,
               "min": 10.0, "max": 45.0, "std_dev": 16.760568804985905})
    );
    assert_eq!(r.metadata["data_type"], "numeric");
    assert_eq!(r.metadata["processor_type"], "numeric");
    assert_eq!(r.metadata["std_dev"], "sample (n-1)");
    let text = r.to_json();
    assert!(text.contains("\n    \"sum\": 121.0,\n"), "{text}");
    assert!(r.processing_time >= 0.0);
}

#[test]
fn output_keys_are_the_seeds_in_order() {
    let r = numeric().process(&json!([1, 2, 3, 4, 5])).unwrap();
    let keys: Vec<_> = r.output_data.as_object().unwrap().keys().cloned().collect();
    assert_eq!(
        keys,
        ["count", "sum", "mean", "median", "min", "max", "std_dev"]
    );
    assert_eq!(r.output_data["median"], 3.0);
    assert_eq!(r.output_data["std_dev"], 1.5811388300841898);
}

#[test]
fn single_value_has_no_std_dev() {
    let r = numeric().process(&json!([42])).unwrap();
    let out = r.output_data.as_object().unwrap();
    assert_eq!(out["count"], 1);
    assert_eq!(out["mean"], 42.0);
    assert_eq!(out["median"], 42.0);
    assert!(!out.contains_key("std_dev"));
}

#[test]
fn even_count_median_is_the_mean_of_the_middle_two() {
    let r = numeric().process(&json!([4, 1, 3, 2])).unwrap();
    assert_eq!(r.output_data["median"], 2.5);
}

#[test]
fn items_convert_as_python_float_does() {
    let r = numeric()
        .process(&json!(["1", " 2.5 ", true, false, "1_000", "-3e0", 7]))
        .unwrap();
    assert_eq!(r.output_data["count"], 7);
    assert_eq!(
        r.output_data["sum"],
        1.0 + 2.5 + 1.0 + 0.0 + 1000.0 - 3.0 + 7.0
    );
    assert_eq!(r.output_data["min"], -3.0);
    assert_eq!(r.output_data["max"], 1000.0);
}

#[test]
fn unconvertible_items_are_processing_errors_with_the_seed_message() {
    let cases = [
        (
            json!([1, "invalid"]),
            "Numeric processing failed: Cannot Convert invalid to numeric: could not convert string to float: 'invalid'",
        ),
        (
            json!([1, null]),
            "Numeric processing failed: Cannot Convert None to numeric: float() argument must be a string or a real number, not 'NoneType'",
        ),
        (
            json!([[1, 2]]),
            "Numeric processing failed: Cannot Convert [1, 2] to numeric: float() argument must be a string or a real number, not 'list'",
        ),
        (
            json!([{"a": 1}]),
            "Numeric processing failed: Cannot Convert {'a': 1} to numeric: float() argument must be a string or a real number, not 'dict'",
        ),
    ];
    for (data, message) in cases {
        let err = numeric().process(&data).unwrap_err();
        assert_eq!(err.kind(), ErrorKind::Processing);
        assert_eq!(err.to_string(), message);
    }
}

#[test]
fn nan_and_infinity_fail_naming_the_position_by_default() {
    let err = numeric().process(&json!([1, 2, "nan"])).unwrap_err();
    assert_eq!(err.kind(), ErrorKind::Processing);
    assert!(
        err.to_string().contains("item 2: value nan is not finite"),
        "{err}"
    );
    let err = numeric().process(&json!(["-Infinity"])).unwrap_err();
    assert!(err.to_string().contains("item 0: value -inf"), "{err}");
}

#[test]
fn nan_and_infinity_can_be_skipped_and_counted() {
    let options = NumericOptions {
        skip_non_finite: true,
        median: dataproc::Median::Exact,
    };
    let p = NumericProcessor::with_options(config(100), options);
    let r = p.process(&json!([1, "nan", 3, "inf", "-inf"])).unwrap();
    assert_eq!(r.output_data["count"], 2);
    assert_eq!(r.output_data["mean"], 2.0);
    assert_eq!(r.metadata["skipped_non_finite"], 3);
    // The same option from the config's additional parameters.
    let c = ProcessorConfig::builder("x")
        .param("skip_non_finite", true)
        .build()
        .unwrap();
    assert!(NumericProcessor::new(c).options().skip_non_finite);
    // Only non-finite values: nothing left is still an empty input.
    let err = p.process(&json!(["nan"])).unwrap_err();
    assert_eq!(err.kind(), ErrorKind::Validation);
}

#[test]
fn sums_are_correctly_rounded_where_python_sum_is_not() {
    // Python: sum([1e16, 1.0, -1e16]) == 0.0
    let r = numeric().process(&json!([1e16, 1.0, -1e16])).unwrap();
    assert_eq!(r.output_data["sum"], 1.0);
    let r = numeric().process(&json!([1e308, 1e308, -1e308])).unwrap();
    assert_eq!(r.output_data["sum"], 1e308);
    // The exact sum is 1e308, so the once-rounded mean is 1e308 / 3 in f64.
    assert_eq!(r.output_data["mean"], 1e308 / 3.0);
}

#[test]
fn mean_rounds_once_as_statistics_mean() {
    // python3 -c 'import statistics; print(statistics.mean([0.1, 0.2, 0.3]))' -> 0.2
    let r = numeric().process(&json!([0.1, 0.2, 0.3])).unwrap();
    assert_eq!(r.output_data["mean"], 0.2);
    assert_eq!(py_float_repr(r.output_data["sum"].as_f64().unwrap()), "0.6");
}

#[test]
fn typed_fast_path_gives_the_same_statistics() {
    let values = [45.0, 10.0, 23.0, 43.0];
    let fast = numeric().process_numbers(&values).unwrap();
    let slow = numeric().process(&json!(values)).unwrap();
    assert_eq!(fast.output_data, slow.output_data);
    assert_eq!(
        numeric().process_numbers(&[]).unwrap_err().kind(),
        ErrorKind::Validation
    );
}

#[test]
fn without_validation_a_non_list_is_still_refused() {
    let c = ProcessorConfig::builder("x")
        .validate_input(false)
        .max_input_size(1)
        .build()
        .unwrap();
    let p = NumericProcessor::new(c);
    assert_eq!(
        p.process(&json!(5)).unwrap_err().to_string(),
        "Input data must be list"
    );
}

#[test]
fn streaming_fold_enforces_the_size_limit() {
    let p = NumericProcessor::new(config(2));
    let mut fold = p.fold();
    fold.push(1.0, dataproc::Position::Line(1)).unwrap();
    fold.push(2.0, dataproc::Position::Line(2)).unwrap();
    let err = fold.push(3.0, dataproc::Position::Line(3)).unwrap_err();
    assert_eq!(err.kind(), ErrorKind::Validation);
    assert!(
        err.to_string()
            .starts_with("Input size 3 exceeds maximum 2"),
        "{err}"
    );
}

#[test]
fn timeout_is_enforced_on_long_streams() {
    // The seed never enforces timeout_seconds; here a stream past its time-out stops with a
    // processing error. The clock is read every 2^16 values, so a 1 ns limit is always past.
    let c = ProcessorConfig::builder("x")
        .max_input_size(1 << 20)
        .timeout_seconds(1e-9)
        .build()
        .unwrap();
    let p = NumericProcessor::new(c);
    let mut fold = p.fold();
    let err = (0..1u64 << 17)
        .find_map(|i| fold.push(1.0, dataproc::Position::Line(i + 1)).err())
        .expect("the time-out fires");
    assert_eq!(err.kind(), ErrorKind::Processing);
    assert!(err.to_string().contains("timed out"), "{err}");
    assert!(err.to_string().contains("at line 65536"), "{err}");
}

// ---------------------------------------------------------------- other processors

#[test]
fn text_processor_counts() {
    let p = TextProcessor::new(config(10));
    let r = p
        .process(&json!(["Hello world", "hello, World!\nbye"]))
        .unwrap();
    assert_eq!(r.output_data["lines"], 3);
    assert_eq!(r.output_data["words"], 5);
    assert_eq!(r.output_data["characters"], 11 + 17);
    assert_eq!(r.output_data["distinct_words"], 3);
    assert_eq!(
        r.output_data["top_words"],
        json!([["hello", 2], ["world", 2], ["bye", 1]])
    );
    let err = p.process(&json!(["ok", 3])).unwrap_err();
    assert_eq!(err.kind(), ErrorKind::Processing);
}

#[test]
fn categorical_processor_counts_with_first_seen_mode() {
    let p = CategoricalProcessor::new(config(10));
    let r = p.process(&json!(["b", "a", "a", "b", "c"])).unwrap();
    assert_eq!(r.output_data["count"], 5);
    assert_eq!(r.output_data["cardinality"], 3);
    assert_eq!(r.output_data["mode"], "b");
    let keys: Vec<_> = r.output_data["frequencies"]
        .as_object()
        .unwrap()
        .keys()
        .cloned()
        .collect();
    assert_eq!(keys, ["b", "a", "c"]);
}

#[test]
fn seed_pipeline_example_batch() {
    let p = PipelineProcessor::new(config(10));
    let r = p
        .process(&json!(["  HELLO WORLD  ", 3.14159, [3, 1, 4, 1, 5], {"invalid": "data"}]))
        .unwrap();
    assert_eq!(
        r.output_data,
        json!(["hello world", 3.14, [1, 1, 3, 4, 5], null])
    );
    assert_eq!(r.metadata["unprocessed"], 1);
}

#[test]
fn pipeline_reports_items_nobody_takes() {
    let pipeline = dataproc::pipeline::Pipeline::seed();
    let err = pipeline
        .process_item(&json!({"invalid": "data"}))
        .unwrap_err();
    // The seed's message: `f"No processor found for datatype :{ type(data)}"`.
    assert_eq!(
        err.to_string(),
        "No processor found for datatype :<class 'dict'>"
    );
    assert_eq!(
        err.report_line(),
        "Processing Error : No processor found for datatype :<class 'dict'>"
    );
    let err = pipeline.process_item(&json!(null)).unwrap_err();
    assert_eq!(
        err.to_string(),
        "No processor found for datatype :<class 'NoneType'>"
    );
    let err = pipeline.process_item(&json!([1, "a"])).unwrap_err();
    assert_eq!(
        err.to_string(),
        "'<' not supported between instances of 'str' and 'int'"
    );
    assert_eq!(pipeline.process_item(&json!(7)).unwrap(), json!(7));
    // In Python `True` is an int, so the seed's number processor (tried first) takes it.
    assert_eq!(pipeline.process_item(&json!(true)).unwrap(), json!(1));
    // The batch keeps going and reports each failure with its item's index.
    let out = pipeline.process_batch(&[json!(null), json!("  A "), json!({"k": 1})]);
    assert_eq!(out.results, [None, Some(json!("a")), None]);
    assert_eq!(
        out.error_lines(),
        [
            "Processing Error : No processor found for datatype :<class 'NoneType'>",
            "Processing Error : No processor found for datatype :<class 'dict'>",
        ]
    );
    assert_eq!(
        out.errors.iter().map(|(i, _)| *i).collect::<Vec<_>>(),
        [0, 2]
    );
}

#[test]
fn a_long_list_of_mixed_kinds_is_refused_as_python_does_not_a_panic() {
    let pipeline = dataproc::pipeline::Pipeline::seed();
    // Shuffled lists of 21 to 60 items: the standard sort detected the inconsistent
    // comparator the pipeline used to give it here and panicked.
    let mut state = 12_345u64;
    for len in 21..=60 {
        let mixed: Vec<Value> = (0..len)
            .map(|_| {
                state = state
                    .wrapping_mul(6_364_136_223_846_793_005)
                    .wrapping_add(1);
                let n = (state >> 33) % 50;
                if (state >> 20) & 1 == 0 {
                    json!(n)
                } else {
                    json!(n.to_string())
                }
            })
            .collect();
        let err = pipeline.process_item(&Value::from(mixed)).unwrap_err();
        assert!(
            err.to_string()
                .starts_with("'<' not supported between instances of")
        );
    }
    // python3 -c "sorted(['a', 'b', 3, 1])"
    let err = pipeline.process_item(&json!(["a", "b", 3, 1])).unwrap_err();
    assert_eq!(
        err.to_string(),
        "'<' not supported between instances of 'int' and 'str'"
    );
    let sorted = pipeline.process_item(&json!([2.5, true, -1, 0])).unwrap();
    assert_eq!(sorted, json!([-1, 0, true, 2.5]));
}

// ---------------------------------------------------------------- registry

#[test]
fn processors_register_by_type_tag() {
    let tags: Vec<_> = dataproc::registered()
        .iter()
        .map(|e| e.processor_type)
        .collect();
    for tag in ["categorical", "numeric", "pipeline", "text"] {
        assert!(tags.contains(&tag), "{tags:?}");
    }
    let p = dataproc::create("numeric", config(10)).unwrap();
    assert_eq!(p.processor_type(), "numeric");
    assert_eq!(p.process(&json!([1, 2])).unwrap().output_data["sum"], 3.0);
    let err = dataproc::create("nope", config(10)).err().unwrap();
    assert_eq!(err.kind(), ErrorKind::Configuration);
    assert!(
        err.to_string()
            .contains("known types: categorical, numeric, pipeline, text")
    );
}

// ---------------------------------------------------------------- logging

thread_local! {
    static CAPTURED: RefCell<Vec<u8>> = const { RefCell::new(Vec::new()) };
}

/// Appends to this thread's capture buffer (each test runs on its own thread).
struct ThreadCapture;

impl io::Write for ThreadCapture {
    fn write(&mut self, buf: &[u8]) -> io::Result<usize> {
        CAPTURED.with(|c| c.borrow_mut().extend_from_slice(buf));
        Ok(buf.len())
    }
    fn flush(&mut self) -> io::Result<()> {
        Ok(())
    }
}

/// The log lines `run` emits on this thread. One global subscriber (installed once)
/// avoids tracing's per-callsite interest cache racing between scoped subscribers.
fn logged(run: impl FnOnce()) -> String {
    static INSTALL: Once = Once::new();
    INSTALL.call_once(|| {
        let subscriber = tracing_subscriber::fmt()
            .with_writer(|| ThreadCapture)
            .with_max_level(tracing::Level::DEBUG)
            .with_target(false)
            .without_time()
            .with_ansi(false)
            .finish();
        tracing::subscriber::set_global_default(subscriber).unwrap();
    });
    CAPTURED.with(|c| c.borrow_mut().clear());
    run();
    CAPTURED.with(|c| String::from_utf8(c.borrow().clone()).unwrap())
}

#[test]
fn a_run_is_logged_at_info_with_the_seed_line() {
    let log = logged(|| {
        numeric().process(&json!([1, 2, 3])).unwrap();
    });
    assert!(log.contains("INFO"), "{log}");
    assert!(log.contains("Processed 3 items in 0.0"), "{log}");
    assert!(log.contains("s using NumericProcessor"), "{log}");
}

#[test]
fn log_results_off_logs_nothing() {
    let c = ProcessorConfig::builder("x")
        .log_results(false)
        .build()
        .unwrap();
    let log = logged(|| {
        NumericProcessor::new(c).process(&json!([1, 2, 3])).unwrap();
    });
    assert!(!log.contains("Processed"), "{log}");
}

#[test]
fn a_failure_is_logged_at_error() {
    let log = logged(|| {
        numeric().process(&json!(["x"])).unwrap_err();
    });
    assert!(log.contains("ERROR"), "{log}");
    assert!(log.contains("Processing failed after 0.0"), "{log}");
    assert!(log.contains("Cannot Convert x to numeric"), "{log}");
}

#[test]
fn the_library_creates_no_log_file() {
    numeric().process(&json!([1, 2, 3])).unwrap();
    assert!(!std::path::Path::new("dataproc.log").exists());
}
