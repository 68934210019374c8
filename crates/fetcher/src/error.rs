//! Typed errors: why one request failed, with its URL and the number of attempts made.
//!
//! The seed raised whatever aiohttp raised; here every failure of
//! [`Fetcher::fetch_single`](crate::Fetcher::fetch_single) is a [`FetchError`] whose
//! [`ErrorKind`] says what went wrong, so a caller can match on it and the CLI can write a
//! stable name ([`ErrorKind::name`]) into its JSON lines.

use std::fmt;
use std::time::Duration;

use thiserror::Error;

use crate::response::HttpResponse;

/// One request's final failure, after `attempts` attempts.
#[derive(Debug, Error)]
#[error("{url}: {kind} (after {attempts} attempt{s})", s = if *.attempts == 1 { "" } else { "s" })]
pub struct FetchError {
    /// The request's URL as given, its password shown as `***` ([`crate::redact::url`]).
    pub url: String,
    /// How many attempts were made (0 when the request could not even be built).
    pub attempts: u32,
    /// What went wrong on the last attempt.
    pub kind: ErrorKind,
    /// How long the last attempt took (zero when none was made).
    pub elapsed: Duration,
    /// For [`ErrorKind::Status`]: the final response (status, headers, body), so a caller
    /// can still report or save what the server said; for [`ErrorKind::Decode`] of a JSON
    /// body: the response with its raw bytes (its status may well be 200).
    pub response: Option<Box<HttpResponse>>,
}

impl FetchError {
    /// An error with no response attached.
    pub fn new(url: impl Into<String>, attempts: u32, kind: ErrorKind) -> Self {
        Self {
            url: url.into(),
            attempts,
            kind,
            elapsed: Duration::ZERO,
            response: None,
        }
    }

    /// The HTTP status of the last attempt, if the server answered at all.
    pub fn status(&self) -> Option<u16> {
        match self.kind {
            ErrorKind::Status(code) => Some(code),
            _ => self.response.as_ref().map(|r| r.status),
        }
    }
}

/// What went wrong on a request's last attempt.
#[derive(Debug, Clone, PartialEq, Eq)]
#[non_exhaustive]
pub enum ErrorKind {
    /// The URL does not parse, or its scheme is not `http`/`https`.
    InvalidUrl(String),
    /// The request itself is malformed (a header name or value that HTTP does not allow).
    InvalidRequest(String),
    /// The TCP/TLS connection could not be made (refused, DNS, handshake, connect time-out).
    Connect(String),
    /// The attempt did not finish within its time-out.
    Timeout(Duration),
    /// The server answered with this status, and it is >= 400 (a failure, as in the seed).
    Status(u16),
    /// The body is larger than the configured maximum.
    BodyTooLarge {
        /// The configured maximum, in bytes.
        limit: u64,
    },
    /// The body could not be decoded (bad compression, invalid JSON for `application/json`).
    Decode(String),
    /// Too many redirects, or a redirect that cannot be followed.
    Redirect(String),
    /// The connection broke while sending the request or waiting for the response head.
    Request(String),
    /// The body was cut short: the connection was reset or closed after the head, before
    /// the whole body (fewer bytes than its `Content-Length`) had arrived. Transient: the
    /// default policy retries it.
    BodyCut {
        /// Body bytes received on that attempt before the cut.
        received: u64,
        /// The length the server declared, if it did.
        expected: Option<u64>,
        /// What the HTTP stack said.
        why: String,
    },
    /// The body could not be stored where the caller's [`BodySink`](crate::body::BodySink)
    /// puts it (a file that cannot be written, a disk that is full).
    Sink(String),
    /// The caller's stop token was cancelled while the request waited for a slot or slept
    /// in back-off: no further attempt was started.
    Cancelled,
}

impl ErrorKind {
    /// A stable short name, used as the `error` value in the CLI's JSON lines.
    pub fn name(&self) -> &'static str {
        match self {
            ErrorKind::InvalidUrl(_) => "invalid_url",
            ErrorKind::InvalidRequest(_) => "invalid_request",
            ErrorKind::Connect(_) => "connect",
            ErrorKind::Timeout(_) => "timeout",
            ErrorKind::Status(_) => "status",
            ErrorKind::BodyTooLarge { .. } => "body_too_large",
            ErrorKind::Decode(_) => "decode",
            ErrorKind::Redirect(_) => "redirect",
            ErrorKind::Request(_) => "request",
            ErrorKind::BodyCut { .. } => "body_cut",
            ErrorKind::Sink(_) => "save",
            ErrorKind::Cancelled => "cancelled",
        }
    }
}

