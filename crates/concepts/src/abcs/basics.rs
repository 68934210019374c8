//! An interface with required and provided methods — seed: `AbstractBaseClasses/basics.py`.
//!
//! **Python idea.** `Vehicle(ABC)` declares abstract `start_engine`, `stop_engine` and
//! `max_speed`, a concrete `get_info`, and a template method `operate` built from the
//! abstract steps; `Vehicle()` or a subclass missing a method raises `TypeError` when
//! instantiated, and `__abstractmethods__` lists what is missing.
//!
//! **Rust answer.** A trait: required methods are the abstract ones, provided methods
//! (with a default body) are the concrete ones, and [`Vehicle::operate`] is the template
//! method. [`Car`] and [`Bicycle`] implement the required steps only.
//!
//! **Checked earlier.** A type missing a required method does not compile (E0046, and the
//! message lists the missing methods — the counterpart of `__abstractmethods__`): see
//! `tests/ui/vehicle_missing_method.rs`. A trait cannot be instantiated at all
//! (`tests/ui/vehicle_instantiate.rs`). Python only finds out when someone calls the
//! constructor.
//!
//! **Does not carry over.** Traits have no fields, so the base class's `self.brand` becomes a
//! required accessor [`Vehicle::brand`]; an implementor may still override a provided method
//! (there is no `final`). The printed lines are this demo's own wording in the seed's spirit.

/// The seed's abstract `Vehicle`.
pub trait Vehicle {
    /// The brand (Python: the attribute set by the base `__init__`).
    fn brand(&self) -> &str;
    /// Starts the engine (abstract in the seed).
    fn start_engine(&self) -> String;
    /// Stops the engine (abstract in the seed).
    fn stop_engine(&self) -> String;
    /// Top speed in km/h (abstract in the seed).
    fn max_speed(&self) -> u32;

    /// A concrete method every vehicle shares.
    fn get_info(&self) -> String {
        format!(
            "{} vehicle with max speed {} km/h",
            self.brand(),
            self.max_speed()
        )
    }

    /// The template method: a fixed algorithm whose steps the implementors supply.
    fn operate(&self) -> Vec<String> {
        vec![
            format!("Operating {}:", self.brand()),
            format!("  {}", self.start_engine()),
            format!("  Moving at up to {} km/h", self.max_speed()),
            format!("  {}", self.stop_engine()),
        ]
    }
}

/// A car.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Car {
    /// The brand, e.g. "Toyota".
    pub brand: String,
}

impl Vehicle for Car {
    fn brand(&self) -> &str {
        &self.brand
    }
    fn start_engine(&self) -> String {
        "Car engine started".to_owned()
    }
    fn stop_engine(&self) -> String {
        "Car engine stopped".to_owned()
    }
    fn max_speed(&self) -> u32 {
        180
    }
}

/// A bicycle: it has no engine, so its "engine" steps are pedalling.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Bicycle {
    /// The brand, e.g. "Trek".
    pub brand: String,
}

impl Vehicle for Bicycle {
    fn brand(&self) -> &str {
        &self.brand
    }
    fn start_engine(&self) -> String {
        "Started pedaling".to_owned()
    }
    fn stop_engine(&self) -> String {
        "Stopped pedaling".to_owned()
    }
    fn max_speed(&self) -> u32 {
        40
    }
}

/// What rustc printed for a vehicle missing methods, as checked in by the compile-fail test.
pub const MISSING_METHOD: &str = include_str!("../../tests/ui/vehicle_missing_method.stderr");

/// The demo: both vehicles through the common interface, then the compiler on a partial one.
pub fn demo() -> Vec<String> {
    let vehicles: Vec<Box<dyn Vehicle>> = vec![
        Box::new(Car {
            brand: "Toyota".to_owned(),
        }),
        Box::new(Bicycle {
            brand: "Trek".to_owned(),
        }),
    ];
    let mut lines = Vec::new();
    for vehicle in &vehicles {
        lines.push(vehicle.get_info());
        lines.extend(vehicle.operate());
    }
    lines.push("A vehicle missing methods (tests/ui/vehicle_missing_method.rs):".to_owned());
    lines.extend(MISSING_METHOD.lines().map(|l| format!("  {l}")));
    lines
}
