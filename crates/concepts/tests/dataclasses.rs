//! Chapter 3 (dataclasses → derives, constructors, types): every demo's behaviour, asserted.
#![allow(clippy::unwrap_used, clippy::expect_used)]

use std::collections::HashSet;
use std::hash::{BuildHasher, RandomState};

use concepts::dataclasses::field_default::{self, CorrectExample};
use concepts::dataclasses::field_parameters::{self, BlogPost, slugify};
use concepts::dataclasses::memory;
use concepts::dataclasses::parameters::{
    self, ConnectionConfig, EfficientPoint, Grade, ImmutablePoint, Student, WithoutRepr, describe,
    slot_sizes, sorted_students,
};
use concepts::dataclasses::strict::{self, Age, AgeError, StrictError, parse_user};
use concepts::dataclasses::{derived, traditional};

#[test]
fn hand_written_impls_behave_like_a_dataclass() {
    let lines = traditional::demo();
    // The seed's repr, word for word.
    assert_eq!(lines[0], "Person(Alice,21,alice@example.com)");
    assert_eq!(lines[1], "person1 == person2: true");
    assert!(lines[2].starts_with(
        "{Person(Alice_0,20,alice_0@gmail.com), Person(Alice_1,21,alice_1@gmail.com), "
    ));
    assert!(lines[2].ends_with("Person(Alice_9,29,alice_9@gmail.com)}"));
    assert_eq!(lines[2].matches("Person(").count(), 10);
    assert_eq!(lines[3], "{person1, person2} has 1 member");
    let a = traditional::Person::new("Alice", 21, "alice@example.com");
    let b = traditional::Person::new("Alice", 21, "alice@example.com");
    let hasher = RandomState::new();
    assert_eq!(
        hasher.hash_one(&a),
        hasher.hash_one(&b),
        "equal values hash alike"
    );
    assert_eq!(
        (a.name(), a.age(), a.email()),
        ("Alice", 21, "alice@example.com")
    );
    let people = traditional::ten_people();
    assert_eq!(people.len(), 10);
    assert_eq!(
        format!("{:?}", people[9]),
        "Person(Alice_9,29,alice_9@gmail.com)"
    );
}

#[test]
fn eq_false_keeps_identity_and_derives_give_value_equality() {
    assert_eq!(
        derived::demo()[..4],
        [
            "Person { name: \"Alice\", age: 21, email: \"alice@example.com\" }",
            "person1 == person2 (eq=False: identity): false",
            "a set of the ten people by identity has 10 members",
            "HashablePerson: person1 == person2: true; {person1, person2} has 1 member",
        ]
    );
    let person = derived::Person::new("Ann", 1, "ann@example.com");
    assert!(std::ptr::eq(&person, &person), "a person is itself");
    let people: HashSet<derived::HashablePerson> = [("Ann", 1), ("Ann", 1), ("Ann", 2)]
        .map(|(name, age)| derived::HashablePerson::from(&derived::Person::new(name, age, "a@b")))
        .into();
    assert_eq!(people.len(), 2);
    assert!(
        derived::NO_EQ
            .starts_with(
            "error[E0369]: binary operation `==` cannot be applied to type `concepts::dataclasses::derived::Person`",
        )
    );
}

#[test]
fn order_sorts_the_seeds_students_field_by_field() {
    let sorted: Vec<(String, f64, u32)> = sorted_students()
        .into_iter()
        .map(|s| (s.name, s.grade.0, s.age))
        .collect();
    assert_eq!(
        sorted,
        [
            ("Alice".to_owned(), 3.8, 22),
            ("Bob".to_owned(), 3.2, 23),
            ("Bob".to_owned(), 3.6, 21),
        ]
    );
    let alice = Student::new("Alice", 3.8, 22);
    let bob = Student::new("Bob", 3.6, 21);
    assert!(alice < bob, "Alice comes before Bob alphabetically");
    assert!(Student::new("Bob", 3.2, 30) < Student::new("Bob", 3.6, 1));
    assert!(
        Grade(f64::NAN) > Grade(f64::INFINITY),
        "total_cmp puts NaN last"
    );
    // The seed's printed lines for this section.
    let lines = parameters::demo();
    let order = lines.iter().position(|l| l == "Alice: 3.8").unwrap();
    assert_eq!(
        lines[order..order + 4],
        ["Alice: 3.8", "Bob: 3.2", "Bob: 3.6", "alice > bob: false"]
    );
}

