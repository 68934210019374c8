//! Compile-time class rules for dataproc processors.
