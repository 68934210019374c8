//! Enforcing types and values — seed: `DataClasses/strict_enforcement_dataclasses.py`.
//!
//! **Python idea.** Type hints are not checked at run time: `Person(name=42, age="old")`
//! is accepted. The fixes: a static checker (mypy, pyright), checks in `__post_init__`,
//! `pydantic`/`attrs` validation, or `beartype` decorators.
//!
//! **Rust answer**, one layer per kind of mistake:
//! - *wrong types in code* do not compile (E0308, `tests/ui/wrong_field_type.rs`) — the
//!   compiler is mypy and beartype at once, with nothing to run;
//! - *untrusted data* (JSON) is parsed by `serde` into the typed struct, and a wrong type,
//!   a missing field or an unknown field is a clear error ([`parse_person`]) — `serde` plays
//!   pydantic's parsing role;
//! - *value rules* (ranges, formats) are declared on the fields and checked by `garde`
//!   (pydantic's validators, attrs' `validators=`), or by a `TryFrom` newtype ([`Age`]) —
//!   the counterpart of a `__post_init__` check.
//!
//! **Checked earlier.** Types: at compile time, always. Values from outside: at the boundary,
//! once; past [`parse_person`] the rest of the program holds a `Person` known to be valid.
//!
//! **Does not carry over.** Nothing needs re-checking on every call (beartype's job): a
//! value cannot change type after it is built.

use garde::Validate;
use serde::{Deserialize, Serialize};
use thiserror::Error;

/// A person read from untrusted input: typed by serde, value rules by garde.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize, Validate)]
#[serde(deny_unknown_fields)]
pub struct Person {
    /// 1 to 100 characters.
    #[garde(length(min = 1, max = 100))]
    pub name: String,
    /// 0 to 150.
    #[garde(range(max = 150))]
    pub age: u8,
    /// A valid address.
    #[garde(email)]
    pub email: String,
}

/// Why input was not a valid [`Person`].
#[derive(Debug, Error)]
pub enum StrictError {
    /// The JSON does not have the shape or types of a `Person`.
    #[error("invalid Person JSON: {0}")]
    Shape(#[from] serde_json::Error),
    /// The shape is right, a value breaks a rule.
    #[error("invalid Person: {}", .0.to_string().trim_end().replace('\n', "; "))]
    Rules(#[from] garde::Report),
}

/// Parses and validates a `Person` from JSON.
///
/// # Errors
/// [`StrictError::Shape`] for wrong types, missing or unknown fields;
/// [`StrictError::Rules`] for values out of range or malformed.
pub fn parse_person(json: &str) -> Result<Person, StrictError> {
    let person: Person = serde_json::from_str(json)?;
    person.validate()?;
    Ok(person)
}

/// An age in years, 0 to 150: a newtype whose constructor is the only way in.
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord, Hash)]
pub struct Age(u8);

/// An age outside 0..=150.
#[derive(Debug, Error, PartialEq, Eq)]
#[error("age must be between 0 and 150, got {0}")]
pub struct AgeError(pub i64);

impl TryFrom<i64> for Age {
    type Error = AgeError;
    fn try_from(years: i64) -> Result<Self, AgeError> {
        u8::try_from(years)
            .ok()
            .filter(|y| *y <= 150)
            .map(Age)
            .ok_or(AgeError(years))
    }
}

impl Age {
    /// The years.
    pub fn years(self) -> u8 {
        self.0
    }
}

/// What rustc printed for a wrongly typed field, as checked in by the compile-fail test.
pub const WRONG_TYPE: &str = include_str!("../../tests/ui/wrong_field_type.stderr");

/// The inputs the demo feeds to [`parse_person`].
pub const SAMPLES: [&str; 4] = [
    r#"{"name": "Alice", "age": 30, "email": "alice@example.com"}"#,
    r#"{"name": "Alice", "age": "thirty", "email": "alice@example.com"}"#,
    r#"{"name": "", "age": 200, "email": "not-an-email"}"#,
    r#"{"name": "Alice", "age": 30}"#,
];

/// The demo: the compiler on wrong types, then JSON through serde and garde, then a newtype.
pub fn demo() -> Vec<String> {
    let mut lines = Vec::new();
    for sample in SAMPLES {
        lines.push(sample.to_owned());
        lines.push(match parse_person(sample) {
            Ok(p) => format!("  -> {p:?}"),
            Err(e) => format!("  -> error: {e}"),
        });
    }
    for years in [42, 151, -1] {
        lines.push(match Age::try_from(years) {
            Ok(age) => format!("Age::try_from({years}) -> {} years", age.years()),
            Err(e) => format!("Age::try_from({years}) -> error: {e}"),
        });
    }
    lines.push("Person { name: 42, .. } (tests/ui/wrong_field_type.rs):".to_owned());
    lines.extend(WRONG_TYPE.lines().map(|l| format!("  {l}")));
    lines
}
