//! Abstract properties with validating setters — seed: `AbstractBaseClasses/abstract_properties.py`.
//!
//! **Python idea.** `NetworkDevice` declares an abstract property `max_connections` with an
//! abstract setter; `Router` accepts 1..=1000 ("Connections must be between 1 and 1000"),
//! `Switch` at most its port count ("Cannot Exceed port count of {n}"), raising `ValueError`.
//!
//! **Rust answer.** A getter and a setter in a trait ([`NetworkDevice`]); the setter returns
//! `Result<(), DeviceError>`, a typed error whose messages are the seed's. The fields are
//! private, so the setter is the only way to change the value.
//!
//! **Checked earlier.** The caller must handle the `Result` (`#[must_use]`), so a rejected
//! value cannot be ignored silently; a negative count does not even type-check (`u32`).
//!
//! **Does not carry over.** There is no attribute syntax (`router.max_connections = 150`):
//! Rust spells properties as methods. The seed's switch size is not given by the spec; this
//! demo uses a 24-port switch and a router starting at 100 connections.

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

/// The seed's abstract `NetworkDevice`: a property with a validating setter.
pub trait NetworkDevice {
    /// The device kind, for messages.
    fn kind(&self) -> &'static str;
    /// The property's getter.
    fn max_connections(&self) -> u32;
    /// The property's setter; refuses values the device cannot take.
    ///
    /// # Errors
    /// [`DeviceError`] with the seed's message; the old value is kept.
    fn set_max_connections(&mut self, value: u32) -> Result<(), DeviceError>;
}

/// A router: 1 to 1000 connections.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Router {
    max_connections: u32,
}

impl Default for Router {
    fn default() -> Self {
        Self {
            max_connections: 100,
        }
    }
}

impl NetworkDevice for Router {
    fn kind(&self) -> &'static str {
        "Router"
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

/// A switch: at most one connection per port.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Switch {
    port_count: u32,
    max_connections: u32,
}

impl Switch {
    /// A switch with `port_count` ports, allowing one connection per port.
    pub fn new(port_count: u32) -> Self {
        Self {
            port_count,
            max_connections: port_count,
        }
    }

    /// The number of ports.
    pub fn port_count(&self) -> u32 {
        self.port_count
    }
}

impl NetworkDevice for Switch {
    fn kind(&self) -> &'static str {
        "Switch"
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

fn try_set(device: &mut dyn NetworkDevice, value: u32) -> String {
    let outcome = match device.set_max_connections(value) {
        Ok(()) => "ok".to_owned(),
        Err(e) => format!("Error: {e}"),
    };
    format!(
        "{}: set max_connections to {value} -> {outcome}; max_connections = {}",
        device.kind(),
        device.max_connections()
    )
}

/// The demo: the seed's run — the router takes 150, the 24-port switch refuses 30.
pub fn demo() -> Vec<String> {
    let mut router = Router::default();
    let mut switch = Switch::new(24);
    vec![
        try_set(&mut router, 150),
        try_set(&mut switch, 30),
        try_set(&mut router, 0),
    ]
}
