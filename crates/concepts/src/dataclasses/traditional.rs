//! The boilerplate written by hand — seed: `DataClasses/traditional.py`.
//!
//! **Python idea.** A data-holding class written the long way: `__init__`, `__repr__`
//! (`Person(Alice,21,alice@example.com)`), `__eq__` and `__hash__` by hand, so that equal
//! people compare equal and can live in a set.
//!
//! **Rust answer.** The same four pieces are a constructor and three trait impls written by
//! hand: [`Person::new`], `Debug` (printing the seed's repr exactly), `PartialEq`/`Eq` and
//! `Hash`. The next module, [`derived`](super::derived), generates them. Names and values
//! follow the seed file: Alice, 21, alice@example.com, and ten people `Alice_0` (20) to
//! `Alice_9` (29) put in a set.
//!
//! **Checked earlier.** `HashSet<Person>` requires `Eq + Hash` at compile time; Python lets
//! an unhashable object in until `set.add` raises (the seed's closing note: defining
//! `__eq__` without `__hash__` makes a class unhashable). Rust cannot check that `Hash`
//! agrees with `Eq` — keeping them consistent is the author's job here, which is why
//! deriving both is the norm.
//!
//! **Where Rust differs.** Python prints the set in hash order; a Rust `HashSet` has a
//! random order per run, so the demo prints its members sorted. Python prints `True`;
//! Rust's `bool` prints `true`.

use std::collections::HashSet;
use std::fmt;
use std::hash::{Hash, Hasher};

// ANCHOR: person
/// A person, with every trait written by hand.
#[derive(Clone)]
pub struct Person {
    name: String,
    age: u32,
    email: String,
}

impl Person {
    /// Python's `__init__`.
    pub fn new(name: impl Into<String>, age: u32, email: impl Into<String>) -> Self {
        Self {
            name: name.into(),
            age,
            email: email.into(),
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

    /// The address.
    pub fn email(&self) -> &str {
        &self.email
    }
}

/// Python's `__repr__`, the seed's format: `Person(Alice,21,alice@example.com)`.
impl fmt::Debug for Person {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(f, "Person({},{},{})", self.name, self.age, self.email)
    }
}

/// Python's `__eq__`: equal when every field is.
impl PartialEq for Person {
    fn eq(&self, other: &Self) -> bool {
        self.name == other.name && self.age == other.age && self.email == other.email
    }
}

impl Eq for Person {}

/// Python's `__hash__`: hash of the same fields `eq` compares.
impl Hash for Person {
    fn hash<H: Hasher>(&self, state: &mut H) {
        self.name.hash(state);
        self.age.hash(state);
        self.email.hash(state);
    }
}
// ANCHOR_END: person

/// The seed's ten people: `Person(f"Alice_{i-20}", i, f"alice_{i-20}@gmail.com")` for `i`
/// in 20..30.
pub fn ten_people() -> Vec<Person> {
    (20..30)
        .map(|i| {
            let n = i - 20;
            Person::new(format!("Alice_{n}"), i, format!("alice_{n}@gmail.com"))
        })
        .collect()
}

/// A set printed the way Python prints one, members sorted (see the module docs).
pub fn show_set<T: fmt::Debug>(members: impl IntoIterator<Item = T>) -> String {
    let mut shown: Vec<String> = members.into_iter().map(|m| format!("{m:?}")).collect();
    shown.sort();
    format!("{{{}}}", shown.join(", "))
}

// ANCHOR: demo
/// The demo: the seed's repr, equality and set, from hand-written impls.
pub fn demo() -> Vec<String> {
    let person1 = Person::new("Alice", 21, "alice@example.com");
    let person2 = Person::new("Alice", 21, "alice@example.com");
    let st: HashSet<Person> = ten_people().into_iter().collect();
    let pair: HashSet<&Person> = [&person1, &person2].into();
    vec![
        format!("{person1:?}"),
        format!("person1 == person2: {}", person1 == person2),
        show_set(&st),
        format!("{{person1, person2}} has {} member", pair.len()),
    ]
}
// ANCHOR_END: demo
