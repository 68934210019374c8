//! An interface with required and provided methods — seed: `AbstractBaseClasses/basics.py`.
//!
//! **Python idea.** `Vehicle(ABC)` stores `make` and `model`, declares abstract `start`,
//! `stop` and `get_max_speed`, a concrete `get_info` and a template method `operate` built
//! from the abstract steps; `Vehicle()` or a subclass missing a method raises `TypeError`
//! when instantiated, and `Vehicle.__abstractmethods__` lists what is missing.
//!
//! **Rust answer.** A trait: required methods are the abstract ones, provided methods
//! (with a default body) are the concrete ones, and [`Vehicle::operate`] is the template
//! method. [`Car`] and [`Bicycle`] implement the required steps only. Names, values and
//! printed lines follow the seed file: a gasoline Toyota Camry at 200 km/h and a 21-gear
//! Trek FX3 at 50 km/h, each followed by `---`.
//!
//! **Checked earlier.** A type missing a required method does not compile (E0046, and the
//! message lists the missing methods — the counterpart of `__abstractmethods__`): see
//! `tests/ui/vehicle_missing_method.rs`. A trait cannot be instantiated at all
//! (`tests/ui/vehicle_instantiate.rs`). Python only finds out when someone calls the
//! constructor.
//!
//! **Where Rust differs.** Traits have no fields, so the base class's `self.make` and
//! `self.model` become required accessors [`Vehicle::make`] and [`Vehicle::model`] (two more
//! required methods than the seed's three). The seed's methods `print`; here `start`, `stop`
//! and `operate` return their lines so the test can assert them. An implementor may still
//! override a provided method (there is no `final`). The seed's closing
//! `print(Vehicle.__abstractmethods__)` has no run-time counterpart: the compiler's E0046
//! list ([`MISSING_METHOD`]) is shown instead.

// ANCHOR: vehicle
/// The seed's abstract `Vehicle`.
pub trait Vehicle {
    /// The maker (Python: `self.make`, set by the base `__init__`).
    fn make(&self) -> &str;
    /// The model (Python: `self.model`).
    fn model(&self) -> &str;
    /// Starts the vehicle (abstract in the seed); returns the line it prints.
    fn start(&self) -> String;
    /// Stops the vehicle (abstract in the seed); returns the line it prints.
    fn stop(&self) -> String;
    /// Maximum speed in km/h (abstract in the seed).
    fn get_max_speed(&self) -> u32;

    /// The seed's concrete method: `"{make} {model}"`.
    fn get_info(&self) -> String {
        format!("{} {}", self.make(), self.model())
    }

    /// The template method: start, report, stop — the steps come from the implementor.
    fn operate(&self) -> Vec<String> {
        vec![
            self.start(),
            format!(
                "Operating {} at max speed: {} km/h",
                self.get_info(),
                self.get_max_speed()
            ),
            self.stop(),
        ]
    }
}
// ANCHOR_END: vehicle

// ANCHOR: car
/// The seed's `Car(make, model, fuel_type)`.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Car {
    /// e.g. "Toyota".
    pub make: String,
    /// e.g. "Camry".
    pub model: String,
    /// e.g. "gasoline".
    pub fuel_type: String,
}

impl Car {
    /// `Car("Toyota", "Camry", "gasoline")`.
    pub fn new(make: &str, model: &str, fuel_type: &str) -> Self {
        Self {
            make: make.to_owned(),
            model: model.to_owned(),
            fuel_type: fuel_type.to_owned(),
        }
    }
}

impl Vehicle for Car {
    fn make(&self) -> &str {
        &self.make
    }
    fn model(&self) -> &str {
        &self.model
    }
    fn start(&self) -> String {
        format!("Starting {} engine", self.fuel_type)
    }
    fn stop(&self) -> String {
        "Applying brakes and stopping".to_owned()
    }
    fn get_max_speed(&self) -> u32 {
        200
    }
}
// ANCHOR_END: car

/// The seed's `Bicycle(make, model, gear_count)`.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Bicycle {
    /// e.g. "Trek".
    pub make: String,
    /// e.g. "FX3".
    pub model: String,
    /// e.g. 21.
    pub gear_count: u32,
}

impl Bicycle {
    /// `Bicycle("Trek", "FX3", 21)`.
    pub fn new(make: &str, model: &str, gear_count: u32) -> Self {
        Self {
            make: make.to_owned(),
            model: model.to_owned(),
            gear_count,
        }
    }
}

impl Vehicle for Bicycle {
    fn make(&self) -> &str {
        &self.make
    }
    fn model(&self) -> &str {
        &self.model
    }
    fn start(&self) -> String {
        "Starting to pedal".to_owned()
    }
    fn stop(&self) -> String {
        "Applying brakes and stopping pedaling".to_owned()
    }
    fn get_max_speed(&self) -> u32 {
        50
    }
}

/// What rustc printed for a vehicle missing methods, as checked in by the compile-fail test.
pub const MISSING_METHOD: &str = include_str!("../../tests/ui/vehicle_missing_method.stderr");

// ANCHOR: demo
/// The demo: the seed's run (each vehicle operated, then `---`), then the compiler on a
/// partial vehicle.
pub fn demo() -> Vec<String> {
    let car = Car::new("Toyota", "Camry", "gasoline");
    let bike = Bicycle::new("Trek", "FX3", 21);
    let vehicles: [&dyn Vehicle; 2] = [&car, &bike];
    let mut lines = Vec::new();
    for vehicle in vehicles {
        lines.extend(vehicle.operate());
        lines.push("---".to_owned());
    }
    lines.push("A vehicle missing methods (tests/ui/vehicle_missing_method.rs):".to_owned());
    lines.extend(MISSING_METHOD.lines().map(|l| format!("  {l}")));
    lines
}
// ANCHOR_END: demo
