//! Processor configuration (the seed's `ProcessorConfig` dataclass).
//!
//! A [`ProcessorConfig`] can only be made through [`ProcessorConfig::builder`] or
//! [`ProcessorConfig::from_json`], both of which check the seed's rules and return a
//! configuration error instead of panicking, so every config in the program is valid.

use serde::Deserialize;
use serde_json::{Map, Value};

use crate::error::{Error, Result};

/// The seed's default `max_input_size`.
pub const DEFAULT_MAX_INPUT_SIZE: usize = 1000;
/// The seed's default `timeout_seconds`.
pub const DEFAULT_TIMEOUT_SECONDS: f64 = 30.0;

/// A validated processor configuration.
///
/// ```
/// use dataproc::ProcessorConfig;
/// let config = ProcessorConfig::builder("NumericStats")
///     .description("Calculate Numeric Statistics")
///     .max_input_size(500)
///     .build()?;
/// assert_eq!(config.max_input_size(), 500);
/// assert_eq!(config.timeout_seconds(), 30.0);
///
/// let err = ProcessorConfig::builder("x").max_input_size(0).build().unwrap_err();
/// assert_eq!(err.to_string(), "max_input_size must be positive.");
/// # Ok::<(), dataproc::Error>(())
/// ```
#[derive(Debug, Clone, PartialEq)]
pub struct ProcessorConfig {
    name: String,
    description: String,
    max_input_size: usize,
    timeout_seconds: f64,
    validate_input: bool,
    log_results: bool,
    additional_params: Map<String, Value>,
}

impl ProcessorConfig {
    /// Starts a configuration with the seed's defaults and the given name.
    pub fn builder(name: impl Into<String>) -> ProcessorConfigBuilder {
        ProcessorConfigBuilder {
            name: name.into(),
            description: String::new(),
            max_input_size: DEFAULT_MAX_INPUT_SIZE as i128,
            timeout_seconds: DEFAULT_TIMEOUT_SECONDS,
            validate_input: true,
            log_results: true,
            additional_params: Map::new(),
        }
    }

    /// Reads a configuration from a JSON object with the seed's field names
    /// (`additional_pars`, the seed's spelling, is accepted for `additional_params`).
    ///
    /// # Errors
    /// A configuration error when the JSON does not describe a config or a rule fails.
    ///
    /// ```
    /// use dataproc::{ErrorKind, ProcessorConfig};
    /// let err = ProcessorConfig::from_json(r#"{"name": "x", "timeout_seconds": -1}"#).unwrap_err();
    /// assert_eq!(err.kind(), ErrorKind::Configuration);
    /// assert_eq!(err.to_string(), "timeout_seconds must be positive.");
    /// ```
    pub fn from_json(text: &str) -> Result<Self> {
        let raw: RawConfig = serde_json::from_str(text)
            .map_err(|e| Error::Configuration(format!("invalid configuration JSON: {e}")))?;
        raw.into_builder().build()
    }

    /// The configuration's name.
    pub fn name(&self) -> &str {
        &self.name
    }
    /// Free text describing the configuration.
    pub fn description(&self) -> &str {
        &self.description
    }
    /// Most items one call may process.
    pub fn max_input_size(&self) -> usize {
        self.max_input_size
    }
    /// Longest a streamed run may take, in seconds (may be infinite: no limit).
    pub fn timeout_seconds(&self) -> f64 {
        self.timeout_seconds
    }
    /// Whether `process` validates its input first.
    pub fn validate_input(&self) -> bool {
        self.validate_input
    }
    /// Whether a finished run is logged at INFO.
    pub fn log_results(&self) -> bool {
        self.log_results
    }
    /// Processor-specific parameters (the seed's `additional_pars`).
    pub fn additional_params(&self) -> &Map<String, Value> {
        &self.additional_params
    }
    /// A non-negative integer parameter (e.g. `top_k`), if set.
    pub fn count_param(&self, key: &str) -> Option<usize> {
        self.additional_params
            .get(key)
            .and_then(Value::as_u64)
            .map(|k| usize::try_from(k).unwrap_or(usize::MAX))
    }
}

