use concepts::metaclasses::coding_standards::coding_standards;

/// The seed's `BadClass2`.
struct BadClass2;

#[coding_standards]
impl BadClass2 {
    fn badHabit() {}
}

fn main() {}
