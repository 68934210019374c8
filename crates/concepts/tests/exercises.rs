//! The exercises (`exercises/<chapter>/<name>/`): every solution passes its check, every
//! starting file compiles and does not pass yet. A learner who has edited the starting files
//! checks them with `cargo test -p concepts --test exercises -- --ignored`.
#![allow(clippy::unwrap_used, clippy::expect_used)]

use std::panic::{AssertUnwindSafe, catch_unwind};

#[path = "../exercises/metaclasses/once_per_type/solution.rs"]
mod once_per_type_solution;
#[allow(dead_code, unused_imports)]
#[path = "../exercises/metaclasses/once_per_type/start.rs"]
mod once_per_type_start;

#[path = "../exercises/abcs/shapes/solution.rs"]
mod shapes_solution;
#[allow(dead_code, unused_imports)]
#[path = "../exercises/abcs/shapes/start.rs"]
mod shapes_start;

#[path = "../exercises/dataclasses/account/solution.rs"]
mod account_solution;
#[allow(dead_code, unused_imports)]
#[path = "../exercises/dataclasses/account/start.rs"]
mod account_start;

#[path = "../exercises/asyncio/first_error/solution.rs"]
mod first_error_solution;
#[allow(dead_code, unused_imports)]
#[path = "../exercises/asyncio/first_error/start.rs"]
mod first_error_start;

/// Eight threads ask at once: one instance, built once.
macro_rules! check_once_per_type {
    ($m:ident) => {{
        use std::sync::{Arc, Barrier};
        let barrier = Arc::new(Barrier::new(8));
        let addresses: Vec<usize> = (0..8)
            .map(|_| {
                let barrier = Arc::clone(&barrier);
                std::thread::spawn(move || {
                    barrier.wait();
                    std::ptr::from_ref($m::settings()) as usize
                })
            })
            .collect::<Vec<_>>()
            .into_iter()
            .map(|t| t.join().unwrap())
            .collect();
        assert!(addresses.windows(2).all(|w| w[0] == w[1]), "{addresses:?}");
        assert_eq!($m::settings().environment, "production");
        assert_eq!($m::LOADS.load(std::sync::atomic::Ordering::SeqCst), 1);
    }};
}

/// The template method and a mixed collection.
macro_rules! check_shapes {
    ($m:ident) => {{
        use $m::{Circle, Shape, Square, total_area};
        assert_eq!(Square(2.0).describe(), "square with area 4.00");
        assert_eq!(Circle(1.0).describe(), "circle with area 3.14");
        let shapes: Vec<Box<dyn Shape>> = vec![Box::new(Square(3.0)), Box::new(Circle(2.0))];
        let expected = 9.0 + std::f64::consts::PI * 4.0;
        assert!((total_area(&shapes) - expected).abs() < 1e-12);
    }};
}

/// Debug hides the password and leaves out the counter; equality and hash ignore it.
macro_rules! check_account {
    ($m:ident) => {{
        use std::collections::HashSet;
        let ann = $m::Account {
            owner: "ann".to_owned(),
            password: "hunter2".to_owned(),
            logins: 1,
        };
        let again = $m::Account {
            logins: 40,
            ..ann.clone()
        };
        let other = $m::Account {
            password: "other".to_owned(),
            ..ann.clone()
        };
        assert_eq!(
            format!("{ann:?}"),
            r#"Account { owner: "ann", password: "***" }"#
        );
        assert_eq!((ann.logins, again.logins), (1, 40));
        assert_eq!(ann, again);
        assert_ne!(ann, other);
        let set: HashSet<_> = [ann, again, other].into_iter().collect();
        assert_eq!(set.len(), 2);
    }};
}

/// On paused time: results in order; the first failure returns at its own time, without
/// waiting for the slow job.
macro_rules! check_first_error {
    ($m:ident) => {{
        use $m::{Job, run_all};
        let runtime = tokio::runtime::Builder::new_current_thread()
            .enable_time()
            .start_paused(true)
            .build()
            .unwrap();
        runtime.block_on(async {
            let ok = |millis| Job {
                millis,
                fail: false,
            };
            let failing = |millis| Job { millis, fail: true };
            assert_eq!(
                run_all(&[ok(30), ok(10), ok(20)]).await,
                Ok(vec![30, 10, 20])
            );
            let start = tokio::time::Instant::now();
            let outcome = run_all(&[ok(1000), failing(10), failing(50)]).await;
            assert_eq!(outcome, Err("job 1 failed".to_owned()));
            assert_eq!(start.elapsed(), std::time::Duration::from_millis(10));
        });
    }};
}

#[test]
fn the_solutions_pass() {
    check_once_per_type!(once_per_type_solution);
    check_shapes!(shapes_solution);
    check_account!(account_solution);
    check_first_error!(first_error_solution);
}

#[test]
fn the_starting_files_compile_and_are_not_solved_yet() {
    let unsolved = |check: &dyn Fn()| catch_unwind(AssertUnwindSafe(check)).is_err();
    assert!(unsolved(&|| check_once_per_type!(once_per_type_start)));
    assert!(unsolved(&|| check_shapes!(shapes_start)));
    assert!(unsolved(&|| check_account!(account_start)));
    assert!(unsolved(&|| check_first_error!(first_error_start)));
}

/// For learners: after editing the `start.rs` files, `-- --ignored` checks them.
#[test]
#[ignore = "checks your edited start.rs files: cargo test -p concepts --test exercises -- --ignored"]
fn your_starting_files_pass() {
    check_once_per_type!(once_per_type_start);
    check_shapes!(shapes_start);
    check_account!(account_start);
    check_first_error!(first_error_start);
}
