//! # Chapter 2 — Abstract base classes → traits
//!
//! **Python idea.** An ABC declares the methods a subclass must implement; instantiating a
//! class that misses one raises `TypeError` at run time (seed section 2).
//!
//! **Rust answer.** A trait: required methods (no body) are the abstract ones, provided
//! methods (with a body) are the concrete ones and template methods. The compiler refuses
//! an `impl` that misses a required method, refuses to pass a type that lacks the trait,
//! and a trait is not a type you can construct. Heterogeneous collections use trait
//! objects (`Box<dyn Trait>`); "does this one also do X?" is a method returning `Option`.
//!
//! | seed file | module | Rust answer |
//! |---|---|---|
//! | `basics.py` | [`basics`] | required + provided methods, `operate` as a template method |
//! | `abstract_properties.py` | [`abstract_properties`] | getter/setter in a trait; setters return typed errors with the seed's texts |
//! | `resolve_duck_typing.py` | [`duck_typing`] | `impl Flyable` bounds (a `Boat` does not compile); `Option` capability queries at run time |
//! | `plugin_architecture.py` | [`plugin_architecture`] | plugin lifecycle, look-up by type, clean-up on drop |
//! | `data_processing_pipeline.py` | [`pipeline`] | `Box<dyn ItemProcessor>` (from `dataproc::pipeline`) chosen per item; the seed's batch |
//!
//! ## When to use traits as interfaces in Rust
//!
//! **Use a trait when**
//! - several types must offer the same operations and callers should not care which
//!   (frameworks, plugin systems, storage back-ends, test doubles);
//! - an algorithm has fixed steps and varying parts (a provided method calling required ones);
//! - a team or a public API needs the contract written down and checked by the compiler.
//!
//! **Choose the form:** generics (`impl Trait`, `T: Trait`) when the type is known at each call
//! site — zero cost, most checks; trait objects (`dyn Trait`) for mixed collections and
//! plugins chosen at run time; an `enum` when the set of variants is closed and known —
//! `match` then proves every case is handled.
//!
//! **Avoid a trait when**
//! - there is one implementation: a plain struct with methods is clearer (add the trait
//!   when a second implementation arrives);
//! - a closure or function pointer is all the "interface" is;
//! - std already has the trait (`Iterator`, `Display`, `From`, `Default`, `Hash`...): implement
//!   that instead of inventing one — the counterpart of Python's built-in protocols;
//! - prototyping, when the shape is still moving: an `enum` or concrete type is cheaper to change.
//!
//! Traits keep interfaces consistent and checked; as the seed says, use them where
//! structure and clarity matter, not for one-off or fast-changing code.

use crate::demo::Demo;

pub mod abstract_properties;
pub mod basics;
pub mod duck_typing;
pub mod pipeline;
pub mod plugin_architecture;

/// The demos of this chapter, in the seed's order.
pub const DEMOS: &[Demo] = &[
    Demo {
        name: "basics",
        seed_file: "AbstractBaseClasses/basics.py",
        title: "Vehicle: required methods, a provided get_info, a template method operate",
        explanation: "Python: an ABC with abstract methods; instantiating an incomplete class fails at run time.\n\
            Rust: a trait with required and provided methods; an incomplete impl does not compile,\n\
            and the error lists the missing methods (the counterpart of __abstractmethods__).",
        run: basics::demo,
    },
    Demo {
        name: "abstract_properties",
        seed_file: "AbstractBaseClasses/abstract_properties.py",
        title: "validating setters: Router 1..=1000, Switch at most its ports",
        explanation: "Python: abstract properties whose setters raise ValueError.\n\
            Rust: getter and setter in a trait; the setter returns a typed error with the seed's text.",
        run: abstract_properties::demo,
    },
    Demo {
        name: "duck_typing",
        seed_file: "AbstractBaseClasses/resolve_duck_typing.py",
        title: "Flyable / Swimmable: a Boat cannot be made to fly",
        explanation: "Python: a Boat asked to fly fails when the call runs.\n\
            Rust: make_flyable_objects_fly(&Boat) does not compile; mixed collections ask each item\n\
            for the capability and get an Option (or the seed's AttributeError text).",
        run: duck_typing::demo,
    },
    Demo {
        name: "plugin_architecture",
        seed_file: "AbstractBaseClasses/plugin_architecture.py",
        title: "plugin lifecycle: register+initialize, execute, find by type, clean-up",
        explanation: "Python: a Plugin ABC and a manager that checks isinstance at run time.\n\
            Rust: register(impl Plugin) only takes plugins; get::<T>() finds by type;\n\
            dropping the manager cleans every plugin up.",
        run: plugin_architecture::demo,
    },
    Demo {
        name: "pipeline",
        seed_file: "AbstractBaseClasses/data_processing_pipeline.py",
        title: "number/text/list processors chosen per item",
        explanation: "Python: the first processor whose validate() accepts the item processes it.\n\
            Rust: the same over Box<dyn ItemProcessor> (dataproc::pipeline); an item nobody takes\n\
            gives None and an error.",
        run: pipeline::demo,
    },
];
