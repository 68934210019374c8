//! Exercise — metaclasses, auto-registering: a registry looked up without regard to case.
//!
//! `register` stores a constructor under a name; `get` finds it whatever the case of the
//! name asked for ("AudioPlugin", "AUDIOPLUGIN", "audioplugin" all find it), as the seed's
//! `RegistryMeta` lower-cases both. Use one key function for storing and for looking up, so
//! the two can never disagree (also for non-ASCII names: "ÜberPlugin").

use std::collections::HashMap;

/// What a registered plugin does.
pub trait Plugin {
    /// The plugin's work.
    fn process(&self) -> String;
}

/// Builds a plugin.
pub type Make = fn() -> Box<dyn Plugin>;

/// Name → constructor, case-insensitive.
#[derive(Default)]
pub struct Registry {
    entries: HashMap<String, Make>,
}

impl Registry {
    /// Registers `make` under `name`.
    pub fn register(&mut self, name: &str, make: Make) {
        let _ = (name, make, &self.entries);
        todo!("store make under the name's key")
    }

    /// A new instance of the plugin registered under `name`, in any case.
    pub fn get(&self, name: &str) -> Option<Box<dyn Plugin>> {
        let _ = name;
        todo!("look the key up and call the constructor")
    }
}
