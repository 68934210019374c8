//! One instance per type — seed: `MetaClasses/custom_metaclasses.py` (`SingletonMeta`).
//!
//! **Python idea.** A metaclass overrides `__call__`, so `Database()` returns the instance it
//! made the first time: `Database() is Database()` is `True`, and `Logger()` gets its own one.
//!
//! **Rust answer.** A type does not intercept its own construction; instead the one
//! instance lives in a static that is created on first use. For one type, std's
//! [`LazyLock`] is all it takes ([`Database::instance`]). For "any type that asks", a
//! per-type registry keyed by [`TypeId`] hands out one leaked `&'static T` per type
//! ([`instance`]). Both are thread-safe: the first callers race, exactly one constructor runs.
//!
//! **Checked earlier.** The instance is `&'static T`: shared and read-only. Mutation needs an
//! explicit `Mutex`/atomic inside, and the `Send + Sync` bounds make the compiler check that
//! sharing across threads is sound. The first use is safe too: [`LazyLock`]/[`OnceLock`] run
//! exactly one constructor however many threads arrive at once. Python's metaclass has no
//! data race (the GIL keeps the dict consistent) but a *check-then-act race*: threads that
//! all find no instance yet each build one, and all but the last are thrown away (with a
//! constructor that sleeps 10 ms, eight threads run it eight times). Python needs a lock
//! around the check and the construction; Rust's `OnceLock` is that lock.
//!
//! **Where Rust differs.** `Database()` cannot be made to return the singleton: Rust
//! constructors are ordinary functions, so the singleton is reached through a named
//! function, which is also clearer. Identity (`is`) is pointer equality, [`std::ptr::eq`].
//! Names (`Database`, `Logger`, `d1`/`d2`, `l1`/`l2`) follow the seed file, whose classes are
//! empty; the Rust ones carry a connection id and a line buffer so the demo can show that
//! there is one value (built once) that every holder shares. Python prints `True`; Rust's
//! `bool` prints `true`.

use std::any::{Any, TypeId};
use std::collections::HashMap;
use std::sync::atomic::{AtomicUsize, Ordering};
use std::sync::{LazyLock, Mutex, OnceLock, PoisonError};

/// How many `Database` values were ever built (to show it is one).
static DATABASES_BUILT: AtomicUsize = AtomicUsize::new(0);

// ANCHOR: database
/// The seed's `Database`: a single shared connection.
#[derive(Debug)]
pub struct Database {
    /// Which connection this is (always 1: there is only one).
    pub connection_id: usize,
}

static DATABASE: LazyLock<Database> = LazyLock::new(|| Database {
    connection_id: DATABASES_BUILT.fetch_add(1, Ordering::SeqCst) + 1,
});

impl Database {
    /// The one `Database`, created on first call (std's `LazyLock`).
    pub fn instance() -> &'static Database {
        &DATABASE
    }

    /// How many `Database` values were ever built.
    pub fn built() -> usize {
        DATABASES_BUILT.load(Ordering::SeqCst)
    }
}
// ANCHOR_END: database

/// The seed's `Logger`: a second singleton class, obtained through the generic [`instance`].
#[derive(Debug, Default)]
pub struct Logger {
    lines: Mutex<Vec<String>>,
}

impl Logger {
    /// Records one line.
    pub fn log(&self, line: &str) {
        self.lines
            .lock()
            .unwrap_or_else(PoisonError::into_inner)
            .push(line.to_owned());
    }

    /// The lines recorded so far, by anyone holding the singleton.
    pub fn lines(&self) -> Vec<String> {
        self.lines
            .lock()
            .unwrap_or_else(PoisonError::into_inner)
            .clone()
    }
}

type Cells = HashMap<TypeId, &'static (dyn Any + Send + Sync)>;

// ANCHOR: instance
/// The one instance of `T`, built with `T::default()` on first use — the generic
/// counterpart of `SingletonMeta._instances[cls]`.
///
/// The registry lock is held only to find (or create) the per-type cell; `T::default()`
/// then runs inside that cell's `OnceLock`, so a constructor may itself ask for other
/// singletons. It must not ask for its own type (that would wait for itself).
///
/// ```
/// #[derive(Default)]
/// struct Settings;
/// let a = concepts::metaclasses::singleton::instance::<Settings>();
/// let b = concepts::metaclasses::singleton::instance::<Settings>();
/// assert!(std::ptr::eq(a, b));
/// ```
pub fn instance<T: Default + Send + Sync + 'static>() -> &'static T {
    static CELLS: OnceLock<Mutex<Cells>> = OnceLock::new();
    let cell: &'static (dyn Any + Send + Sync) = {
        let mut cells = CELLS
            .get_or_init(Mutex::default)
            .lock()
            .unwrap_or_else(PoisonError::into_inner);
        *cells
            .entry(TypeId::of::<T>())
            .or_insert_with(|| Box::leak(Box::new(OnceLock::<T>::new())))
    };
    match cell.downcast_ref::<OnceLock<T>>() {
        Some(cell) => cell.get_or_init(T::default),
        // The map is keyed by `TypeId::of::<T>()` and only ever stores `OnceLock<T>` there.
        None => unreachable!("singleton registry holds a foreign type under T's TypeId"),
    }
}
// ANCHOR_END: instance

// ANCHOR: demo
/// The demo: the seed's `d1 is d2` and `l1 is l2`, one instance per type.
pub fn demo() -> Vec<String> {
    let d1 = Database::instance();
    let d2 = Database::instance();
    let l1 = instance::<Logger>();
    let l2 = instance::<Logger>();
    l1.log("written through l1");
    vec![
        format!("d1 is d2: {}", std::ptr::eq(d1, d2)),
        format!("l1 is l2: {}", std::ptr::eq(l1, l2)),
        format!(
            "d1.connection_id = {}, d2.connection_id = {}",
            d1.connection_id, d2.connection_id
        ),
        format!(
            "l2 sees l1's line: {}",
            l2.lines().iter().any(|l| l == "written through l1")
        ),
    ]
}
// ANCHOR_END: demo
