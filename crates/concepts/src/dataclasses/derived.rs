//! The boilerplate generated — seed: `DataClasses/dataclass_solution.py`.
//!
//! **Python idea.** `@dataclass` writes `__init__`, `__repr__`, `__eq__` (and, with the right
//! flags, `__hash__`) from the annotated fields; `eq=False` keeps identity comparison.
//!
//! **Rust answer.** `#[derive(Debug, Clone, PartialEq, Eq, Hash)]` generates the same traits
//! from the fields ([`Person`]); a struct literal is the generated `__init__`. Leaving out
//! `PartialEq` ([`Session`]) is `eq=False`: there is no `==` at all, and identity is asked
//! explicitly with [`std::ptr::eq`].
//!
//! **Checked earlier.** `Hash` and `Eq` are derived from the same fields, so they agree;
//! comparing two `Session`s with `==` is a compile error (E0369, `tests/ui/session_has_no_eq.rs`), where Python silently falls back
//! to identity.
//!
//! **Does not carry over.** The derived `Debug` prints Rust syntax
//! (`Person { name: "Alice", age: 30 }`), not Python's repr.

use std::collections::HashSet;

/// A person, with every trait derived.
#[derive(Debug, Clone, PartialEq, Eq, Hash)]
pub struct Person {
    /// The name.
    pub name: String,
    /// The age.
    pub age: u32,
}

/// `eq=False`: a login session compared by identity only.
#[derive(Debug)]
pub struct Session {
    /// Who is logged in.
    pub user: String,
}

/// What rustc printed for `session == session`, as checked in by the compile-fail test.
pub const NO_EQ: &str = include_str!("../../tests/ui/session_has_no_eq.stderr");

/// The demo: the derived impls behave as the hand-written ones; identity where no `==`.
pub fn demo() -> Vec<String> {
    let p1 = Person {
        name: "Alice".to_owned(),
        age: 30,
    };
    let p2 = p1.clone();
    let p3 = Person {
        name: "Bob".to_owned(),
        age: 25,
    };
    let set: HashSet<&Person> = [&p1, &p2, &p3].into();
    let s1 = Session {
        user: "alice".to_owned(),
    };
    let s2 = Session {
        user: "alice".to_owned(),
    };
    let s1_again = &s1;
    vec![
        format!("p1 = {p1:?}"),
        format!("p1 == p2: {}", p1 == p2),
        format!("p1 == p3: {}", p1 == p3),
        format!("{{p1, p2, p3}} has {} members", set.len()),
        format!(
            "sessions with the same user are the same object: {}",
            std::ptr::eq(&s1, &s2)
        ),
        format!("a session is itself: {}", std::ptr::eq(&s1, s1_again)),
        "s1 == s2 (tests/ui/session_has_no_eq.rs):".to_owned(),
    ]
    .into_iter()
    .chain(NO_EQ.lines().map(|l| format!("  {l}")))
    .collect()
}
