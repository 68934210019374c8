use concepts::dataclasses::parameters::Point;

fn main() {
    let mut p = Point { x: 1.0, y: 2.0 };
    p.z = 3.0;
}
