//! Solution — metaclasses, singleton: a `static OnceLock` runs the constructor once; every
//! later caller (and every racing one) gets the same reference.

use std::sync::OnceLock;
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
    static INSTANCE: OnceLock<Settings> = OnceLock::new();
    INSTANCE.get_or_init(Settings::load)
}
