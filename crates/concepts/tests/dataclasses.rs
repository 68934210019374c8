//! Chapter 3 (dataclasses → derives, constructors, types): every demo's behaviour, asserted.
#![allow(clippy::unwrap_used, clippy::expect_used)]

use std::collections::HashSet;
use std::hash::{BuildHasher, RandomState};

use concepts::dataclasses::field_default::{self, ShoppingCart};
use concepts::dataclasses::field_parameters::{self, BlogPost, slugify};
use concepts::dataclasses::memory;
use concepts::dataclasses::parameters::{
    self, ConnectionConfig, Credentials, FrozenPoint, Point, Rectangle, Student, describe,
    slot_sizes, sorted_students,
};
use concepts::dataclasses::strict::{self, Age, AgeError, StrictError, parse_person};
use concepts::dataclasses::{derived, traditional};

#[test]
fn hand_written_impls_behave_like_a_dataclass() {
    assert_eq!(
        traditional::demo(),
        [
            "p1 = Person(name='Alice', age=30)",
            "p1 == p2: true",
            "p1 == p3: false",
            "{p1, p2, p3} has 2 members",
        ]
    );
    let a = traditional::Person::new("Alice", 30);
    let b = traditional::Person::new("Alice", 30);
    let hasher = RandomState::new();
    assert_eq!(
        hasher.hash_one(&a),
        hasher.hash_one(&b),
        "equal values hash alike"
    );
    assert_eq!((a.name(), a.age()), ("Alice", 30));
}

#[test]
fn derived_impls_give_the_same_behaviour() {
    assert_eq!(
        derived::demo()[..6],
        [
            "p1 = Person { name: \"Alice\", age: 30 }",
            "p1 == p2: true",
            "p1 == p3: false",
            "{p1, p2, p3} has 2 members",
            "sessions with the same user are the same object: false",
            "a session is itself: true",
        ]
    );
    let people: HashSet<derived::Person> = [("Ann", 1), ("Ann", 1), ("Ann", 2)]
        .map(|(name, age)| derived::Person {
            name: name.to_owned(),
            age,
        })
        .into();
    assert_eq!(people.len(), 2);
    assert!(
        derived::NO_EQ
            .starts_with("error[E0369]: binary operation `==` cannot be applied to type `Session`")
    );
}

#[test]
fn order_sorts_students_field_by_field() {
    let sorted = sorted_students();
    let names: Vec<(u32, &str)> = sorted.iter().map(|s| (s.grade, s.name.as_str())).collect();
    assert_eq!(
        names,
        [(78, "Charlie"), (85, "Alice"), (85, "Bob"), (92, "Alice")]
    );
    let low = Student {
        grade: 85,
        name: "Zed".to_owned(),
    };
    let high = Student {
        grade: 90,
        name: "Abe".to_owned(),
    };
    assert!(low < high, "grade is compared before name");
}

#[test]
fn each_parameter_has_its_counterpart() {
    let rect = Rectangle::new(3.0, 4.0);
    assert_eq!(rect.area(), 12.0);
    let creds = Credentials {
        username: "bob".to_owned(),
        password: "s3cret".to_owned(),
    };
    let shown = format!("{creds:?}");
    assert_eq!(shown, "Credentials { username: \"bob\", .. }");
    assert!(!shown.contains("s3cret"));
    let p = FrozenPoint::new(1, 2);
    let q = p.with_x(9);
    assert_eq!((p.x(), p.y(), q.x(), q.y()), (1, 2, 9, 2));
    assert_eq!(describe(Point { x: 0.0, y: 0.0 }), "at the origin");
    assert_eq!(describe(Point { x: 2.0, y: 0.0 }), "on the x axis at x=2");
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
    assert_eq!(
        parameters::weak_reference_lines(),
        [
            "weakref_slot: weak.upgrade() while alive -> Some(\"at (1, 2)\")",
            "weakref_slot: weak.upgrade() after drop -> None",
        ]
    );
    let lines = parameters::demo();
    assert_eq!(lines[0], "init: Rectangle::new(3, 4).area() = 12");
    assert_eq!(lines[1], "repr: Credentials { username: \"alice\", .. }");
    assert!(
        parameters::FROZEN_ASSIGNMENT
            .starts_with("error[E0616]: field `x` of struct `FrozenPoint` is private")
    );
}

