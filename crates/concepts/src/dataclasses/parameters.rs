//! Every `@dataclass` parameter and its Rust counterpart — seed: `DataClasses/dataclass_parameters.py`.
//!
//! **Python idea.** `@dataclass(init, repr, eq, order, unsafe_hash, frozen, match_args,
//! kw_only, slots, weakref_slot)` switches generated behaviour on and off. The seed runs
//! six of them: `init` (`withInit`, `withoutInit`), `repr` (`WithRepr`, `WithoutRepr` hiding
//! the secret as `User(name='Bob', secret='***')`), `eq` (`WithEquality`, `WithoutEquality`),
//! `frozen` (`ImmutablePoint`, `MutablePoint`), `order` (`Student`) and `slots`
//! (`EfficientPoint`, `RegularPoint`); the other four are only listed in its header.
//!
//! **Rust answer**, parameter by parameter (names and values follow the seed file):
//!
//! | parameter | Rust counterpart | here |
//! |---|---|---|
//! | `init` / `init=False` | a struct literal is the generated `__init__`; a hand-written constructor is the custom one | [`WithInit`], [`WithoutInit::new`] |
//! | `repr` / `repr=False` | `#[derive(Debug)]`, or a hand-written `Debug` that hides the secret | [`WithRepr`], [`WithoutRepr`] |
//! | `eq` | `#[derive(PartialEq)]`; without it there is no `==`, only identity ([`std::ptr::eq`]) | [`WithEquality`], [`WithoutEquality`] |
//! | `frozen` | immutable by default; private fields + getters for "even through `mut`"; hashable | [`ImmutablePoint`], [`MutablePoint`] |
//! | `order` | `#[derive(PartialOrd, Ord)]`: compares fields in declaration order | [`Student`], [`sorted_students`] |
//! | `slots` | every struct already has fixed fields and no per-instance dict | [`EfficientPoint`], [`regular_point`] |
//! | `unsafe_hash` | `#[derive(Hash)]` (or a hand-written `Hash`) on any type, no `unsafe` needed; a key must not change while it is in a set — through `&` only `Cell`/`RefCell` (or `Mutex`, atomics) can change it, and std documents that as a logic error: look-ups then miss, but nothing is undefined (clippy's `mutable_key_type` warns) | [`ImmutablePoint`], [`key_mutated_in_a_set`] |
//! | `match_args` | positional patterns, Python's `case Point(0, y)`, are tuple-struct patterns, `match p { PositionalPoint(0.0, y) => … }`; keyword patterns, `case Point(x=0, y=y)` (no `match_args` needed), are named-field patterns, `EfficientPoint { x: 0.0, y }` | [`describe_positional`], [`describe`] |
//! | `kw_only` | struct literals are keyword-only; `..Default::default()` for the rest | [`ConnectionConfig`] |
//! | `weakref_slot` | `Rc::downgrade` / `Weak::upgrade` on any type | [`weak_reference_lines`] |
//!
//! **Checked earlier.** Assigning to a field of an immutable binding (E0594,
//! `tests/ui/immutable_binding.rs`) or to a private field (E0616, `tests/ui/frozen_field.rs`,
//! the seed's `FrozenInstanceError`), adding a field that does not exist (E0609,
//! `tests/ui/no_new_attribute.rs`, the seed's "Slots restriction" `AttributeError`), and
//! ordering or hashing a type that does not derive the trait are all compile errors.
//!
//! **Where Rust differs.**
//! - Type names are CamelCase (`WithInit`, not the seed's `withInit`): rustc's
//!   `non_camel_case_types` lint. Derived `Debug` prints Rust syntax
//!   (`WithRepr { name: "Alice", secret: "password123" }`), not Python's repr; the
//!   hand-written `WithoutRepr` prints the seed's text exactly.
//! - The seed's custom `__init__` and `__repr__` print "Logic for custom init" /
//!   "Logic for custom repr" as a marker; the Rust counterparts have no side effect.
//! - `frozen` in Python is per class; in Rust mutability is per binding, so an
//!   [`ImmutablePoint`] is frozen because nothing outside its module can write its fields.
//!   Floats have no `Eq`/`Hash` in Rust (NaN is not equal to itself), so `ImmutablePoint`
//!   compares and hashes the coordinates' bit patterns (then `0.0` and `-0.0` differ).
//! - `order`: the seed's grade is a float, and `f64` is only `PartialOrd`, so the derive of
//!   `Ord` needs a [`Grade`] newtype that picks a total order (`f64::total_cmp`). The seed's
//!   comment lists "Charlie: 3.9", but its students are Alice 3.8, Bob 3.6 and Bob 3.2, and
//!   the run prints Alice: 3.8, Bob: 3.2, Bob: 3.6 — which is what Rust prints too.
//! - `slots`: there is no separate mode because there is no other mode; the seed's
//!   `RegularPoint` with its `__dict__` is modelled as a map ([`regular_point`]), and sizes
//!   come from `size_of`/`get-size2`, not `pympler` (16 bytes for the struct).

