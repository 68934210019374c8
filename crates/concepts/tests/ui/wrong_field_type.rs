use concepts::dataclasses::strict::User;

fn main() {
    // The seed's `User("oops", 123)`.
    let _user = User {
        id: "oops",
        name: 123,
    };
}
