//! Processors chosen per item — seed: `AbstractBaseClasses/data_processing_pipeline.py`.
//!
//! **Python idea.** A `DataProcessor` ABC with `validate(item) -> bool` and `process(item)`;
//! text is stripped and lower-cased, numbers rounded to 2 decimals, lists sorted. A pipeline
//! tries its processors in order and uses the first whose `can_process` (validate, with an
//! exception counting as "no") says yes; an item nobody takes gives `None` and the error
//! "No processor found for datatype :<class '{type}'>", printed as "Processing Error : ...".
//! Adding a non-processor is refused ("Must be DataProcessor").
//!
//! **Rust answer.** [`Processor`] is a trait with a provided [`Processor::can_process`];
//! items are `serde_json::Value`s (the heterogeneous list of the seed); [`Pipeline::add`]
//! takes `Box<dyn Processor>`, so a non-processor does not compile.
//! [`Pipeline::process_batch`] returns one `Option` per item plus the errors it reported.
//! The processors, their order (number, text, list), the batch and the printed lines follow
//! the seed file; the seed's `addProcessor` is [`Pipeline::add`] (Rust methods are snake_case).
//!
//! **Checked earlier.** Non-processors (`tests/ui/not_a_processor.rs`) and incomplete
//! processors are compile errors; a
//! processor's failure is a typed [`PipelineError`], not an exception that might escape.
//!
//! **Where Rust differs.** The results print as JSON (`["hello world",3.14,[1,1,3,4,5],null]`)
//! where Python prints its list repr (`['hello world', 3.14, [1, 1, 3, 4, 5], None]`). Python's type names come from the value (`dict`, `str`); here
//! they are derived from the JSON kind (object → `dict`, array → `list`, ...). JSON has no
//! tuples or sets, and a boolean is not a number (in Python `True` is an `int`, so the seed's
//! `NumberProcessor` would take it).
//! Rounding is Python's `round(x, 2)`: to the nearest, ties to even, on the exact value.

use serde_json::Value;
use thiserror::Error;

/// Why an item was not processed.
#[derive(Debug, Clone, Error, PartialEq, Eq)]
pub enum PipelineError {
    /// No processor accepts this kind of value (the seed's message).
    #[error("No processor found for datatype :<class '{0}'>")]
    NoProcessor(&'static str),
    /// A processor accepted the item but failed on it.
    #[error("{processor} failed: {reason}")]
    Failed {
        /// The processor's name.
        processor: &'static str,
        /// Why.
        reason: String,
    },
}

/// The Python type name a JSON value would have after `json.loads`.
pub fn python_type_name(value: &Value) -> &'static str {
    match value {
        Value::Null => "NoneType",
        Value::Bool(_) => "bool",
        Value::Number(n) if n.is_f64() => "float",
        Value::Number(_) => "int",
        Value::String(_) => "str",
        Value::Array(_) => "list",
        Value::Object(_) => "dict",
    }
}

/// The seed's abstract `DataProcessor`.
pub trait Processor {
    /// The processor's name, for messages.
    fn name(&self) -> &'static str;
    /// Whether this processor takes `item`; an error counts as "no".
    ///
    /// # Errors
    /// When validation itself fails.
    fn validate(&self, item: &Value) -> Result<bool, PipelineError>;
    /// Processes an item this processor accepted.
    ///
    /// # Errors
    /// [`PipelineError::Failed`] when the item cannot be processed.
    fn process(&self, item: &Value) -> Result<Value, PipelineError>;
    /// `validate`, with a failure read as "no" (the seed's `can_process`).
    fn can_process(&self, item: &Value) -> bool {
        self.validate(item).unwrap_or(false)
    }
}

/// Text: stripped and lower-cased.
#[derive(Debug, Default, Clone, Copy)]
pub struct TextProcessor;

impl Processor for TextProcessor {
    fn name(&self) -> &'static str {
        "TextProcessor"
    }
    fn validate(&self, item: &Value) -> Result<bool, PipelineError> {
        Ok(item.is_string())
    }
    fn process(&self, item: &Value) -> Result<Value, PipelineError> {
        match item {
            Value::String(s) => Ok(Value::String(s.trim().to_lowercase())),
            other => Err(wrong_kind(self.name(), other)),
        }
    }
}

/// Numbers: rounded to 2 decimals.
#[derive(Debug, Default, Clone, Copy)]
pub struct NumberProcessor;

/// Python's `round(x, 2)`: correctly rounded from the exact binary value, ties to even.
pub fn round2(x: f64) -> f64 {
    // std's fixed-precision formatting is exact and rounds half to even, as Python does.
    format!("{x:.2}").parse().unwrap_or(x)
}

