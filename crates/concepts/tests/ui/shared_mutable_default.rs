/// The seed's `WrongExample`: one list shared by every instance.
static mut WRONG_EXAMPLE_ITEMS: Vec<String> = Vec::new();

fn main() {
    WRONG_EXAMPLE_ITEMS.push("apple".to_owned());
}
