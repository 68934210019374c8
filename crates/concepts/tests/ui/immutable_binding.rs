use concepts::dataclasses::parameters::MutablePoint;

fn main() {
    let mutable = MutablePoint { x: 1.0, y: 2.0 };
    mutable.x = 3.0;
    println!("{mutable:?}");
}