impl Processor for NumberProcessor {
    fn name(&self) -> &'static str {
        "NumberProcessor"
    }
    fn validate(&self, item: &Value) -> Result<bool, PipelineError> {
        Ok(item.is_number())
    }
    fn process(&self, item: &Value) -> Result<Value, PipelineError> {
        match item {
            // Python's round(int, 2) returns the int unchanged.
            Value::Number(n) if !n.is_f64() => Ok(item.clone()),
            Value::Number(n) => {
                let x = n.as_f64().unwrap_or(f64::NAN);
                Ok(serde_json::Number::from_f64(round2(x)).map_or(Value::Null, Value::Number))
            }
            other => Err(wrong_kind(self.name(), other)),
        }
    }
}

/// Lists: sorted (numbers numerically, text lexicographically; mixed lists fail as in Python).
#[derive(Debug, Default, Clone, Copy)]
pub struct ListProcessor;

impl Processor for ListProcessor {
    fn name(&self) -> &'static str {
        "ListProcessor"
    }
    fn validate(&self, item: &Value) -> Result<bool, PipelineError> {
        Ok(item.is_array())
    }
    fn process(&self, item: &Value) -> Result<Value, PipelineError> {
        let Value::Array(items) = item else {
            return Err(wrong_kind(self.name(), item));
        };
        let sorted = if let Some(numbers) = items
            .iter()
            .map(Value::as_f64)
            .collect::<Option<Vec<f64>>>()
        {
            // Sort positions by value, so integers stay integers in the output.
            let mut order: Vec<usize> = (0..items.len()).collect();
            order.sort_by(|&a, &b| numbers[a].total_cmp(&numbers[b]));
            order.iter().map(|&i| items[i].clone()).collect()
        } else if items.iter().all(Value::is_string) {
            let mut texts = items.clone();
            texts.sort_by(|a, b| a.as_str().cmp(&b.as_str()));
            texts
        } else {
            return Err(PipelineError::Failed {
                processor: self.name(),
                reason: "'<' not supported between mixed types".to_owned(),
            });
        };
        Ok(Value::Array(sorted))
    }
}

fn wrong_kind(processor: &'static str, item: &Value) -> PipelineError {
    PipelineError::Failed {
        processor,
        reason: format!("cannot process a {}", python_type_name(item)),
    }
}

/// Processors in order; each item goes to the first that takes it.
#[derive(Default)]
pub struct Pipeline {
    processors: Vec<Box<dyn Processor>>,
}

impl std::fmt::Debug for Pipeline {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_list()
            .entries(self.processors.iter().map(|p| p.name()))
            .finish()
    }
}

/// What a batch produced: one result per item, and the errors reported on the way.
#[derive(Debug, Clone, PartialEq)]
pub struct BatchOutcome {
    /// One entry per input item; `None` where no processor fit or processing failed.
    pub results: Vec<Option<Value>>,
    /// The errors, with the index of the item they belong to.
    pub errors: Vec<(usize, PipelineError)>,
}

impl Pipeline {
    /// The seed's pipeline: number, text, list processors, in that order.
    pub fn standard() -> Self {
        let mut pipeline = Self::default();
        pipeline.add(Box::new(NumberProcessor));
        pipeline.add(Box::new(TextProcessor));
        pipeline.add(Box::new(ListProcessor));
        pipeline
    }

    /// Appends a processor (only processors type-check).
    pub fn add(&mut self, processor: Box<dyn Processor>) {
        self.processors.push(processor);
    }

    /// Processes one item with the first processor that can.
    ///
    /// # Errors
    /// [`PipelineError::NoProcessor`] when none can; the processor's error when it fails.
    pub fn process_item(&self, item: &Value) -> Result<Value, PipelineError> {
        self.processors
            .iter()
            .find(|p| p.can_process(item))
            .ok_or(PipelineError::NoProcessor(python_type_name(item)))?
            .process(item)
    }

    /// Processes every item, keeping going after failures.
    pub fn process_batch(&self, items: &[Value]) -> BatchOutcome {
        let mut errors = Vec::new();
        let results = items
            .iter()
            .enumerate()
            .map(|(i, item)| match self.process_item(item) {
                Ok(v) => Some(v),
                Err(e) => {
                    errors.push((i, e));
                    None
                }
            })
            .collect();
        BatchOutcome { results, errors }
    }
}

/// The seed's example batch.
#[allow(
    clippy::approx_constant,
    reason = "3.14159 is the seed's input, not an attempt at pi"
)]
pub fn seed_batch() -> Vec<Value> {
    vec![
        Value::from("  HELLO WORLD  "),
        Value::from(3.14159),
        serde_json::json!([3, 1, 4, 1, 5]),
        serde_json::json!({"invalid": "data"}),
    ]
}

/// The demo: the seed's batch in, one result per item out, the failure reported as the
/// seed prints it.
pub fn demo() -> Vec<String> {
    let outcome = Pipeline::standard().process_batch(&seed_batch());
    let mut lines: Vec<String> = outcome
        .errors
        .iter()
        .map(|(_, e)| format!("Processing Error : {e}"))
        .collect();
    let results: Vec<Value> = outcome
        .results
        .into_iter()
        .map(|r| r.unwrap_or(Value::Null))
        .collect();
    lines.push(format!("Results: {}", Value::Array(results)));
    lines
}
