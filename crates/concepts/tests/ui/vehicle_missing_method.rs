use concepts::abcs::basics::Vehicle;

struct Scooter;

impl Vehicle for Scooter {
    fn make(&self) -> &str {
        "Vespa"
    }
    fn model(&self) -> &str {
        "Primavera"
    }
    fn start(&self) -> String {
        "Starting electric motor".to_owned()
    }
}

fn main() {}
