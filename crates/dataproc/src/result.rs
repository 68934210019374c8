//! The result of a run (the seed's `ProcessingResult` dataclass).
//!
//! [`ProcessingResult::to_dict`] gives the seed's six keys in the seed's order;
//! [`ProcessingResult::to_json`] prints them as Python's `json.dumps(indent=2)` does. The
//! one change: a streamed run does not keep its input, so `input_data` then describes the
//! stream (source, format, items) instead of echoing it.

use jiff::civil::DateTime;
use serde::Serialize;
use serde_json::{Map, Value};

use crate::pyjson::to_py_json;

/// What a result says about its input.
#[derive(Debug, Clone, PartialEq)]
pub enum InputData {
    /// The whole input, kept as the seed keeps it.
    Items(Value),
    /// Typed numbers, kept as they are (turned into JSON only when the result is).
    Numbers(Vec<f64>),
    /// A stream that was folded without being held.
    Streamed(StreamedInput),
}

/// The description of a streamed input.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct StreamedInput {
    /// Where the stream came from (a path, or `-` for standard input).
    pub source: String,
    /// The input format (`lines`, `csv`, `json`, `jsonl`).
    pub format: String,
    /// How many items were read.
    pub items: u64,
}

impl InputData {
    /// The JSON form: the items, or `{"streamed": true, "source", "format", "items"}`.
    pub fn to_value(&self) -> Value {
        match self {
            Self::Items(items) => items.clone(),
            Self::Numbers(xs) => Value::Array(xs.iter().map(|&x| Value::from(x)).collect()),
            Self::Streamed(s) => {
                let mut map = Map::new();
                map.insert("streamed".into(), Value::Bool(true));
                map.insert("source".into(), Value::from(s.source.as_str()));
                map.insert("format".into(), Value::from(s.format.as_str()));
                map.insert("items".into(), Value::from(s.items));
                Value::Object(map)
            }
        }
    }
}

/// The outcome of one `process` call.
#[derive(Debug, Clone, PartialEq)]
pub struct ProcessingResult {
    /// The processor's type name, e.g. `NumericProcessor`.
    pub processor_name: String,
    /// The input (or its description, when streamed).
    pub input_data: InputData,
    /// Whatever the processor computed.
    pub output_data: Value,
    /// Wall time in seconds.
    pub processing_time: f64,
    /// Local date-time at creation.
    pub timestamp: DateTime,
    /// Processor-specific facts about the run.
    pub metadata: Map<String, Value>,
}

impl ProcessingResult {
    /// A result stamped with the current local time and empty metadata.
    pub fn new(
        processor_name: impl Into<String>,
        input_data: InputData,
        output_data: Value,
        processing_time: f64,
    ) -> Self {
        Self {
            processor_name: processor_name.into(),
            input_data,
            output_data,
            processing_time,
            timestamp: jiff::ZonedDateTime::now().datetime(),
            metadata: Map::new(),
        }
    }

    /// The seed's `to_dict()`: exactly six keys, the timestamp as ISO-8601 text (the
    /// borrowed view the writers serialize, with its meta fields, made owned).
    pub fn to_dict(&self) -> Map<String, Value> {
        match serde_json::to_value(self.dict_view(true)) {
            Ok(Value::Object(map)) => map,
            // A struct of string keys and JSON values always serializes to an object.
            _ => Map::new(),
        }
    }

    /// The seed's `to_json()`: [`to_dict`](Self::to_dict) indented by 2, as Python prints it.
    pub fn to_json(&self) -> String {
        to_py_json(&self.dict_view(true))
    }

    /// [`to_dict`](Self::to_dict) borrowed, for writing: the same keys in the same order
    /// without copying `output_data` (a table's groups can be most of the memory a run
    /// holds); without `processing_time` and `timestamp` when `meta` is false.
    pub(crate) fn dict_view(&self, meta: bool) -> DictView<'_> {
        DictView {
            processor_name: &self.processor_name,
            input_data: self.input_data.to_value(),
            output_data: &self.output_data,
            processing_time: meta.then_some(self.processing_time),
            timestamp: meta.then(|| isoformat(self.timestamp)),
            metadata: &self.metadata,
        }
    }
}

/// See [`ProcessingResult::dict_view`].
#[derive(Serialize)]
pub(crate) struct DictView<'a> {
    processor_name: &'a str,
    input_data: Value,
    output_data: &'a Value,
    #[serde(skip_serializing_if = "Option::is_none")]
    processing_time: Option<f64>,
    #[serde(skip_serializing_if = "Option::is_none")]
    timestamp: Option<String>,
    metadata: &'a Map<String, Value>,
}

/// Python's `datetime.isoformat()` of a naive local time: microseconds only when nonzero.
///
/// ```
/// use dataproc::result::isoformat;
/// let t = jiff::civil::date(2026, 11, 25).at(8, 5, 3, 120_000_000);
/// assert_eq!(isoformat(t), "2026-11-25T08:05:03.120000");
/// assert_eq!(isoformat(t.with().subsec_nanosecond(0).build().unwrap()), "2026-11-25T08:05:03");
/// ```
pub fn isoformat(t: DateTime) -> String {
    let base = format!(
        "{:04}-{:02}-{:02}T{:02}:{:02}:{:02}",
        t.year(),
        t.month(),
        t.day(),
        t.hour(),
        t.minute(),
        t.second()
    );
    let micros = t.subsec_nanosecond() / 1000;
    if micros == 0 {
        base
    } else {
        format!("{base}.{micros:06}")
    }
}
