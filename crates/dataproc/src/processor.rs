//! The processor trait and the registry (the seed's `DataProcessor` and `ProcessorMeta`).
//!
//! Where the seed checks at run time, Rust checks earlier:
//! - The abstract base cannot be instantiated: [`Processor`] is a trait.
//! - The metaclass rules (implement `process`, define `PROCESSOR_TYPE`, name ends with
//!   `Processor`) are checked by the [`processor`](macro@crate::processor) attribute macro
//!   when the crate compiles; a processor that breaks one does not compile.
//! - "Input data must be list" stays a run-time check because `process` takes any
//!   JSON-like value, as the seed's does.
//!
//! Every `#[processor]` impl registers a [`ProcessorEntry`] under its type tag
//! (`inventory`), so [`registered`] and [`create`] see new processors with no list to edit.

use std::time::Instant;

use serde_json::Value;

use crate::config::ProcessorConfig;
use crate::error::{Error, Result};
use crate::result::{InputData, ProcessingResult};

/// A data processor (the seed's abstract `DataProcessor`).
///
/// Implement it inside `#[processor]`, which checks the seed's class rules and registers
/// the processor:
///
/// ```
/// use dataproc::{processor, Processor, ProcessorConfig, ProcessingResult, InputData, Result};
/// use serde_json::Value;
///
/// /// Counts its items.
/// pub struct CountProcessor { config: ProcessorConfig }
///
/// #[processor]
/// impl Processor for CountProcessor {
///     const PROCESSOR_TYPE: &'static str = "count";
///     fn new(config: ProcessorConfig) -> Self { Self { config } }
///     fn config(&self) -> &ProcessorConfig { &self.config }
///     fn process(&self, data: &Value) -> Result<ProcessingResult> {
///         let items = self.validate_input(data)?;
///         Ok(ProcessingResult::new("CountProcessor", InputData::Items(data.clone()),
///             Value::from(items.len()), 0.0))
///     }
/// }
///
/// assert!(dataproc::registered().iter().any(|e| e.processor_type == "count"));
/// ```
pub trait Processor: Send + Sync + 'static {
    /// The type tag the processor is registered and found under (e.g. `"numeric"`).
    const PROCESSOR_TYPE: &'static str;
    /// One line for `dataproc list`.
    const DESCRIPTION: &'static str = "";

    /// Makes the processor from a (valid) configuration.
    fn new(config: ProcessorConfig) -> Self
    where
        Self: Sized;

    /// The configuration it runs with.
    fn config(&self) -> &ProcessorConfig;

    /// Processes a JSON-like input (normally a list of items).
    ///
    /// # Errors
    /// Validation errors for bad input, processing errors when an item cannot be handled.
    fn process(&self, data: &Value) -> Result<ProcessingResult>;

    /// The seed's `validate_input`: a non-empty list no longer than `max_input_size`.
    ///
    /// # Errors
    /// "Input data must be list", "Input data cannot be empty",
    /// "Input size {n} exceeds maximum {max}" — validation errors, in that order.
    fn validate_input<'a>(&self, data: &'a Value) -> Result<&'a [Value]> {
        validate_items(self.config(), data)
    }

    /// The seed's `log_result`: one INFO line when `log_results` is on.
    fn log_result(&self, result: &ProcessingResult, items: u64) {
        if self.config().log_results() {
            tracing::info!(
                "Processed {} items in {:.3}s using {}",
                items,
                result.processing_time,
                result.processor_name
            );
        }
    }
}

/// The checks of [`Processor::validate_input`], usable without a processor.
///
/// # Errors
/// See [`Processor::validate_input`].
pub fn validate_items<'a>(config: &ProcessorConfig, data: &'a Value) -> Result<&'a [Value]> {
    let items = as_list(data)?;
    check_length(config, items.len())?;
    Ok(items)
}

/// The seed's first check alone: the input is a list.
///
/// # Errors
/// "Input data must be list" (a validation error).
pub fn as_list(data: &Value) -> Result<&[Value]> {
    data.as_array()
        .map(Vec::as_slice)
        .ok_or_else(|| Error::Validation("Input data must be list".into()))
}

/// The seed's size checks for a list of `len` items: not empty, not over `max_input_size`.
///
/// # Errors
/// "Input data cannot be empty" or "Input size {n} exceeds maximum {max}".
pub fn check_length(config: &ProcessorConfig, len: usize) -> Result<()> {
    if len == 0 {
        return Err(empty_input());
    }
    if len > config.max_input_size() {
        return Err(Error::Validation(format!(
            "Input size {len} exceeds maximum {}",
            config.max_input_size()
        )));
    }
    Ok(())
}

/// The seed's "Input data cannot be empty" (a validation error).
pub fn empty_input() -> Error {
    Error::Validation("Input data cannot be empty".into())
}

