//! The response record: the seed's `HTTPResponse` dataclass (`fetcher/dataclass.py`).
//!
//! The body is parsed JSON when the content type is `application/json` (as the seed's
//! `response.json()`), otherwise text; the raw bytes are kept too, for byte counts and
//! saving to disk. JSON is parsed when the response arrives (a body that is not JSON fails
//! the attempt), text is decoded only when [`HttpResponse::body`] is first called: a batch
//! run that records only sizes never copies a body into a `String`. Headers stay in the
//! [`HeaderMap`] the HTTP stack produced, unconverted.

use std::sync::OnceLock;
use std::time::Duration;

use bytes::Bytes;
pub use http::header::HeaderMap;

/// A successful answer (status < 400) to an [`HttpRequest`](crate::HttpRequest).
#[derive(Debug, Clone)]
pub struct HttpResponse {
    /// The request's URL (as the seed: not the URL after redirects), its password shown
    /// as `***` ([`crate::redact::url`]).
    pub url: String,
    /// The URL that answered, after redirects.
    pub final_url: String,
    /// The HTTP version of the answer.
    pub version: http::Version,
    /// The HTTP status code (the seed's `status_code`).
    pub status: u16,
    /// Response headers as received (names lower-case; see [`HttpResponse::header`]).
    pub headers: HeaderMap,
    /// The body as received (after decompression).
    pub raw: Bytes,
    /// How long the attempt that produced this response took.
    pub response_time: Duration,
    /// Which attempt produced it, starting at 1.
    pub attempt: u32,
    /// Redirects followed to get it (0 when it is the first answer).
    pub redirects: u32,
    /// The parsed body: set at once for JSON, on first use for text.
    body: OnceLock<Body>,
}

impl HttpResponse {
    /// A response whose body is `json` when given (already parsed from `raw`), else the
    /// text of `raw`, decoded on first use.
    pub fn new(
        url: String,
        status: u16,
        headers: HeaderMap,
        raw: Bytes,
        json: Option<serde_json::Value>,
        response_time: Duration,
        attempt: u32,
    ) -> Self {
        let body = OnceLock::new();
        if let Some(json) = json {
            let _ = body.set(Body::Json(json));
        }
        Self {
            final_url: url.clone(),
            version: http::Version::HTTP_11,
            url,
            status,
            headers,
            raw,
            response_time,
            attempt,
            redirects: 0,
            body,
        }
    }

    /// Sets the parsed JSON body (parsed from `raw` by the fetcher).
    pub(crate) fn set_json(&mut self, json: serde_json::Value) {
        self.body = OnceLock::from(Body::Json(json));
    }

    /// The HTTP version as curl's `%{http_version}` writes it: `1.0`, `1.1`, `2`, `3`.
    pub fn http_version(&self) -> &'static str {
        match self.version {
            http::Version::HTTP_09 => "0.9",
            http::Version::HTTP_10 => "1.0",
            http::Version::HTTP_2 => "2",
            http::Version::HTTP_3 => "3",
            _ => "1.1",
        }
    }

    /// The body, parsed as the seed does: JSON for `application/json`, else the text of
    /// [`raw`](Self::raw) (invalid UTF-8 replaced lossily), decoded on the first call.
    pub fn body(&self) -> &Body {
        self.body
            .get_or_init(|| Body::Text(String::from_utf8_lossy(&self.raw).into_owned()))
    }

    /// The body, taking it out of the response.
    pub fn into_body(self) -> Body {
        let raw = self.raw;
        self.body
            .into_inner()
            .unwrap_or_else(|| Body::Text(String::from_utf8_lossy(&raw).into_owned()))
    }

    /// The first header named `name` (ASCII case-insensitive), if its value is visible
    /// ASCII.
    pub fn header(&self, name: &str) -> Option<&str> {
        self.headers.get(name).and_then(|v| v.to_str().ok())
    }
}

impl PartialEq for HttpResponse {
    fn eq(&self, other: &Self) -> bool {
        self.url == other.url
            && self.final_url == other.final_url
            && self.version == other.version
            && self.status == other.status
            && self.headers == other.headers
            && self.raw == other.raw
            && self.response_time == other.response_time
            && self.attempt == other.attempt
            && self.redirects == other.redirects
            && self.body() == other.body()
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

    fn response(raw: &'static [u8], json: Option<serde_json::Value>) -> HttpResponse {
        let mut headers = HeaderMap::new();
        headers.insert("X-Test", http::header::HeaderValue::from_static("yes"));
        HttpResponse::new(
            "http://h/".into(),
            200,
            headers,
            Bytes::from_static(raw),
            json,
            Duration::ZERO,
            1,
        )
    }

    #[test]
    fn text_bodies_are_decoded_on_demand_and_lossily() {
        let r = response(b"caf\xc3\xa9 \xff", None);
        assert_eq!(r.body().as_text(), Some("caf\u{e9} \u{fffd}"));
        assert_eq!(
            r.clone().into_body(),
            Body::Text("caf\u{e9} \u{fffd}".into())
        );
        // Equal whether or not the text was decoded yet.
        assert_eq!(response(b"caf\xc3\xa9 \xff", None), r);
        assert_eq!(r.header("x-test"), Some("yes"));
        assert_eq!(r.header("X-TEST"), Some("yes"));
        assert_eq!(r.header("missing"), None);
    }

    #[test]
    fn json_bodies_are_given_as_parsed() {
        let r = response(b"{\"a\":1}", Some(serde_json::json!({"a": 1})));
        assert_eq!(r.body().as_json(), Some(&serde_json::json!({"a": 1})));
        assert_eq!(r.into_body(), Body::Json(serde_json::json!({"a": 1})));
    }
}