use std::cell::RefCell;
use std::cmp::Ordering;
use std::collections::HashMap;
use std::fmt;
use std::hash::{Hash, Hasher};
use std::rc::Rc;

use get_size2::GetSize;

/// `init=True`: the struct literal is the generated `__init__`.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct WithInit {
    /// Name.
    pub name: String,
    /// Age.
    pub age: u32,
}

/// `init=False` with a hand-written `__init__`: the constructor is a function of our own.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct WithoutInit {
    name: String,
    age: u32,
}

impl WithoutInit {
    /// The custom constructor (the seed's custom `__init__`).
    pub fn new(name: &str, age: u32) -> Self {
        Self {
            name: name.to_owned(),
            age,
        }
    }
}

/// `repr=True`: every field shows, the secret included.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct WithRepr {
    /// Name.
    pub name: String,
    /// Shown by the derived `Debug`.
    pub secret: String,
}

// ANCHOR: without_repr
/// `repr=False` with a custom `__repr__`: the secret never shows.
#[derive(Clone, PartialEq, Eq)]
pub struct WithoutRepr {
    /// Name.
    pub name: String,
    /// Hidden by the hand-written `Debug`.
    pub secret: String,
}

/// The seed's custom repr, word for word: `User(name='Bob', secret='***')`.
impl fmt::Debug for WithoutRepr {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(f, "User(name='{}', secret='***')", self.name)
    }
}
// ANCHOR_END: without_repr

/// `eq=True`: equal when every field is.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct WithEquality {
    /// Name.
    pub name: String,
    /// Value.
    pub value: i64,
}

/// `eq=False`: no `==` at all; only identity can be asked.
#[derive(Debug, Clone)]
pub struct WithoutEquality {
    /// Name.
    pub name: String,
    /// Value.
    pub value: i64,
}

/// `frozen=True` (and hashable): no field can be written from outside this module.
#[derive(Debug, Clone, Copy)]
pub struct ImmutablePoint {
    x: f64,
    y: f64,
}

impl ImmutablePoint {
    /// A new point.
    pub fn new(x: f64, y: f64) -> Self {
        Self { x, y }
    }
    /// x.
    pub fn x(&self) -> f64 {
        self.x
    }
    /// y.
    pub fn y(&self) -> f64 {
        self.y
    }
    /// Python's `dataclasses.replace(p, x=...)`: a changed copy, the original untouched.
    #[must_use]
    pub fn with_x(self, x: f64) -> Self {
        Self { x, ..self }
    }
    fn bits(&self) -> (u64, u64) {
        (self.x.to_bits(), self.y.to_bits())
    }
}

/// Bit-pattern equality, so that `Eq` and `Hash` agree (see the module docs).
impl PartialEq for ImmutablePoint {
    fn eq(&self, other: &Self) -> bool {
        self.bits() == other.bits()
    }
}

impl Eq for ImmutablePoint {}

impl Hash for ImmutablePoint {
    fn hash<H: Hasher>(&self, state: &mut H) {
        self.bits().hash(state);
    }
}

