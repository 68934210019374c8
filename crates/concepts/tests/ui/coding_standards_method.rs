use concepts::metaclasses::coding_standards::coding_standards;

struct Config;

#[coding_standards]
impl Config {
    fn GetData(&self) {}
}

fn main() {}
