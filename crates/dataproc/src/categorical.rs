//! The categorical processor: frequencies, mode and cardinality of labels.
//!
//! An item's category is its text (`str()` in Python terms: strings as they are, `True`,
//! `None`, `1.5` for the rest). The mode is the most frequent category, the first seen
//! winning a tie (as `statistics.mode`). `top_k` in `additional_params` limits the
//! `frequencies` listed (all by default). Counts are mergeable; memory grows with the
//! number of distinct categories, not with the input.

use std::collections::HashMap;
use std::time::Instant;

use serde_json::{Map, Value};

use crate::config::ProcessorConfig;
use crate::error::Result;
use crate::processor::{Processor, seed_result, timed};
use crate::pyjson::py_str;
use crate::result::{InputData, ProcessingResult};

/// The mergeable counts of a categorical stream.
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct CategoricalState {
    /// Items seen.
    pub count: u64,
    /// Per category: (occurrences, order of first appearance).
    counts: HashMap<String, (u64, u64)>,
}

impl CategoricalState {
    /// Folds in one category.
    pub fn push(&mut self, category: &str) {
        self.count += 1;
        let next = self.counts.len() as u64;
        match self.counts.get_mut(category) {
            Some(entry) => entry.0 += 1,
            None => {
                self.counts.insert(category.to_owned(), (1, next));
            }
        }
    }

    /// Combines a later part of the stream into this one (first-seen order: ours first).
    pub fn merge(&mut self, later: &Self) {
        self.count += later.count;
        let mut theirs: Vec<_> = later.counts.iter().collect();
        theirs.sort_by_key(|(_, (_, order))| *order);
        for (category, (n, _)) in theirs {
            let next = self.counts.len() as u64;
            self.counts.entry(category.clone()).or_insert((0, next)).0 += n;
        }
    }

    /// Distinct categories.
    pub fn cardinality(&self) -> usize {
        self.counts.len()
    }

    /// The output map: `count`, `cardinality`, `mode`, `frequencies` (by count, then first
    /// appearance; at most `top_k`).
    pub fn to_output(&self, top_k: Option<usize>) -> Map<String, Value> {
        let mut all: Vec<(&String, &(u64, u64))> = self.counts.iter().collect();
        all.sort_by(|a, b| b.1.0.cmp(&a.1.0).then(a.1.1.cmp(&b.1.1)));
        let mode = all.first().map(|(c, _)| Value::from(c.as_str()));
        let mut frequencies = Map::new();
        for (category, (n, _)) in all.into_iter().take(top_k.unwrap_or(usize::MAX)) {
            frequencies.insert(category.clone(), Value::from(*n));
        }
        let mut out = Map::new();
        out.insert("count".into(), self.count.into());
        out.insert("cardinality".into(), self.counts.len().into());
        out.insert("mode".into(), mode.unwrap_or(Value::Null));
        out.insert("frequencies".into(), Value::Object(frequencies));
        out
    }
}

/// Counts categories.
///
/// ```
/// use dataproc::{CategoricalProcessor, Processor, ProcessorConfig};
/// let p = CategoricalProcessor::new(ProcessorConfig::builder("c").build()?);
/// let r = p.process(&serde_json::json!(["red", "blue", "red", true]))?;
/// assert_eq!(r.output_data["mode"], "red");
/// assert_eq!(r.output_data["cardinality"], 3);
/// assert_eq!(r.output_data["frequencies"]["True"], 1);
/// # Ok::<(), dataproc::Error>(())
/// ```
#[derive(Debug, Clone)]
pub struct CategoricalProcessor {
    config: ProcessorConfig,
}

#[crate::processor]
impl Processor for CategoricalProcessor {
    const PROCESSOR_TYPE: &'static str = "categorical";
    const DESCRIPTION: &'static str = "frequencies, mode and cardinality of labels";

    fn new(config: ProcessorConfig) -> Self {
        Self { config }
    }

    fn config(&self) -> &ProcessorConfig {
        &self.config
    }

    fn process(&self, data: &Value) -> Result<ProcessingResult> {
        timed(|start| {
            let items = self.validate_input(data)?;
            let mut state = CategoricalState::default();
            for item in items {
                state.push(&py_str(item));
            }
            Ok(self.finish(&state, InputData::Items(data.clone()), start))
        })
    }
}

impl CategoricalProcessor {
    /// The result for a finished state (used by the streaming CLI too).
    pub fn finish(
        &self,
        state: &CategoricalState,
        input: InputData,
        start: Instant,
    ) -> ProcessingResult {
        let output = state.to_output(self.config.count_param("top_k"));
        let result = seed_result(
            "CategoricalProcessor",
            Self::PROCESSOR_TYPE,
            "categorical",
            input,
            Value::Object(output),
            start,
        );
        self.log_result(&result, state.count);
        result
    }
}
