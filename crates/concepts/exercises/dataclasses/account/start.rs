//! Exercise — dataclasses, `repr=False` and `compare=False` by hand.
//!
//! 1. `Debug` prints `Account { owner: "ann", password: "***" }`: the password hidden, the
//!    login counter left out (the seed's `WithoutRepr`, `field(repr=False)`).
//! 2. Two accounts are equal when owner and password are; `logins` is ignored
//!    (`field(compare=False)`).
//! 3. `Hash` must agree with that equality, so a `HashSet` keeps one of two such accounts.

use std::fmt;
use std::hash::{Hash, Hasher};

/// A user account.
#[derive(Clone)]
pub struct Account {
    /// Who owns it.
    pub owner: String,
    /// Never printed.
    pub password: String,
    /// How often it was used; not part of its identity.
    pub logins: u32,
}

impl fmt::Debug for Account {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        let _ = f;
        todo!("use f.debug_struct(\"Account\")")
    }
}

impl PartialEq for Account {
    fn eq(&self, other: &Self) -> bool {
        let _ = other;
        todo!("compare owner and password only")
    }
}

impl Eq for Account {}

impl Hash for Account {
    fn hash<H: Hasher>(&self, state: &mut H) {
        let _ = state;
        todo!("hash what eq compares, nothing else")
    }
}
