//! Solution — dataclasses, strict enforcement: `TryFrom` is the one checked way to make an
//! `Age`; `u8::try_from` after the range check cannot fail, and is still not unwrapped.

use std::fmt;

/// An age from 0 to 150; the field is private, so `try_from` is the only way in.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct Age(u8);

/// An age out of range.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct AgeError(pub i64);

impl fmt::Display for AgeError {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(f, "age {} is not between 0 and 150", self.0)
    }
}

impl TryFrom<i64> for Age {
    type Error = AgeError;
    fn try_from(n: i64) -> Result<Self, AgeError> {
        match u8::try_from(n) {
            Ok(years) if years <= 150 => Ok(Age(years)),
            _ => Err(AgeError(n)),
        }
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
