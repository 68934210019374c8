//! The `dataproc` command line.
fn main() {}