/// `frozen=False`: public fields, writable through a `mut` binding.
#[derive(Debug, Clone, Copy, PartialEq, Default)]
pub struct MutablePoint {
    /// x.
    pub x: f64,
    /// y.
    pub y: f64,
}

/// A grade point average: an `f64` given the total order `f64::total_cmp`, so that
/// [`Student`] can derive `Ord`.
#[derive(Debug, Clone, Copy)]
pub struct Grade(pub f64);

impl PartialEq for Grade {
    fn eq(&self, other: &Self) -> bool {
        self.cmp(other) == Ordering::Equal
    }
}

impl Eq for Grade {}

impl PartialOrd for Grade {
    fn partial_cmp(&self, other: &Self) -> Option<Ordering> {
        Some(self.cmp(other))
    }
}

impl Ord for Grade {
    fn cmp(&self, other: &Self) -> Ordering {
        self.0.total_cmp(&other.0)
    }
}

impl fmt::Display for Grade {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(f, "{}", self.0)
    }
}

/// `order=True`: compared by `name`, then `grade`, then `age` — the declaration order.
#[derive(Debug, Clone, PartialEq, Eq, PartialOrd, Ord)]
pub struct Student {
    /// Compared first.
    pub name: String,
    /// Compared when names tie.
    pub grade: Grade,
    /// Compared when name and grade tie.
    pub age: u32,
}

impl Student {
    /// The seed's `Student(name, grade, age)`.
    pub fn new(name: &str, grade: f64, age: u32) -> Self {
        Self {
            name: name.to_owned(),
            grade: Grade(grade),
            age,
        }
    }
}

/// The seed's students, in its order.
pub fn students() -> Vec<Student> {
    vec![
        Student::new("Alice", 3.8, 22),
        Student::new("Bob", 3.6, 21),
        Student::new("Bob", 3.2, 23),
    ]
}

/// The students sorted as `order=True` sorts them: field by field, in declaration order.
pub fn sorted_students() -> Vec<Student> {
    let mut all = students();
    all.sort();
    all
}

/// `slots=True`: a plain struct with fixed fields (every Rust struct is one).
#[derive(Debug, Clone, Copy, PartialEq, Default, GetSize)]
pub struct EfficientPoint {
    /// x.
    pub x: f64,
    /// y.
    pub y: f64,
}

/// `slots=False`: the seed's `RegularPoint(1.0, 2.0)` as Python stores it, a map from
/// attribute names to values, which is why it accepts new attributes.
pub fn regular_point() -> HashMap<String, f64> {
    HashMap::from([("x".to_owned(), 1.0), ("y".to_owned(), 2.0)])
}

/// Sizes of the fixed struct versus the map-backed object: (shallow struct, deep struct,
/// shallow map, deep map) in bytes. Deep sizes come from `get-size2` (Python's `asizeof`).
pub fn slot_sizes() -> (usize, usize, usize, usize) {
    let efficient = EfficientPoint { x: 1.0, y: 2.0 };
    let regular = regular_point();
    (
        std::mem::size_of_val(&efficient),
        efficient.get_size(),
        std::mem::size_of_val(&regular),
        regular.get_size(),
    )
}

/// Keyword patterns (`case EfficientPoint(x=0, y=y)`, which need no `match_args`):
/// destructuring by field name.
pub fn describe(p: EfficientPoint) -> String {
    match p {
        EfficientPoint { x: 0.0, y: 0.0 } => "at the origin".to_owned(),
        EfficientPoint { x: 0.0, y } => format!("on the y axis at y={y}"),
        EfficientPoint { x, y: 0.0 } => format!("on the x axis at x={x}"),
        EfficientPoint { x, y } => format!("at ({x}, {y})"),
    }
}

// ANCHOR: match_args
/// A point whose fields have positions, not names: what `match_args` gives a dataclass.
#[derive(Debug, Clone, Copy, PartialEq)]
pub struct PositionalPoint(pub f64, pub f64);

