//! Input: requests read one line at a time, never the whole file, so memory stays flat
//! however long the input is.
//!
//! A line is a URL, or a JSON object `{"url", "method", "headers", "body", "timeout",
//! "retries"}` (only `url` is required; `timeout` is seconds or a duration string such as
//! `"500ms"`, or `"none"` for no limit on the whole attempt). With [`InputFormat::Auto`]
//! each line decides for itself: one starting with `{` is JSON. Blank lines and lines
//! starting with `#` are skipped. A line that cannot be read as a request is an [`Err`]
//! carrying why, so the caller can report it with its line number and go on.
//!
//! ```
//! use fetcher::cli::args::InputFormat;
//! use fetcher::cli::input::{RequestTemplate, parse_line};
//! let template = RequestTemplate::default();
//! let req = parse_line("https://example.org/a", InputFormat::Auto, &template).unwrap().unwrap();
//! assert_eq!(req.url, "https://example.org/a");
//! let req = parse_line(r#"{"url": "http://h/", "method": "post", "timeout": "2s"}"#,
//!                      InputFormat::Auto, &template).unwrap().unwrap();
//! assert_eq!(req.method.as_str(), "POST");
//! assert!(parse_line("# a comment", InputFormat::Auto, &template).unwrap().is_none());
//! assert!(parse_line(r#"{"uri": "http://h/"}"#, InputFormat::Auto, &template).is_err());
//! ```

use std::time::Duration;

use serde::Deserialize;
use tokio::io::{AsyncBufRead, AsyncBufReadExt};

use super::args::{InputFormat, parse_method, parse_timeout};
use crate::{HttpRequest, Method};

/// What a request gets when its line does not say: from `--method`, `--data`, `--retries`.
#[derive(Debug, Clone, PartialEq)]
pub struct RequestTemplate {
    /// Method (default GET).
    pub method: Method,
    /// JSON body.
    pub body: Option<serde_json::Value>,
    /// Retries after the first attempt.
    pub max_retries: u32,
}

impl Default for RequestTemplate {
    fn default() -> Self {
        Self {
            method: Method::GET,
            body: None,
            max_retries: HttpRequest::DEFAULT_MAX_RETRIES,
        }
    }
}

impl RequestTemplate {
    fn request(&self, url: String) -> HttpRequest {
        HttpRequest {
            url,
            method: self.method.clone(),
            headers: Vec::new(),
            body: self.body.clone(),
            timeout: None,
            max_retries: self.max_retries,
        }
    }
}

/// One JSON input line.
#[derive(Deserialize)]
#[serde(deny_unknown_fields)]
struct JsonLine {
    url: String,
    method: Option<String>,
    #[serde(default)]
    headers: serde_json::Map<String, serde_json::Value>,
    body: Option<serde_json::Value>,
    timeout: Option<Timeout>,
    retries: Option<u32>,
}

/// `timeout` as seconds (`1.5`) or a duration string (`"500ms"`).
#[derive(Deserialize)]
#[serde(untagged)]
enum Timeout {
    Seconds(f64),
    Text(String),
}

/// Reads one input line: `Ok(None)` for a blank or comment line, `Err(why)` for a line that
/// is not a request.
pub fn parse_line(
    line: &str,
    format: InputFormat,
    template: &RequestTemplate,
) -> Result<Option<HttpRequest>, String> {
    let text = line.trim();
    if text.is_empty() || text.starts_with('#') {
        return Ok(None);
    }
    let json = match format {
        InputFormat::Auto => text.starts_with('{'),
        InputFormat::Urls => false,
        InputFormat::Jsonl => true,
    };
    if !json {
        if text.contains(char::is_whitespace) {
            return Err(format!("not a URL (it contains spaces): '{}'", clip(text)));
        }
        return Ok(Some(template.request(text.to_owned())));
    }
    let parsed: JsonLine =
        serde_json::from_str(text).map_err(|e| format!("not a JSON request: {e}"))?;
    let mut req = template.request(parsed.url);
    if let Some(method) = parsed.method {
        req.method = parse_method(&method)?;
    }
    for (name, value) in parsed.headers {
        match value {
            serde_json::Value::String(value) => req.headers.push((name, value)),
            other => return Err(format!("header '{name}' must be a string; got {other}")),
        }
    }
    if parsed.body.is_some() {
        req.body = parsed.body;
    }
    req.timeout = match parsed.timeout {
        None => None,
        Some(Timeout::Seconds(secs)) => Some(
            Duration::try_from_secs_f64(secs)
                .map_err(|_| format!("timeout must be a positive number of seconds; got {secs}"))?,
        ),
        Some(Timeout::Text(text)) => Some(parse_timeout(&text)?),
    };
    if let Some(retries) = parsed.retries {
        req.max_retries = retries;
    }
    Ok(Some(req))
}

