//! Naming rules enforced before the program exists — seed: `MetaClasses/coding_standards.py`.
//!
//! **Python idea.** A metaclass inspects the class body and raises `NameError` when a
//! constant is not UPPER_CASE or a method is not snake_case — when the module is imported.
//!
//! **Rust answer.** The attribute macro [`macro@coding_standards`] applies the seed's check to
//! an `impl` block while the crate compiles; a violation is a compile error carrying the
//! seed's wording: `Constant 'maxSize' must be UPPER_CASE`, `Method 'GetData' must be
//! snake_case`. The compile-fail tests `tests/ui/coding_standards_*.rs` prove it, and their
//! checked-in `.stderr` files are what [`demo`] shows.
//!
//! **Checked earlier.** Rustc already has these rules as lints, for every item of every
//! crate: `non_snake_case` (functions, methods, variables), `non_upper_case_globals`
//! (consts, statics) and `non_camel_case_types` (types). They warn by default; a crate makes
//! them errors with `#![deny(nonstandard_style)]`, or a workspace with
//! `[lints.rust] nonstandard_style = "deny"`. That is the idiomatic way to enforce naming:
//! the macro exists to show the metaclass mechanism and the seed's exact messages.
//!
//! **Wording.** The seed's Python file is not at hand; its README says the metaclass raises
//! `NameError` for these two rules. The messages above are this crate's rendering of that
//! check, and the compile-fail snapshots pin them.
//!
//! **Does not carry over.** The macro sees only the block it is put on, not subclasses: a
//! Rust type has no subclasses that could inherit the check.

pub use concepts_macros::coding_standards;

/// A configuration type whose names follow the standard (it compiles).
#[derive(Debug, Default)]
pub struct Config {
    data: Vec<String>,
}

#[coding_standards]
impl Config {
    /// The largest number of entries kept.
    pub const MAX_SIZE: usize = 100;
    /// The name used when none is given.
    pub const DEFAULT_NAME: &'static str = "config";

    /// Adds one entry, keeping at most [`Config::MAX_SIZE`].
    pub fn add_entry(&mut self, entry: &str) {
        if self.data.len() < Self::MAX_SIZE {
            self.data.push(entry.to_owned());
        }
    }

    /// The entries.
    pub fn get_data(&self) -> &[String] {
        &self.data
    }
}

/// What rustc printed for the rejected constant, as checked in by the compile-fail test.
pub const REJECTED_CONSTANT: &str = include_str!("../../tests/ui/coding_standards_constant.stderr");
/// What rustc printed for the rejected method, as checked in by the compile-fail test.
pub const REJECTED_METHOD: &str = include_str!("../../tests/ui/coding_standards_method.stderr");

/// The demo: a conforming type in use, then the compiler's verdict on two that are not.
pub fn demo() -> Vec<String> {
    let mut config = Config::default();
    config.add_entry(Config::DEFAULT_NAME);
    let mut lines = vec![
        format!(
            "Config passed the check at compile time: MAX_SIZE = {}, get_data() = {:?}",
            Config::MAX_SIZE,
            config.get_data()
        ),
        "Rejected at compile time (tests/ui/coding_standards_constant.rs):".to_owned(),
    ];
    lines.extend(REJECTED_CONSTANT.lines().map(|l| format!("  {l}")));
    lines.push("Rejected at compile time (tests/ui/coding_standards_method.rs):".to_owned());
    lines.extend(REJECTED_METHOD.lines().map(|l| format!("  {l}")));
    lines
}
