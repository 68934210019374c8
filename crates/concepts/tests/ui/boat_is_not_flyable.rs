use concepts::abcs::duck_typing::{Boat, make_flyable_objects_fly};

fn main() {
    make_flyable_objects_fly(&Boat);
}
