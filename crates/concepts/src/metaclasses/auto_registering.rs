//! Types that register themselves — seed: `MetaClasses/auto_registering.py`.
//!
//! **Python idea.** `RegistryMeta` adds every subclass of the base class `Plugin` to a
//! registry keyed by its lower-cased name as the class is created, printing
//! "Registered AudioPlugin in registry"; `RegistryMeta.get_class("AudioPlugin")` finds the
//! class (case-insensitively), `audio_cls()` builds one, and `process_audio()` returns
//! "processing audio". The base itself is left out.
//!
//! **Rust answer.** `#[derive(AutoRegister)]` (from `concepts-macros`) submits the type's
//! name and constructor to an [`inventory`] collection next to the type's definition; the
//! registry ([`registry`], [`get_class`]) iterates that collection. Nobody keeps a list: a
//! new plugin is found the moment it is written, in any module of the program. `inventory`
//! (or `linkme`) is the Rust community's answer to "registration without a central list".
//! Names, methods and printed lines follow the seed file.
//!
//! **Checked earlier.** The derive needs `Default` and [`Plugin`] on the type, checked
//! where it is written; a type that cannot be built cannot be registered. The base is a
//! trait, not a type, so it cannot end up in the registry at all.
//!
//! **Where Rust differs.** Registration is per type in the final binary, not per class
//! statement executed: nothing runs while a type is "created", so the demo prints the
//! "Registered ... in registry" lines by walking the registry, in name order. The seed's
//! subclasses each have their own method (`process_audio`, `process_video`); an instance
//! built from the registry is a `Box<dyn Plugin>`, so the trait's [`Plugin::process`] calls
//! them. The registry prints as `{"audioplugin": AudioPlugin, ...}` where Python prints class
//! objects (`<class '__main__.AudioPlugin'>`). There is no "register later" or "unregister";
//! two types with the same name in different modules are both registered and look-up
//! returns the first found. Case is handled as the seed does, by lower-casing the stored
//! name and the asked-for name with one function ([`registry_key`], Unicode-aware like
//! Python's `str.lower`), so `get_class` finds exactly what [`registry`] lists.

use std::collections::BTreeMap;

pub use concepts_macros::AutoRegister;

// ANCHOR: plugin
/// The seed's base class `Plugin`: the interface every registered type has.
pub trait Plugin: Send + Sync {
    /// The plugin's work (each seed subclass names its own method; this calls it).
    fn process(&self) -> String;
}
// ANCHOR_END: plugin

/// One registry entry — the Rust stand-in for a registered class: a type's name and how to
/// build it. Created by `#[derive(AutoRegister)]`.
#[derive(Debug)]
pub struct Registration {
    name: &'static str,
    make: fn() -> Box<dyn Plugin>,
}

impl Registration {
    /// An entry for a type called `name`, built by `make`.
    pub const fn new(name: &'static str, make: fn() -> Box<dyn Plugin>) -> Self {
        Self { name, make }
    }

    /// The type's name as written.
    pub fn name(&self) -> &'static str {
        self.name
    }

    /// Builds an instance: Python's `audio_cls()`.
    pub fn instantiate(&self) -> Box<dyn Plugin> {
        (self.make)()
    }
}

inventory::collect!(Registration);

// ANCHOR: get_class
/// The registry's key for a name: the seed's `name.lower()` (Unicode lower case, as
/// Python's `str.lower`), used both to store and to look up, so the two always agree.
///
/// ```
/// use concepts::metaclasses::auto_registering::registry_key;
/// assert_eq!(registry_key("AudioPlugin"), "audioplugin");
/// assert_eq!(registry_key("ÜberPlugin"), "überplugin");
/// ```
pub fn registry_key(name: &str) -> String {
    name.to_lowercase()
}

/// The registry: lower-cased name → registration, as the seed's `RegistryMeta.registry`.
pub fn registry() -> BTreeMap<String, &'static Registration> {
    inventory::iter::<Registration>
        .into_iter()
        .map(|r| (registry_key(r.name), r))
        .collect()
}

/// The registration under `name`, compared without regard to case: the seed's
/// `RegistryMeta.get_class`, `registry.get(name.lower())`. Lower case is Unicode's, so a
/// non-ASCII name is found whatever its case, as in Python:
///
/// ```
/// use concepts::metaclasses::auto_registering::{AutoRegister, Plugin, get_class, registry};
///
/// #[derive(Default, AutoRegister)]
/// struct ÜberPlugin;
///
/// impl Plugin for ÜberPlugin {
///     fn process(&self) -> String {
///         "processing über".to_owned()
///     }
/// }
///
/// assert!(registry().contains_key("überplugin"));
/// let found = get_class("ÜBERPLUGIN").map(|r| r.instantiate().process());
/// assert_eq!(found.as_deref(), Some("processing über"));
/// ```
pub fn get_class(name: &str) -> Option<&'static Registration> {
    let key = registry_key(name);
    inventory::iter::<Registration>
        .into_iter()
        .find(|r| registry_key(r.name) == key)
}
// ANCHOR_END: get_class

// ANCHOR: audio_plugin
/// The seed's `AudioPlugin`.
#[derive(Debug, Default, AutoRegister)]
pub struct AudioPlugin;

impl AudioPlugin {
    /// The seed's method.
    pub fn process_audio(&self) -> String {
        "processing audio".to_owned()
    }
}

impl Plugin for AudioPlugin {
    fn process(&self) -> String {
        self.process_audio()
    }
}
// ANCHOR_END: audio_plugin

/// The seed's `VideoPlugin`.
#[derive(Debug, Default, AutoRegister)]
pub struct VideoPlugin;

impl VideoPlugin {
    /// The seed's method.
    pub fn process_video(&self) -> String {
        "processing video".to_owned()
    }
}

impl Plugin for VideoPlugin {
    fn process(&self) -> String {
        self.process_video()
    }
}

// ANCHOR: demo
/// The demo: the seed's run — each registration, the registry, then `get_class("AudioPlugin")`
/// built and used; and the base `Plugin`, absent.
pub fn demo() -> Vec<String> {
    let registry = registry();
    let mut lines: Vec<String> = registry
        .values()
        .map(|r| format!("Registered {} in registry", r.name()))
        .collect();
    let shown: Vec<String> = registry
        .iter()
        .map(|(key, r)| format!("{key:?}: {}", r.name()))
        .collect();
    lines.push(format!("{{{}}}", shown.join(", ")));
    lines.push(match get_class("AudioPlugin") {
        Some(audio_cls) => audio_cls.instantiate().process(),
        None => "AudioPlugin is not registered".to_owned(),
    });
    lines.push(format!(
        "get_class(\"Plugin\") (the base): {}",
        get_class("Plugin").map_or("not registered", |_| "registered")
    ));
    lines
}
// ANCHOR_END: demo
