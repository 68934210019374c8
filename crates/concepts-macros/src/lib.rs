//! Procedural macros for the concepts crate.
