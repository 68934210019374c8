//! Mutable defaults — seed: `DataClasses/field_function.py`.
//!
//! **Python idea.** A default value is evaluated once, so the seed's (commented-out)
//! `WrongExample` with `items: list[str] = []` would share one list among all instances;
//! dataclasses refuse it (`ValueError: mutable default ... use default_factory`).
//! `CorrectExample` uses `field(default_factory=list)`, so `c1.items is c2.items` is `False`.
//!
//! **Rust answer.** `#[derive(Default)]` calls `Vec::new()` for every instance: a
//! `default_factory` is what Rust does anyway ([`CorrectExample`]). A shared mutable list is
//! not forbidden — it is allowed only when the type says so. One list for the whole program
//! is a safe `static` behind a lock ([`SHARED_ITEMS`], a `Mutex<Vec<String>>`; no `unsafe`),
//! one list for a few instances is `Rc<RefCell<Vec<_>>>` ([`SharedExample`]). What Rust
//! prevents is the *silent* version: a plain `static` cannot be mutated at all (E0596,
//! `tests/ui/shared_mutable_default.rs`, the seed's `WrongExample`), and a `static mut`
//! needs `unsafe` (E0133; this workspace forbids `unsafe`). Names follow the seed file.
//!
//! **Checked earlier.** The Python bug — two instances writing to one list without anybody
//! seeing that they share it — cannot happen: sharing needs `Rc`/`Arc`/a `static` in the
//! type, and mutating what is shared needs `RefCell`/`Mutex` (checked at run time or
//! locked); without them, the borrow checker refuses.
//!
//! **Where Rust differs.** Rust has no evaluate-once default expressions, so there is
//! nothing to forbid: the "wrong" version is a different program (a `static mut`), not a
//! different default. `is` is [`std::ptr::eq`]; Python prints `False`, Rust `false`.

use std::cell::RefCell;
use std::rc::Rc;
use std::sync::{Mutex, PoisonError};

// ANCHOR: defaults
/// The seed's `CorrectExample`: each instance owns its items; `Default` builds a fresh
/// `Vec` every time.
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct CorrectExample {
    /// The items.
    pub items: Vec<String>,
}

/// Instances that share one list on purpose — the sharing is visible in the type.
#[derive(Debug, Clone, Default)]
pub struct SharedExample {
    /// The shared items.
    pub items: Rc<RefCell<Vec<String>>>,
}

/// A list shared by the whole program, on purpose and safely: the lock is in the type.
pub static SHARED_ITEMS: Mutex<Vec<String>> = Mutex::new(Vec::new());

/// Appends to [`SHARED_ITEMS`] (no `unsafe`) and says whether the list now holds `item`,
/// as every other user of the static sees it.
pub fn push_shared(item: &str) -> bool {
    SHARED_ITEMS
        .lock()
        .unwrap_or_else(PoisonError::into_inner)
        .push(item.to_owned());
    SHARED_ITEMS
        .lock()
        .unwrap_or_else(PoisonError::into_inner)
        .iter()
        .any(|i| i == item)
}
// ANCHOR_END: defaults

/// What rustc printed for a shared mutable default, as checked in by the compile-fail test.
pub const SHARED_DEFAULT: &str = include_str!("../../tests/ui/shared_mutable_default.stderr");

// ANCHOR: demo
/// The demo: the seed's `c1.items is c2.items`, independent defaults, explicit sharing,
/// a safe shared `static`, and the compiler on a plain `static` mutated.
pub fn demo() -> Vec<String> {
    let mut c1 = CorrectExample::default();
    let c2 = CorrectExample::default();
    let mut lines = vec![format!(
        "c1.items is c2.items: {}",
        std::ptr::eq(&c1.items, &c2.items)
    )];
    c1.items.push("apple".to_owned());
    let shared1 = SharedExample::default();
    let shared2 = shared1.clone();
    shared1.items.borrow_mut().push("apple".to_owned());
    lines.extend([
        format!("c1.items = {:?}, c2.items = {:?}", c1.items, c2.items),
        format!(
            "explicitly shared: shared2 sees {:?} (Rc strong count {})",
            shared2.items.borrow(),
            Rc::strong_count(&shared1.items)
        ),
        format!(
            "a static Mutex<Vec<String>> shared on purpose, no unsafe: holds \"apple\": {}",
            push_shared("apple")
        ),
        "the seed's WrongExample, a plain static mutated (tests/ui/shared_mutable_default.rs):"
            .to_owned(),
    ]);
    lines.extend(SHARED_DEFAULT.lines().map(|l| format!("  {l}")));
    lines
}
// ANCHOR_END: demo
