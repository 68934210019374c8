//! Processors chosen per item — seed: `AbstractBaseClasses/data_processing_pipeline.py`.
//!
//! **Python idea.** A `DataProcessor` ABC with the abstract methods `validate(item) -> bool`
//! and `process(item)`, and a concrete `can_process` (validate, with an exception counting
//! as "no") that every subclass inherits; `TextProcessor` strips and lower-cases text,
//! `NumberProcessor` rounds numbers to 2 decimals, `ListProcessor` sorts lists. A
//! `ProcessingPipeline` tries its processors in order in `process_item` and uses the first
//! whose `can_process` says yes; an item nobody takes raises
//! "No processor found for datatype :<class '{type}'>", which `process_batch` prints as
//! "Processing Error : ..." before appending `None`. `addProcessor` refuses anything that
//! is not a `DataProcessor` (the seed's `WrongProcessor`) with an `isinstance` check at run
//! time.
//!
//! **Rust answer.** The ABC `DataProcessor` is a trait, [`ItemProcessor`]: `validate` and `process` are
//! required methods (a processor missing one does not compile, as instantiating an
//! incomplete ABC fails), `can_process` is a *provided* method with the default body, like
//! the inherited concrete method. The pipeline holds trait objects, a
//! `Vec<Box<dyn ItemProcessor>>`, so one list mixes processor types as the Python list does,
//! and [`Pipeline::add`] takes `Box<dyn ItemProcessor>`: adding a non-processor is a compile
//! error (`tests/ui/not_a_processor.rs`), not a run-time refusal. Items are
//! `serde_json::Value`s, the seed's heterogeneous list.
//!
//! The pipeline is not re-implemented here: this chapter uses the project's one
//! implementation, [`dataproc::pipeline`] ([`ItemProcessor`], [`TextItemProcessor`],
//! [`NumberItemProcessor`], [`ListItemProcessor`], [`Pipeline`], [`BatchOutcome`]), which
//! also backs the `dataproc pipeline` command, so the names are the library's: the seed's
//! `TextProcessor`, `NumberProcessor` and `ListProcessor` are [`TextItemProcessor`],
//! [`NumberItemProcessor`] and [`ListItemProcessor`] (in `dataproc`, `TextProcessor` is the
//! column statistic of seed section 4); its `ProcessingPipeline` is [`Pipeline`],
//! `addProcessor` is [`Pipeline::add`], `process_item` / `process_batch` keep their names.
//! [`Pipeline::seed`] is the seed's pipeline (number, text, list, in that order).
//! A processor's failure is a typed [`PipelineError`], not an exception that might escape;
//! [`Pipeline::process_batch`] returns one `Option` per item plus the errors, and
//! [`demo`] prints them as the seed does.
//!
//! **Where Rust differs.** The results print as JSON (`["hello world",3.14,[1,1,3,4,5],null]`)
//! where Python prints its list repr (`['hello world', 3.14, [1, 1, 3, 4, 5], None]`).
//! Python's type names come from the value (`dict`, `str`); here they are derived from the
//! JSON kind (object → `dict`, array → `list`, ...). JSON has no tuples or sets. As in
//! Python, a boolean is an int to the number processor (`true` → `1`). Rounding is Python's
//! `round(x, 2)` ([`round2`]): to the nearest, ties to even, on the exact value.

use serde_json::Value;

pub use dataproc::pipeline::{
    BatchOutcome, ItemProcessor, ListItemProcessor, NumberItemProcessor, Pipeline, PipelineError,
    TextItemProcessor, round2,
};

/// The seed's example batch.
#[allow(
    clippy::approx_constant,
    reason = "3.14159 is the seed's input, not an attempt at pi"
)]
// ANCHOR: seed_batch
pub fn seed_batch() -> Vec<Value> {
    vec![
        Value::from("  HELLO WORLD  "),
        Value::from(3.14159),
        serde_json::json!([3, 1, 4, 1, 5]),
        serde_json::json!({"invalid": "data"}),
    ]
}
// ANCHOR_END: seed_batch

// ANCHOR: demo
/// The demo: the seed's batch in, one result per item out, the failure reported as the
/// seed prints it.
pub fn demo() -> Vec<String> {
    let outcome = Pipeline::seed().process_batch(&seed_batch());
    let mut lines = outcome.error_lines();
    lines.push(format!("Results: {}", outcome.to_json()));
    lines
}
// ANCHOR_END: demo