/// Builds a [`ProcessorConfig`]; [`build`](Self::build) checks the seed's rules.
#[derive(Debug, Clone)]
#[must_use]
pub struct ProcessorConfigBuilder {
    name: String,
    description: String,
    max_input_size: i128,
    timeout_seconds: f64,
    validate_input: bool,
    log_results: bool,
    additional_params: Map<String, Value>,
}

impl ProcessorConfigBuilder {
    /// Sets the name.
    pub fn name(mut self, name: impl Into<String>) -> Self {
        self.name = name.into();
        self
    }
    /// Sets the description.
    pub fn description(mut self, description: impl Into<String>) -> Self {
        self.description = description.into();
        self
    }
    /// Sets the largest input; zero or negative is refused by [`build`](Self::build).
    pub fn max_input_size(mut self, size: impl Into<i128>) -> Self {
        self.max_input_size = size.into();
        self
    }
    /// Sets the time-out in seconds; zero, negative or NaN is refused by
    /// [`build`](Self::build); `f64::INFINITY` means no limit.
    pub fn timeout_seconds(mut self, seconds: f64) -> Self {
        self.timeout_seconds = seconds;
        self
    }
    /// Switches input validation on or off.
    pub fn validate_input(mut self, on: bool) -> Self {
        self.validate_input = on;
        self
    }
    /// Switches the INFO line after each run on or off.
    pub fn log_results(mut self, on: bool) -> Self {
        self.log_results = on;
        self
    }
    /// Sets one processor-specific parameter.
    pub fn param(mut self, key: impl Into<String>, value: impl Into<Value>) -> Self {
        self.additional_params.insert(key.into(), value.into());
        self
    }

    /// Checks the rules and returns the configuration.
    ///
    /// # Errors
    /// A configuration error "max_input_size must be positive." or
    /// "timeout_seconds must be positive." (the seed's messages).
    pub fn build(self) -> Result<ProcessorConfig> {
        if self.max_input_size <= 0 {
            return Err(Error::Configuration(
                "max_input_size must be positive.".into(),
            ));
        }
        // NaN fails this test too (Python's `nan <= 0` is false and lets it through).
        if self.timeout_seconds.is_nan() || self.timeout_seconds <= 0.0 {
            return Err(Error::Configuration(
                "timeout_seconds must be positive.".into(),
            ));
        }
        Ok(ProcessorConfig {
            name: self.name,
            description: self.description,
            max_input_size: usize::try_from(self.max_input_size).unwrap_or(usize::MAX),
            timeout_seconds: self.timeout_seconds,
            validate_input: self.validate_input,
            log_results: self.log_results,
            additional_params: self.additional_params,
        })
    }
}

/// The JSON shape of a configuration, before its rules are checked.
#[derive(Debug, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct RawConfig {
    /// See [`ProcessorConfig::name`].
    pub name: String,
    /// See [`ProcessorConfig::description`].
    #[serde(default)]
    pub description: Option<String>,
    /// See [`ProcessorConfig::max_input_size`]; any integer, checked later.
    #[serde(default)]
    pub max_input_size: Option<i128>,
    /// See [`ProcessorConfig::timeout_seconds`]; any number, checked later.
    #[serde(default)]
    pub timeout_seconds: Option<f64>,
    /// See [`ProcessorConfig::validate_input`].
    #[serde(default)]
    pub validate_input: Option<bool>,
    /// See [`ProcessorConfig::log_results`].
    #[serde(default)]
    pub log_results: Option<bool>,
    /// See [`ProcessorConfig::additional_params`].
    #[serde(default, alias = "additional_pars")]
    pub additional_params: Map<String, Value>,
}

impl RawConfig {
    /// A builder holding these values (seed defaults where a field is absent).
    pub fn into_builder(self) -> ProcessorConfigBuilder {
        let mut builder = ProcessorConfig::builder(self.name);
        if let Some(d) = self.description {
            builder = builder.description(d);
        }
        if let Some(n) = self.max_input_size {
            builder = builder.max_input_size(n);
        }
        if let Some(t) = self.timeout_seconds {
            builder = builder.timeout_seconds(t);
        }
        if let Some(v) = self.validate_input {
            builder = builder.validate_input(v);
        }
        if let Some(l) = self.log_results {
            builder = builder.log_results(l);
        }
        builder.additional_params = self.additional_params;
        builder
    }
}
