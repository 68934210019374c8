//! Every `@dataclass` parameter and its Rust counterpart — seed: `DataClasses/dataclass_parameters.py`.
//!
//! **Python idea.** `@dataclass(init, repr, eq, order, frozen, unsafe_hash, match_args,
//! kw_only, slots, weakref_slot)` switches generated behaviour on and off.
//!
//! **Rust answer**, parameter by parameter:
//!
//! | parameter | Rust counterpart | here |
//! |---|---|---|
//! | `init` / `init=False` field | a constructor function; computed fields set inside it | [`Rectangle::new`] |
//! | `repr` / `field(repr=False)` | a hand-written `Debug` that leaves a field out | [`Credentials`] |
//! | `eq` | `#[derive(PartialEq, Eq)]` | [`Student`] |
//! | `order` | `#[derive(PartialOrd, Ord)]`: compares fields in declaration order | [`Student`], [`sorted_students`] |
//! | `frozen` | immutable by default; private fields + no setters for "even through `mut`" | [`FrozenPoint`] |
//! | `unsafe_hash` | `#[derive(Hash)]` on any type: safe, since a set's members cannot be mutated in place | [`FrozenPoint`] |
//! | `match_args` | patterns on named fields, `match p { Point { x: 0.0, y } => … }` | [`describe`] |
//! | `kw_only` | struct literals are keyword-only; `..Default::default()` for the rest | [`ConnectionConfig`] |
//! | `slots` | every struct already has fixed fields and no per-instance dict | [`Point`], [`dynamic_point`] |
//! | `weakref_slot` | `Rc::downgrade` / `Weak::upgrade` on any type | [`weak_reference_lines`] |
//!
//! **Checked earlier.** Assigning to a field of an immutable binding (E0594,
//! `tests/ui/immutable_binding.rs`) or to a private
//! field (E0616, `tests/ui/frozen_field.rs`), adding a field that does not exist (E0609,
//! `tests/ui/no_new_attribute.rs`), and ordering or hashing a type that does not derive the
//! trait are all compile errors; Python raises `FrozenInstanceError`/`AttributeError`/`TypeError`
//! at run time.
//!
//! **The students.** The seed's exact student list is not at hand; this demo declares
//! `Student { grade, name }` (so `order=True` compares grade, then name) and enrols
//! (85, Bob), (92, Alice), (85, Alice), (78, Charlie): sorted, the tie on 85 is broken by name.
//!
//! **Does not carry over.** `frozen` in Python is per class; in Rust mutability is per
//! binding, so a `FrozenPoint` is frozen because nothing outside its module can write its
//! fields. There is no separate "slots" mode because there is no other mode.

use std::collections::HashMap;
use std::fmt;
use std::rc::Rc;

use get_size2::GetSize;

/// `init`: the constructor computes `area`, a field that is not a parameter (`init=False`).
#[derive(Debug, Clone, Copy, PartialEq)]
pub struct Rectangle {
    /// Width.
    pub width: f64,
    /// Height.
    pub height: f64,
    area: f64,
}

impl Rectangle {
    /// Python's generated `__init__` plus `__post_init__` computing `area`.
    pub fn new(width: f64, height: f64) -> Self {
        Self {
            width,
            height,
            area: width * height,
        }
    }

    /// The computed field.
    pub fn area(&self) -> f64 {
        self.area
    }
}

/// `repr`: the password never appears in `Debug` output.
#[derive(Clone, PartialEq, Eq)]
pub struct Credentials {
    /// Who.
    pub username: String,
    /// The secret (Python: `field(repr=False)`).
    pub password: String,
}

impl fmt::Debug for Credentials {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.debug_struct("Credentials")
            .field("username", &self.username)
            .finish_non_exhaustive()
    }
}

/// `eq` and `order`: compared by `grade`, then `name` — the declaration order.
#[derive(Debug, Clone, PartialEq, Eq, PartialOrd, Ord, Hash)]
pub struct Student {
    /// Compared first.
    pub grade: u32,
    /// Compared when grades tie.
    pub name: String,
}

/// This demo's students, in the order they were enrolled.
pub fn students() -> Vec<Student> {
    [(85, "Bob"), (92, "Alice"), (85, "Alice"), (78, "Charlie")]
        .into_iter()
        .map(|(grade, name)| Student {
            grade,
            name: name.to_owned(),
        })
        .collect()
}

