//! Chapter 1 (metaclasses): every demo's behaviour, asserted.
#![allow(clippy::unwrap_used, clippy::expect_used)]

use std::sync::atomic::{AtomicUsize, Ordering};
use std::sync::{Arc, Barrier};

use concepts::metaclasses::auto_registering::{
    self, AudioPlugin, VideoPlugin, get_class, registry,
};
use concepts::metaclasses::coding_standards::{self, GoodClass, coding_standards};
use concepts::metaclasses::debug_class::{self, ClassInfo, Described, debug_class};
use concepts::metaclasses::dynamic_class::{self, AttributeError, Dog, DynClass, Method};
use concepts::metaclasses::singleton::{self, Database, Logger, instance};

#[test]
fn dynamic_class_both_routes_say_woof() {
    assert_eq!(Dog.bark(), "Woof!");
    let dog = dynamic_class::runtime_dog().instantiate();
    assert_eq!(dog.call("bark").unwrap(), "Woof!");
    assert_eq!(dog.class().name(), "Dog");
    // The seed prints `Woof!`; both routes print exactly that line.
    assert_eq!(
        dynamic_class::demo(),
        [
            "compile time: class!(Dog { bark => \"Woof!\" }); Dog.bark():",
            "Woof!",
            "run time: DynClass::new(\"Dog\", [(\"bark\", bark_method)]).instantiate().call(\"bark\"):",
            "Woof!",
            "run time: methods of Dog: bark",
            "run time: call(\"meow\") -> AttributeError: 'Dog' object has no attribute 'meow'",
        ]
    );
}

#[test]
fn runtime_class_reports_missing_methods_like_python() {
    let greet: Method = Box::new(|this| format!("hello from {}", this.class().name()));
    let class = DynClass::new("Greeter", [("greet".to_owned(), greet)]);
    let obj = class.instantiate();
    assert_eq!(obj.call("greet").unwrap(), "hello from Greeter");
    let err = obj.call("shout").unwrap_err();
    assert_eq!(
        err,
        AttributeError {
            class: "Greeter".to_owned(),
            attribute: "shout".to_owned()
        }
    );
    assert_eq!(err.to_string(), "'Greeter' object has no attribute 'shout'");
}

#[test]
fn singleton_demo_shows_one_instance_per_type() {
    assert_eq!(
        singleton::demo(),
        [
            "d1 is d2: true",
            "l1 is l2: true",
            "d1.connection_id = 1, d2.connection_id = 1",
            "l2 sees l1's line: true",
        ]
    );
    assert!(std::ptr::eq(Database::instance(), Database::instance()));
    assert_eq!(Database::built(), 1);
    // Different types get different instances (both are non-zero-sized).
    let logger: *const Logger = instance::<Logger>();
    let other: *const Vec<u64> = instance::<Vec<u64>>();
    assert_ne!(logger.cast::<u8>(), other.cast::<u8>());
}

static RACERS_BUILT: AtomicUsize = AtomicUsize::new(0);

/// A type that counts its constructions.
struct Racer {
    _payload: u64,
}

impl Default for Racer {
    fn default() -> Self {
        RACERS_BUILT.fetch_add(1, Ordering::SeqCst);
        // Widen the window in which a second constructor could start.
        std::thread::yield_now();
        Racer { _payload: 7 }
    }
}

#[test]
fn first_use_from_many_threads_builds_exactly_one_instance() {
    let threads = 8;
    let barrier = Arc::new(Barrier::new(threads));
    let handles: Vec<_> = (0..threads)
        .map(|_| {
            let barrier = Arc::clone(&barrier);
            std::thread::spawn(move || {
                barrier.wait();
                (
                    std::ptr::from_ref(instance::<Racer>()) as usize,
                    std::ptr::from_ref(Database::instance()) as usize,
                )
            })
        })
        .collect();
    let seen: Vec<(usize, usize)> = handles.into_iter().map(|h| h.join().unwrap()).collect();
    assert!(seen.iter().all(|s| *s == seen[0]), "{seen:?}");
    assert_eq!(RACERS_BUILT.load(Ordering::SeqCst), 1);
    assert_eq!(Database::built(), 1);
}

#[test]
fn debug_class_records_what_the_type_declares() {
    assert_eq!(
        <debug_class::dog::Dog as Described>::CLASS,
        ClassInfo {
            name: "Dog",
            derives: &["Debug", "Clone", "Default", "PartialEq", "Eq"],
            traits: &["Animal", "Display"],
            fields: &["name", "tricks"],
            methods: &["bark", "learn", "speak", "fmt"],
        }
    );
    assert_eq!(
        <debug_class::debug_class_demo::DebugClass as Described>::CLASS,
        ClassInfo {
            name: "DebugClass",
            derives: &[],
            traits: &[],
            fields: &[],
            methods: &["method"],
        }
    );
    assert_eq!(
        debug_class::demo(),
        [
            // The seed's first line word for word; then bases and attributes, Rust's way.
            "Creating class DebugClass",
            "Base classes: []",
            "Attributes: [\"method\"]",
            "Creating class Dog",
            "Base classes: [\"Debug\", \"Clone\", \"Default\", \"PartialEq\", \"Eq\", \"Animal\", \"Display\"]",
            "Attributes: [\"name\", \"tricks\", \"bark\", \"learn\", \"speak\", \"fmt\"]",
            "Dog(Rex): Rex says Woof!",
        ]
    );
}

