//! Reference counts and sizes — seed: `DataClasses/slots_parameter_memory_mngmt.py`.
//!
//! **Python idea.** Every object carries a reference count: the seed reads it through
//! `ctypes` for `x = object(); y = x; z = x`, and with `sys.getrefcount` for a list bound to
//! `x`, `y`, `z` (one higher than expected: the call itself holds a reference). Small ints
//! are immortal (3.12+: a fixed, huge count), and the seed searches for the first int that
//! is not. `sys.getsizeof([1, 2, 3])` is shallow (88: the list's header and pointers),
//! `pympler.asizeof` follows references; the seed measures `[1, 2, 3]` and
//! `[1.0, "Hellow", "world"]` both ways.
//!
//! **Rust answer.** Values have one owner and no count. Shared ownership is opted into with
//! `Rc` (one thread) or `Arc` (threads), whose strong and weak counts are observable
//! ([`refcount_lines`]). Data that lives for the whole program is `'static` — string
//! literals and `static` items are Rust's immortal objects, and they have no count at all.
//! [`std::mem::size_of_val`] is the shallow size (`getsizeof`); `get-size2`'s `GetSize` is
//! the deep one (`asizeof`) ([`seed_sizes`], [`nested_sizes`]). Names and values (`x`, `y`,
//! `z`; the two lists) follow the seed file.
//!
//! **Checked earlier.** Using a value after its last owner dropped it does not compile, so
//! there is no dangling reference to find with `ctypes`; reference cycles of `Rc` can still
//! leak — break them with `Weak`.
//!
//! **Where Rust differs.** Peeking at an object's raw memory with `ctypes` needs `unsafe`,
//! which this workspace forbids; the counts are read through `Rc`'s safe API instead, and
//! `Rc::strong_count(&x)` borrows, so it reads 3 for `x`, `y`, `z` where Python's
//! `getrefcount` reads one more. There are no immortal ints to search for: an integer is a
//! plain value with no count. Python's list `[1.0, "Hellow", "world"]` mixes types; Rust
//! holds that as a tuple `(f64, String, String)`, and its sizes are Rust's (24 bytes for a
//! `Vec` header, not Python's 88 for a list).

use std::rc::Rc;
use std::sync::Arc;

use get_size2::GetSize;

/// Rust's "immortal" object: lives for the whole program, never counted, never freed.
pub static GREETING: &str = "hello";

// ANCHOR: refcounts
/// Strong and weak counts of an `Rc` as clones and weak references come and go, starting
/// from the seed's `x = []; y = x; z = y`.
pub fn refcount_lines() -> Vec<String> {
    let x: Rc<Vec<i64>> = Rc::new(Vec::new());
    let y = Rc::clone(&x);
    let z = Rc::clone(&y);
    let mut lines = vec![format!(
        "refCount({:?}): {}",
        z.as_slice(),
        Rc::strong_count(&x)
    )];
    drop((y, z));
    let data = Rc::new(vec![1, 2, 3]);
    lines.push(format!("Rc::new: strong = {}", Rc::strong_count(&data)));
    let second = Rc::clone(&data);
    lines.push(format!("after clone: strong = {}", Rc::strong_count(&data)));
    let weak = Rc::downgrade(&data);
    lines.push(format!(
        "after downgrade: strong = {}, weak = {}",
        Rc::strong_count(&data),
        Rc::weak_count(&data)
    ));
    drop(second);
    lines.push(format!(
        "after drop(second): strong = {}",
        Rc::strong_count(&data)
    ));
    drop(data);
    lines.push(format!(
        "after drop(data): weak.upgrade() is none: {}",
        weak.upgrade().is_none()
    ));
    let shared = Arc::new(String::from("across threads"));
    let handles: Vec<_> = (0..3)
        .map(|_| {
            let mine = Arc::clone(&shared);
            std::thread::spawn(move || mine.len())
        })
        .collect();
    let lengths: usize = handles.into_iter().map(|h| h.join().unwrap_or(0)).sum();
    lines.push(format!(
        "Arc shared by 3 threads: total length {lengths}, strong after joins = {}",
        Arc::strong_count(&shared)
    ));
    lines.push(format!(
        "'static data ({GREETING:?}) has no count: it lives as long as the program"
    ));
    lines
}
// ANCHOR_END: refcounts

/// The seed's two lists, shallow (`getsizeof`) and deep (`asizeof`):
/// `((shallow, deep) of vec![1, 2, 3], (shallow, deep) of (1.0, "Hellow", "world"))`.
pub fn seed_sizes() -> ((usize, usize), (usize, usize)) {
    let ints: Vec<i64> = vec![1, 2, 3];
    let mixed = (1.0_f64, String::from("Hellow"), String::from("world"));
    (
        (std::mem::size_of_val(&ints), ints.get_size()),
        (std::mem::size_of_val(&mixed), mixed.get_size()),
    )
}

/// Shallow and deep sizes of a nested vector: 10 vectors of 100 `u64`.
pub fn nested_sizes() -> (usize, usize) {
    let nested: Vec<Vec<u64>> = vec![vec![0; 100]; 10];
    (std::mem::size_of_val(&nested), nested.get_size())
}

// ANCHOR: demo
/// The demo: counts, then sizes.
pub fn demo() -> Vec<String> {
    let mut lines = refcount_lines();
    let ((ints_shallow, ints_deep), (mixed_shallow, mixed_deep)) = seed_sizes();
    lines.push(format!(
        "vec![1, 2, 3]: size_of_val = {ints_shallow} bytes, get_size = {ints_deep} bytes"
    ));
    lines.push(format!(
        "(1.0, \"Hellow\", \"world\"): size_of_val = {mixed_shallow} bytes, get_size = {mixed_deep} bytes"
    ));
    let (shallow, deep) = nested_sizes();
    lines.push(format!(
        "Vec<Vec<u64>> of 10 x 100: shallow size_of_val = {shallow} bytes, deep get_size = {deep} bytes"
    ));
    lines
}
// ANCHOR_END: demo
