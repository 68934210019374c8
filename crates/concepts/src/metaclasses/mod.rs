//! # Chapter 1 — Metaclasses → type-level and compile-time machinery
//!
//! **Python idea.** A metaclass is the class of a class: it runs when a class statement is
//! executed and can build, change, count or reject the class (seed section 1).
//!
//! **Rust answer.** Rust types are fixed when the crate compiles, so the work a metaclass
//! does at import time moves to compile time: macros generate and inspect items, traits
//! state what a type must provide, statics hold per-type state, and link-time collections
//! (`inventory`) replace registries filled by class creation. Where a program genuinely
//! needs classes shaped at run time, it models them as values.
//!
//! | seed file | module | Rust answer |
//! |---|---|---|
//! | `basics.py` | [`dynamic_class`] | a macro-generated type, and a run-time "class" value (name + closures) |
//! | `custom_metaclasses.py` (singleton) | [`singleton`] | `LazyLock` per type, or a generic per-`TypeId` registry |
//! | `custom_metaclasses.py` (function metaclass) | [`debug_class`] | `#[debug_class]` records name, traits, fields, methods at compile time |
//! | `coding_standards.py` | [`coding_standards`] | `#[coding_standards]` rejects bad names with the seed's wording; rustc's `nonstandard_style` lints |
//! | `auto_registering.py` | [`auto_registering`] | `#[derive(AutoRegister)]` + `inventory`: no hand-kept list |
//!
//! ## When to use these tools in Rust
//!
//! **Reach for a procedural macro when**
//! - you write a framework and many types must follow one rule or get the same generated
//!   code (ORM models, routing tables, serialisers: `serde`'s derives are the model);
//! - a rule should fail the *build*, with a message in the project's words, not a review;
//! - boilerplate would otherwise drift from the item it describes (records, registries).
//!
//! **Reach for a registry (`inventory`/`linkme`) when** plugins or handlers live in many
//! modules and a central list would be forgotten.
//!
//! **Avoid them when**
//! - a trait, a generic function or a `macro_rules!` is enough — they are easier to read,
//!   debug and document, and they show up in rustdoc as themselves;
//! - a rustc or clippy lint already enforces the rule (`#![deny(nonstandard_style)]` beats a
//!   naming macro in real code);
//! - it is one type: write the code by hand;
//! - the team cannot maintain `syn`/`quote` code; macro errors and expansions are harder to
//!   debug (`cargo expand` helps).
//!
//! **Singletons:** prefer passing a value explicitly; use a `static` `LazyLock`/`OnceLock`
//! only for truly process-wide, read-mostly state (configuration, a metrics registry).
//!
//! As the seed quotes Tim Peters: metaclasses are deeper magic than 99% of users should
//! ever worry about — in Rust, the same holds for procedural macros.

use crate::demo::Demo;

pub mod auto_registering;
pub mod coding_standards;
pub mod debug_class;
pub mod dynamic_class;
pub mod singleton;

/// The demos of this chapter, in the seed's order.
pub const DEMOS: &[Demo] = &[
    Demo {
        name: "dynamic_class",
        seed_file: "MetaClasses/basics.py",
        title: "a class built by type(...) — a macro-made type and a run-time class value",
        explanation: "Python: type(\"Dog\", (), {\"bark\": f}) builds a class at run time.\n\
            Rust: a macro generates the type at compile time; a run-time class is a value\n\
            (a name plus a table of closures). Both answer \"Woof!\".",
        run: dynamic_class::demo,
    },
    Demo {
        name: "singleton",
        seed_file: "MetaClasses/custom_metaclasses.py",
        title: "SingletonMeta — one lazily created instance per type",
        explanation: "Python: a metaclass's __call__ returns the same instance every time.\n\
            Rust: a static LazyLock per type, or a generic registry keyed by TypeId;\n\
            identity is pointer equality, first use is thread-safe.",
        run: singleton::demo,
    },
    Demo {
        name: "debug_class",
        seed_file: "MetaClasses/custom_metaclasses.py",
        title: "a function metaclass that reports name, bases and attributes",
        explanation: "Python: a function metaclass prints (name, bases, attrs) at class creation.\n\
            Rust: #[debug_class] records name, traits, fields and methods at compile time\n\
            as a constant the program reads at run time.",
        run: debug_class::demo,
    },
    Demo {
        name: "coding_standards",
        seed_file: "MetaClasses/coding_standards.py",
        title: "naming standards — NameError at import vs compile error",
        explanation: "Python: a metaclass raises NameError for a constant not UPPER_CASE or a\n\
            method not snake_case. Rust: #[coding_standards] makes each a compile error with\n\
            the same wording (rustc's own lints: non_snake_case, non_upper_case_globals).",
        run: coding_standards::demo,
    },
    Demo {
        name: "auto_registering",
        seed_file: "MetaClasses/auto_registering.py",
        title: "subclasses that register themselves",
        explanation: "Python: a metaclass adds each subclass to a registry keyed by lower-case name.\n\
            Rust: #[derive(AutoRegister)] submits the type to an inventory collection;\n\
            look-up ignores case and builds an instance; the base trait is never listed.",
        run: auto_registering::demo,
    },
];
