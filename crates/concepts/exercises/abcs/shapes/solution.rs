//! Solution — ABCs: `describe` is a provided method calling the required ones; a slice of
//! `Box<dyn Shape>` mixes shapes as a Python list of ABC instances does.

use std::f64::consts::PI;

/// A shape: the required methods are the abstract ones.
pub trait Shape {
    /// The shape's area.
    fn area(&self) -> f64;
    /// The shape's name, lower case.
    fn name(&self) -> String;
    /// `"{name} with area {area:.2}"`: the template method every shape inherits.
    fn describe(&self) -> String {
        format!("{} with area {:.2}", self.name(), self.area())
    }
}

/// A square of the given side.
pub struct Square(pub f64);

/// A circle of the given radius.
pub struct Circle(pub f64);

impl Shape for Square {
    fn area(&self) -> f64 {
        self.0 * self.0
    }
    fn name(&self) -> String {
        "square".to_owned()
    }
}

impl Shape for Circle {
    fn area(&self) -> f64 {
        PI * self.0 * self.0
    }
    fn name(&self) -> String {
        "circle".to_owned()
    }
}

/// The sum of the areas of a mixed collection.
pub fn total_area(shapes: &[Box<dyn Shape>]) -> f64 {
    shapes.iter().map(|s| s.area()).sum()
}
