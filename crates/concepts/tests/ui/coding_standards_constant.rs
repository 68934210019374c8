use concepts::metaclasses::coding_standards::coding_standards;

/// The seed's `BadClass1`.
struct BadClass1;

#[coding_standards]
impl BadClass1 {
    const name: &'static str = "Aashish";
}

fn main() {}
