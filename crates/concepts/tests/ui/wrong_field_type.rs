use concepts::dataclasses::strict::Person;

fn main() {
    let _person = Person {
        name: 42,
        age: 30,
        email: "alice@example.com".to_owned(),
    };
}
