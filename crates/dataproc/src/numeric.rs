//! The numeric processor (the seed's `NumericProcessor`): count, sum, mean, median, min,
//! max and sample standard deviation.
//!
//! Three ways in, one fold: [`NumericProcessor::process`] takes JSON-like items as the
//! seed's does, [`NumericProcessor::process_numbers`] takes typed `f64`s, and the input
//! readers ([`crate::input`]) stream values into a [`NumericFold`] without holding them
//! (except for the exact median, which needs every value: 8 bytes each; for unbounded
//! streams choose [`Median::Approximate`] — a bounded, mergeable sketch — or
//! [`Median::Omitted`] in [`NumericOptions::median`]).
//!
//! NaN and ±inf: by default an error naming the position; with
//! [`NumericOptions::skip_non_finite`] they are skipped and counted in the metadata
//! (`skipped_non_finite`).
//!
//! Departures from the seed: validation failures stay validation errors (the seed
//! re-wraps them as processing errors); `sum` is correctly rounded (the seed's plain
//! float sum is not); `timeout_seconds` is enforced.

use std::fmt;
use std::time::Instant;

use serde_json::{Map, Value};

use crate::config::ProcessorConfig;
use crate::error::{Error, Result};
use crate::processor::{
    Processor, as_list, check_length, check_streamed, elapsed, empty_input, seed_result, timed,
};
use crate::pyfloat::value_to_f64;
use crate::pyjson::py_float_repr;
use crate::result::{InputData, ProcessingResult, StreamedInput};
use crate::sketch::{DEFAULT_ALPHA, QuantileSketch};
use crate::stats::{NumericState, median_owned};

/// How often (in values) a fold looks at the clock.
const CLOCK_EVERY: u64 = 1 << 16;

/// Where an item was in its input, for error messages.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Position {
    /// Index in a list (from 0), as Python would index it.
    Item(u64),
    /// Line of a text input (from 1).
    Line(u64),
}

impl fmt::Display for Position {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match self {
            Self::Item(i) => write!(f, "item {i}"),
            Self::Line(n) => write!(f, "line {n}"),
        }
    }
}

/// How the median is found.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Default)]
pub enum Median {
    /// Exactly, as `statistics.median`: keeps every value (8 bytes each), O(n) selection.
    #[default]
    Exact,
    /// From a mergeable sketch of bounded size ([`crate::sketch`]), for streams too long
    /// to keep: each rank's estimate within α = 0.5 % of that rank's value, so the median
    /// within 0.5 % of the exact one — unless it falls between two ranks of opposite signs (an even
    /// count straddling zero), where the error is at most 0.5 % of the larger of the two
    /// magnitudes (see [`Median::note`]).
    Approximate,
    /// Not at all: memory stays flat.
    Omitted,
}

impl Median {
    /// The `metadata.median` note of a result whose median (and quantiles) were found
    /// this way; `None` for the exact median, which needs none. The approximate one
    /// states the sketch's promise exactly ([`crate::sketch`]): with `h = q·(n − 1)`
    /// and `f = h − ⌊h⌋`, an answer interpolates between the ranks `x_lo = x_⌊h⌋` and
    /// `x_hi = x_⌈h⌉` and is within `α·((1 − f)·|x_lo| + f·|x_hi|)` of the exact one
    /// (plus the float rounding of that interpolation) — `α·|exact|` unless
    /// `x_lo < 0 < x_hi`.
    ///
    /// ```
    /// use dataproc::Median;
    /// assert_eq!(Median::Exact.note(), None);
    /// assert!(Median::Approximate.note().unwrap().contains("within 0.5% of |exact|"));
    /// assert!(Median::Omitted.note().unwrap().starts_with("omitted"));
    /// ```
    pub fn note(self) -> Option<String> {
        match self {
            Self::Exact => None,
            Self::Approximate => {
                let a = DEFAULT_ALPHA * 100.0;
                Some(format!(
                    "approximate (relative-error sketch): each rank's estimate is within {a}% \
                     of that rank's value (min, max and zeros exact); a median or quantile \
                     interpolates between ranks x_lo and x_hi with weight f, so it is within \
                     {a}% of (1-f)*|x_lo| + f*|x_hi| (plus float rounding): within {a}% of \
                     |exact| unless x_lo < 0 < x_hi, where a result near zero can be off by \
                     up to {a}% of max(|x_lo|, |x_hi|)"
                ))
            }
            Self::Omitted => {
                Some("omitted (the exact median needs every value in memory)".to_owned())
            }
        }
    }
}

