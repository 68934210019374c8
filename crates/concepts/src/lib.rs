//! # Advanced Python concepts, answered in Rust
//!
//! The seed teaches four Python features through small runnable files. This crate is the
//! book-shaped Rust counterpart: one chapter module per seed chapter, one module per seed
//! file, in the seed's order. Every demo is a function that returns what it shows, so the
//! tests assert it and the `concepts` binary prints it.
//!
//! | chapter | seed section | module |
//! |---|---|---|
//! | Metaclasses | 1 | [`metaclasses`] |
//! | Abstract base classes | 2 | [`abcs`] |
//! | Dataclasses | 3 | [`dataclasses`] |
//! | Asyncio | 5 | [`asyncio`] |
//! | Aiohttp: HTTP client and server | 7 | [`http`] |
//!
//! ## What Rust checks earlier
//!
//! Much of what the seed's Python demonstrates fails at run time — a class missing an
//! abstract method, a `Boat` asked to fly, a name breaking the coding standard, a write to a
//! frozen field, a field of the wrong type. Here each of these is a compile error, proved by
//! a compile-fail test in `tests/ui/` whose expected compiler message is checked in; the
//! demos print those messages next to their output.
//!
//! ## Which crate plays which Python role
//!
//! | Python | Rust |
//! |---|---|
//! | metaclass machinery | procedural macros (`concepts-macros`, built on `syn`/`quote`) |
//! | registries filled at class creation | `inventory` |
//! | `pydantic` | `serde` (typed parsing) + `garde` (value rules) |
//! | `attrs` | std derives (`bon`/`typed-builder` for builders) |
//! | `beartype`, mypy | the compiler |
//! | `pympler.asizeof` | `get-size2` |
//! | `uuid`, `datetime` | `uuid`, `jiff` |
//!
//! Run one with `cargo run -p concepts -- run metaclasses/dynamic_class`, list them all with
//! `cargo run -p concepts -- list`.

// Lets the proc-macros of `concepts-macros` name this crate as `::concepts` from inside it too.
extern crate self as concepts;

pub mod abcs;
pub mod asyncio;
pub mod dataclasses;
pub mod demo;
pub mod http;
pub mod metaclasses;
pub mod source;

/// Paths the macros of `concepts-macros` expand to; not part of the public API.
#[doc(hidden)]
pub mod __private {
    pub use inventory;
}