#[test]
fn each_parameter_has_its_counterpart() {
    let lines = parameters::demo();
    assert_eq!(
        lines[..11],
        [
            // init
            "WithInit { name: \"Alice\", age: 42 }",
            "WithoutInit { name: \"Alice\", age: 42 }",
            // repr: the hand-written one prints the seed's text exactly
            "WithRepr { name: \"Alice\", secret: \"password123\" }",
            "User(name='Bob', secret='***')",
            // eq
            "a1 == a2: true",
            "b1 == b2 (no PartialEq: identity): false",
            "b1 is b2: false",
            // frozen: the seed prints 1.0, the error, 3.0, 2
            "1.0",
            "Error (at compile time, tests/ui/frozen_field.rs): error[E0616]: field `x` of struct `ImmutablePoint` is private",
            "3.0",
            "2",
        ]
    );
    let creds = WithoutRepr {
        name: "Bob".to_owned(),
        secret: "secret456".to_owned(),
    };
    assert!(!format!("{creds:?}").contains("secret456"));
    let p = ImmutablePoint::new(1.0, 2.0);
    let q = p.with_x(9.0);
    assert_eq!((p.x(), p.y(), q.x(), q.y()), (1.0, 2.0, 9.0, 2.0));
    assert_ne!(
        ImmutablePoint::new(0.0, 0.0),
        ImmutablePoint::new(-0.0, 0.0),
        "bit-pattern equality"
    );
    assert_eq!(
        ImmutablePoint::new(f64::NAN, 0.0),
        ImmutablePoint::new(f64::NAN, 0.0),
        "Eq is reflexive"
    );
    assert_eq!(describe(EfficientPoint { x: 0.0, y: 0.0 }), "at the origin");
    assert_eq!(
        parameters::describe_positional(parameters::PositionalPoint(0.0, 5.0)),
        "on the y axis at y=5"
    );
    assert_eq!(
        describe(EfficientPoint { x: 2.0, y: 0.0 }),
        "on the x axis at x=2"
    );
    let config = ConnectionConfig {
        port: 6543,
        ..Default::default()
    };
    assert_eq!(
        config,
        ConnectionConfig {
            host: "localhost".to_owned(),
            port: 6543,
            timeout_secs: 30,
            tls: false
        }
    );
    let (point_shallow, point_deep, map_shallow, map_deep) = slot_sizes();
    assert_eq!(
        (point_shallow, point_deep),
        (16, 16),
        "two f64, nothing on the heap"
    );
    assert!(map_shallow > point_shallow && map_deep > map_shallow);
    assert!(lines.contains(
        &"Slots restriction (at compile time, tests/ui/no_new_attribute.rs): error[E0609]: no field `z` on type `EfficientPoint`"
            .to_owned()
    ));
    assert_eq!(
        parameters::weak_reference_lines(),
        [
            "weakref_slot: weak.upgrade() while alive -> Some(\"at (1, 2)\")",
            "weakref_slot: weak.upgrade() after drop -> None",
        ]
    );
}

#[test]
fn memory_counts_and_sizes() {
    assert_eq!(
        memory::refcount_lines(),
        [
            "refCount([]): 3",
            "Rc::new: strong = 1",
            "after clone: strong = 2",
            "after downgrade: strong = 2, weak = 1",
            "after drop(second): strong = 1",
            "after drop(data): weak.upgrade() is none: true",
            "Arc shared by 3 threads: total length 42, strong after joins = 1",
            "'static data (\"hello\") has no count: it lives as long as the program",
        ]
    );
    // [1, 2, 3]: a 24-byte header plus 3 x 8 bytes; (1.0, "Hellow", "world"): 8 + 24 + 24
    // inline, plus 6 + 5 bytes of text.
    assert_eq!(memory::seed_sizes(), ((24, 24 + 3 * 8), (56, 56 + 6 + 5)));
    // Shallow: pointer, capacity, length. Deep: plus 10 inner headers and 10 x 100 x 8 bytes.
    assert_eq!(memory::nested_sizes(), (24, 24 + 10 * 24 + 10 * 100 * 8));
}

/// std: "It is a logic error for a key to be modified in such a way that the key's hash
/// ... changes while it is in the map. This is normally only possible through Cell,
/// RefCell, global state, I/O, or unsafe code." The set keeps the member but cannot find it.
#[test]
fn a_key_changed_through_a_refcell_is_lost_by_its_set() {
    assert_eq!(parameters::key_mutated_in_a_set(), (false, false, 1));
}

#[test]
fn every_default_gets_its_own_vec() {
    let mut c1 = CorrectExample::default();
    let c2 = CorrectExample::default();
    c1.items.push("pear".to_owned());
    assert_eq!(c1.items, ["pear"]);
    assert!(c2.items.is_empty());
    let lines = field_default::demo();
    assert_eq!(lines[0], "c1.items is c2.items: false");
    assert_eq!(lines[1], "c1.items = [\"apple\"], c2.items = []");
    assert_eq!(
        lines[2],
        "explicitly shared: shared2 sees [\"apple\"] (Rc strong count 2)"
    );
    assert_eq!(
        lines[3],
        "a static Mutex<Vec<String>> shared on purpose, no unsafe: holds \"apple\": true"
    );
    assert!(field_default::SHARED_DEFAULT.starts_with(
        "error[E0596]: cannot borrow immutable static item `WRONG_EXAMPLE_ITEMS` as mutable"
    ));
}