/// Numeric options beyond the seed's config.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Default)]
pub struct NumericOptions {
    /// Skip NaN and ±inf and count them, instead of failing on the first.
    pub skip_non_finite: bool,
    /// How the median is found.
    pub median: Median,
}

impl NumericOptions {
    /// Reads `skip_non_finite` (boolean) and `median` (`true`/`"exact"`,
    /// `"approximate"`, `false`/`"none"`) from a config's `additional_params`.
    pub fn from_params(params: &Map<String, Value>) -> Self {
        let median = match params.get("median") {
            Some(Value::Bool(false)) => Median::Omitted,
            Some(Value::String(s)) if s == "none" => Median::Omitted,
            Some(Value::String(s)) if s == "approximate" => Median::Approximate,
            _ => Median::Exact,
        };
        Self {
            skip_non_finite: params
                .get("skip_non_finite")
                .and_then(Value::as_bool)
                .unwrap_or(false),
            median,
        }
    }
}

/// Computes numeric statistics.
///
/// ```
/// use dataproc::{NumericProcessor, Processor, ProcessorConfig};
/// let config = ProcessorConfig::builder("NumericStats").max_input_size(500).build()?;
/// let result = NumericProcessor::new(config).process(&serde_json::json!([45, 10, 23, 43]))?;
/// assert_eq!(result.output_data["mean"], 30.25);
/// assert_eq!(result.output_data["median"], 33.0);
/// assert_eq!(result.metadata["processor_type"], "numeric");
/// # Ok::<(), dataproc::Error>(())
/// ```
#[derive(Debug, Clone)]
pub struct NumericProcessor {
    config: ProcessorConfig,
    options: NumericOptions,
}

#[crate::processor]
impl Processor for NumericProcessor {
    const PROCESSOR_TYPE: &'static str = "numeric";
    const DESCRIPTION: &'static str =
        "count, sum, mean, median, min, max, sample std dev (exact, correctly rounded)";

    fn new(config: ProcessorConfig) -> Self {
        let options = NumericOptions::from_params(config.additional_params());
        Self { config, options }
    }

    fn config(&self) -> &ProcessorConfig {
        &self.config
    }

    fn process(&self, data: &Value) -> Result<ProcessingResult> {
        timed(|start| {
            let items = if self.config.validate_input() {
                self.validate_input(data)?
            } else {
                as_list(data)?
            };
            let mut fold = self.fold_from(start);
            for (i, item) in items.iter().enumerate() {
                let x = value_to_f64(item).map_err(numeric_failure)?;
                fold.push(x, Position::Item(i as u64))?;
            }
            fold.finish(InputData::Items(data.clone()))
        })
    }
}

/// The seed's wrapping of processing failures.
fn numeric_failure(message: String) -> Error {
    Error::Processing(format!("Numeric processing failed: {message}"))
}

/// The error for NaN or ±inf at `at` of `source` (empty: not named).
pub(crate) fn non_finite_error(source: &str, at: Position, x: f64) -> Error {
    let source = if source.is_empty() {
        String::new()
    } else {
        format!("{source}: ")
    };
    numeric_failure(format!(
        "{source}{at}: value {} is not finite; skip and count such values with skip_non_finite \
         (CLI: --skip-non-finite)",
        py_float_repr(x)
    ))
}

impl NumericProcessor {
    /// The processor with explicit options (instead of `additional_params`).
    pub fn with_options(config: ProcessorConfig, options: NumericOptions) -> Self {
        Self { config, options }
    }

    /// The options in force.
    pub fn options(&self) -> NumericOptions {
        self.options
    }

    /// The fast path for typed numbers: same checks and output as [`Processor::process`].
    ///
    /// # Errors
    /// Validation errors for empty or oversized input; a processing error for NaN/±inf
    /// unless they are skipped.
    pub fn process_numbers(&self, values: &[f64]) -> Result<ProcessingResult> {
        timed(|start| {
            check_length(&self.config, values.len())?;
            let mut fold = self.fold_from(start);
            for (i, &x) in values.iter().enumerate() {
                fold.push(x, Position::Item(i as u64))?;
            }
            fold.finish(InputData::Numbers(values.to_vec()))
        })
    }

    /// A processing error once `timeout_seconds` have passed since `start`.
    ///
    /// # Errors
    /// "Numeric processing timed out after {t}s at {where} ..." when the time is up.
    pub fn check_deadline(&self, start: Instant, at: &dyn fmt::Display) -> Result<()> {
        let limit = self.config.timeout_seconds();
        let spent = elapsed(start);
        if spent > limit {
            return Err(Error::Processing(format!(
                "Numeric processing timed out after {spent:.3}s at {at} \
                 (timeout_seconds = {limit}); raise the time-out (CLI: --timeout)"
            )));
        }
        Ok(())
    }