/// `match_args`: positional patterns, `case Point(0, y)` — a tuple-struct pattern.
pub fn describe_positional(p: PositionalPoint) -> String {
    match p {
        PositionalPoint(0.0, 0.0) => "at the origin".to_owned(),
        PositionalPoint(0.0, y) => format!("on the y axis at y={y}"),
        PositionalPoint(x, 0.0) => format!("on the x axis at x={x}"),
        PositionalPoint(x, y) => format!("at ({x}, {y})"),
    }
}
// ANCHOR_END: match_args

/// A set key whose hash reads a `RefCell`: it can change while the key is in a set.
#[derive(Debug)]
pub struct MutableKey {
    /// The name, which can be changed through `&self`.
    pub name: RefCell<String>,
}

impl PartialEq for MutableKey {
    fn eq(&self, other: &Self) -> bool {
        *self.name.borrow() == *other.name.borrow()
    }
}

impl Eq for MutableKey {}

impl Hash for MutableKey {
    fn hash<H: Hasher>(&self, state: &mut H) {
        self.name.borrow().hash(state);
    }
}

/// What `unsafe_hash` warns about, in Rust: a key changed through its `RefCell` while it is
/// in a `HashSet` (a logic error, which std's `HashMap`/`HashSet` docs describe). Returns
/// whether the set still finds the key by its new name, by its old name, and how many
/// members it has. A fixed hasher keeps the result the same on every run. Clippy's
/// `mutable_key_type` lint flags such a set; the demo silences it on purpose.
#[expect(
    clippy::mutable_key_type,
    reason = "the demo shows what the lint warns about"
)]
pub fn key_mutated_in_a_set() -> (bool, bool, usize) {
    type Fixed = std::hash::BuildHasherDefault<std::collections::hash_map::DefaultHasher>;
    let mut set: std::collections::HashSet<Rc<MutableKey>, Fixed> = Default::default();
    let key = Rc::new(MutableKey {
        name: RefCell::new("alice".to_owned()),
    });
    set.insert(Rc::clone(&key));
    key.name.replace("bob".to_owned());
    let probe = |name: &str| {
        set.contains(&MutableKey {
            name: RefCell::new(name.to_owned()),
        })
    };
    (probe("bob"), probe("alice"), set.len())
}

/// `kw_only`: fields are named at construction; unnamed ones come from `Default`.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct ConnectionConfig {
    /// Host.
    pub host: String,
    /// Port.
    pub port: u16,
    /// Seconds before giving up.
    pub timeout_secs: u32,
    /// Whether to use TLS.
    pub tls: bool,
}

impl Default for ConnectionConfig {
    fn default() -> Self {
        Self {
            host: "localhost".to_owned(),
            port: 5432,
            timeout_secs: 30,
            tls: false,
        }
    }
}

/// `weakref_slot`: a weak reference that does not keep its target alive.
pub fn weak_reference_lines() -> Vec<String> {
    let strong = Rc::new(EfficientPoint { x: 1.0, y: 2.0 });
    let weak = Rc::downgrade(&strong);
    let before = weak.upgrade().map(|p| describe(*p));
    drop(strong);
    let after = weak.upgrade().map(|p| describe(*p));
    vec![
        format!("weakref_slot: weak.upgrade() while alive -> {before:?}"),
        format!("weakref_slot: weak.upgrade() after drop -> {after:?}"),
    ]
}

/// What rustc printed for assigning to a frozen field, as checked in by the compile-fail test.
pub const FROZEN_ASSIGNMENT: &str = include_str!("../../tests/ui/frozen_field.stderr");
/// What rustc printed for adding an attribute to a struct, as checked in by the compile-fail test.
pub const NEW_ATTRIBUTE: &str = include_str!("../../tests/ui/no_new_attribute.stderr");

fn first_line(text: &str) -> &str {
    text.lines().next().unwrap_or_default()
}

