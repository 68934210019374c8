//! Compile-fail tests: what Python rejects at run time, Rust rejects at compile time.
//!
//! Each `tests/ui/*.rs` case must fail to compile with the checked-in `.stderr` text.
//! The snapshots depend on the rustc version; after a toolchain update, regenerate them
//! with `TRYBUILD=overwrite cargo test -p concepts --test compile_fail` and review the diff.

#[test]
fn python_runtime_errors_are_rust_compile_errors() {
    let t = trybuild::TestCases::new();
    // Chapter 1: the seed's naming standard (NameError in Python).
    t.compile_fail("tests/ui/coding_standards_constant.rs");
    t.compile_fail("tests/ui/coding_standards_method.rs");
    // The debug_class macro explains its own misuse.
    t.compile_fail("tests/ui/debug_class_two_types.rs");
    // Chapter 2: incomplete implementation, instantiating the interface, a Boat as Flyable.
    t.compile_fail("tests/ui/vehicle_missing_method.rs");
    t.compile_fail("tests/ui/vehicle_instantiate.rs");
    t.compile_fail("tests/ui/boat_is_not_flyable.rs");
    // ... and a manager or pipeline only takes plugins / processors (isinstance checks in Python).
    t.compile_fail("tests/ui/not_a_plugin.rs");
    t.compile_fail("tests/ui/not_a_processor.rs");
    // Chapter 3: no == without PartialEq (eq=False), immutable by default, frozen field,
    // no new attributes, shared mutable default, wrong field type.
    t.compile_fail("tests/ui/person_has_no_eq.rs");
    t.compile_fail("tests/ui/immutable_binding.rs");
    t.compile_fail("tests/ui/frozen_field.rs");
    t.compile_fail("tests/ui/no_new_attribute.rs");
    t.compile_fail("tests/ui/shared_mutable_default.rs");
    t.compile_fail("tests/ui/wrong_field_type.rs");
    // Asyncio pitfalls: next() on a stream that is not pinned.
    t.compile_fail("tests/ui/unpinned_stream.rs");
}
