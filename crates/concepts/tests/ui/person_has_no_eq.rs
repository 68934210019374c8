use concepts::dataclasses::derived::Person;

fn main() {
    let person1 = Person::new("Alice", 21, "alice@example.com");
    let person2 = Person::new("Alice", 21, "alice@example.com");
    let _ = person1 == person2;
}
