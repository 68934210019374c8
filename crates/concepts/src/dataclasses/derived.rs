//! The boilerplate generated — seed: `DataClasses/dataclass_solution.py`.
//!
//! **Python idea.** `@dataclass` writes `__init__` and `__repr__` from the annotated fields
//! (and `__eq__` unless told otherwise). The seed's `Person` says `eq=False`: it keeps
//! identity comparison, so `person1 == person2` is `False` for two people with the same
//! fields, and a set of the seed's ten people holds ten distinct objects.
//!
//! **Rust answer.** `#[derive(Debug, Clone)]` generates the repr and copy from the fields
//! ([`Person`]); a struct literal is the generated `__init__`. Leaving out `PartialEq` is
//! `eq=False`: there is no `==` at all, and identity is asked explicitly with
//! [`std::ptr::eq`] — a set of identities is a set of addresses. The default
//! `@dataclass` (value equality, plus `unsafe_hash=True` for sets) is
//! `#[derive(PartialEq, Eq, Hash)]` ([`HashablePerson`]). Names and values follow the seed
//! file.
//!
//! **Checked earlier.** `Hash` and `Eq` are derived from the same fields, so they agree;
//! comparing two `Person`s with `==` is a compile error (E0369,
//! `tests/ui/person_has_no_eq.rs`), where Python silently falls back to identity.
//!
//! **Where Rust differs.** The derived `Debug` prints Rust syntax
//! (`Person { name: "Alice", age: 21, email: "alice@example.com" }`), not Python's repr
//! (`Person(name='Alice', age=21, email='alice@example.com')`). Python's identity hash lets
//! `eq=False` objects into a `set`; Rust's `HashSet<Person>` needs `Eq + Hash`, so the
//! identity set holds the people's addresses.

use std::collections::HashSet;

// ANCHOR: derived
/// The seed's `@dataclass(eq=False) Person`: generated repr, no `==`.
#[derive(Debug, Clone)]
pub struct Person {
    /// The name.
    pub name: String,
    /// The age.
    pub age: u32,
    /// The address.
    pub email: String,
}

impl Person {
    /// The seed's positional `Person(name, age, email)`.
    pub fn new(name: &str, age: u32, email: &str) -> Self {
        Self {
            name: name.to_owned(),
            age,
            email: email.to_owned(),
        }
    }
}

/// The default `@dataclass` with `unsafe_hash=True`: value equality and hashing, derived.
#[derive(Debug, Clone, PartialEq, Eq, Hash)]
pub struct HashablePerson {
    /// The name.
    pub name: String,
    /// The age.
    pub age: u32,
    /// The address.
    pub email: String,
}
// ANCHOR_END: derived

impl From<&Person> for HashablePerson {
    fn from(p: &Person) -> Self {
        Self {
            name: p.name.clone(),
            age: p.age,
            email: p.email.clone(),
        }
    }
}

/// What rustc printed for `person1 == person2`, as checked in by the compile-fail test.
pub const NO_EQ: &str = include_str!("../../tests/ui/person_has_no_eq.stderr");

// ANCHOR: demo
/// The demo: the seed's run with `eq=False`, then the derived value-equality version.
pub fn demo() -> Vec<String> {
    let person1 = Person::new("Alice", 21, "alice@example.com");
    let person2 = Person::new("Alice", 21, "alice@example.com");
    let people: Vec<Person> = (20..30)
        .map(|i| {
            let n = i - 20;
            Person::new(&format!("Alice_{n}"), i, &format!("alice_{n}@gmail.com"))
        })
        .collect();
    let identities: HashSet<*const Person> = people.iter().map(std::ptr::from_ref).collect();
    let (value1, value2) = (
        HashablePerson::from(&person1),
        HashablePerson::from(&person2),
    );
    let by_value: HashSet<&HashablePerson> = [&value1, &value2].into();
    let mut lines = vec![
        format!("{person1:?}"),
        format!(
            "person1 == person2 (eq=False: identity): {}",
            std::ptr::eq(&person1, &person2)
        ),
        format!(
            "a set of the ten people by identity has {} members",
            identities.len()
        ),
        format!(
            "HashablePerson: person1 == person2: {}; {{person1, person2}} has {} member",
            value1 == value2,
            by_value.len()
        ),
        "person1 == person2 on the eq=False Person (tests/ui/person_has_no_eq.rs):".to_owned(),
    ];
    lines.extend(NO_EQ.lines().map(|l| format!("  {l}")));
    lines
}
// ANCHOR_END: demo
