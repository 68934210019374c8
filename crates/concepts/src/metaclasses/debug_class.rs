//! Watching a type being made — seed: `MetaClasses/custom_metaclasses.py` (function metaclass).
//!
//! **Python idea.** Any callable can be a metaclass: `debug_meta` receives `(name, bases,
//! attrs)` while the class statement runs, prints "Creating class DebugClass",
//! "Base classes: ()" and "Attributes: ['__module__', '__qualname__', 'method']", and returns
//! `type(name, bases, attrs)`.
//!
//! **Rust answer.** The attribute macro [`macro@debug_class`] (from `concepts-macros`) sees the
//! items of a module while the crate compiles and records what they declare: the type's
//! name, the traits it derives (`#[derive(...)]`, read from the attribute before it expands)
//! and implements with `impl` blocks in the module (together, Rust's counterpart of bases),
//! its fields and its methods. The record is a constant, [`Described::CLASS`], so the program can read at run
//! time what the compiler saw ([`ClassInfo::creation_report`]). The seed's `DebugClass`
//! with its one `method` is [`debug_class_demo::DebugClass`]; a richer [`dog::Dog`] shows
//! traits and fields being recorded too.
//!
//! **Checked earlier.** The record cannot drift from the code: it is generated from it on
//! every build, and a misspelt trait or field in the module is a compile error, not a
//! missing key at run time.
//!
//! **Where Rust differs.** Nothing prints while the type is "created": types exist before
//! the program runs, so the report is produced when the program asks for it. The report's
//! first line is the seed's, word for word; "Base classes" lists the traits the type
//! implements (Rust has no base classes), printed as a list (`[]`) where Python prints a
//! tuple (`()`); "Attributes" lists fields then methods, without the `__module__` and
//! `__qualname__` entries Python adds to every class body. The macro sees only the module
//! it is attached to — trait impls written elsewhere are not listed, nor are traits that
//! come from blanket impls (`impl<T: Display> ToString for T`) or auto traits (`Send`).

pub use concepts_macros::debug_class;

/// What a type declares, recorded at compile time by [`macro@debug_class`].
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct ClassInfo {
    /// The type's name.
    pub name: &'static str,
    /// Traits named in the type's `#[derive(...)]` attributes, in order.
    pub derives: &'static [&'static str],
    /// Traits implemented by `impl` blocks in the annotated module, in order.
    pub traits: &'static [&'static str],
    /// Field names (variant names for an enum), in declaration order.
    pub fields: &'static [&'static str],
    /// Method names of every `impl` block in the module, in order.
    pub methods: &'static [&'static str],
}

impl ClassInfo {
    /// The three lines the seed's `debug_meta` printed, from the recorded facts; "Base
    /// classes" lists the derived traits, then the implemented ones.
    pub fn creation_report(&self) -> Vec<String> {
        let attributes: Vec<&str> = self.fields.iter().chain(self.methods).copied().collect();
        let bases: Vec<&str> = self.derives.iter().chain(self.traits).copied().collect();
        vec![
            format!("Creating class {}", self.name),
            format!("Base classes: {bases:?}"),
            format!("Attributes: {attributes:?}"),
        ]
    }
}

/// Implemented by [`macro@debug_class`]: the compile-time record of a type.
pub trait Described {
    /// What the macro saw.
    const CLASS: ClassInfo;
}

/// Something that can speak: a trait for the demo's type to implement.
pub trait Animal {
    /// What the animal says.
    fn speak(&self) -> String;
}

// ANCHOR: debug_class_demo
/// The seed's `DebugClass`, recorded by `#[debug_class]`.
#[debug_class]
pub mod debug_class_demo {
    /// The seed's class: no bases, one method.
    pub struct DebugClass;

    impl DebugClass {
        /// The seed's `method` (it does nothing).
        pub fn method(&self) {}
    }
}
// ANCHOR_END: debug_class_demo

/// A richer type recorded by `#[debug_class]`: traits and fields.
#[debug_class]
pub mod dog {
    use std::fmt;

    /// A dog with a name and some tricks.
    #[derive(Debug, Clone, Default, PartialEq, Eq)]
    pub struct Dog {
        /// The dog's name.
        pub name: String,
        /// Tricks it has learnt.
        pub tricks: Vec<String>,
    }

    impl Dog {
        /// The seed's method.
        pub fn bark(&self) -> String {
            "Woof!".to_owned()
        }

        /// Learns a trick.
        pub fn learn(&mut self, trick: &str) {
            self.tricks.push(trick.to_owned());
        }
    }

    impl super::Animal for Dog {
        fn speak(&self) -> String {
            format!("{} says {}", self.name, self.bark())
        }
    }

    impl fmt::Display for Dog {
        fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
            write!(f, "Dog({})", self.name)
        }
    }
}

// ANCHOR: demo
/// The demo: the creation report of the seed's `DebugClass`, then of `Dog`, read from the
/// constants the macro generated.
pub fn demo() -> Vec<String> {
    use dog::Dog;
    let d = debug_class_demo::DebugClass;
    d.method();
    let mut lines = <debug_class_demo::DebugClass as Described>::CLASS.creation_report();
    lines.extend(<Dog as Described>::CLASS.creation_report());
    let rex = Dog {
        name: "Rex".to_owned(),
        tricks: Vec::new(),
    };
    lines.push(format!("{rex}: {}", Animal::speak(&rex)));
    lines
}
// ANCHOR_END: demo
