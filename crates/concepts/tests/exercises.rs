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

#[path = "../exercises/metaclasses/registry/solution.rs"]
mod registry_solution;
#[allow(dead_code, unused_imports)]
#[path = "../exercises/metaclasses/registry/start.rs"]
mod registry_start;

#[path = "../exercises/abcs/validated_setter/solution.rs"]
mod validated_setter_solution;
#[allow(dead_code, unused_imports)]
#[path = "../exercises/abcs/validated_setter/start.rs"]
mod validated_setter_start;

#[path = "../exercises/dataclasses/checked_age/solution.rs"]
mod checked_age_solution;
#[allow(dead_code, unused_imports)]
#[path = "../exercises/dataclasses/checked_age/start.rs"]
mod checked_age_start;

#[path = "../exercises/asyncio/deadline/solution.rs"]
mod deadline_solution;
#[allow(dead_code, unused_imports)]
#[path = "../exercises/asyncio/deadline/start.rs"]
mod deadline_start;

#[path = "../exercises/asyncio/pinned_stream/solution.rs"]
mod pinned_stream_solution;
#[allow(dead_code, unused_imports)]
#[path = "../exercises/asyncio/pinned_stream/start.rs"]
mod pinned_stream_start;

#[path = "../exercises/http/one_client/solution.rs"]
mod one_client_solution;
#[allow(dead_code, unused_imports)]
#[path = "../exercises/http/one_client/start.rs"]
mod one_client_start;

#[path = "../exercises/http/retry_5xx/solution.rs"]
mod retry_5xx_solution;
#[allow(dead_code, unused_imports)]
#[path = "../exercises/http/retry_5xx/start.rs"]
mod retry_5xx_start;

/// A current-thread runtime on paused time: timings in the checks are exact.
fn paused() -> tokio::runtime::Runtime {
    tokio::runtime::Builder::new_current_thread()
        .enable_time()
        .start_paused(true)
        .build()
        .unwrap()
}

