//! The boilerplate written by hand — seed: `DataClasses/traditional.py`.
//!
//! **Python idea.** A data-holding class written the long way: `__init__`, `__repr__`,
//! `__eq__` and `__hash__` by hand, so that equal people compare equal and a set keeps one.
//!
//! **Rust answer.** The same four pieces are a constructor and three trait impls written by
//! hand: [`Person::new`], `Debug` (printing Python's repr, `Person(name='Alice', age=30)`),
//! `PartialEq`/`Eq` and `Hash`. The next module, [`derived`](super::derived), generates them.
//!
//! **Checked earlier.** `HashSet<Person>` requires `Eq + Hash` at compile time; Python lets
//! an unhashable object in until `set.add` raises. Rust cannot check that `Hash` agrees with
//! `Eq` — keeping them consistent is the author's job here, which is why deriving both is the
//! norm.
//!
//! **Does not carry over.** Nothing is missing; Rust's version is simply as long as Python's.

use std::fmt;
use std::hash::{Hash, Hasher};

/// A person, with every trait written by hand.
#[derive(Clone)]
pub struct Person {
    name: String,
    age: u32,
}

impl Person {
    /// Python's `__init__`.
    pub fn new(name: impl Into<String>, age: u32) -> Self {
        Self {
            name: name.into(),
            age,
        }
    }

    /// The name.
    pub fn name(&self) -> &str {
        &self.name
    }

    /// The age.
    pub fn age(&self) -> u32 {
        self.age
    }
}

/// Python's `__repr__`: `Person(name='Alice', age=30)`.
impl fmt::Debug for Person {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(f, "Person(name='{}', age={})", self.name, self.age)
    }
}

/// Python's `__eq__`: equal when every field is.
impl PartialEq for Person {
    fn eq(&self, other: &Self) -> bool {
        self.name == other.name && self.age == other.age
    }
}

impl Eq for Person {}

/// Python's `__hash__`: hash of the same fields `eq` compares.
impl Hash for Person {
    fn hash<H: Hasher>(&self, state: &mut H) {
        self.name.hash(state);
        self.age.hash(state);
    }
}

/// The demo: repr, equality and set membership from hand-written impls.
pub fn demo() -> Vec<String> {
    let p1 = Person::new("Alice", 30);
    let p2 = Person::new("Alice", 30);
    let p3 = Person::new("Bob", 25);
    let set: std::collections::HashSet<Person> = [p1.clone(), p2.clone(), p3.clone()].into();
    vec![
        format!("p1 = {p1:?}"),
        format!("p1 == p2: {}", p1 == p2),
        format!("p1 == p3: {}", p1 == p3),
        format!("{{p1, p2, p3}} has {} members", set.len()),
    ]
}
