//! The text processor: lines, words, characters, distinct words and the most frequent
//! words of a list of texts.
//!
//! Words are split on white space, lower-cased and stripped of leading and trailing
//! punctuation. Counts are mergeable ([`TextState::merge`]); the word table grows with the
//! vocabulary, not with the input. `top_k` (default 10) comes from `additional_params`.

use std::collections::HashMap;
use std::time::Instant;

use serde_json::{Map, Value};

use crate::config::ProcessorConfig;
use crate::error::{Error, Result};
use crate::processor::{Processor, seed_result, timed};
use crate::pyjson::{py_str, py_type_name};
use crate::result::{InputData, ProcessingResult};

/// Default number of words in `top_words`.
pub const DEFAULT_TOP_K: usize = 10;

/// The mergeable counts of a text stream.
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct TextState {
    /// Lines (a text without a line break is one line).
    pub lines: u64,
    /// White-space separated words.
    pub words: u64,
    /// Characters (Unicode scalar values, as Python's `len`).
    pub characters: u64,
    /// Occurrences of each normalised word.
    pub frequencies: HashMap<String, u64>,
}

impl TextState {
    /// Folds in one text.
    pub fn push(&mut self, text: &str) {
        self.lines += text.lines().count().max(1) as u64;
        self.characters += text.chars().count() as u64;
        for word in text.split_whitespace() {
            self.words += 1;
            let word = word.trim_matches(|c: char| !c.is_alphanumeric());
            if word.is_empty() {
                continue;
            }
            let word = word.to_lowercase();
            *self.frequencies.entry(word).or_insert(0) += 1;
        }
    }

    /// Combines another state into this one.
    pub fn merge(&mut self, other: &Self) {
        self.lines += other.lines;
        self.words += other.words;
        self.characters += other.characters;
        for (word, n) in &other.frequencies {
            *self.frequencies.entry(word.clone()).or_insert(0) += n;
        }
    }

    /// The output map; `top_words` lists `[word, count]` by count, then word.
    pub fn to_output(&self, top_k: usize) -> Map<String, Value> {
        let mut top: Vec<(&String, &u64)> = self.frequencies.iter().collect();
        top.sort_by(|a, b| b.1.cmp(a.1).then_with(|| a.0.cmp(b.0)));
        top.truncate(top_k);
        let mut out = Map::new();
        out.insert("lines".into(), self.lines.into());
        out.insert("words".into(), self.words.into());
        out.insert("characters".into(), self.characters.into());
        out.insert("distinct_words".into(), self.frequencies.len().into());
        out.insert(
            "top_words".into(),
            Value::Array(
                top.into_iter()
                    .map(|(w, n)| Value::Array(vec![Value::from(w.as_str()), Value::from(*n)]))
                    .collect(),
            ),
        );
        out
    }
}

/// `top_k` from `additional_params`, or [`DEFAULT_TOP_K`].
pub fn top_k(config: &ProcessorConfig) -> usize {
    config.count_param("top_k").unwrap_or(DEFAULT_TOP_K)
}

/// Counts lines, words and characters of texts.
///
/// ```
/// use dataproc::{Processor, ProcessorConfig, TextProcessor};
/// let p = TextProcessor::new(ProcessorConfig::builder("t").build()?);
/// let r = p.process(&serde_json::json!(["The cat", "the dog.\nA cat!"]))?;
/// assert_eq!(r.output_data["words"], 6);
/// assert_eq!(r.output_data["lines"], 3);
/// assert_eq!(r.output_data["top_words"][0], serde_json::json!(["cat", 2]));
/// # Ok::<(), dataproc::Error>(())
/// ```
#[derive(Debug, Clone)]
pub struct TextProcessor {
    config: ProcessorConfig,
}

#[crate::processor]
impl Processor for TextProcessor {
    const PROCESSOR_TYPE: &'static str = "text";
    const DESCRIPTION: &'static str =
        "lines, words, characters, distinct words, top-k word frequencies";

    fn new(config: ProcessorConfig) -> Self {
        Self { config }
    }

    fn config(&self) -> &ProcessorConfig {
        &self.config
    }

    fn process(&self, data: &Value) -> Result<ProcessingResult> {
        timed(|start| {
            let items = self.validate_input(data)?;
            let mut state = TextState::default();
            for item in items {
                let Value::String(text) = item else {
                    return Err(Error::Processing(format!(
                        "Text processing failed: Cannot Convert {} to text: expected 'str', not '{}'",
                        py_str(item),
                        py_type_name(item)
                    )));
                };
                state.push(text);
            }
            Ok(self.finish(
                &state,
                InputData::Items(data.clone()),
                items.len() as u64,
                start,
            ))
        })
    }
}

impl TextProcessor {
    /// The result for a finished state (used by the streaming CLI too).
    pub fn finish(
        &self,
        state: &TextState,
        input: InputData,
        items: u64,
        start: Instant,
    ) -> ProcessingResult {
        let output = state.to_output(top_k(&self.config));
        let result = seed_result(
            "TextProcessor",
            Self::PROCESSOR_TYPE,
            "text",
            input,
            Value::Object(output),
            start,
        );
        self.log_result(&result, items);
        result
    }
}
