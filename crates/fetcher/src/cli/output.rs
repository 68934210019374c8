//! Output: one JSON line per request, and the writer that puts them in the file.
//!
//! A record is `{"line", "url", "method", "status", "attempts", "redirects",
//! "response_time", "bytes", "final_url", "http_version", "headers"?, "body"?,
//! "body_encoding"?, "body_file"?, "resumed_from"?, "sha256"?, "error"}`: `line` is the
//! request's input line number (the identity `--resume` uses), `url` has its password
//! redacted, `redirects` counts the redirects followed, `response_time` is seconds of the
//! last attempt, `bytes` the body bytes received (stored, for a continued file),
//! `final_url` the URL that answered after redirects (redacted too) and `http_version` as
//! curl writes it (`1.1`, `2`); a repeated response header is a list; `error` is `null` or
//! `{"kind", "message"}`. A final status >= 400 sets both `status` and an error of kind
//! `"status"`; a body that claims JSON and does not parse keeps its `status` and `bytes`
//! beside an error of kind `"decode"`. An inline body that is not UTF-8 is base64 with
//! `"body_encoding": "base64"`.
//!
//! Records are serialized by the task that made the request, and written by a writer task
//! ([`write_all`]): one per lane of the run (`super::run`), or one for the whole run with
//! `--ordered`. It writes each record as it arrives (or, with `--ordered`, as soon as all
//! earlier ones are written) and flushes whenever no other record is waiting. A request's
//! place in the run's window is given back only once its record is written, so "started
//! but not yet written" stays bounded.

use std::collections::BTreeMap;
use std::io::{self, Write};

use base64::Engine as _;
use serde::Serialize;
use serde::ser::SerializeMap;
use tokio::sync::OwnedSemaphorePermit;
use tokio::sync::mpsc::UnboundedReceiver;

use super::progress::Progress;
use super::summary::{Outcome, Tally};
use crate::redact;
use crate::response::HeaderMap;
use crate::{Body, FetchError, HttpRequest, HttpResponse};

/// Response headers as a JSON object; a name that repeats (`set-cookie`) is a list of its
/// values in order, values that are not UTF-8 are replaced lossily, and credentials
/// (`authorization`, `proxy-authorization`) are redacted.
struct Headers<'a>(&'a HeaderMap);

impl Serialize for Headers<'_> {
    fn serialize<S: serde::Serializer>(&self, serializer: S) -> Result<S::Ok, S::Error> {
        let mut map = serializer.serialize_map(Some(self.0.keys_len()))?;
        for name in self.0.keys() {
            let shown = |v: &http::header::HeaderValue| {
                let text = String::from_utf8_lossy(v.as_bytes());
                redact::header_value(name.as_str(), &text).into_owned()
            };
            let values = self.0.get_all(name);
            let mut iter = values.iter();
            match (iter.next(), iter.next()) {
                (Some(only), None) => map.serialize_entry(name.as_str(), &shown(only))?,
                _ => {
                    let all: Vec<String> = values.iter().map(shown).collect();
                    map.serialize_entry(name.as_str(), &all)?;
                }
            }
        }
        map.end()
    }
}

/// A body in a record: JSON as JSON, UTF-8 text as a string, other bytes as base64.
enum BodyOut<'a> {
    Json(&'a serde_json::Value),
    Text(&'a str),
    Base64(String),
}

impl<'a> BodyOut<'a> {
    fn of(response: &'a HttpResponse) -> Self {
        if let Body::Json(value) = response.body() {
            return BodyOut::Json(value);
        }
        match std::str::from_utf8(&response.raw) {
            Ok(text) => BodyOut::Text(text),
            Err(_) => {
                BodyOut::Base64(base64::engine::general_purpose::STANDARD.encode(&response.raw))
            }
        }
    }

    fn encoding(&self) -> Option<&'static str> {
        matches!(self, BodyOut::Base64(_)).then_some("base64")
    }
}

impl Serialize for BodyOut<'_> {
    fn serialize<S: serde::Serializer>(&self, serializer: S) -> Result<S::Ok, S::Error> {
        match self {
            BodyOut::Json(value) => value.serialize(serializer),
            BodyOut::Text(text) => serializer.serialize_str(text),
            BodyOut::Base64(text) => serializer.serialize_str(text),
        }
    }
}

