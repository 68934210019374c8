//! Exercise — metaclasses, singleton (`SingletonMeta`): one `Settings` for the whole program.
//!
//! `settings()` must return the same `&'static Settings` every time, from any thread, and
//! build it (with `Settings::load`) exactly once, however many threads ask at the same time.
//! Hint: a `static` holding a `std::sync::OnceLock<Settings>`.

use std::sync::atomic::{AtomicUsize, Ordering};

/// How many times `Settings::load` ran.
pub static LOADS: AtomicUsize = AtomicUsize::new(0);

/// Process-wide settings.
#[derive(Debug)]
pub struct Settings {
    /// The environment's name.
    pub environment: String,
}

impl Settings {
    /// Builds the settings (imagine reading a file); counts itself in [`LOADS`].
    pub fn load() -> Self {
        LOADS.fetch_add(1, Ordering::SeqCst);
        Self {
            environment: "production".to_owned(),
        }
    }
}

/// The one instance, built on first use.
pub fn settings() -> &'static Settings {
    todo!("return the one Settings, built once with Settings::load")
}
