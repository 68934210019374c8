//! The one error type of the library (the seed's `exceptions.py`).
//!
//! The seed has a base `DataProcessingError` with three subclasses. In Rust that is one
//! enum, [`Error`](enum@Error), whose variants are the three kinds; [`Error::kind`] answers "which
//! kind?" where Python code would catch a subclass, and matching on `Error` is catching
//! the base. The display text is the seed's message, unchanged.

use thiserror::Error;

/// A data processing error (the seed's `DataProcessingError`).
#[derive(Debug, Clone, PartialEq, Eq, Error)]
pub enum Error {
    /// Bad input (the seed's `ValidationError`), e.g. "Input data cannot be empty".
    #[error("{0}")]
    Validation(String),
    /// Processing failed (the seed's `ProcessingError`), e.g. a value that is not a number.
    #[error("{0}")]
    Processing(String),
    /// Bad configuration (the seed's `ConfigurationError`), e.g. a non-positive size.
    #[error("{0}")]
    Configuration(String),
}

/// Which of the three kinds an [`Error`](enum@Error) is.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
pub enum ErrorKind {
    /// See [`Error::Validation`].
    Validation,
    /// See [`Error::Processing`].
    Processing,
    /// See [`Error::Configuration`].
    Configuration,
}

impl Error {
    /// The kind of this error, for callers that handle one kind and pass on the rest.
    ///
    /// ```
    /// use dataproc::{Error, ErrorKind};
    /// let err = Error::Validation("Input data cannot be empty".into());
    /// assert_eq!(err.kind(), ErrorKind::Validation);
    /// assert_eq!(err.to_string(), "Input data cannot be empty");
    /// ```
    pub fn kind(&self) -> ErrorKind {
        match self {
            Self::Validation(_) => ErrorKind::Validation,
            Self::Processing(_) => ErrorKind::Processing,
            Self::Configuration(_) => ErrorKind::Configuration,
        }
    }

    /// The message without the kind, as the seed's `str(e)`.
    pub fn message(&self) -> &str {
        match self {
            Self::Validation(m) | Self::Processing(m) | Self::Configuration(m) => m,
        }
    }
}

/// The library's result type.
pub type Result<T, E = Error> = std::result::Result<T, E>;
