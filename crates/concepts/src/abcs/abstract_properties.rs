//! Abstract properties with validating setters — seed: `AbstractBaseClasses/abstract_properties.py`.
//!
//! **Python idea.** `ConfigurableDevice` declares an abstract read-only property
//! `device_type` and an abstract property `max_connections` with an abstract setter, plus a
//! concrete `get_info`. `Router` starts at 100 connections and accepts 1..=1000
//! ("Connections must be between 1 and 1000"); `Switch` starts at its port count and refuses
//! more ("Cannot Exceed port count of {n}"); both raise `ValueError`.
//!
//! **Rust answer.** Getters and a setter in a trait ([`ConfigurableDevice`]); the setter
//! returns `Result<(), DeviceError>`, a typed error whose messages are the seed's. The fields
//! are private, so the setter is the only way to change the value. Names, values and printed
//! lines follow the seed file: "Office Router" (model WRT3200ACM) and a 24-port
//! "Main Switch"; the router is set to 150, the switch refuses 30.
//!
//! **Checked earlier.** The caller must handle the `Result` (`#[must_use]`), so a rejected
//! value cannot be ignored silently; a negative count does not even type-check (`u32`).
//!
//! **Where Rust differs.** There is no attribute syntax (`router.max_connections = 150`):
//! Rust spells properties as methods, `set_max_connections(150)`. The base class's `_name`
//! becomes a required accessor [`ConfigurableDevice::name`], since traits have no fields.
//! Python's `except ValueError as e: print(f"Error: {e}")` is a `match` on the `Err`.

use thiserror::Error;

/// A value a device's setter refused (the seed's `ValueError` texts).
#[derive(Debug, Error, PartialEq, Eq)]
pub enum DeviceError {
    /// A router allows 1 to 1000 connections.
    #[error("Connections must be between 1 and 1000")]
    RouterRange {
        /// The refused value.
        requested: u32,
    },
    /// A switch allows at most one connection per port.
    #[error("Cannot Exceed port count of {port_count}")]
    ExceedsPorts {
        /// The refused value.
        requested: u32,
        /// The switch's port count.
        port_count: u32,
    },
}

// ANCHOR: device
/// The seed's abstract `ConfigurableDevice`: properties, one with a validating setter.
pub trait ConfigurableDevice {
    /// The device's name (Python: `self._name`, set by the base `__init__`).
    fn name(&self) -> &str;
    /// The abstract read-only property `device_type`.
    fn device_type(&self) -> &'static str;
    /// The property's getter.
    fn max_connections(&self) -> u32;
    /// The property's setter; refuses values the device cannot take.
    ///
    /// # Errors
    /// [`DeviceError`] with the seed's message; the old value is kept.
    fn set_max_connections(&mut self, value: u32) -> Result<(), DeviceError>;

    /// The seed's concrete `get_info`: `"{name} ({device_type}): {n} connections"`.
    fn get_info(&self) -> String {
        format!(
            "{} ({}): {} connections",
            self.name(),
            self.device_type(),
            self.max_connections()
        )
    }
}
// ANCHOR_END: device

// ANCHOR: router
/// The seed's `Router(name, model)`: starts at 100, takes 1 to 1000 connections.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Router {
    name: String,
    /// The model, e.g. "WRT3200ACM".
    pub model: String,
    max_connections: u32,
}

impl Router {
    /// A router allowing 100 connections, as the seed's `__init__` sets.
    pub fn new(name: &str, model: &str) -> Self {
        Self {
            name: name.to_owned(),
            model: model.to_owned(),
            max_connections: 100,
        }
    }
}

impl ConfigurableDevice for Router {
    fn name(&self) -> &str {
        &self.name
    }
    fn device_type(&self) -> &'static str {
        "Network Router"
    }
    fn max_connections(&self) -> u32 {
        self.max_connections
    }
    fn set_max_connections(&mut self, value: u32) -> Result<(), DeviceError> {
        if !(1..=1000).contains(&value) {
            return Err(DeviceError::RouterRange { requested: value });
        }
        self.max_connections = value;
        Ok(())
    }
}
// ANCHOR_END: router

/// The seed's `Switch(name, port_count)`: at most one connection per port.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Switch {
    name: String,
    port_count: u32,
    max_connections: u32,
}

impl Switch {
    /// A switch with `port_count` ports, allowing one connection per port.
    pub fn new(name: &str, port_count: u32) -> Self {
        Self {
            name: name.to_owned(),
            port_count,
            max_connections: port_count,
        }
    }

    /// The number of ports.
    pub fn port_count(&self) -> u32 {
        self.port_count
    }
}

impl ConfigurableDevice for Switch {
    fn name(&self) -> &str {
        &self.name
    }
    fn device_type(&self) -> &'static str {
        "Network Switch"
    }
    fn max_connections(&self) -> u32 {
        self.max_connections
    }
    fn set_max_connections(&mut self, value: u32) -> Result<(), DeviceError> {
        if value > self.port_count {
            return Err(DeviceError::ExceedsPorts {
                requested: value,
                port_count: self.port_count,
            });
        }
        self.max_connections = value;
        Ok(())
    }
}

// ANCHOR: demo
/// The demo: the seed's run — both devices' info, the router set to 150, the switch
/// refusing 30.
pub fn demo() -> Vec<String> {
    let mut router = Router::new("Office Router", "WRT3200ACM");
    let mut switch = Switch::new("Main Switch", 24);
    let mut lines: Vec<String> = {
        let devices: [&dyn ConfigurableDevice; 2] = [&router, &switch];
        devices.iter().map(|d| d.get_info()).collect()
    };
    lines.push(match router.set_max_connections(150) {
        Ok(()) => format!("Updated router: {}", router.get_info()),
        Err(e) => format!("Error: {e}"),
    });
    if let Err(e) = switch.set_max_connections(30) {
        lines.push(format!("Error: {e}"));
    }
    lines
}
// ANCHOR_END: demo