#[derive(Serialize)]
struct ErrorOut {
    kind: &'static str,
    message: String,
}

/// One record's fields, written by [`Record::write`] in this order. In tests it also
/// derives `Serialize`, the oracle `Record::write` is checked against.
#[cfg_attr(test, derive(Serialize))]
struct Record<'a> {
    line: u64,
    url: &'a str,
    method: &'a str,
    status: Option<u16>,
    attempts: u32,
    redirects: u32,
    response_time: Option<f64>,
    bytes: u64,
    final_url: Option<&'a str>,
    http_version: Option<&'static str>,
    #[cfg_attr(test, serde(skip_serializing_if = "Option::is_none"))]
    headers: Option<Headers<'a>>,
    #[cfg_attr(test, serde(skip_serializing_if = "Option::is_none"))]
    body: Option<BodyOut<'a>>,
    #[cfg_attr(test, serde(skip_serializing_if = "Option::is_none"))]
    body_encoding: Option<&'static str>,
    #[cfg_attr(test, serde(skip_serializing_if = "Option::is_none"))]
    body_file: Option<&'a str>,
    #[cfg_attr(test, serde(skip_serializing_if = "Option::is_none"))]
    resumed_from: Option<u64>,
    #[cfg_attr(test, serde(skip_serializing_if = "Option::is_none"))]
    sha256: Option<&'a str>,
    error: Option<ErrorOut>,
}

impl Record<'_> {
    /// Appends the record as one JSON object, as `#[derive(Serialize)]` would write it
    /// (fields in order, the optional ones left out when absent), but with the field names
    /// written as they are rather than escaped one by one: serde's way was a third of the
    /// record's ~3.7k instructions, on every request (callgrind).
    fn write(&self, out: &mut Vec<u8>) -> serde_json::Result<()> {
        fn value(out: &mut Vec<u8>, name: &str, value: &impl Serialize) -> serde_json::Result<()> {
            out.push(b',');
            out.push(b'"');
            out.extend_from_slice(name.as_bytes());
            out.extend_from_slice(b"\":");
            serde_json::to_writer(&mut *out, value)
        }
        fn some(
            out: &mut Vec<u8>,
            name: &str,
            option: Option<&impl Serialize>,
        ) -> serde_json::Result<()> {
            option.map_or(Ok(()), |v| value(out, name, v))
        }
        out.extend_from_slice(b"{\"line\":");
        serde_json::to_writer(&mut *out, &self.line)?;
        value(out, "url", &self.url)?;
        value(out, "method", &self.method)?;
        value(out, "status", &self.status)?;
        value(out, "attempts", &self.attempts)?;
        value(out, "redirects", &self.redirects)?;
        value(out, "response_time", &self.response_time)?;
        value(out, "bytes", &self.bytes)?;
        value(out, "final_url", &self.final_url)?;
        value(out, "http_version", &self.http_version)?;
        some(out, "headers", self.headers.as_ref())?;
        some(out, "body", self.body.as_ref())?;
        some(out, "body_encoding", self.body_encoding.as_ref())?;
        some(out, "body_file", self.body_file.as_ref())?;
        some(out, "resumed_from", self.resumed_from.as_ref())?;
        some(out, "sha256", self.sha256.as_ref())?;
        value(out, "error", &self.error)?;
        out.push(b'}');
        Ok(())
    }
}

/// What goes into a record besides the request and its result.
#[derive(Debug, Clone, Copy, Default)]
pub struct RecordOptions {
    /// Include response headers.
    pub headers: bool,
    /// Include the body.
    pub body: bool,
}

/// What became of a body besides the response: from the run's
/// [`BodySink`](crate::BodySink).
#[derive(Debug, Clone, Default)]
pub struct Stored {
    /// Body bytes received (for a continued file: all it holds).
    pub bytes: u64,
    /// The complete file the body is in.
    pub body_file: Option<String>,
    /// Where a partial file was continued from.
    pub resumed_from: Option<u64>,
    /// Hex SHA-256 of the body.
    pub sha256: Option<String>,
}