/// The students sorted as `order=True` sorts them: field by field, in declaration order.
pub fn sorted_students() -> Vec<Student> {
    let mut all = students();
    all.sort();
    all
}

/// `frozen` (and hashable): no field can be written from outside this module.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
pub struct FrozenPoint {
    x: i64,
    y: i64,
}

impl FrozenPoint {
    /// A new point.
    pub fn new(x: i64, y: i64) -> Self {
        Self { x, y }
    }
    /// x.
    pub fn x(&self) -> i64 {
        self.x
    }
    /// y.
    pub fn y(&self) -> i64 {
        self.y
    }
    /// Python's `dataclasses.replace(p, x=...)`: a changed copy, the original untouched.
    #[must_use]
    pub fn with_x(self, x: i64) -> Self {
        Self { x, ..self }
    }
}

/// `slots` and `match_args`: a plain struct with fixed fields.
#[derive(Debug, Clone, Copy, PartialEq, Default, GetSize)]
pub struct Point {
    /// x.
    pub x: f64,
    /// y.
    pub y: f64,
}

/// `match_args`: destructuring by field name.
pub fn describe(p: Point) -> String {
    match p {
        Point { x: 0.0, y: 0.0 } => "at the origin".to_owned(),
        Point { x: 0.0, y } => format!("on the y axis at y={y}"),
        Point { x, y: 0.0 } => format!("on the x axis at x={x}"),
        Point { x, y } => format!("at ({x}, {y})"),
    }
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

/// A "point" as a Python object without slots is: a map from attribute names to values.
pub fn dynamic_point() -> HashMap<String, f64> {
    HashMap::from([("x".to_owned(), 1.0), ("y".to_owned(), 2.0)])
}

/// Sizes of the fixed struct versus the map-backed object: (shallow struct, deep struct,
/// shallow map, deep map) in bytes. Deep sizes come from `get-size2` (Python's `asizeof`).
pub fn slot_sizes() -> (usize, usize, usize, usize) {
    let point = Point { x: 1.0, y: 2.0 };
    let map = dynamic_point();
    (
        std::mem::size_of_val(&point),
        point.get_size(),
        std::mem::size_of_val(&map),
        map.get_size(),
    )
}

/// `weakref_slot`: a weak reference that does not keep its target alive.
pub fn weak_reference_lines() -> Vec<String> {
    let strong = Rc::new(Point { x: 1.0, y: 2.0 });
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

/// The demo: one or two lines per parameter.
pub fn demo() -> Vec<String> {
    let rect = Rectangle::new(3.0, 4.0);
    let creds = Credentials {
        username: "alice".to_owned(),
        password: "hunter2".to_owned(),
    };
    let p = FrozenPoint::new(1, 2);
    let moved = p.with_x(10);
    let points: std::collections::HashSet<FrozenPoint> = [p, p, moved].into();
    let config = ConnectionConfig {
        host: "db.internal".to_owned(),
        tls: true,
        ..Default::default()
    };
    let (point_shallow, point_deep, map_shallow, map_deep) = slot_sizes();
    let mut lines = vec![
        format!("init: Rectangle::new(3, 4).area() = {}", rect.area()),
        format!("repr: {creds:?}"),
        format!("order: {:?}", sorted_students()),
        format!(
            "frozen: p = {p:?}, p.with_x(10) = {moved:?}; set of {{p, p, moved}} has {} members",
            points.len()
        ),
        format!(
            "match_args: {}; {}",
            describe(Point { x: 0.0, y: 5.0 }),
            describe(Point { x: 3.0, y: 4.0 })
        ),
        format!("kw_only: {config:?}"),
        format!(
            "slots: Point is {point_shallow} bytes ({point_deep} deep); a map-backed object is {map_shallow} bytes shallow, {map_deep} deep"
        ),
    ];
    lines.extend(weak_reference_lines());
    lines.push("frozen: p.x = 5 (tests/ui/frozen_field.rs):".to_owned());
    lines.extend(FROZEN_ASSIGNMENT.lines().map(|l| format!("  {l}")));
    lines
}