#[test]
fn memory_counts_and_sizes() {
    assert_eq!(
        memory::refcount_lines(),
        [
            "Rc::new: strong = 1",
            "after clone: strong = 2",
            "after downgrade: strong = 2, weak = 1",
            "after drop(second): strong = 1",
            "after drop(data): weak.upgrade() is none: true",
            "Arc shared by 3 threads: total length 42, strong after joins = 1",
            "'static data (\"hello\") has no count: it lives as long as the program",
        ]
    );
    // Shallow: pointer, capacity, length. Deep: plus 10 inner headers and 10 x 100 x 8 bytes.
    assert_eq!(memory::nested_sizes(), (24, 24 + 10 * 24 + 10 * 100 * 8));
}

#[test]
fn every_default_gets_its_own_vec() {
    let mut a = ShoppingCart::default();
    let b = ShoppingCart::default();
    a.items.push("pear".to_owned());
    assert_eq!(a.items, ["pear"]);
    assert!(b.items.is_empty());
    let lines = field_default::demo();
    assert_eq!(lines[0], "cart1 = [\"apple\"], cart2 = []");
    assert_eq!(
        lines[1],
        "explicitly shared: shared2 sees [\"apple\"] (Rc strong count 2)"
    );
    assert!(
        field_default::SHARED_DEFAULT
            .starts_with("error[E0133]: use of mutable static is unsafe and requires unsafe block")
    );
}

#[test]
fn blog_post_fields_behave_as_the_seed_declares() {
    let before = jiff::Timestamp::now();
    let mut post = BlogPost::new("Hello World", "body");
    assert_eq!(post.slug(), "hello-world");
    assert!(post.created_at >= before && post.created_at <= jiff::Timestamp::now());
    post.internal_note = "draft: check facts".to_owned();
    assert!(!format!("{post:?}").contains("check facts"));
    let mut viewed = post.clone();
    viewed.view_count = 99;
    assert_eq!(post, viewed, "view_count is left out of ==");
    viewed.tags.push("rust".to_owned());
    assert_ne!(post, viewed, "tags take part in ==");
    assert!(post.tags.is_empty(), "each post has its own tags");
    let other = BlogPost::new("Hello World", "body");
    assert_ne!(post.id, other.id);
    assert_ne!(post, other, "different ids, different posts");
    post.set_title("Rust Data Classes");
    assert_eq!(
        (post.title(), post.slug()),
        ("Rust Data Classes", "rust-data-classes")
    );
    assert_eq!(slugify("A B  C"), "a-b--c");
    assert_eq!(
        field_parameters::demo(),
        [
            "slug: hello-world",
            "tags: [\"intro\"], metadata: {\"author\": \"alice\"}",
            "Debug shows the internal note: false",
            "post == post with 10 more views: true",
            "two new posts get different ids: true",
            "other post starts with no tags: []",
        ]
    );
}

#[test]
fn untrusted_json_is_typed_then_validated() {
    let ok = parse_person(strict::SAMPLES[0]).unwrap();
    assert_eq!((ok.name.as_str(), ok.age), ("Alice", 30));

    let wrong_type = parse_person(strict::SAMPLES[1]).unwrap_err();
    assert!(matches!(wrong_type, StrictError::Shape(_)));
    assert_eq!(
        wrong_type.to_string(),
        "invalid Person JSON: invalid type: string \"thirty\", expected u8 at line 1 column 33"
    );

    let rules = parse_person(strict::SAMPLES[2]).unwrap_err();
    assert!(matches!(rules, StrictError::Rules(_)));
    let text = rules.to_string();
    for part in [
        "age: greater than 150",
        "email: not a valid email",
        "name: length is lower than 1",
    ] {
        assert!(text.contains(part), "{text}");
    }

    let missing = parse_person(strict::SAMPLES[3]).unwrap_err();
    assert!(missing.to_string().contains("missing field `email`"));
    let unknown =
        parse_person(r#"{"name": "A", "age": 1, "email": "a@b.co", "admin": true}"#).unwrap_err();
    assert!(unknown.to_string().contains("unknown field `admin`"));
    let negative = parse_person(r#"{"name": "A", "age": -1, "email": "a@b.co"}"#).unwrap_err();
    assert!(matches!(negative, StrictError::Shape(_)));
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