/// Serializes the record of input line `line` (with its trailing newline) and what it adds
/// to the summary.
pub fn record(
    line: u64,
    req: &HttpRequest,
    result: &Result<HttpResponse, FetchError>,
    options: RecordOptions,
    stored: &Stored,
) -> (Vec<u8>, Outcome) {
    let (response, fetch_error) = match result {
        Ok(response) => (Some(response), None),
        Err(e) => (e.response.as_deref(), Some(e)),
    };
    let (attempts, latency) = match (result, fetch_error) {
        (Ok(r), _) => (r.attempt, Some(r.response_time)),
        (Err(_), Some(e)) => (e.attempts, (e.attempts > 0).then_some(e.elapsed)),
        (Err(_), None) => (0, None),
    };
    let error = fetch_error.map(|e| ErrorOut {
        kind: e.kind.name(),
        message: e.kind.to_string(),
    });
    let status = response
        .map(|r| r.status)
        .or_else(|| fetch_error.and_then(FetchError::status));
    let bytes = stored.bytes;
    let body = response.filter(|_| options.body).map(BodyOut::of);
    let outcome = Outcome {
        status,
        error: error.as_ref().map(|e| e.kind),
        attempts,
        latency,
        bytes,
    };
    // The library already shows the URL with its password redacted, on the response and
    // on the error alike: the record takes it from there rather than redacting again.
    let url = match result {
        Ok(response) => response.url.as_str(),
        Err(e) => e.url.as_str(),
    };
    let record = Record {
        line,
        url,
        method: req.method.as_str(),
        status,
        attempts,
        redirects: response.map_or(0, |r| r.redirects),
        response_time: latency.map(|l| l.as_secs_f64()),
        bytes,
        final_url: response.map(|r| r.final_url.as_str()),
        http_version: response.map(HttpResponse::http_version),
        headers: response
            .filter(|_| options.headers)
            .map(|r| Headers(&r.headers)),
        body_encoding: body.as_ref().and_then(BodyOut::encoding),
        body,
        body_file: stored.body_file.as_deref(),
        resumed_from: stored.resumed_from,
        sha256: stored.sha256.as_deref(),
        error,
    };
    // A plain record is ~190 bytes besides its two URLs: one allocation, no regrowth.
    let mut out = Vec::with_capacity(224 + url.len() + record.final_url.map_or(0, str::len));
    // Serializing a struct of strings and numbers into a Vec cannot fail; keep a record
    // of the failure anyway rather than panic.
    if record.write(&mut out).is_err() {
        out.clear();
        out.extend_from_slice(
            br#"{"error":{"kind":"serialize","message":"record could not be written"}}"#,
        );
    }
    out.push(b'\n');
    (out, outcome)
}

/// A message from a request task to the writer.
#[derive(Debug)]
pub enum Message {
    /// A finished request: its serialized record and summary contribution.
    Done {
        /// Dispatch sequence number (input order among dispatched requests).
        seq: u64,
        /// The record, with its newline.
        record: Vec<u8>,
        /// For the summary.
        outcome: Outcome,
        /// The request's slot in the window, released once the record is written.
        permit: OwnedSemaphorePermit,
    },
    /// A request in flight cut off at the end of the grace period after an interrupt:
    /// nothing is written, a `--resume` redoes it.
    Cancelled {
        /// Dispatch sequence number.
        seq: u64,
    },
}

