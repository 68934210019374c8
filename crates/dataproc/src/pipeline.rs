//! The seed's per-item data processing pipeline (its section 2 ABC demo), in production
//! form: text → stripped and lower-cased, number → rounded to 2 decimals, list → sorted.
//!
//! Each [`ItemProcessor`] says whether it takes an item (`validate`) and processes it. A
//! [`Pipeline`] tries them in order (the seed's: number, text, list); an item nobody takes
//! fails with the seed's "No processor found for datatype :<class '{type}'>", and
//! [`Pipeline::process_batch`] puts `None` (`null`) in its place and reports the error as
//! the seed prints it, "Processing Error : {error}" (logged at ERROR and kept in the
//! [`BatchOutcome`]; a library does not print). Adding something that is not a processor
//! is refused by the type system (`add` takes a `Box<dyn ItemProcessor>`), where the seed
//! checks at run time.
//!
//! [`PipelineProcessor`] (type tag `pipeline`) runs the seed's three processors over a
//! list: `["  HELLO WORLD  ", 3.14159, [3,1,4,1,5], {"invalid": "data"}]` →
//! `["hello world", 3.14, [1,1,3,4,5], null]`.

use std::cmp::Ordering;

use serde_json::Value;

use thiserror::Error as ThisError;

use crate::config::ProcessorConfig;
use crate::error::{Error, Result};
use crate::processor::{Processor, seed_result, timed};
use crate::pyjson::py_type_name;
use crate::result::{InputData, ProcessingResult};

/// Why the pipeline did not process an item; the display is the text of the seed's
/// exception (`str(e)`).
#[derive(Debug, Clone, PartialEq, Eq, ThisError)]
pub enum PipelineError {
    /// No processor takes this kind of value; holds its Python type name (`dict`, `NoneType`).
    #[error("No processor found for datatype :<class '{0}'>")]
    NoProcessor(&'static str),
    /// The processor that took the item failed on it, e.g. Python's `TypeError` text
    /// "'<' not supported between instances of 'str' and 'int'" for an unsortable list.
    #[error("{0}")]
    Failed(String),
}

impl PipelineError {
    /// The line the seed's `process_batch` prints for this error:
    /// `Processing Error : {error}`.
    ///
    /// ```
    /// use dataproc::pipeline::PipelineError;
    /// assert_eq!(
    ///     PipelineError::NoProcessor("dict").report_line(),
    ///     "Processing Error : No processor found for datatype :<class 'dict'>"
    /// );
    /// ```
    pub fn report_line(&self) -> String {
        format!("Processing Error : {self}")
    }
}

impl From<PipelineError> for Error {
    fn from(e: PipelineError) -> Self {
        Self::Processing(e.to_string())
    }
}

/// One step of the pipeline (the seed's abstract per-item processor).
pub trait ItemProcessor: Send + Sync {
    /// Whether this processor takes the item.
    ///
    /// # Errors
    /// A message when the check itself fails; [`can_process`](Self::can_process) reads
    /// that as "no".
    fn validate(&self, item: &Value) -> std::result::Result<bool, String>;

    /// Processes an item this processor took.
    ///
    /// # Errors
    /// A message saying why the item could not be processed.
    fn process(&self, item: &Value) -> std::result::Result<Value, String>;