    /// A fold for streamed values, timed from now. Feed it with [`NumericFold::push`] and
    /// end with [`NumericFold::finish_stream`].
    pub fn fold(&self) -> NumericFold<'_> {
        self.fold_from(Instant::now())
    }

    /// A fold timed from `start` (parts of one run share their start).
    pub fn fold_from(&self, start: Instant) -> NumericFold<'_> {
        NumericFold {
            processor: self,
            state: NumericState::new(),
            median: MedianState::new(self.options.median),
            skipped: 0,
            start,
        }
    }
}

/// A run in progress: values are folded into a [`NumericState`] as they arrive, with the
/// config's size limit, time-out and NaN policy applied on the way.
#[derive(Debug)]
pub struct NumericFold<'p> {
    processor: &'p NumericProcessor,
    state: NumericState,
    median: MedianState,
    skipped: u64,
    start: Instant,
}

/// What a fold keeps for the median, as [`Median`] asks.
#[derive(Debug)]
enum MedianState {
    /// Every value (8 bytes each).
    Exact(Vec<f64>),
    /// A bounded, mergeable sketch.
    Approximate(QuantileSketch),
    /// Nothing.
    Omitted,
}

impl MedianState {
    fn new(median: Median) -> Self {
        match median {
            Median::Exact => Self::Exact(Vec::new()),
            Median::Approximate => Self::Approximate(QuantileSketch::new(DEFAULT_ALPHA)),
            Median::Omitted => Self::Omitted,
        }
    }

    #[inline]
    fn push(&mut self, x: f64) {
        match self {
            Self::Exact(values) => values.push(x),
            Self::Approximate(sketch) => sketch.push(x),
            Self::Omitted => {}
        }
    }

    fn median(self) -> Option<f64> {
        match self {
            Self::Exact(values) => median_owned(values),
            Self::Approximate(sketch) => sketch.quantile(0.5),
            Self::Omitted => None,
        }
    }
}

impl NumericFold<'_> {
    /// Folds in one value found at `at`.
    ///
    /// # Errors
    /// A processing error for NaN/±inf (unless skipped) or when `timeout_seconds` has
    /// passed; a validation error once more than `max_input_size` values arrived.
    #[inline]
    pub fn push(&mut self, x: f64, at: Position) -> Result<()> {
        if (self.items() + 1).is_multiple_of(CLOCK_EVERY) {
            self.processor.check_deadline(self.start, &at)?;
        }
        if !x.is_finite() {
            if self.processor.options.skip_non_finite {
                self.skipped += 1;
                return Ok(());
            }
            return Err(non_finite_error("", at, x));
        }
        self.state.push(x);
        self.median.push(x);
        check_streamed(&self.processor.config, self.state.count(), &at)
    }

    /// How many finite values were folded so far.
    pub fn count(&self) -> u64 {
        self.state.count()
    }

    /// How many values were taken so far: the finite ones and the skipped non-finite ones.
    pub fn items(&self) -> u64 {
        self.state.count() + self.skipped
    }

    /// Ends a streamed run: `input_data` describes the stream instead of echoing it.
    ///
    /// # Errors
    /// A validation error when no value arrived.
    pub fn finish_stream(self, source: &str, format: &str) -> Result<ProcessingResult> {
        let input = InputData::Streamed(StreamedInput {
            source: source.into(),
            format: format.into(),
            items: self.items(),
        });
        self.finish(input)
    }

    fn finish(self, input: InputData) -> Result<ProcessingResult> {
        if self.state.count() == 0 {
            let why = if self.skipped > 0 {
                format!(
                    "Input data cannot be empty ({} non-finite values skipped, none left)",
                    self.skipped
                )
            } else {
                empty_input().message().to_owned()
            };
            return Err(Error::Validation(why));
        }
        let items = self.items();
        let output = self.state.to_output(self.median.median());
        let mut result = seed_result(
            "NumericProcessor",
            NumericProcessor::PROCESSOR_TYPE,
            "numeric",
            input,
            Value::Object(output),
            self.start,
        );
        let m = &mut result.metadata;
        m.insert("std_dev".into(), "sample (n-1)".into());
        if let Some(note) = self.processor.options.median.note() {
            m.insert("median".into(), note.into());
        }
        if self.processor.options.skip_non_finite {
            m.insert("skipped_non_finite".into(), self.skipped.into());
        }
        self.processor.log_result(&result, items);
        Ok(result)
    }
}