impl fmt::Display for ErrorKind {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match self {
            ErrorKind::InvalidUrl(why) => write!(f, "invalid URL: {why}"),
            ErrorKind::InvalidRequest(why) => write!(f, "invalid request: {why}"),
            ErrorKind::Connect(why) => write!(f, "connection failed: {why}"),
            ErrorKind::Timeout(after) => write!(f, "timed out after {}s", secs(*after)),
            ErrorKind::Status(code) => match http::StatusCode::from_u16(*code)
                .ok()
                .and_then(|s| s.canonical_reason())
            {
                Some(reason) => write!(f, "HTTP status {code} {reason}"),
                None => write!(f, "HTTP status {code}"),
            },
            ErrorKind::BodyTooLarge { limit } => {
                write!(f, "body larger than the limit of {limit} bytes")
            }
            ErrorKind::Decode(why) => write!(f, "cannot decode body: {why}"),
            ErrorKind::Redirect(why) => write!(f, "redirect failed: {why}"),
            ErrorKind::Request(why) => write!(f, "connection broke: {why}"),
            ErrorKind::BodyCut {
                received,
                expected,
                why,
            } => {
                write!(f, "body cut short after {received}")?;
                if let Some(expected) = expected {
                    write!(f, " of {expected}")?;
                }
                write!(f, " bytes: {why}")
            }
            ErrorKind::Sink(why) => write!(f, "cannot store body: {why}"),
            ErrorKind::Cancelled => write!(f, "cancelled before its next attempt"),
        }
    }
}

/// Seconds as the seed prints them in its log lines: `1`, `0.5`, `0.025` (millisecond
/// precision, no trailing zeros).
pub(crate) fn secs(d: Duration) -> f64 {
    (d.as_millis() as f64) / 1000.0
}

/// Why a [`Fetcher`](crate::Fetcher) could not be built from its configuration.
#[derive(Debug, Error)]
#[non_exhaustive]
pub enum ConfigError {
    /// A limit that must be positive is zero or negative.
    #[error("{what} must be greater than zero; got {value}")]
    NotPositive {
        /// Which setting.
        what: &'static str,
        /// The value given.
        value: String,
    },
    /// The HTTP client could not be built.
    #[error("cannot build the HTTP client: {0}")]
    Client(String),
    /// A TLS file (CA certificates, client certificate or key) cannot be used; `flag` is
    /// the CLI flag that sets it (the setting in [`TlsConfig`](crate::tls::TlsConfig)).
    #[error("{flag} {path}: {why}")]
    Tls {
        /// `--cacert`, `--cert` or `--key`.
        flag: &'static str,
        /// The file.
        path: String,
        /// What is wrong with it.
        why: String,
    },
    /// A proxy URL that cannot be used; `source_name` is the flag (`--proxy`) or the
    /// environment variable (`https_proxy`) it came from.
    #[error(
        "{source_name} {value:?}: {why}; write it as http://host:port or socks5h://user:password@host:port"
    )]
    Proxy {
        /// `--proxy` or the variable's name.
        source_name: &'static str,
        /// The value (its password redacted).
        value: String,
        /// What is wrong with it.
        why: String,
    },
    /// The cookie jar file cannot be read.
    #[error("--cookie-jar {path}: {why}")]
    CookieJar {
        /// The file.
        path: String,
        /// What is wrong with it.
        why: String,
    },
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn names_are_stable() {
        assert_eq!(ErrorKind::Status(404).name(), "status");
        assert_eq!(ErrorKind::Timeout(Duration::from_secs(1)).name(), "timeout");
        assert_eq!(
            ErrorKind::BodyTooLarge { limit: 1 }.name(),
            "body_too_large"
        );
    }

    #[test]
    fn display_names_url_kind_and_attempts() {
        let e = FetchError::new("http://x/", 3, ErrorKind::Status(500));
        assert_eq!(
            e.to_string(),
            "http://x/: HTTP status 500 Internal Server Error (after 3 attempts)"
        );
        let e = FetchError::new(
            "http://x/",
            1,
            ErrorKind::Timeout(Duration::from_millis(200)),
        );
        assert_eq!(
            e.to_string(),
            "http://x/: timed out after 0.2s (after 1 attempt)"
        );
        assert_eq!(e.status(), None);
    }
}
