use concepts::metaclasses::debug_class::debug_class;

#[debug_class]
mod pets {
    pub struct Dog;
    pub struct Cat;
}

fn main() {}
