//! Types that register themselves — seed: `MetaClasses/auto_registering.py`.
//!
//! **Python idea.** A metaclass adds every subclass of `PluginBase` to a registry keyed by
//! its lower-cased name as the class is created; `get_plugin("AudioPlugin")` finds and
//! builds one; the base itself is left out.
//!
//! **Rust answer.** `#[derive(AutoRegister)]` (from `concepts-macros`) submits the type's
//! name and constructor to an [`inventory`] collection next to the type's definition; the
//! registry ([`registered`], [`create`]) iterates that collection. Nobody keeps a list: a
//! new plugin is found the moment it is written, in any module of the program. `inventory`
//! (or `linkme`) is the Rust community's answer to "registration without a central list".
//!
//! **Checked earlier.** The derive needs `Default` and [`Plugin`] on the type, checked
//! where it is written; a type that cannot be built cannot be registered. The base is a
//! trait, not a type, so it cannot end up in the registry at all.
//!
//! **Does not carry over.** Registration is per type in the final binary, not per class
//! statement executed: there is no "register later" or "unregister". Two types with the
//! same name in different modules are both registered; look-up returns the first found.

pub use concepts_macros::AutoRegister;

/// The plugins' common interface: the seed's `PluginBase`.
pub trait Plugin: Send + Sync {
    /// What the plugin does when run.
    fn run(&self) -> String;
}

/// One registry entry: a type's name and how to build it. Created by `#[derive(AutoRegister)]`.
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
}

inventory::collect!(Registration);

/// Every registered name, lower-cased and sorted (the seed's registry keys).
pub fn registered() -> Vec<String> {
    let mut names: Vec<String> = inventory::iter::<Registration>
        .into_iter()
        .map(|r| r.name.to_lowercase())
        .collect();
    names.sort();
    names
}

/// Builds the plugin registered under `name`, compared without regard to case.
pub fn create(name: &str) -> Option<Box<dyn Plugin>> {
    inventory::iter::<Registration>
        .into_iter()
        .find(|r| r.name.eq_ignore_ascii_case(name))
        .map(|r| (r.make)())
}

/// Processes audio.
#[derive(Debug, Default, AutoRegister)]
pub struct AudioPlugin;

impl Plugin for AudioPlugin {
    fn run(&self) -> String {
        "Processing audio data".to_owned()
    }
}

/// Processes video.
#[derive(Debug, Default, AutoRegister)]
pub struct VideoPlugin;

impl Plugin for VideoPlugin {
    fn run(&self) -> String {
        "Processing video data".to_owned()
    }
}

/// The demo: the registry filled by the derives, look-up by name, the base absent.
pub fn demo() -> Vec<String> {
    let mut lines = vec![format!("Registered plugins: {}", registered().join(", "))];
    for name in ["AudioPlugin", "videoplugin", "PluginBase"] {
        lines.push(match create(name) {
            Some(plugin) => format!("create({name:?}) -> {}", plugin.run()),
            None => format!("create({name:?}) -> not registered"),
        });
    }
    lines
}
