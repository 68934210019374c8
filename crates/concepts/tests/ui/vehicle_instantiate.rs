use concepts::abcs::basics::Vehicle;

fn main() {
    let _vehicle = Vehicle {};
}
