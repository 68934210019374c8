//! Enforcing types and values — seed: `DataClasses/strict_enforcement_dataclasses.py`.
//!
//! **Python idea.** Type hints are not checked at run time: the seed's `User(id: int,
//! name: str)` accepts `User("oops", 123)`. The fixes it shows: a static checker (mypy,
//! pyright), a `__post_init__` check (`StrictUser("IIT2022010", ...)` raises
//! "id must be int, got str"), pydantic's dataclass (a `ValidationError`), and `beartype`.
//!
//! **Rust answer**, one layer per kind of mistake:
//! - *wrong types in code* do not compile: the seed's `User("oops", 123)` is
//!   `tests/ui/wrong_field_type.rs` (E0308 twice) — the compiler is mypy and beartype at
//!   once, with nothing to run;
//! - *untrusted data* (JSON) is parsed by `serde` into the typed [`User`], and a wrong type,
//!   a missing field or an unknown field is a clear error ([`parse_user`]) — `serde` plays
//!   pydantic's parsing role, and the seed's `StrictUser`/pydantic inputs are [`SAMPLES`];
//! - *value rules* (ranges, formats), which the seed does not show but pydantic and attrs
//!   are used for, are declared on the fields and checked by `garde`, or by a `TryFrom`
//!   newtype ([`Age`]) — the counterpart of a `__post_init__` check.
//!
//! Names and inputs follow the seed file (`User`, id 10 / "IIT2022010" / "oops",
//! "Aashish Raghav").
//!
//! **Checked earlier.** Types: at compile time, always. Values from outside: at the boundary,
//! once; past [`parse_user`] the rest of the program holds a `User` known to be valid.
//!
//! **Where Rust differs.** One `User` does what the seed needs three classes for (`User`,
//! `StrictUser`, the pydantic `User`). The error texts are serde's
//! (`invalid type: string "IIT2022010", expected i64`), not the seed's hand-written
//! "id must be int, got str". Nothing needs re-checking on every call (beartype's job): a
//! value cannot change type after it is built.

use garde::Validate;
use serde::{Deserialize, Serialize};
use thiserror::Error;

// ANCHOR: user
/// The seed's `User`: typed by serde, value rules by garde.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize, Validate)]
#[serde(deny_unknown_fields)]
pub struct User {
    /// A positive number.
    #[garde(range(min = 1))]
    pub id: i64,
    /// 1 to 100 characters.
    #[garde(length(min = 1, max = 100))]
    pub name: String,
}

/// Why input was not a valid [`User`].
#[derive(Debug, Error)]
pub enum StrictError {
    /// The JSON does not have the shape or types of a `User`.
    #[error("invalid User JSON: {0}")]
    Shape(#[from] serde_json::Error),
    /// The shape is right, a value breaks a rule.
    #[error("invalid User: {}", .0.to_string().trim_end().replace('\n', "; "))]
    Rules(#[from] garde::Report),
}

/// Parses and validates a `User` from JSON.
///
/// # Errors
/// [`StrictError::Shape`] for wrong types, missing or unknown fields;
/// [`StrictError::Rules`] for values out of range.
pub fn parse_user(json: &str) -> Result<User, StrictError> {
    let user: User = serde_json::from_str(json)?;
    user.validate()?;
    Ok(user)
}
// ANCHOR_END: user

// ANCHOR: age
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
// ANCHOR_END: age

impl Age {
    /// The years.
    pub fn years(self) -> u8 {
        self.0
    }
}

/// What rustc printed for the seed's `User("oops", 123)`, as checked in by the compile-fail test.
pub const WRONG_TYPE: &str = include_str!("../../tests/ui/wrong_field_type.stderr");

/// The inputs the demo feeds to [`parse_user`]: the seed's three, then a value-rule
/// violation and a missing field.
pub const SAMPLES: [&str; 5] = [
    r#"{"id": 10, "name": "Aashish Raghav"}"#,
    r#"{"id": "IIT2022010", "name": "Aashish Raghav"}"#,
    r#"{"id": "oops", "name": 123}"#,
    r#"{"id": 0, "name": ""}"#,
    r#"{"id": 10}"#,
];

// ANCHOR: demo
/// The demo: JSON through serde and garde, then a newtype, then the compiler on wrong types.
pub fn demo() -> Vec<String> {
    let mut lines = Vec::new();
    for sample in SAMPLES {
        lines.push(sample.to_owned());
        lines.push(match parse_user(sample) {
            Ok(user) => format!("  -> {user:?}"),
            Err(e) => format!("  -> Exception : {e}"),
        });
    }
    for years in [42, 151, -1] {
        lines.push(match Age::try_from(years) {
            Ok(age) => format!("Age::try_from({years}) -> {} years", age.years()),
            Err(e) => format!("Age::try_from({years}) -> error: {e}"),
        });
    }
    lines.push("User { id: \"oops\", name: 123 } (tests/ui/wrong_field_type.rs):".to_owned());
    lines.extend(WRONG_TYPE.lines().map(|l| format!("  {l}")));
    lines
}
// ANCHOR_END: demo
