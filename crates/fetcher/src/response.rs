//! The response record: the seed's `HTTPResponse` dataclass (`fetcher/dataclass.py`).
//!
//! The body is parsed JSON when the content type is `application/json` (as the seed's
//! `response.json()`), otherwise text; the raw bytes are kept too, for byte counts and
//! saving to disk.

use std::time::Duration;

use bytes::Bytes;

/// A successful answer (status < 400) to an [`HttpRequest`](crate::HttpRequest).
#[derive(Debug, Clone, PartialEq)]
pub struct HttpResponse {
    /// The request's URL (as the seed: not the URL after redirects).
    pub url: String,
    /// The HTTP status code (the seed's `status_code`).
    pub status: u16,
    /// Response headers, in the order received; values that are not UTF-8 are replaced lossily.
    pub headers: Vec<(String, String)>,
    /// The body, parsed as the seed does.
    pub body: Body,
    /// The body as received (after decompression).
    pub raw: Bytes,
    /// How long the attempt that produced this response took.
    pub response_time: Duration,
    /// Which attempt produced it, starting at 1.
    pub attempt: u32,
}

impl HttpResponse {
    /// The first header named `name` (ASCII case-insensitive).
    pub fn header(&self, name: &str) -> Option<&str> {
        self.headers
            .iter()
            .find(|(k, _)| k.eq_ignore_ascii_case(name))
            .map(|(_, v)| v.as_str())
    }
}

/// A response body: JSON for `application/json`, text otherwise.
#[derive(Debug, Clone, PartialEq)]
pub enum Body {
    /// The parsed JSON document.
    Json(serde_json::Value),
    /// The text (invalid UTF-8 replaced lossily).
    Text(String),
}

impl Body {
    /// The JSON value, if the body is JSON.
    pub fn as_json(&self) -> Option<&serde_json::Value> {
        match self {
            Body::Json(v) => Some(v),
            Body::Text(_) => None,
        }
    }

    /// The text, if the body is text.
    pub fn as_text(&self) -> Option<&str> {
        match self {
            Body::Json(_) => None,
            Body::Text(t) => Some(t),
        }
    }
}

/// Whether a `Content-Type` value means JSON, as aiohttp's check does (`application/json`,
/// parameters such as `charset` ignored).
pub(crate) fn is_json_content_type(value: &str) -> bool {
    value
        .split(';')
        .next()
        .is_some_and(|mime| mime.trim().eq_ignore_ascii_case("application/json"))
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn json_content_type_ignores_parameters_and_case() {
        assert!(is_json_content_type("application/json"));
        assert!(is_json_content_type("Application/JSON; charset=utf-8"));
        assert!(!is_json_content_type("text/plain"));
        assert!(!is_json_content_type("application/jsonl"));
    }
}