    /// `validate`, with a failed check meaning "no".
    fn can_process(&self, item: &Value) -> bool {
        self.validate(item).unwrap_or(false)
    }
}

/// Strings: stripped and lower-cased.
#[derive(Debug, Clone, Copy, Default)]
pub struct TextItemProcessor;

impl ItemProcessor for TextItemProcessor {
    fn validate(&self, item: &Value) -> std::result::Result<bool, String> {
        Ok(item.is_string())
    }
    fn process(&self, item: &Value) -> std::result::Result<Value, String> {
        let text = item.as_str().ok_or("expected a string")?;
        Ok(Value::from(text.trim().to_lowercase()))
    }
}

/// Numbers: rounded to 2 decimals as Python's `round(x, 2)` (ints, and booleans, which are
/// ints in Python, come back as ints).
#[derive(Debug, Clone, Copy, Default)]
pub struct NumberItemProcessor;

impl ItemProcessor for NumberItemProcessor {
    fn validate(&self, item: &Value) -> std::result::Result<bool, String> {
        Ok(item.is_number() || item.is_boolean())
    }
    fn process(&self, item: &Value) -> std::result::Result<Value, String> {
        match item {
            Value::Bool(b) => Ok(Value::from(u8::from(*b))),
            Value::Number(n) if !n.is_f64() => Ok(item.clone()),
            Value::Number(n) => {
                let x = n.as_f64().ok_or("not a number")?;
                Ok(Value::from(round2(x)))
            }
            _ => Err("expected a number".into()),
        }
    }
}

/// Python's `round(x, 2)`: the decimal nearest to the exact binary value, ties to even.
///
/// ```
/// use dataproc::pipeline::round2;
/// assert_eq!(round2(3.14159), 3.14);
/// assert_eq!(round2(2.675), 2.67); // 2.675 is stored as 2.67499999...
/// assert_eq!(round2(0.125), 0.12);
/// ```
pub fn round2(x: f64) -> f64 {
    format!("{x:.2}").parse().unwrap_or(x)
}

/// Lists: sorted as Python's `sorted` (numbers with numbers, text with text).
#[derive(Debug, Clone, Copy, Default)]
pub struct ListItemProcessor;

impl ItemProcessor for ListItemProcessor {
    fn validate(&self, item: &Value) -> std::result::Result<bool, String> {
        Ok(item.is_array())
    }
    fn process(&self, item: &Value) -> std::result::Result<Value, String> {
        let items = item.as_array().ok_or("expected a list")?;
        // Python's sort raises at a pair it cannot compare. Values compare only within their
        // kind (text, numbers), so checking neighbours finds such a pair, and the sort then
        // sees a total order: `sort_by` may panic on a comparator that is not one.
        for pair in items.windows(2) {
            python_order(&pair[1], &pair[0])?;
        }
        let mut items = items.clone();
        items.sort_by(|a, b| python_order(a, b).unwrap_or(Ordering::Equal));
        Ok(Value::Array(items))
    }
}

/// Python's `<` between two JSON-like values, where Python defines it.
fn python_order(a: &Value, b: &Value) -> std::result::Result<Ordering, String> {
    let number = |v: &Value| match v {
        Value::Bool(b) => Some(f64::from(u8::from(*b))),
        Value::Number(n) => n.as_f64(),
        _ => None,
    };
    match (a, b) {
        (Value::String(x), Value::String(y)) => Ok(x.cmp(y)),
        _ => match (number(a), number(b)) {
            // JSON numbers are finite; -0.0 == 0.0 as in Python, so the stable sort keeps
            // their input order (`sorted([0.0, -0.0])` is `[0.0, -0.0]`).
            (Some(x), Some(y)) => Ok(x.partial_cmp(&y).unwrap_or(Ordering::Equal)),
            _ => Err(format!(
                "'<' not supported between instances of '{}' and '{}'",
                py_type_name(a),
                py_type_name(b)
            )),
        },
    }
}

/// Processors tried in order, the first that takes an item processing it.
#[derive(Default)]
pub struct Pipeline {
    processors: Vec<Box<dyn ItemProcessor>>,
}

impl std::fmt::Debug for Pipeline {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("Pipeline")
            .field("processors", &self.processors.len())
            .finish()
    }
}

impl Pipeline {
    /// An empty pipeline.
    pub fn new() -> Self {
        Self::default()
    }

    /// The seed's pipeline: number, text, list, in the seed's order.
    pub fn seed() -> Self {
        let mut p = Self::new();
        p.add(Box::new(NumberItemProcessor));
        p.add(Box::new(TextItemProcessor));
        p.add(Box::new(ListItemProcessor));
        p
    }

    /// Appends a processor.
    pub fn add(&mut self, processor: Box<dyn ItemProcessor>) -> &mut Self {
        self.processors.push(processor);
        self
    }

    /// Processes one item with the first processor that takes it.
    ///
    /// # Errors
    /// [`PipelineError::NoProcessor`] when no processor takes the item, or the processor's
    /// own failure as [`PipelineError::Failed`].
    pub fn process_item(&self, item: &Value) -> std::result::Result<Value, PipelineError> {
        let processor = self
            .processors
            .iter()
            .find(|p| p.can_process(item))
            .ok_or_else(|| PipelineError::NoProcessor(py_type_name(item)))?;
        processor.process(item).map_err(PipelineError::Failed)
    }

