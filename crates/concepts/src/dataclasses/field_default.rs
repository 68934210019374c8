//! Mutable defaults — seed: `DataClasses/field_function.py`.
//!
//! **Python idea.** A default value is evaluated once, so `items: list = []` would be one list
//! shared by every instance; dataclasses refuse it (`ValueError: mutable default ... use
//! default_factory`), and `field(default_factory=list)` gives each instance its own.
//!
//! **Rust answer.** `#[derive(Default)]` calls `Vec::new()` for every instance: a
//! `default_factory` is what Rust does anyway ([`ShoppingCart`]). A shared mutable default
//! cannot be written by accident: a `static` is immutable, a `static mut` needs `unsafe`
//! (E0133, `tests/ui/shared_mutable_default.rs`; this workspace forbids `unsafe`), and
//! sharing on purpose is spelled out in the type, `Rc<RefCell<Vec<_>>>` ([`SharedCart`]).
//!
//! **Checked earlier.** The Python bug — two instances silently writing to one list — needs
//! a type that says "shared and mutable" in Rust; without it, the borrow checker refuses.
//!
//! **Does not carry over.** Nothing: Rust has no evaluate-once default expressions.

use std::cell::RefCell;
use std::rc::Rc;

/// Each cart owns its items; `Default` builds a fresh `Vec` every time.
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct ShoppingCart {
    /// The items.
    pub items: Vec<String>,
}

/// Carts that share one list on purpose — the sharing is visible in the type.
#[derive(Debug, Clone, Default)]
pub struct SharedCart {
    /// The shared items.
    pub items: Rc<RefCell<Vec<String>>>,
}

/// What rustc printed for a shared mutable default, as checked in by the compile-fail test.
pub const SHARED_DEFAULT: &str = include_str!("../../tests/ui/shared_mutable_default.stderr");

/// The demo: independent defaults, explicit sharing, and the compiler on `static mut`.
pub fn demo() -> Vec<String> {
    let mut cart1 = ShoppingCart::default();
    let cart2 = ShoppingCart::default();
    cart1.items.push("apple".to_owned());
    let shared1 = SharedCart::default();
    let shared2 = shared1.clone();
    shared1.items.borrow_mut().push("apple".to_owned());
    let mut lines = vec![
        format!("cart1 = {:?}, cart2 = {:?}", cart1.items, cart2.items),
        format!(
            "explicitly shared: shared2 sees {:?} (Rc strong count {})",
            shared2.items.borrow(),
            Rc::strong_count(&shared1.items)
        ),
        "a shared mutable default (tests/ui/shared_mutable_default.rs):".to_owned(),
    ];
    lines.extend(SHARED_DEFAULT.lines().map(|l| format!("  {l}")));
    lines
}
