//! Solution — ABCs, abstract properties: the setter returns a typed error instead of
//! raising; nothing changes on an error.

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
        match self {
            DeviceError::TooMany(ports) => write!(f, "Cannot Exceed port count of {ports}"),
            DeviceError::NoneAtAll => f.write_str("Connections must be at least 1"),
        }
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
        self.connections
    }
    fn set_connections(&mut self, n: u32) -> Result<(), DeviceError> {
        match n {
            0 => Err(DeviceError::NoneAtAll),
            n if n > self.ports => Err(DeviceError::TooMany(self.ports)),
            n => {
                self.connections = n;
                Ok(())
            }
        }
    }
}
