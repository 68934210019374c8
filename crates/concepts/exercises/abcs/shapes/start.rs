//! Exercise — ABCs, abstract methods and a template method.
//!
//! 1. Give `Shape` a *provided* method `describe` returning `"{name} with area {area:.2}"`
//!    (e.g. `"square with area 4.00"`), built from the two required methods.
//! 2. Implement `Shape` for `Square` (side length) and `Circle` (radius; use
//!    `std::f64::consts::PI`), named `"square"` and `"circle"`.
//! 3. `total_area` sums the areas of a mixed list of shapes.

/// A shape: the required methods are the abstract ones.
pub trait Shape {
    /// The shape's area.
    fn area(&self) -> f64;
    /// The shape's name, lower case.
    fn name(&self) -> String;
    /// `"{name} with area {area:.2}"`: the template method every shape inherits.
    fn describe(&self) -> String {
        todo!("build the description from name() and area()")
    }
}

/// A square of the given side.
pub struct Square(pub f64);

/// A circle of the given radius.
pub struct Circle(pub f64);

impl Shape for Square {
    fn area(&self) -> f64 {
        todo!("side squared")
    }
    fn name(&self) -> String {
        todo!()
    }
}

impl Shape for Circle {
    fn area(&self) -> f64 {
        todo!("pi r squared")
    }
    fn name(&self) -> String {
        todo!()
    }
}

/// The sum of the areas of a mixed collection.
pub fn total_area(shapes: &[Box<dyn Shape>]) -> f64 {
    let _ = shapes;
    todo!("sum the areas")
}
