//! # Chapter 3 — Dataclasses → derives, constructors and the type system
//!
//! **Python idea.** `@dataclass` generates `__init__`, `__repr__`, `__eq__`, ordering and
//! hashing from annotated fields; parameters and `field()` tune what is generated (seed
//! section 3).
//!
//! **Rust answer.** A struct already is a data class: named, typed, fixed fields, no
//! per-instance dictionary. `#[derive(...)]` generates `Debug`, `Clone`, `PartialEq`/`Eq`,
//! `PartialOrd`/`Ord`, `Hash` and `Default` from the fields; what a derive cannot express is
//! a short hand-written impl or a constructor function. Type hints are not hints: they are
//! checked at compile time, and data from outside is typed by `serde` and validated by `garde`.
//!
//! | seed file | module | Rust answer |
//! |---|---|---|
//! | `traditional.py` | [`traditional`] | constructor, `Debug`, `PartialEq`, `Hash` by hand |
//! | `dataclass_solution.py` | [`derived`] | the same from `#[derive]`; the seed's `eq=False`: identity with `ptr::eq`, no `==` |
//! | `dataclass_parameters.py` | [`parameters`] | one counterpart per parameter (order, frozen, kw_only, slots, ...) |
//! | `slots_parameter_memory_mngmt.py` | [`memory`] | `Rc`/`Arc` counts, `'static`, shallow vs deep size |
//! | `field_function.py` | [`field_default`] | `Default` gives every instance its own `Vec`; sharing must be explicit |
//! | `field_fxn_parameters.py` | [`field_parameters`] | uuid id, timestamp, field left out of `Debug`/`==`, derived slug |
//! | `strict_enforcement_dataclasses.py` | [`strict`] | compile-time types; serde + garde at the boundary |
//!
//! **Which crate plays which Python role.** `pydantic` → `serde` (parse untrusted data into
//! typed structs) + `garde` (value rules; `validator` is the other common choice);
//! `attrs` → std's derives, with `bon` or `typed-builder` when a builder is wanted;
//! `beartype` / mypy → the compiler itself; `pympler.asizeof` → `get-size2`;
//! `uuid.uuid4` → `uuid`; `datetime.now` → `jiff`.
//!
//! ## When to use what in Rust
//!
//! **Derive** whenever the generated behaviour is the right one — that is most of the time;
//! derive `PartialEq` and `Hash` together so they agree; derive `Ord` only when field order
//! is the meaningful order.
//!
//! **Write the impl by hand** when a field must be hidden (`Debug` of secrets), ignored
//! (equality without counters or caches), or when equality is not field-wise.
//!
//! **Write a constructor** (`new`, or `TryFrom` returning an error) when fields are
//! computed, generated (ids, timestamps) or must satisfy a rule — make such fields private
//! so the rule cannot be bypassed.
//!
//! **Use a builder** (`bon`, `typed-builder`) when there are many optional fields; a struct
//! literal with `..Default::default()` is enough for a few.
//!
//! **Avoid**
//! - public fields on types with invariants (use private fields + accessors);
//! - `Rc<RefCell<...>>` "just in case": share only what must be shared;
//! - validating the same value over and over inside the program: validate at the
//!   boundary, then let the type carry the guarantee;
//! - a struct with behaviour-heavy methods and no data — that is a trait or a module, not a
//!   data class (the seed's own advice: dataclasses are for data).

use crate::demo::Demo;

pub mod derived;
pub mod field_default;
pub mod field_parameters;
pub mod memory;
pub mod parameters;
pub mod strict;
pub mod traditional;

/// The demos of this chapter, in the seed's order.
pub const DEMOS: &[Demo] = &[
    Demo {
        name: "traditional",
        seed_file: "DataClasses/traditional.py",
        title: "__init__, __repr__, __eq__, __hash__ written by hand",
        explanation: "Python: the boilerplate of a data-holding class, by hand.\n\
            Rust: a constructor and hand-written Debug, PartialEq, Eq, Hash impls.",
        run: traditional::demo,
    },
    Demo {
        name: "derived",
        seed_file: "DataClasses/dataclass_solution.py",
        title: "@dataclass(eq=False) — #[derive(Debug, Clone)]; identity where there is no ==",
        explanation: "Python: @dataclass generates the methods; eq=False keeps identity comparison.\n\
            Rust: derives generate the traits; without PartialEq there is no ==, identity is ptr::eq.",
        run: derived::demo,
    },
    Demo {
        name: "parameters",
        seed_file: "DataClasses/dataclass_parameters.py",
        title: "init, repr, eq, order, frozen, unsafe_hash, match_args, kw_only, slots, weakref_slot",
        explanation: "Python: decorator parameters switch generated behaviour.\n\
            Rust: each has a counterpart — a constructor, a custom Debug, derived Ord,\n\
            immutability, Hash, patterns, named construction, fixed layout, Weak.",
        run: parameters::demo,
    },
    Demo {
        name: "memory",
        seed_file: "DataClasses/slots_parameter_memory_mngmt.py",
        title: "reference counts, immortal objects, shallow vs deep size",
        explanation: "Python: refcounts, immortal objects, getsizeof vs asizeof.\n\
            Rust: Rc/Arc strong and weak counts, 'static data, size_of_val vs get-size2.",
        run: memory::demo,
    },
    Demo {
        name: "field_default",
        seed_file: "DataClasses/field_function.py",
        title: "mutable defaults: default_factory is what Default does",
        explanation: "Python: a mutable default would be shared, so default_factory is required.\n\
            Rust: Default builds a new Vec per instance; sharing must be in the type (Rc<RefCell<_>>,\n\
            a static Mutex) — a plain static cannot be mutated.",
        run: field_default::demo,
    },
    Demo {
        name: "field_parameters",
        seed_file: "DataClasses/field_fxn_parameters.py",
        title: "a blog post: generated id and time, hidden notes, uncompared views, derived slug",
        explanation: "Python: field(default_factory, repr=False, compare=False, init=False) + __post_init__.\n\
            Rust: a constructor fills generated fields and the slug; hand-written Debug and PartialEq\n\
            leave fields out.",
        run: field_parameters::demo,
    },
    Demo {
        name: "strict",
        seed_file: "DataClasses/strict_enforcement_dataclasses.py",
        title: "type hints that are enforced: compiler, serde, garde",
        explanation: "Python: hints are not enforced; mypy, __post_init__, pydantic, beartype fill the gap.\n\
            Rust: wrong types do not compile; JSON is typed by serde and validated by garde.",
        run: strict::demo,
    },
];