    /// One result per item, `None` where the item could not be processed; each error is
    /// logged at ERROR as the seed prints it ("Processing Error : ...") and kept with its
    /// item's index.
    ///
    /// ```
    /// use dataproc::pipeline::{Pipeline, PipelineError};
    /// use serde_json::json;
    /// let out = Pipeline::seed().process_batch(
    ///     &[json!("  HELLO WORLD  "), json!(3.14159), json!([3, 1, 4, 1, 5]), json!({"invalid": "data"})]);
    /// assert_eq!(out.to_json(), json!(["hello world", 3.14, [1, 1, 3, 4, 5], null]));
    /// assert_eq!(out.errors, [(3, PipelineError::NoProcessor("dict"))]);
    /// ```
    pub fn process_batch(&self, items: &[Value]) -> BatchOutcome {
        let mut errors = Vec::new();
        let results = items
            .iter()
            .enumerate()
            .map(|(i, item)| match self.process_item(item) {
                Ok(v) => Some(v),
                Err(e) => {
                    tracing::error!("{}", e.report_line());
                    errors.push((i, e));
                    None
                }
            })
            .collect();
        BatchOutcome { results, errors }
    }
}

/// What a batch produced: one result per item, and the errors reported on the way.
#[derive(Debug, Clone, PartialEq)]
pub struct BatchOutcome {
    /// One entry per input item; `None` where no processor took it or processing failed.
    pub results: Vec<Option<Value>>,
    /// The errors, each with the index of its item.
    pub errors: Vec<(usize, PipelineError)>,
}

impl BatchOutcome {
    /// The results as a JSON array, `null` for `None` (the seed's list with `None`s).
    pub fn to_json(&self) -> Value {
        Value::Array(
            self.results
                .iter()
                .map(|r| r.clone().unwrap_or(Value::Null))
                .collect(),
        )
    }

    /// The lines the seed prints for the errors, in item order:
    /// `Processing Error : {error}`.
    pub fn error_lines(&self) -> Vec<String> {
        self.errors.iter().map(|(_, e)| e.report_line()).collect()
    }
}

/// The seed's pipeline over a list of items.
#[derive(Debug)]
pub struct PipelineProcessor {
    config: ProcessorConfig,
    pipeline: Pipeline,
}

#[crate::processor]
impl Processor for PipelineProcessor {
    const PROCESSOR_TYPE: &'static str = "pipeline";
    const DESCRIPTION: &'static str =
        "per item: text stripped and lower-cased, numbers rounded to 2 places, lists sorted";

    fn new(config: ProcessorConfig) -> Self {
        Self {
            config,
            pipeline: Pipeline::seed(),
        }
    }

    fn config(&self) -> &ProcessorConfig {
        &self.config
    }

    fn process(&self, data: &Value) -> Result<ProcessingResult> {
        timed(|start| {
            let items = self.validate_input(data)?;
            let outcome = self.pipeline.process_batch(items);
            let failed = outcome.errors.len();
            let mut result = seed_result(
                "PipelineProcessor",
                Self::PROCESSOR_TYPE,
                "mixed",
                InputData::Items(data.clone()),
                outcome.to_json(),
                start,
            );
            result.metadata.insert("unprocessed".into(), failed.into());
            self.log_result(&result, items.len() as u64);
            Ok(result)
        })
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn lists_sort_as_python_sorted_with_signed_zeros() {
        let sorted = |v: Value| ListItemProcessor.process(&v).unwrap().to_string();
        // python3 -c "print(sorted([0.0, -0.0, -1, 0.0, -0.0]))" -> [-1, 0.0, -0.0, 0.0, -0.0]
        assert_eq!(
            sorted(serde_json::json!([0.0, -0.0, -1, 0.0, -0.0])),
            "[-1,0.0,-0.0,0.0,-0.0]"
        );
        assert_eq!(sorted(serde_json::json!([-0.0, 0.0])), "[-0.0,0.0]");
    }
}
