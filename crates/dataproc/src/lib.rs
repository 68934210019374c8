//! Data processors behind a compiler-checked trait (the seed's `dataproc`).
