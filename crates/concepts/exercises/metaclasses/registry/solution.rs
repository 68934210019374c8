//! Solution — metaclasses, auto-registering: `key` (Unicode lower case, like Python's
//! `str.lower`) is used both to store and to look up.

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

fn key(name: &str) -> String {
    name.to_lowercase()
}

impl Registry {
    /// Registers `make` under `name`.
    pub fn register(&mut self, name: &str, make: Make) {
        self.entries.insert(key(name), make);
    }

    /// A new instance of the plugin registered under `name`, in any case.
    pub fn get(&self, name: &str) -> Option<Box<dyn Plugin>> {
        self.entries.get(&key(name)).map(|make| make())
    }
}