/// A current-thread runtime on real time, for the checks that talk to servers on 127.0.0.1
/// (one thread, as in the chapter's demos: a response read to its end has put its connection
/// back in the pool before the next request asks for one).
fn loopback() -> tokio::runtime::Runtime {
    tokio::runtime::Builder::new_current_thread()
        .enable_all()
        .build()
        .unwrap()
}

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
        paused().block_on(async {
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

/// Stored and found whatever the case, non-ASCII included.
macro_rules! check_registry {
    ($m:ident) => {{
        use $m::{Plugin, Registry};
        struct Audio;
        impl Plugin for Audio {
            fn process(&self) -> String {
                "processing audio".to_owned()
            }
        }
        struct Uber;
        impl Plugin for Uber {
            fn process(&self) -> String {
                "processing über".to_owned()
            }
        }
        let mut registry = Registry::default();
        registry.register("AudioPlugin", || Box::new(Audio));
        registry.register("ÜberPlugin", || Box::new(Uber));
        for name in ["AudioPlugin", "AUDIOPLUGIN", "audioplugin"] {
            let found = registry.get(name).map(|p| p.process());
            assert_eq!(found.as_deref(), Some("processing audio"), "{name}");
        }
        let found = registry.get("überplugin").map(|p| p.process());
        assert_eq!(found.as_deref(), Some("processing über"));
        assert!(registry.get("Plugin").is_none());
    }};
}

/// Valid values are stored; invalid ones are refused with the message and change nothing.
macro_rules! check_validated_setter {
    ($m:ident) => {{
        use $m::{Device, DeviceError, Hub};
        let mut hub = Hub {
            ports: 24,
            connections: 1,
        };
        assert_eq!(hub.set_connections(12), Ok(()));
        assert_eq!(hub.connections(), 12);
        let too_many = hub.set_connections(30).unwrap_err();
        assert_eq!(too_many, DeviceError::TooMany(24));
        assert_eq!(too_many.to_string(), "Cannot Exceed port count of 24");
        let none = hub.set_connections(0).unwrap_err();
        assert_eq!(none.to_string(), "Connections must be at least 1");
        assert_eq!(hub.connections(), 12);
    }};
}

/// In range: an `Age`; out of range (both ends): the error and its message.
macro_rules! check_checked_age {
    ($m:ident) => {{
        use $m::{Age, AgeError, Person};
        let age = Age::try_from(42).unwrap();
        assert_eq!(age.years(), 42);
        assert_eq!(Age::try_from(150).map(Age::years), Ok(150));
        assert_eq!(Age::try_from(151), Err(AgeError(151)));
        assert_eq!(Age::try_from(-1), Err(AgeError(-1)));
        assert_eq!(
            AgeError(151).to_string(),
            "age 151 is not between 0 and 150"
        );
        let ann = Person {
            name: "Ann".to_owned(),
            age,
        };
        assert_eq!(ann.age.years(), 42);
    }};
}

/// Finished in time: the result when it finished; too slow: `TimedOut` at the limit.
macro_rules! check_deadline {
    ($m:ident) => {{
        use std::time::Duration;
        use $m::{TimedOut, with_deadline};
        let ms = Duration::from_millis;
        paused().block_on(async {
            let start = tokio::time::Instant::now();
            let quick = with_deadline(ms(100), ms(200)).await;
            assert_eq!(quick, Ok("done after 100 ms".to_owned()));
            assert_eq!(start.elapsed(), ms(100));
            let start = tokio::time::Instant::now();
            assert_eq!(with_deadline(ms(300), ms(200)).await, Err(TimedOut));
            assert_eq!(start.elapsed(), ms(200));
        });
    }};
}

/// The first even value of an async generator, read no further; `None` without one.
macro_rules! check_pinned_stream {
    ($m:ident) => {{
        use std::sync::Arc;
        use std::sync::atomic::{AtomicU32, Ordering};
        let yielded = Arc::new(AtomicU32::new(0));
        let counter = Arc::clone(&yielded);
        let values = async_stream::stream! {
            for n in [1u32, 3, 4, 5, 6] {
                counter.fetch_add(1, Ordering::SeqCst);
                yield n;
            }
        };
        paused().block_on(async {
            assert_eq!($m::first_even(values).await, Some(4));
            assert_eq!(
                yielded.load(Ordering::SeqCst),
                3,
                "read past the first even value"
            );
            let odd = async_stream::stream! {
                yield 1u32;
                yield 3u32;
            };
            assert_eq!($m::first_even(odd).await, None);
        });
    }};
}

/// Three requests one after another through a connection counter: one connection.
macro_rules! check_one_client {
    ($m:ident) => {{
        use concepts::http::loopback::{ConnectionCounter, LOOPBACK};
        loopback().block_on(async {
            let server = fetcher::server::Server::start(LOOPBACK).await.unwrap();
            let front = ConnectionCounter::start(server.addr()).await.unwrap();
            let api = $m::Api::new().unwrap();
            for _ in 0..3 {
                let body = api.get_json(&front.url("/get")).await.unwrap();
                assert!(body["url"].as_str().unwrap().ends_with("/get"), "{body}");
            }
            assert_eq!(server.hits("/get"), 3);
            assert_eq!(front.accepted(), 1, "3 requests, one after another");
        });
    }};
}

/// The back-off; on paused time, the exact time of every try of a scripted series of
/// statuses (200 is the success); then a real 404 and 500 from the loopback server.
macro_rules! check_retry_5xx {
    ($m:ident) => {{
        use std::cell::RefCell;
        use std::time::Duration;
        use $m::{GaveUp, backoff, with_retries};
        let secs = Duration::from_secs;
        let delays: Vec<Duration> = (1..=7).map(backoff).collect();
        assert_eq!(delays, [1, 2, 4, 8, 16, 30, 30].map(secs));
        assert_eq!(backoff(u32::MAX), secs(30));

        /// The outcome and the seconds, from the start, at which each try was made.
        async fn scripted(statuses: &[u16], max_retries: u32) -> (Result<u16, GaveUp>, Vec<u64>) {
            let start = tokio::time::Instant::now();
            let tries = RefCell::new(Vec::new());
            let mut statuses = statuses.iter().copied();
            let outcome = with_retries(max_retries, || {
                tries.borrow_mut().push(start.elapsed().as_secs());
                let status = statuses.next().expect("tried past the script");
                async move {
                    if status == 200 {
                        Ok(status)
                    } else {
                        Err(status)
                    }
                }
            })
            .await;
            (outcome, tries.into_inner())
        }
        paused().block_on(async {
            let retried = scripted(&[500, 503, 502, 200], 3).await;
            assert_eq!(retried, (Ok(200), vec![0, 1, 3, 7]));
            assert_eq!(
                scripted(&[404], 3).await,
                (Err(GaveUp::NotRetried(404)), vec![0])
            );
            let then_404 = scripted(&[500, 404], 3).await;
            assert_eq!(then_404, (Err(GaveUp::NotRetried(404)), vec![0, 1]));
            let exhausted = GaveUp::Exhausted {
                tries: 7,
                last: 500,
            };
            let capped = scripted(&[500; 7], 6).await;
            assert_eq!(capped, (Err(exhausted), vec![0, 1, 3, 7, 15, 31, 61]));
            let once = GaveUp::Exhausted {
                tries: 1,
                last: 503,
            };
            assert_eq!(scripted(&[503], 0).await, (Err(once), vec![0]));
        });

        loopback().block_on(async {
            let server = fetcher::server::Server::start(concepts::http::loopback::LOOPBACK)
                .await
                .unwrap();
            let client = concepts::http::client_builder().build().unwrap();
            let status_of = |path: &str| {
                let request = client.get(format!("http://{}{path}", server.addr()));
                async move {
                    let status = request.send().await.unwrap().status().as_u16();
                    if status < 400 {
                        Ok(status)
                    } else {
                        Err(status)
                    }
                }
            };
            let not_found = with_retries(3, || status_of("/status/404")).await;
            assert_eq!(not_found, Err(GaveUp::NotRetried(404)));
            assert_eq!(server.hits("/status/404"), 1);
            let failing = with_retries(0, || status_of("/status/500")).await;
            assert_eq!(
                failing,
                Err(GaveUp::Exhausted {
                    tries: 1,
                    last: 500
                })
            );
            assert_eq!(with_retries(3, || status_of("/get")).await, Ok(200));
        });
    }};
}

#[test]
fn the_solutions_pass() {
    check_once_per_type!(once_per_type_solution);
    check_shapes!(shapes_solution);
    check_account!(account_solution);
    check_first_error!(first_error_solution);
    check_registry!(registry_solution);
    check_validated_setter!(validated_setter_solution);
    check_checked_age!(checked_age_solution);
    check_deadline!(deadline_solution);
    check_pinned_stream!(pinned_stream_solution);
    check_one_client!(one_client_solution);
    check_retry_5xx!(retry_5xx_solution);
}

#[test]
fn the_starting_files_compile_and_are_not_solved_yet() {
    let unsolved = |check: &dyn Fn()| catch_unwind(AssertUnwindSafe(check)).is_err();
    assert!(unsolved(&|| check_once_per_type!(once_per_type_start)));
    assert!(unsolved(&|| check_shapes!(shapes_start)));
    assert!(unsolved(&|| check_account!(account_start)));
    assert!(unsolved(&|| check_first_error!(first_error_start)));
    assert!(unsolved(&|| check_registry!(registry_start)));
    assert!(unsolved(&|| check_validated_setter!(
        validated_setter_start
    )));
    assert!(unsolved(&|| check_checked_age!(checked_age_start)));
    assert!(unsolved(&|| check_deadline!(deadline_start)));
    assert!(unsolved(&|| check_pinned_stream!(pinned_stream_start)));
    assert!(unsolved(&|| check_one_client!(one_client_start)));
    assert!(unsolved(&|| check_retry_5xx!(retry_5xx_start)));
}

/// For learners: after editing a `start.rs`, check it with
/// `cargo test -p concepts --test exercises -- --ignored` (all) or `-- --ignored NAME` (one).
macro_rules! your_start_passes {
    ($($test:ident: $check:ident($start:ident);)*) => {$(
        #[test]
        #[ignore = "checks your edited start.rs: cargo test -p concepts --test exercises -- --ignored"]
        fn $test() {
            $check!($start);
        }
    )*};
}

your_start_passes! {
    once_per_type: check_once_per_type(once_per_type_start);
    shapes: check_shapes(shapes_start);
    account: check_account(account_start);
    first_error: check_first_error(first_error_start);
    registry: check_registry(registry_start);
    validated_setter: check_validated_setter(validated_setter_start);
    checked_age: check_checked_age(checked_age_start);
    deadline: check_deadline(deadline_start);
    pinned_stream: check_pinned_stream(pinned_stream_start);
    one_client: check_one_client(one_client_start);
    retry_5xx: check_retry_5xx(retry_5xx_start);
}
