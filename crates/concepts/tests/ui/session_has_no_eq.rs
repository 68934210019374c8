use concepts::dataclasses::derived::Session;

fn main() {
    let a = Session { user: "alice".to_owned() };
    let b = Session { user: "alice".to_owned() };
    let _ = a == b;
}
