//! The `fetcher` command line.
fn main() {}
