//! Data processors behind a compiler-checked trait (the seed's `dataproc`, section 4).
//!
//! A reader of the Python code finds its names here: [`ProcessorConfig`],
//! [`ProcessingResult`], the [`Processor`] trait (the seed's `DataProcessor`),
//! [`NumericProcessor`], and one [`Error`] with the kinds validation / processing /
//! configuration. The seed's metaclass rules are checked at compile time by
//! [`#[processor]`](macro@processor), which also registers each processor by type tag
//! (see [`registered`]). Beyond the seed: `text`, `categorical` and `pipeline`
//! processors; exact, correctly rounded statistics ([`exact`], [`stats`]); streaming
//! readers for big inputs ([`input`]), which fold big files in parallel parts; an
//! approximate median in bounded memory ([`sketch`]).
//!
//! Memory: every numeric statistic streams in constant memory (mergeable states) except
//! the exact median, which keeps 8 bytes per value; [`Median::Approximate`] or
//! [`Median::Omitted`] keep memory flat for unbounded streams.
//!
//! Departures from the seed, on purpose: validation failures from `process` stay
//! validation errors; `sum` is correctly rounded; NaN/±inf fail with their position
//! unless skipped and counted; `timeout_seconds` is enforced; a streamed result describes
//! its input instead of echoing it; the metadata labels the std dev as `sample (n-1)`.
//!
//! Where Rust's types replace a run-time check of the seed: the abstract base cannot be
//! instantiated (it is a trait); the class rules fail the build; a pipeline only accepts
//! processors. The library only emits `tracing` events; it never creates a log file.
//!
//! ```
//! use dataproc::{NumericProcessor, Processor, ProcessorConfig};
//! let config = ProcessorConfig::builder("NumericStats")
//!     .description("Calculate Numeric Statistics")
//!     .max_input_size(500)
//!     .build()?;
//! let result = NumericProcessor::new(config).process(&serde_json::json!([45, 10, 23, 43]))?;
//! assert_eq!(result.output_data["sum"], 121.0);
//! println!("{}", result.to_json());
//! # Ok::<(), dataproc::Error>(())
//! ```

extern crate self as dataproc;

pub mod categorical;
pub mod columns;
pub mod config;
pub mod distinct;
pub mod error;
pub mod exact;
pub mod input;
pub mod numeric;
pub mod pipeline;
mod plain_csv;
pub mod processor;
pub mod pyfloat;
pub mod pyjson;
pub mod report;
pub mod result;
mod row_buffer;
pub mod select;
pub mod sketch;
pub mod stats;
pub mod table;
pub mod text;

pub use categorical::CategoricalProcessor;
pub use config::{ProcessorConfig, ProcessorConfigBuilder};
pub use dataproc_macros::processor;
pub use error::{Error, ErrorKind, Result};
pub use numeric::{Median, NumericOptions, NumericProcessor, Position};
pub use pipeline::PipelineProcessor;
pub use processor::{DynProcessor, Processor, ProcessorEntry, create, registered};
pub use result::{InputData, ProcessingResult, StreamedInput};
pub use text::TextProcessor;

#[doc(hidden)]
pub use inventory;