/// A shared mutable default needs no `unsafe`: a static behind a lock is safe, and every
/// user sees the one list.
#[test]
fn a_static_mutex_is_a_safe_shared_mutable_list() {
    assert!(field_default::push_shared("fig"));
    let seen_elsewhere = std::thread::spawn(|| {
        field_default::SHARED_ITEMS
            .lock()
            .unwrap()
            .contains(&"fig".to_owned())
    });
    assert!(seen_elsewhere.join().unwrap());
}

#[test]
fn blog_post_fields_behave_as_the_seed_declares() {
    let before = jiff::Timestamp::now();
    let mut post = BlogPost::new("Hello World", "This is my first post");
    assert_eq!(post.slug(), "hello-world");
    assert!(post.created_at >= before && post.created_at <= jiff::Timestamp::now());
    post.internal_notes = "draft: check facts".to_owned();
    assert!(!format!("{post:?}").contains("check facts"));
    let mut viewed = post.clone();
    viewed.view_count = 99;
    assert_eq!(post, viewed, "view_count is left out of ==");
    viewed.tags.push("rust".to_owned());
    assert_ne!(post, viewed, "tags take part in ==");
    assert!(post.tags.is_empty(), "each post has its own tags");
    let other = BlogPost::new("Hello World", "This is my first post");
    assert_ne!(post.id, other.id);
    assert_ne!(post, other, "different ids, different posts");
    post.set_title("Rust Data Classes");
    assert_eq!(
        (post.title(), post.slug()),
        ("Rust Data Classes", "rust-data-classes")
    );
    assert_eq!(slugify("A B  C"), "a-b--c");
    let lines = field_parameters::demo();
    assert_eq!(lines[0], "post1.id != post2.id: true");
    // The seed's "likely True": two clock readings may coincide, so only the label is fixed.
    assert!(lines[1].starts_with("post1.created_at != post2.created_at: "));
    assert_eq!(
        lines[2..],
        [
            // The seed's printed slugs, word for word; then its tag lists, in Rust's Debug.
            "hello-world",
            "python-tips",
            "[\"introduction\"]",
            "[\"python\"]",
            "Debug shows internal_notes: false",
            "post1 == post1 with 10 more views: true",
        ]
    );
}

#[test]
fn untrusted_json_is_typed_then_validated() {
    let ok = parse_user(strict::SAMPLES[0]).unwrap();
    assert_eq!((ok.id, ok.name.as_str()), (10, "Aashish Raghav"));

    let wrong_type = parse_user(strict::SAMPLES[1]).unwrap_err();
    assert!(matches!(wrong_type, StrictError::Shape(_)));
    assert_eq!(
        wrong_type.to_string(),
        "invalid User JSON: invalid type: string \"IIT2022010\", expected i64 at line 1 column 19"
    );
    let swapped = parse_user(strict::SAMPLES[2]).unwrap_err();
    assert!(matches!(swapped, StrictError::Shape(_)));
    assert!(
        swapped
            .to_string()
            .contains("invalid type: string \"oops\"")
    );

    let rules = parse_user(strict::SAMPLES[3]).unwrap_err();
    assert!(matches!(rules, StrictError::Rules(_)));
    let text = rules.to_string();
    for part in ["id: lower than 1", "name: length is lower than 1"] {
        assert!(text.contains(part), "{text}");
    }

    let missing = parse_user(strict::SAMPLES[4]).unwrap_err();
    assert!(missing.to_string().contains("missing field `name`"));
    let unknown = parse_user(r#"{"id": 1, "name": "A", "admin": true}"#).unwrap_err();
    assert!(unknown.to_string().contains("unknown field `admin`"));
    let lines = strict::demo();
    assert_eq!(lines[1], "  -> User { id: 10, name: \"Aashish Raghav\" }");
    assert!(lines[3].starts_with("  -> Exception : invalid User JSON: invalid type"));
}

#[test]
fn newtype_checks_the_value_once() {
    assert_eq!(Age::try_from(0).unwrap().years(), 0);
    assert_eq!(Age::try_from(150).unwrap().years(), 150);
    assert_eq!(Age::try_from(151), Err(AgeError(151)));
    assert_eq!(
        Age::try_from(-1).unwrap_err().to_string(),
        "age must be between 0 and 150, got -1"
    );
    let lines = strict::demo();
    assert!(lines.contains(
        &"Age::try_from(151) -> error: age must be between 0 and 150, got 151".to_owned()
    ));
    assert!(strict::WRONG_TYPE.starts_with("error[E0308]: mismatched types"));
}
