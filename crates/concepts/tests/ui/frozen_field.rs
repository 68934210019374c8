use concepts::dataclasses::parameters::FrozenPoint;

fn main() {
    let mut p = FrozenPoint::new(1, 2);
    p.x = 5;
}
