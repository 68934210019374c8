//! The request record: the seed's `HTTPRequest` dataclass (`fetcher/dataclass.py`).
//!
//! Defaults are the seed's: method `GET`, no headers, no body, at most 3 retries (4
//! attempts). The per-attempt time-out is optional here: `None` takes the fetcher's
//! [`default_timeout`](crate::FetcherConfig::default_timeout), which is the seed's 10 s.

use std::time::Duration;

pub use http::Method;

use crate::upload::Upload;

/// One HTTP request to make, with its own time-out and retry budget.
///
/// ```
/// use std::time::Duration;
/// use fetcher::{HttpRequest, Method};
///
/// let req = HttpRequest::post("http://127.0.0.1:8080/post", serde_json::json!({"a": 1}))
///     .with_header("x-trace", "42")
///     .with_timeout(Duration::from_secs(2))
///     .with_max_retries(1);
/// assert_eq!(req.method, Method::POST);
/// assert_eq!(HttpRequest::get("http://h/").max_retries, 3);
/// ```
#[derive(Debug, Clone, PartialEq)]
pub struct HttpRequest {
    /// Absolute `http://` or `https://` URL.
    pub url: String,
    /// HTTP method (the seed: `GET`).
    pub method: Method,
    /// Extra request headers, in order.
    pub headers: Vec<(String, String)>,
    /// A JSON body, sent only when the method is not `GET` (as in the seed).
    pub body: Option<serde_json::Value>,
    /// Any other body: a file streamed from disk, raw text, a form (see [`Upload`]); sent
    /// whatever the method, and instead of `body` when both are set.
    pub upload: Option<Upload>,
    /// Time-out for one attempt (connect, send, whole body); `None` = the fetcher's default.
    pub timeout: Option<Duration>,
    /// Retries after the first attempt (the seed: 3).
    pub max_retries: u32,
}

impl HttpRequest {
    /// The seed's default number of retries.
    pub const DEFAULT_MAX_RETRIES: u32 = 3;

    /// A request with the seed's defaults and the given method.
    pub fn new(method: Method, url: impl Into<String>) -> Self {
        Self {
            url: url.into(),
            method,
            headers: Vec::new(),
            body: None,
            upload: None,
            timeout: None,
            max_retries: Self::DEFAULT_MAX_RETRIES,
        }
    }

    /// A `GET` request with the seed's defaults.
    pub fn get(url: impl Into<String>) -> Self {
        Self::new(Method::GET, url)
    }

    /// A `POST` request carrying `body` as JSON.
    pub fn post(url: impl Into<String>, body: serde_json::Value) -> Self {
        Self::new(Method::POST, url).with_json(body)
    }

    /// Sets the method.
    #[must_use]
    pub fn with_method(mut self, method: Method) -> Self {
        self.method = method;
        self
    }

    /// Adds a header.
    #[must_use]
    pub fn with_header(mut self, name: impl Into<String>, value: impl Into<String>) -> Self {
        self.headers.push((name.into(), value.into()));
        self
    }

    /// Sets the JSON body (ignored for `GET`).
    #[must_use]
    pub fn with_json(mut self, body: serde_json::Value) -> Self {
        self.body = Some(body);
        self
    }

    /// Sets a body other than JSON: a file, text or a form (see [`Upload`]).
    #[must_use]
    pub fn with_upload(mut self, upload: Upload) -> Self {
        self.upload = Some(upload);
        self
    }

    /// Sets the per-attempt time-out.
    #[must_use]
    pub fn with_timeout(mut self, timeout: Duration) -> Self {
        self.timeout = Some(timeout);
        self
    }

    /// Sets the number of retries after the first attempt.
    #[must_use]
    pub fn with_max_retries(mut self, max_retries: u32) -> Self {
        self.max_retries = max_retries;
        self
    }
}
