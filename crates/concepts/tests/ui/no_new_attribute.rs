use concepts::dataclasses::parameters::EfficientPoint;

fn main() {
    let mut efficient = EfficientPoint { x: 1.0, y: 2.0 };
    efficient.z = 3.0;
}
