//! Reference counts and sizes — seed: `DataClasses/slots_parameter_memory_mngmt.py`.
//!
//! **Python idea.** Every object carries a reference count (`sys.getrefcount`); some objects
//! (small ints, `None`) are immortal since 3.12; `sys.getsizeof` is shallow while
//! `pympler.asizeof` follows references; `__slots__` removes the per-instance `__dict__`.
//!
//! **Rust answer.** Values have one owner and no count. Shared ownership is opted into with
//! `Rc` (one thread) or `Arc` (threads), whose strong and weak counts are observable
//! ([`refcount_lines`]). Data that lives for the whole program is `'static` — string
//! literals and `static` items are Rust's immortal objects, and they have no count at all.
//! [`std::mem::size_of_val`] is the shallow size (`getsizeof`); `get-size2`'s `GetSize` is
//! the deep one (`asizeof`) ([`nested_sizes`]).
//!
//! **Checked earlier.** Using a value after its last owner dropped it does not compile, so
//! there is no dangling reference to find with `ctypes`; reference cycles of `Rc` can still
//! leak — break them with `Weak`.
//!
//! **Does not carry over.** Peeking at an object's raw memory with `ctypes` needs `unsafe`,
//! which this workspace forbids; the counts are read through `Rc`'s safe API instead.

use std::rc::Rc;
use std::sync::Arc;

use get_size2::GetSize;

/// Rust's "immortal" object: lives for the whole program, never counted, never freed.
pub static GREETING: &str = "hello";

/// Strong and weak counts of an `Rc` as clones and weak references come and go.
pub fn refcount_lines() -> Vec<String> {
    let data = Rc::new(vec![1, 2, 3]);
    let mut lines = vec![format!("Rc::new: strong = {}", Rc::strong_count(&data))];
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

/// Shallow and deep sizes of a nested vector: 10 vectors of 100 `u64`.
pub fn nested_sizes() -> (usize, usize) {
    let nested: Vec<Vec<u64>> = vec![vec![0; 100]; 10];
    (std::mem::size_of_val(&nested), nested.get_size())
}

/// The demo: counts, then sizes.
pub fn demo() -> Vec<String> {
    let mut lines = refcount_lines();
    let (shallow, deep) = nested_sizes();
    lines.push(format!(
        "Vec<Vec<u64>> of 10 x 100: shallow size_of_val = {shallow} bytes, deep get_size = {deep} bytes"
    ));
    lines
}