/// The size check of a stream, once `count` items have arrived by `at`.
///
/// # Errors
/// "Input size {count} exceeds maximum {max} (at {at})" past `max_input_size`.
pub fn check_streamed(
    config: &ProcessorConfig,
    count: u64,
    at: &dyn std::fmt::Display,
) -> Result<()> {
    let max = config.max_input_size();
    if count as u128 > max as u128 {
        return Err(Error::Validation(format!(
            "Input size {count} exceeds maximum {max} (at {at})"
        )));
    }
    Ok(())
}

/// Seconds since `start`, as the seed's `time.time() - start_time`.
pub fn elapsed(start: Instant) -> f64 {
    start.elapsed().as_secs_f64()
}

/// Runs `body` with its start time; a failure is logged the seed's way (see
/// [`log_failure`]) and passed on.
///
/// # Errors
/// Whatever `body` returns.
pub fn timed<T>(body: impl FnOnce(Instant) -> Result<T>) -> Result<T> {
    let start = Instant::now();
    body(start).map_err(|e| log_failure(start, e))
}

/// A result stamped now, timed from `start`, with the seed's two metadata keys
/// (`data_type`, `processor_type`).
pub fn seed_result(
    processor_name: &str,
    processor_type: &str,
    data_type: &str,
    input: InputData,
    output: Value,
    start: Instant,
) -> ProcessingResult {
    let mut result = ProcessingResult::new(processor_name, input, output, elapsed(start));
    result.metadata.insert("data_type".into(), data_type.into());
    result
        .metadata
        .insert("processor_type".into(), processor_type.into());
    result
}

/// The `tracing` target of the seed's failure event (see [`log_failure`]), so a binary that
/// reports the error itself can keep the event off its console and still log it to a file.
pub const FAILURE_TARGET: &str = "dataproc::failure";

/// Logs a failed run the seed's way ("Processing failed after {t:.3f}s: {e}", at ERROR,
/// target [`FAILURE_TARGET`]) and passes the error on.
pub fn log_failure(start: Instant, error: Error) -> Error {
    tracing::error!(
        target: FAILURE_TARGET,
        "Processing failed after {:.3}s: {}",
        elapsed(start),
        error
    );
    error
}

/// The object-safe face of a [`Processor`], for processors chosen at run time.
pub trait DynProcessor: Send + Sync {
    /// See [`Processor::PROCESSOR_TYPE`].
    fn processor_type(&self) -> &'static str;
    /// See [`Processor::config`].
    fn config(&self) -> &ProcessorConfig;
    /// See [`Processor::process`].
    ///
    /// # Errors
    /// See [`Processor::process`].
    fn process(&self, data: &Value) -> Result<ProcessingResult>;
}

impl<T: Processor> DynProcessor for T {
    fn processor_type(&self) -> &'static str {
        T::PROCESSOR_TYPE
    }
    fn config(&self) -> &ProcessorConfig {
        Processor::config(self)
    }
    fn process(&self, data: &Value) -> Result<ProcessingResult> {
        Processor::process(self, data)
    }
}

/// One registered processor.
#[derive(Debug)]
pub struct ProcessorEntry {
    /// Its type tag.
    pub processor_type: &'static str,
    /// Its type name, e.g. `NumericProcessor`.
    pub name: &'static str,
    /// Its one-line description.
    pub description: &'static str,
    make: fn(ProcessorConfig) -> Box<dyn DynProcessor>,
}

impl ProcessorEntry {
    /// The entry for `T` (used by the `#[processor]` macro).
    pub const fn of<T: Processor>(name: &'static str) -> Self {
        Self {
            processor_type: T::PROCESSOR_TYPE,
            name,
            description: T::DESCRIPTION,
            make: make_boxed::<T>,
        }
    }

    /// Makes an instance with `config`.
    pub fn create(&self, config: ProcessorConfig) -> Box<dyn DynProcessor> {
        (self.make)(config)
    }
}

fn make_boxed<T: Processor>(config: ProcessorConfig) -> Box<dyn DynProcessor> {
    Box::new(T::new(config))
}

inventory::collect!(ProcessorEntry);

/// Every registered processor, sorted by type tag.
pub fn registered() -> Vec<&'static ProcessorEntry> {
    let mut all: Vec<_> = inventory::iter::<ProcessorEntry>.into_iter().collect();
    all.sort_by_key(|e| e.processor_type);
    all
}

/// Makes the processor registered under `processor_type`.
///
/// # Errors
/// A configuration error naming the known types when the tag is unknown.
pub fn create(processor_type: &str, config: ProcessorConfig) -> Result<Box<dyn DynProcessor>> {
    let all = registered();
    match all.iter().find(|e| e.processor_type == processor_type) {
        Some(entry) => Ok(entry.create(config)),
        None => {
            let known: Vec<_> = all.iter().map(|e| e.processor_type).collect();
            Err(Error::Configuration(format!(
                "unknown processor type '{processor_type}'; known types: {}",
                known.join(", ")
            )))
        }
    }
}
