//! Solution — dataclasses: hand-written `Debug`, `PartialEq` and `Hash` that leave fields
//! out; `Hash` covers exactly the fields `eq` compares, so equal accounts hash equally.

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
        f.debug_struct("Account")
            .field("owner", &self.owner)
            .field("password", &"***")
            .finish()
    }
}

impl PartialEq for Account {
    fn eq(&self, other: &Self) -> bool {
        (&self.owner, &self.password) == (&other.owner, &other.password)
    }
}

impl Eq for Account {}

impl Hash for Account {
    fn hash<H: Hasher>(&self, state: &mut H) {
        self.owner.hash(state);
        self.password.hash(state);
    }
}