// ANCHOR: demo
/// The demo: the seed's six sections in its order, then the four parameters it only lists.
pub fn demo() -> Vec<String> {
    let mut lines = Vec::new();

    // init
    let with_init = WithInit {
        name: "Alice".to_owned(),
        age: 42,
    };
    let without_init = WithoutInit::new("Alice", 42);
    lines.push(format!("{with_init:?}"));
    lines.push(format!("{without_init:?}"));

    // repr
    let with_repr = WithRepr {
        name: "Alice".to_owned(),
        secret: "password123".to_owned(),
    };
    let without_repr = WithoutRepr {
        name: "Bob".to_owned(),
        secret: "secret456".to_owned(),
    };
    lines.push(format!("{with_repr:?}"));
    lines.push(format!("{without_repr:?}"));

    // eq
    let a1 = WithEquality {
        name: "test".to_owned(),
        value: 1,
    };
    let a2 = a1.clone();
    let b1 = WithoutEquality {
        name: "test".to_owned(),
        value: 1,
    };
    let b2 = b1.clone();
    lines.push(format!("a1 == a2: {}", a1 == a2));
    lines.push(format!(
        "b1 == b2 (no PartialEq: identity): {}",
        std::ptr::eq(&b1, &b2)
    ));
    lines.push(format!("b1 is b2: {}", std::ptr::eq(&b1, &b2)));

    // frozen
    let immutable = ImmutablePoint::new(1.0, 2.0);
    lines.push(format!("{:?}", immutable.x()));
    lines.push(format!(
        "Error (at compile time, tests/ui/frozen_field.rs): {}",
        first_line(FROZEN_ASSIGNMENT)
    ));
    let mut mutable = MutablePoint { x: 1.0, y: 2.0 };
    mutable.x = 3.0;
    lines.push(format!("{:?}", mutable.x));
    let immutable_points: std::collections::HashSet<ImmutablePoint> =
        [ImmutablePoint::new(1.0, 2.0), ImmutablePoint::new(3.0, 4.0)].into();
    lines.push(immutable_points.len().to_string());

    // order
    for student in sorted_students() {
        lines.push(format!("{}: {}", student.name, student.grade));
    }
    let alice = Student::new("Alice", 3.8, 22);
    let bob = Student::new("Bob", 3.6, 21);
    lines.push(format!("alice > bob: {}", alice > bob));

    // slots
    let (point_shallow, point_deep, map_shallow, map_deep) = slot_sizes();
    lines.push(format!(
        "EfficientPoint: {point_shallow} bytes ({point_deep} deep); RegularPoint as a map: {map_shallow} bytes shallow, {map_deep} deep"
    ));
    lines.push(format!(
        "Slots restriction (at compile time, tests/ui/no_new_attribute.rs): {}",
        first_line(NEW_ATTRIBUTE)
    ));
    let mut regular = regular_point();
    regular.insert("z".to_owned(), 3.0);
    lines.push(format!(
        "{:?}",
        regular.get("z").copied().unwrap_or_default()
    ));

    // listed in the seed's header only
    let config = ConnectionConfig {
        host: "db.internal".to_owned(),
        tls: true,
        ..Default::default()
    };
    lines.push(format!(
        "unsafe_hash: Hash needs no unsafe; {{p, p.with_x(10.0)}} has {} members",
        [immutable, immutable.with_x(10.0)]
            .into_iter()
            .collect::<std::collections::HashSet<_>>()
            .len()
    ));
    let (by_new, by_old, members) = key_mutated_in_a_set();
    lines.push(format!(
        "a key changed through a RefCell inside a HashSet (a logic error): found by new name {by_new}, by old name {by_old}, {members} member(s)"
    ));
    lines.push(format!(
        "match_args (positional, a tuple struct): {}; {}",
        describe_positional(PositionalPoint(0.0, 5.0)),
        describe_positional(PositionalPoint(3.0, 4.0))
    ));
    lines.push(format!(
        "keyword patterns (named fields): {}; {}",
        describe(EfficientPoint { x: 0.0, y: 5.0 }),
        describe(EfficientPoint { x: 3.0, y: 4.0 })
    ));
    lines.push(format!("kw_only: {config:?}"));
    lines.extend(weak_reference_lines());
    lines
}
// ANCHOR_END: demo
