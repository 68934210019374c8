//! Exercise — ABCs, abstract properties: a setter that validates.
//!
//! A `Hub` has `ports` ports. `set_connections(n)` accepts `1..=ports` and otherwise returns
//! `DeviceError::TooMany(ports)` (for more than the ports) or `DeviceError::NoneAtAll` (for
//! 0), leaving the old value in place. The errors print the seed-style messages given below.

use std::fmt;

/// Why a setting was refused.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum DeviceError {
    /// More connections than ports: prints "Cannot Exceed port count of {ports}".
    TooMany(u32),
    /// Zero connections: prints "Connections must be at least 1".
    NoneAtAll,
}

impl fmt::Display for DeviceError {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        let _ = f;
        todo!("the two messages")
    }
}

/// The abstract property: a getter and a validating setter.
pub trait Device {
    /// The current number of connections.
    fn connections(&self) -> u32;
    /// Sets the number of connections, or says why not.
    fn set_connections(&mut self, n: u32) -> Result<(), DeviceError>;
}

/// A hub with a fixed number of ports.
pub struct Hub {
    /// Its ports.
    pub ports: u32,
    /// Its connections (start at 1).
    pub connections: u32,
}

impl Device for Hub {
    fn connections(&self) -> u32 {
        todo!()
    }
    fn set_connections(&mut self, n: u32) -> Result<(), DeviceError> {
        let _ = n;
        todo!("validate, then store")
    }
}
