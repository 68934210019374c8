//! Dynamic class creation — seed: `MetaClasses/basics.py`.
//!
//! **Python idea.** `type` is the metaclass of every class, so calling it builds a class at
//! run time: `Dog = type("Dog", (), {"bark": bark_method})`, where `bark_method(self)`
//! returns "Woof!"; `dog = Dog()` and `print(dog.bark())` prints `Woof!`.
//!
//! **Rust answer.** Two routes. When the shape is known while writing the program, a macro
//! generates an ordinary type at compile time ([`class!`](crate::class), used here for
//! [`Dog`]). When the shape is only known at run time (read from a file, a plugin, a user),
//! a type is a value: a name plus a table of closures ([`DynClass`]), and an instance looks
//! its methods up by name ([`Instance::call`]). Names (`Dog`, `bark`, [`bark_method`]) and
//! the printed `Woof!` follow the seed file.
//!
//! **Checked earlier.** Calling a method the generated `Dog` lacks is a compile error
//! (E0599); on the run-time route the same mistake is a typed [`AttributeError`] carrying
//! Python's message, `'Dog' object has no attribute 'meow'`.
//!
//! **Where Rust differs.** A Rust program cannot add a new *type* to itself while running;
//! the run-time route builds a value that plays the role of a class, and its methods all
//! share one signature.

use std::collections::BTreeMap;
use std::sync::Arc;

use thiserror::Error;

// ANCHOR: class_macro
/// Generates a unit struct with methods that return fixed text: the compile-time
/// counterpart of `type(name, (), {method: function})`.
///
/// ```
/// concepts::class!(Cat { meow => "Meow!" });
/// assert_eq!(Cat.meow(), "Meow!");
/// ```
#[macro_export]
macro_rules! class {
    ($name:ident { $($method:ident => $body:expr),* $(,)? }) => {
        #[doc = concat!("`", stringify!($name), "`: a type generated at compile time by `class!`.")]
        #[derive(Debug, Default, Clone, Copy, PartialEq, Eq)]
        pub struct $name;
        impl $name {
            $(
                #[doc = concat!("Generated method `", stringify!($method), "`.")]
                pub fn $method(&self) -> &'static str {
                    $body
                }
            )*
        }
    };
}
// ANCHOR_END: class_macro

class!(Dog { bark => "Woof!" });

/// A method of a run-time class: takes the instance, returns what it says.
pub type Method = Box<dyn Fn(&Instance) -> String + Send + Sync>;

/// A class assembled at run time: a name and a table of methods, like the three arguments
/// of Python's `type(name, bases, namespace)` (bases are left out: see the module docs).
pub struct DynClass {
    name: String,
    methods: BTreeMap<String, Method>,
}

impl std::fmt::Debug for DynClass {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("DynClass")
            .field("name", &self.name)
            .field("methods", &self.methods.keys().collect::<Vec<_>>())
            .finish()
    }
}

impl DynClass {
    /// Builds the class from its name and its methods.
    pub fn new(
        name: impl Into<String>,
        methods: impl IntoIterator<Item = (String, Method)>,
    ) -> Arc<Self> {
        Arc::new(Self {
            name: name.into(),
            methods: methods.into_iter().collect(),
        })
    }

    /// The class name, Python's `Dog.__name__`.
    pub fn name(&self) -> &str {
        &self.name
    }

    /// The method names, sorted.
    pub fn method_names(&self) -> impl Iterator<Item = &str> {
        self.methods.keys().map(String::as_str)
    }

    /// Creates an instance, Python's `Dog()`.
    pub fn instantiate(self: &Arc<Self>) -> Instance {
        Instance {
            class: Arc::clone(self),
        }
    }
}

/// An instance of a [`DynClass`].
#[derive(Debug, Clone)]
pub struct Instance {
    class: Arc<DynClass>,
}

impl Instance {
    /// The class this instance was made from, Python's `type(obj)`.
    pub fn class(&self) -> &DynClass {
        &self.class
    }

    /// Calls a method by name, Python's `getattr(obj, name)()`.
    ///
    /// # Errors
    /// [`AttributeError`] when the class has no such method.
    pub fn call(&self, method: &str) -> Result<String, AttributeError> {
        match self.class.methods.get(method) {
            Some(f) => Ok(f(self)),
            None => Err(AttributeError {
                class: self.class.name.clone(),
                attribute: method.to_owned(),
            }),
        }
    }
}

/// A method looked up on a run-time class that does not have it (Python's message).
#[derive(Debug, Error, PartialEq, Eq)]
#[error("'{class}' object has no attribute '{attribute}'")]
pub struct AttributeError {
    /// The class name.
    pub class: String,
    /// The attribute that was not found.
    pub attribute: String,
}

/// The seed's `bark_method(self)`.
pub fn bark_method(_this: &Instance) -> String {
    "Woof!".to_owned()
}

// ANCHOR: runtime_dog
/// Builds the seed's `Dog` at run time: `type("Dog", (), {"bark": bark_method})`.
pub fn runtime_dog() -> Arc<DynClass> {
    DynClass::new(
        "Dog",
        [("bark".to_owned(), Box::new(bark_method) as Method)],
    )
}
// ANCHOR_END: runtime_dog

// ANCHOR: demo
/// The demo: both routes print the seed's `Woof!`, and the run-time route reports a
/// missing method.
pub fn demo() -> Vec<String> {
    let compiled = Dog.bark();
    let dog_class = runtime_dog();
    let dog = dog_class.instantiate();
    let runtime = dog.call("bark").unwrap_or_else(|e| e.to_string());
    let missing = match dog.call("meow") {
        Ok(text) => text,
        Err(e) => format!("AttributeError: {e}"),
    };
    vec![
        "compile time: class!(Dog { bark => \"Woof!\" }); Dog.bark():".to_owned(),
        compiled.to_owned(),
        "run time: DynClass::new(\"Dog\", [(\"bark\", bark_method)]).instantiate().call(\"bark\"):"
            .to_owned(),
        runtime,
        format!(
            "run time: methods of {}: {}",
            dog_class.name(),
            dog_class.method_names().collect::<Vec<_>>().join(", ")
        ),
        format!("run time: call(\"meow\") -> {missing}"),
    ]
}
// ANCHOR_END: demo
