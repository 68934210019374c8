use concepts::abcs::basics::Vehicle;

struct Scooter;

impl Vehicle for Scooter {
    fn brand(&self) -> &str {
        "Vespa"
    }
    fn start_engine(&self) -> String {
        "Scooter started".to_owned()
    }
}

fn main() {}
