//! Naming rules enforced before the program exists — seed: `MetaClasses/coding_standards.py`.
//!
//! **Python idea.** `CodingStandardsMeta` inspects the class body and raises `NameError` when
//! a public method is not snake case (`"Method badHabit should be snake case."`) or a public
//! constant is not upper case (`"Constant name should be in upper case."`) — when the module
//! is imported. `GoodClass` (`NAME = "Aashish"`, `AGE = 21`, `habit()` returning "Coding")
//! passes; `BadClass1` and `BadClass2` are commented out in the seed because they would fail.
//!
//! **Rust answer.** The attribute macro [`macro@coding_standards`] applies the seed's check to
//! an `impl` block while the crate compiles; a violation is a compile error carrying the
//! seed's `NameError` text word for word. [`GoodClass`] compiles; the seed's `BadClass1` and
//! `BadClass2` are the compile-fail tests `tests/ui/coding_standards_*.rs`, and their
//! checked-in `.stderr` files are what [`demo`] shows. Names and values follow the seed file.
//!
//! **Checked earlier.** Rustc already has these rules as lints, for every item of every
//! crate: `non_snake_case` (functions, methods, variables), `non_upper_case_globals`
//! (consts, statics) and `non_camel_case_types` (types). They warn by default; a crate makes
//! them errors with `#![deny(nonstandard_style)]`, or a workspace with
//! `[lints.rust] nonstandard_style = "deny"`. That is the idiomatic way to enforce naming:
//! the macro exists to show the metaclass mechanism and the seed's exact messages.
//!
//! **Where Rust differs.** The tests are Python's `str.islower()` / `str.isupper()`, and
//! names starting with `_` are skipped, as in the seed. The seed checks class attributes
//! whose *value* is an `int`, `str` or `float`; the macro checks every associated `const`,
//! whatever its type (a Rust constant is always a constant). Python stops at the first
//! violation; the macro reports every one in the block. The macro sees only the block it
//! is put on: a Rust type has no subclasses that could inherit the check.

pub use concepts_macros::coding_standards;

// ANCHOR: good_class
/// The seed's `GoodClass`: its names follow the standard, so it compiles.
#[derive(Debug, Default)]
pub struct GoodClass;

#[coding_standards]
impl GoodClass {
    /// The seed's `NAME`.
    pub const NAME: &'static str = "Aashish";
    /// The seed's `AGE`.
    pub const AGE: u32 = 21;

    /// The seed's `habit()` (an associated function: the seed's has no `self` either).
    pub fn habit() -> &'static str {
        "Coding"
    }
}
// ANCHOR_END: good_class

/// What rustc printed for the seed's `BadClass1`, as checked in by the compile-fail test.
pub const REJECTED_CONSTANT: &str = include_str!("../../tests/ui/coding_standards_constant.stderr");
/// What rustc printed for the seed's `BadClass2`, as checked in by the compile-fail test.
pub const REJECTED_METHOD: &str = include_str!("../../tests/ui/coding_standards_method.stderr");

// ANCHOR: demo
/// The demo: the seed's `GoodClass` in use, then the compiler's verdict on `BadClass1` and
/// `BadClass2`.
pub fn demo() -> Vec<String> {
    let mut lines = vec![
        format!(
            "GoodClass passed the check at compile time: NAME = {:?}, AGE = {}, habit() = {:?}",
            GoodClass::NAME,
            GoodClass::AGE,
            GoodClass::habit()
        ),
        "BadClass1 rejected at compile time (tests/ui/coding_standards_constant.rs):".to_owned(),
    ];
    lines.extend(REJECTED_CONSTANT.lines().map(|l| format!("  {l}")));
    lines.push(
        "BadClass2 rejected at compile time (tests/ui/coding_standards_method.rs):".to_owned(),
    );
    lines.extend(REJECTED_METHOD.lines().map(|l| format!("  {l}")));
    lines
}
// ANCHOR_END: demo
