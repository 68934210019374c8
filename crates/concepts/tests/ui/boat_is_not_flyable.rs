use concepts::abcs::duck_typing::{Boat, make_it_fly};

fn main() {
    make_it_fly(&Boat);
}
