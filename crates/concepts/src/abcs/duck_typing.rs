//! Capabilities as interfaces — seed: `AbstractBaseClasses/resolve_duck_typing.py`.
//!
//! **Python idea.** Duck typing calls `thing.fly()` and hopes; `Flyable` and `Swimmable`
//! ABCs make the capability explicit. `Duck` is both, `Airplane` flies, `Boat` only swims —
//! and asking a `Boat` to fly still fails only when that line runs.
//!
//! **Rust answer.** [`Flyable`] and [`Swimmable`] are traits; [`make_it_fly`] takes
//! `&impl Flyable`, so passing a [`Boat`] does not compile (E0277, `tests/ui/boat_is_not_flyable.rs`).
//! For a heterogeneous collection, where the capability is only known at run time, each
//! item answers a capability query ([`Vehicle::as_flyable`]) with an `Option`, and the
//! caller handles "cannot fly" as a value.
//!
//! **Checked earlier.** Every call site with a concrete type is checked when compiling; the
//! run-time route makes the "no" case impossible to forget (an `Option` must be matched).
//!
//! **Does not carry over.** Rust has no structural "anything with a `fly` method" typing:
//! a type flies only if it says `impl Flyable`. The printed lines are this demo's wording.

/// Something that flies.
pub trait Flyable {
    /// Flies, and says so.
    fn fly(&self) -> String;
}

/// Something that swims.
pub trait Swimmable {
    /// Swims, and says so.
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
        "Duck is flying".to_owned()
    }
}
impl Swimmable for Duck {
    fn swim(&self) -> String {
        "Duck is swimming".to_owned()
    }
}
impl Flyable for Airplane {
    fn fly(&self) -> String {
        "Airplane is flying".to_owned()
    }
}
impl Swimmable for Boat {
    fn swim(&self) -> String {
        "Boat is sailing".to_owned()
    }
}

/// Accepts only what flies — checked by the compiler.
pub fn make_it_fly(thing: &impl Flyable) -> String {
    thing.fly()
}

/// Accepts only what swims — checked by the compiler.
pub fn make_it_swim(thing: &impl Swimmable) -> String {
    thing.swim()
}

/// The run-time route: a mixed collection whose members are asked what they can do.
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
pub fn try_fly(thing: &dyn Vehicle) -> String {
    match thing.as_flyable() {
        Some(flyer) => flyer.fly(),
        None => format!("{} cannot fly", thing.name()),
    }
}

/// What rustc printed for `make_it_fly(&Boat)`, as checked in by the compile-fail test.
pub const BOAT_CANNOT_FLY: &str = include_str!("../../tests/ui/boat_is_not_flyable.stderr");

/// The demo: static calls, then a mixed collection asked at run time.
pub fn demo() -> Vec<String> {
    let mut lines = vec![
        make_it_fly(&Duck),
        make_it_swim(&Duck),
        make_it_fly(&Airplane),
        make_it_swim(&Boat),
    ];
    let fleet: [&dyn Vehicle; 3] = [&Duck, &Airplane, &Boat];
    lines.extend(fleet.iter().map(|v| try_fly(*v)));
    lines.push("make_it_fly(&Boat) (tests/ui/boat_is_not_flyable.rs):".to_owned());
    lines.extend(BOAT_CANNOT_FLY.lines().map(|l| format!("  {l}")));
    lines
}
