//! Exercise — dataclasses, strict enforcement: check a value once, then trust the type.
//!
//! `Age` can only hold 0 to 150. `Age::try_from(n)` returns `Err(AgeError(n))` outside that
//! range; `AgeError` prints "age {n} is not between 0 and 150". `Person::new` takes an
//! `Age`, so a `Person` with an impossible age cannot exist.

use std::fmt;

/// An age from 0 to 150; the field is private, so `try_from` is the only way in.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct Age(u8);

/// An age out of range.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct AgeError(pub i64);

impl fmt::Display for AgeError {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        let _ = f;
        todo!("age {{n}} is not between 0 and 150")
    }
}

impl TryFrom<i64> for Age {
    type Error = AgeError;
    fn try_from(n: i64) -> Result<Self, AgeError> {
        let _ = n;
        todo!("check the range, then Ok(Age(..))")
    }
}

impl Age {
    /// The years.
    pub fn years(self) -> u8 {
        self.0
    }
}

/// A person: the age is already checked.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Person {
    /// The name.
    pub name: String,
    /// The checked age.
    pub age: Age,
}