fn clip(text: &str) -> String {
    match text.char_indices().nth(60) {
        Some((at, _)) => format!("{}…", &text[..at]),
        None => text.to_owned(),
    }
}

/// Reads an input stream line by line, numbering lines from 1.
pub struct LineReader<R> {
    reader: R,
    buf: Vec<u8>,
    number: u64,
}

impl<R: AsyncBufRead + Unpin> LineReader<R> {
    /// Wraps a buffered reader.
    pub fn new(reader: R) -> Self {
        Self {
            reader,
            buf: Vec::with_capacity(256),
            number: 0,
        }
    }

    /// The next line and its number, `Ok(None)` at the end. A line that is not UTF-8 comes
    /// back as `Err` in the inner result so it can be reported like any bad line.
    pub async fn next_line(&mut self) -> std::io::Result<Option<(u64, Result<&str, String>)>> {
        self.buf.clear();
        if self.reader.read_until(b'\n', &mut self.buf).await? == 0 {
            return Ok(None);
        }
        self.number += 1;
        let text = std::str::from_utf8(&self.buf).map_err(|e| format!("not UTF-8 text ({e})"));
        Ok(Some((self.number, text)))
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn parse(line: &str) -> Result<Option<HttpRequest>, String> {
        parse_line(line, InputFormat::Auto, &RequestTemplate::default())
    }

    #[test]
    fn urls_and_skipped_lines() {
        assert_eq!(
            parse("  http://a/x \r\n").unwrap().unwrap().url,
            "http://a/x"
        );
        assert!(parse("").unwrap().is_none());
        assert!(parse("   \n").unwrap().is_none());
        assert!(parse("# comment").unwrap().is_none());
        assert!(
            parse("http://a/ b")
                .unwrap_err()
                .contains("contains spaces")
        );
    }

    #[test]
    fn json_lines_override_the_template() {
        let template = RequestTemplate {
            method: Method::PUT,
            body: Some(serde_json::json!(1)),
            max_retries: 5,
        };
        let line = r#"{"url":"http://h/p","method":"delete","headers":{"X-A":"1"},"body":{"k":[1]},"timeout":0.25,"retries":0}"#;
        let req = parse_line(line, InputFormat::Auto, &template)
            .unwrap()
            .unwrap();
        assert_eq!(req.method, Method::DELETE);
        assert_eq!(req.headers, vec![("X-A".to_owned(), "1".to_owned())]);
        assert_eq!(req.body, Some(serde_json::json!({"k": [1]})));
        assert_eq!(req.timeout, Some(Duration::from_millis(250)));
        assert_eq!(req.max_retries, 0);

        let req = parse_line(r#"{"url":"http://h/"}"#, InputFormat::Auto, &template)
            .unwrap()
            .unwrap();
        assert_eq!(req.method, Method::PUT);
        assert_eq!(req.body, Some(serde_json::json!(1)));
        assert_eq!(req.max_retries, 5);
        assert_eq!(req.timeout, None);
    }

    #[test]
    fn bad_json_lines_say_why() {
        for (line, needle) in [
            (r#"{"url": "http://h/""#, "not a JSON request"),
            (r#"{"method": "GET"}"#, "missing field `url`"),
            (
                r#"{"url": "http://h/", "retry": 1}"#,
                "unknown field `retry`",
            ),
            (
                r#"{"url": "http://h/", "headers": {"a": 1}}"#,
                "must be a string",
            ),
            (
                r#"{"url": "http://h/", "timeout": "soon"}"#,
                "invalid duration",
            ),
            (r#"{"url": "http://h/", "timeout": -1}"#, "positive number"),
            (r#"{"url": "http://h/", "method": "G T"}"#, "invalid method"),
        ] {
            let err = parse(line).unwrap_err();
            assert!(err.contains(needle), "{line}: {err}");
        }
    }

    #[test]
    fn format_can_be_forced() {
        let t = RequestTemplate::default();
        assert!(parse_line("http://h/", InputFormat::Jsonl, &t).is_err());
        let req = parse_line("{x}", InputFormat::Urls, &t).unwrap().unwrap();
        assert_eq!(req.url, "{x}");
    }

    #[tokio::test]
    async fn reader_numbers_lines_and_flags_bad_utf8() {
        let data: &[u8] = b"a\n\n\xff\nlast";
        let mut reader = LineReader::new(data);
        let mut seen = Vec::new();
        while let Some((n, text)) = reader.next_line().await.unwrap() {
            seen.push((n, text.map(str::to_owned).map_err(|_| ())));
        }
        assert_eq!(
            seen,
            vec![
                (1, Ok("a\n".to_owned())),
                (2, Ok("\n".to_owned())),
                (3, Err(())),
                (4, Ok("last".to_owned())),
            ]
        );
    }
}
