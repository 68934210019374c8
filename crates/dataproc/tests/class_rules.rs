//! The seed's metaclass rules, checked at compile time: each broken rule fails the build
//! with the seed's wording (see `ui/*.stderr`), and a processor keeping all three
//! compiles and registers itself.

#[test]
fn class_rules_are_enforced_at_compile_time() {
    let t = trybuild::TestCases::new();
    t.compile_fail("tests/ui/missing_process.rs");
    t.compile_fail("tests/ui/missing_type.rs");
    t.compile_fail("tests/ui/bad_name.rs");
    t.pass("tests/ui/good.rs");
}