/// Writes records as they arrive until every sender is gone; returns the tally.
/// With `ordered`, records wait until every earlier sequence number is written or
/// cancelled.
///
/// # Errors
/// The first I/O error writing or flushing the output.
pub async fn write_all(
    mut rx: UnboundedReceiver<Message>,
    out: &mut (dyn Write + Send),
    ordered: bool,
    mut tally: Tally,
    progress: &Progress,
) -> io::Result<Tally> {
    let mut next_seq = 0u64;
    // --ordered: records (with their window slots) waiting for an earlier one.
    let mut pending: BTreeMap<u64, Option<(Vec<u8>, OwnedSemaphorePermit)>> = BTreeMap::new();
    while let Some(first) = rx.recv().await {
        let mut message = Some(first);
        while let Some(m) = message.take() {
            match m {
                Message::Done {
                    seq,
                    record,
                    outcome,
                    permit,
                } => {
                    tally.add(&outcome);
                    progress.record(&outcome);
                    if ordered {
                        pending.insert(seq, Some((record, permit)));
                    } else {
                        out.write_all(&record)?;
                    }
                }
                Message::Cancelled { seq } => {
                    tally.cancelled += 1;
                    if ordered {
                        pending.insert(seq, None);
                    }
                }
            }
            while let Some(entry) = pending.first_entry() {
                if *entry.key() != next_seq {
                    break;
                }
                if let Some((record, _permit)) = entry.remove() {
                    out.write_all(&record)?;
                }
                next_seq += 1;
            }
            message = rx.try_recv().ok();
        }
        out.flush()?;
    }
    // Only reachable when sequence numbers are missing (a request that neither finished
    // nor reported cancellation, which a panic now does too): write what is held rather
    // than lose it.
    for (record, _permit) in pending.into_values().flatten() {
        out.write_all(&record)?;
    }
    out.flush()?;
    Ok(tally)
}

#[cfg(test)]
mod tests {
    use super::*;
    use http::header::HeaderValue;

    #[test]
    fn records_are_written_as_serde_would() {
        let mut headers = HeaderMap::new();
        headers.append("set-cookie", HeaderValue::from_static("a=1"));
        headers.append("set-cookie", HeaderValue::from_static("b=\"2\""));
        headers.append("content-type", HeaderValue::from_static("text/plain"));
        let json = serde_json::json!({"a": [1, 2.5, null], "\u{e9}": "x\ny"});
        let plain = Record {
            line: 7,
            url: "http://h/a?q=\"1\"&x=\u{1}",
            method: "GET",
            status: None,
            attempts: 0,
            redirects: 0,
            response_time: None,
            bytes: 0,
            final_url: None,
            http_version: None,
            headers: None,
            body: None,
            body_encoding: None,
            body_file: None,
            resumed_from: None,
            sha256: None,
            error: Some(ErrorOut {
                kind: "invalid_url",
                message: "bad \\ url\t\u{7f}".into(),
            }),
        };
        let full = |body| Record {
            status: Some(200),
            attempts: 2,
            redirects: 1,
            response_time: Some(0.001_234_5),
            bytes: u64::MAX,
            final_url: Some("https://h/b/\u{2603}"),
            http_version: Some("1.1"),
            headers: Some(Headers(&headers)),
            body_encoding: matches!(body, BodyOut::Base64(_)).then_some("base64"),
            body: Some(body),
            body_file: Some("out/7.body"),
            resumed_from: Some(3),
            sha256: Some("ab12"),
            error: None,
            ..plain
        };
        for record in [
            full(BodyOut::Text("caf\u{e9} \"quoted\"\r\n")),
            full(BodyOut::Json(&json)),
            full(BodyOut::Base64("AAEC".into())),
            Record {
                response_time: Some(f64::NAN),
                ..full(BodyOut::Text(""))
            },
        ] {
            let mut written = Vec::new();
            record.write(&mut written).unwrap();
            assert_eq!(
                String::from_utf8(written).unwrap(),
                serde_json::to_string(&record).unwrap()
            );
        }
        let mut written = Vec::new();
        plain.write(&mut written).unwrap();
        assert_eq!(written, serde_json::to_vec(&plain).unwrap());
    }

    #[test]
    fn headers_list_repeated_names_and_replace_bad_bytes() {
        let mut headers = HeaderMap::new();
        headers.append("set-cookie", HeaderValue::from_static("a=1"));
        headers.append("content-type", HeaderValue::from_static("text/plain"));
        headers.append("set-cookie", HeaderValue::from_static("b=2"));
        headers.append("x-raw", HeaderValue::from_bytes(b"caf\xe9").unwrap());
        let json = serde_json::to_value(Headers(&headers)).unwrap();
        assert_eq!(
            json,
            serde_json::json!({
                "set-cookie": ["a=1", "b=2"],
                "content-type": "text/plain",
                "x-raw": "caf\u{fffd}",
            })
        );
    }
}