#[debug_class]
mod light {
    /// A traffic light: an enum records its variants as its fields.
    #[derive(Debug, Clone, Copy, PartialEq, Eq)]
    pub enum Light {
        Red,
        Green,
    }

    impl Light {
        pub fn next(self) -> Self {
            match self {
                Light::Red => Light::Green,
                Light::Green => Light::Red,
            }
        }
    }
}

#[test]
fn debug_class_works_in_other_crates_and_on_enums() {
    assert_eq!(light::Light::Red.next(), light::Light::Green);
    let info = <light::Light as Described>::CLASS;
    assert_eq!(info.name, "Light");
    assert_eq!(info.fields, ["Red", "Green"]);
    assert_eq!(info.methods, ["next"]);
    assert_eq!(info.derives, ["Debug", "Clone", "Copy", "PartialEq", "Eq"]);
    assert!(info.traits.is_empty());
}

struct Conforming;

#[coding_standards]
impl Conforming {
    const LIMIT_2: u32 = 2;
    const _HIDDEN: u32 = 1;
    fn double_limit() -> u32 {
        Self::LIMIT_2 * 2 + Self::_HIDDEN - 1
    }
    fn _private_helper(&self) -> u32 {
        Self::double_limit()
    }
}

#[test]
fn coding_standards_accepts_conforming_names_and_rejects_with_seed_wording() {
    assert_eq!(Conforming._private_helper(), 4);
    assert_eq!(GoodClass::NAME, "Aashish");
    assert_eq!(GoodClass::AGE, 21);
    assert_eq!(GoodClass::habit(), "Coding");
    // The seed's NameError texts, word for word.
    assert!(
        coding_standards::REJECTED_CONSTANT
            .starts_with("error: Constant name should be in upper case.\n")
    );
    assert!(
        coding_standards::REJECTED_METHOD
            .starts_with("error: Method badHabit should be snake case.\n")
    );
    let lines = coding_standards::demo();
    assert_eq!(
        lines[0],
        "GoodClass passed the check at compile time: NAME = \"Aashish\", AGE = 21, habit() = \"Coding\""
    );
    assert!(lines.contains(&"  error: Constant name should be in upper case.".to_owned()));
    assert!(lines.contains(&"  error: Method badHabit should be snake case.".to_owned()));
}

#[test]
fn auto_registering_finds_plugins_by_name_without_a_list() {
    let keys: Vec<String> = registry().into_keys().collect();
    assert_eq!(keys, ["audioplugin", "videoplugin"]);
    let audio_cls = get_class("AudioPlugin").unwrap();
    assert_eq!(audio_cls.name(), "AudioPlugin");
    assert_eq!(audio_cls.instantiate().process(), "processing audio");
    assert_eq!(
        get_class("AUDIOPLUGIN").unwrap().instantiate().process(),
        "processing audio"
    );
    assert_eq!(
        get_class("videoplugin").unwrap().instantiate().process(),
        "processing video"
    );
    assert_eq!(AudioPlugin.process_audio(), "processing audio");
    assert_eq!(VideoPlugin.process_video(), "processing video");
    assert!(get_class("Plugin").is_none());
    assert!(get_class("audio").is_none());
    assert_eq!(
        auto_registering::demo(),
        [
            "Registered AudioPlugin in registry",
            "Registered VideoPlugin in registry",
            "{\"audioplugin\": AudioPlugin, \"videoplugin\": VideoPlugin}",
            "processing audio",
            "get_class(\"Plugin\") (the base): not registered",
        ]
    );
}

#[debug_class]
mod counter {
    /// A counter; the module also holds an impl for another type, which is not recorded.
    #[derive(Debug, Default)]
    pub struct Counter {
        pub count: u32,
    }

    impl Counter {
        pub fn tick(&mut self) -> u32 {
            self.count += 1;
            self.count
        }
    }

    pub trait Describe {
        fn describe(&self) -> String;
    }

    impl Describe for u32 {
        fn describe(&self) -> String {
            format!("the number {self}")
        }
    }
}

#[test]
fn debug_class_records_only_the_described_types_impls() {
    use counter::Describe;
    let mut c = counter::Counter::default();
    assert_eq!(c.tick(), 1);
    assert_eq!(1u32.describe(), "the number 1");
    let info = <counter::Counter as Described>::CLASS;
    assert_eq!(info.fields, ["count"]);
    assert_eq!(info.methods, ["tick"]);
    assert!(info.traits.is_empty());
}
