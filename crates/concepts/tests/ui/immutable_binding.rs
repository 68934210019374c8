use concepts::dataclasses::parameters::Point;

fn main() {
    let p = Point { x: 1.0, y: 2.0 };
    p.x = 3.0;
    println!("{p:?}");
}
