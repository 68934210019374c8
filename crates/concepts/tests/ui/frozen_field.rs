use concepts::dataclasses::parameters::ImmutablePoint;

fn main() {
    let mut immutable = ImmutablePoint::new(1.0, 2.0);
    immutable.x = 3.0;
}
