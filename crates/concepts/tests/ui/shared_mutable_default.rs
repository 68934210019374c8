/// The seed's `WrongExample`: one list shared by every instance, with nothing in its type
/// saying it is shared or mutable.
static WRONG_EXAMPLE_ITEMS: Vec<String> = Vec::new();

fn main() {
    WRONG_EXAMPLE_ITEMS.push("apple".to_owned());
}
