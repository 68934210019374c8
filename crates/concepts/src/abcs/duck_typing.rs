//! Capabilities as interfaces — seed: `AbstractBaseClasses/resolve_duck_typing.py`.
//!
//! **Python idea.** Duck typing calls `thing.fly()` and hopes; `Flyable` and `Swimmable`
//! ABCs make the capability explicit. `Duck` is both, `Airplane` flies, `Boat` only swims.
//! `make_flyable_objects_fly(obj: Flyable)` is annotated, yet the seed's loop over
//! `[Airplane(), Duck(), Boat()]` still reaches the `Boat` and fails only when that line
//! runs: "Exception occured 'Boat' object has no attribute 'fly'".
//!
//! **Rust answer.** [`Flyable`] and [`Swimmable`] are traits; [`make_flyable_objects_fly`]
//! takes `&impl Flyable`, so passing a [`Boat`] does not compile (E0277,
//! `tests/ui/boat_is_not_flyable.rs`). For a heterogeneous collection, where the capability
//! is only known at run time, each item answers a capability query
//! ([`Vehicle::as_flyable`]) with an `Option`, and [`try_fly`] turns "cannot fly" into the
//! typed [`AttributeError`] with Python's message. Names and printed lines follow the seed
//! file, including its spelling "occured".
//!
//! **Checked earlier.** Every call site with a concrete type is checked when compiling; the
//! run-time route makes the "no" case impossible to forget (a `Result` must be handled).
//!
//! **Where Rust differs.** Rust has no structural "anything with a `fly` method" typing:
//! a type flies only if it says `impl Flyable`. The seed's `fly`/`swim` print; here they
//! return their line. The mixed collection needs a common trait, [`Vehicle`] (the seed's
//! list holds any object), whose capability queries stand in for `hasattr`.

pub use crate::metaclasses::dynamic_class::AttributeError;

// ANCHOR: capabilities
/// Something that flies.
pub trait Flyable {
    /// Flies; returns the line the seed prints.
    fn fly(&self) -> String;
}

/// Something that swims.
pub trait Swimmable {
    /// Swims; returns the line the seed prints.
    fn swim(&self) -> String;
}

/// Flies and swims.
#[derive(Debug, Clone, Copy, Default)]
pub struct Duck;
/// Flies only.
#[derive(Debug, Clone, Copy, Default)]
pub struct Airplane;
/// Swims only.
#[derive(Debug, Clone, Copy, Default)]
pub struct Boat;

impl Flyable for Duck {
    fn fly(&self) -> String {
        "Duck Flying".to_owned()
    }
}
impl Swimmable for Duck {
    fn swim(&self) -> String {
        "Duck Swimming".to_owned()
    }
}
impl Flyable for Airplane {
    fn fly(&self) -> String {
        "Airplane Flying".to_owned()
    }
}
impl Swimmable for Boat {
    fn swim(&self) -> String {
        "Boat Swimming".to_owned()
    }
}

/// The seed's `make_flyable_objects_fly`: accepts only what flies — checked by the compiler.
pub fn make_flyable_objects_fly(flyable_obj: &impl Flyable) -> String {
    flyable_obj.fly()
}
// ANCHOR_END: capabilities

/// The run-time route: members of a mixed collection are asked what they can do.
pub trait Vehicle {
    /// The type's name, for messages.
    fn name(&self) -> &'static str;
    /// `Some` when this can fly.
    fn as_flyable(&self) -> Option<&dyn Flyable> {
        None
    }
    /// `Some` when this can swim.
    fn as_swimmable(&self) -> Option<&dyn Swimmable> {
        None
    }
}

impl Vehicle for Duck {
    fn name(&self) -> &'static str {
        "Duck"
    }
    fn as_flyable(&self) -> Option<&dyn Flyable> {
        Some(self)
    }
    fn as_swimmable(&self) -> Option<&dyn Swimmable> {
        Some(self)
    }
}
impl Vehicle for Airplane {
    fn name(&self) -> &'static str {
        "Airplane"
    }
    fn as_flyable(&self) -> Option<&dyn Flyable> {
        Some(self)
    }
}
impl Vehicle for Boat {
    fn name(&self) -> &'static str {
        "Boat"
    }
    fn as_swimmable(&self) -> Option<&dyn Swimmable> {
        Some(self)
    }
}

/// Asks one member of a mixed collection to fly.
///
/// # Errors
/// [`AttributeError`] (`'Boat' object has no attribute 'fly'`) when it cannot.
pub fn try_fly(thing: &dyn Vehicle) -> Result<String, AttributeError> {
    thing
        .as_flyable()
        .map(Flyable::fly)
        .ok_or_else(|| AttributeError {
            class: thing.name().to_owned(),
            attribute: "fly".to_owned(),
        })
}

/// What rustc printed for `make_flyable_objects_fly(&Boat)`, as checked in by the
/// compile-fail test.
pub const BOAT_CANNOT_FLY: &str = include_str!("../../tests/ui/boat_is_not_flyable.stderr");

// ANCHOR: demo
/// The demo: the seed's run over `[Airplane, Duck, Boat]`, stopping at the first failure as
/// its `try` around the loop does; then the compiler on the static call.
pub fn demo() -> Vec<String> {
    let objects: [&dyn Vehicle; 3] = [&Airplane, &Duck, &Boat];
    let mut lines = Vec::new();
    for obj in objects {
        match try_fly(obj) {
            Ok(line) => lines.push(line),
            Err(e) => {
                lines.push(format!("Exception occured {e}"));
                break;
            }
        }
    }
    lines.push("make_flyable_objects_fly(&Boat) (tests/ui/boat_is_not_flyable.rs):".to_owned());
    lines.extend(BOAT_CANNOT_FLY.lines().map(|l| format!("  {l}")));
    lines
}
// ANCHOR_END: demo
