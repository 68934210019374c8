static mut DEFAULT_ITEMS: Vec<String> = Vec::new();

fn main() {
    DEFAULT_ITEMS.push("apple".to_owned());
}
