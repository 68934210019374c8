use concepts::metaclasses::coding_standards::coding_standards;

struct Config;

#[coding_standards]
impl Config {
    const maxSize: usize = 100;
}

fn main() {}
