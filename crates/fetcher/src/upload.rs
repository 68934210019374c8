//! Request bodies beside the seed's JSON: a file sent as it is and streamed from disk, raw
//! text, a URL-encoded form, and a multipart form whose file parts are streamed too. An
//! upload is never read whole into memory: a file is opened again for each attempt and
//! sent in chunks as the connection takes them.
//!
//! Content types, unless the request (or the fetcher's default headers) sets
//! `Content-Type` itself: a JSON file `application/json`; a binary file and raw text
//! `application/x-www-form-urlencoded`, as curl's `--data-binary` and `--data-raw` send;
//! a form `application/x-www-form-urlencoded`; a multipart form `multipart/form-data` with
//! its boundary (each file part named after its file, typed by its extension).
//!
//! ```
//! use fetcher::{HttpRequest, Method};
//! use fetcher::upload::{FormValue, Upload};
//!
//! // curl -F name=ann -F photo=@me.jpg http://127.0.0.1:8080/post
//! let req = HttpRequest::new(Method::POST, "http://127.0.0.1:8080/post").with_upload(
//!     Upload::Form(vec![
//!         ("name".into(), FormValue::Text("ann".into())),
//!         ("photo".into(), FormValue::File("me.jpg".into())),
//!     ]),
//! );
//! assert!(req.upload.as_ref().is_some_and(Upload::is_multipart));
//! ```

use std::path::{Path, PathBuf};

use bytes::Bytes;
use futures::StreamExt;
use http::header::HeaderValue;
use tokio_util::io::ReaderStream;

use crate::error::ErrorKind;
use crate::transport::RequestBody;

/// A request body that is not the seed's JSON value.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Upload {
    /// A file sent byte for byte, streamed (`--data-binary @FILE`; `json` for `-d @FILE`,
    /// which sends it as `application/json`).
    File {
        /// The file.
        path: PathBuf,
        /// Send it as `application/json`.
        json: bool,
    },
    /// Text sent as it is (`--data-raw`).
    Text(String),
    /// A form (`-F/--form name=value`, `name=@file`): URL-encoded when every value is
    /// text, `multipart/form-data` as soon as one is a file (HTTPie's rule).
    Form(Vec<(String, FormValue)>),
}

/// One value of a form.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum FormValue {
    /// A text value.
    Text(String),
    /// A file, streamed as a multipart part.
    File(PathBuf),
}

impl FormValue {
    /// Reads curl's syntax: `@path` is a file, anything else text.
    pub fn parse(text: &str) -> Self {
        match text.strip_prefix('@') {
            Some(path) => FormValue::File(PathBuf::from(path)),
            None => FormValue::Text(text.to_owned()),
        }
    }
}

impl Upload {
    /// Whether the body goes out as `multipart/form-data`.
    pub fn is_multipart(&self) -> bool {
        matches!(self, Upload::Form(fields) if fields.iter().any(|(_, v)| matches!(v, FormValue::File(_))))
    }

    /// The files this upload reads.
    fn files(&self) -> impl Iterator<Item = &Path> {
        let (single, fields) = match self {
            Upload::File { path, .. } => (Some(path.as_path()), &[][..]),
            Upload::Text(_) => (None, &[][..]),
            Upload::Form(fields) => (None, &fields[..]),
        };
        single
            .into_iter()
            .chain(fields.iter().filter_map(|(_, v)| match v {
                FormValue::File(path) => Some(path.as_path()),
                FormValue::Text(_) => None,
            }))
    }

    /// Checks, before any attempt, that every file is a readable regular file.
    pub(crate) fn check(&self) -> Result<(), ErrorKind> {
        for path in self.files() {
            let meta = std::fs::metadata(path).map_err(|e| unreadable(path, &e))?;
            if !meta.is_file() {
                return Err(ErrorKind::InvalidRequest(format!(
                    "body file {} is not a regular file",
                    path.display()
                )));
            }
        }
        Ok(())
    }

    /// This body for one attempt, with the `Content-Type` it goes with; files are opened
    /// now and streamed.
    pub(crate) async fn body(&self) -> Result<(RequestBody, HeaderValue), ErrorKind> {
        const URLENCODED: HeaderValue =
            HeaderValue::from_static("application/x-www-form-urlencoded");
        Ok(match self {
            Upload::File { path, json } => {
                let (stream, length) = open(path).await?;
                let kind = if *json {
                    HeaderValue::from_static("application/json")
                } else {
                    URLENCODED
                };
                (RequestBody::stream(stream, length), kind)
            }
            Upload::Text(text) => (RequestBody::full(text.clone()), URLENCODED),
            Upload::Form(fields) if !self.is_multipart() => {
                let mut encoded = url::form_urlencoded::Serializer::new(String::new());
                for (name, value) in fields {
                    if let FormValue::Text(text) = value {
                        encoded.append_pair(name, text);
                    }
                }
                (RequestBody::full(encoded.finish()), URLENCODED)
            }
            Upload::Form(fields) => multipart(fields).await?,
        })
    }
}

/// The error of a body file that cannot be read (checked before any attempt, and again
/// when each attempt opens it).
fn unreadable(path: &Path, e: &std::io::Error) -> ErrorKind {
    ErrorKind::InvalidRequest(format!("cannot read body file {}: {e}", path.display()))
}

type Chunks = futures::stream::BoxStream<'static, std::io::Result<Bytes>>;

/// `bytes` as one chunk of a body, with its length.
fn chunk(bytes: Bytes) -> (Chunks, Option<u64>) {
    let length = bytes.len() as u64;
    (
        futures::stream::once(async move { Ok(bytes) }).boxed(),
        Some(length),
    )
}

/// A file's bytes as a stream, with its length when the file system tells it.
async fn open(path: &Path) -> Result<(Chunks, Option<u64>), ErrorKind> {
    let file = tokio::fs::File::open(path)
        .await
        .map_err(|e| unreadable(path, &e))?;
    let length = file.metadata().await.map(|m| m.len()).ok();
    Ok((ReaderStream::new(file).boxed(), length))
}

/// A `multipart/form-data` body (RFC 7578): each field a part, a file part with its file
/// name and the type its extension suggests, streamed from disk; its length is known when
/// every file's is.
async fn multipart(
    fields: &[(String, FormValue)],
) -> Result<(RequestBody, HeaderValue), ErrorKind> {
    let boundary = format!("{:016x}{:016x}", fastrand::u64(..), fastrand::u64(..));
    let mut parts: Vec<Chunks> = Vec::with_capacity(fields.len() * 3 + 1);
    let mut length = Some(0u64);
    let mut push = |(part, part_length): (Chunks, Option<u64>)| {
        length = length.zip(part_length).map(|(a, b)| a + b);
        parts.push(part);
    };
    for (name, value) in fields {
        let name = quoted(name);
        match value {
            FormValue::Text(text) => push(chunk(Bytes::from(format!(
                "--{boundary}\r\nContent-Disposition: form-data; name=\"{name}\"\r\n\r\n{text}\r\n"
            )))),
            FormValue::File(path) => {
                let file_name = path
                    .file_name()
                    .map(|n| quoted(&n.to_string_lossy()))
                    .unwrap_or_default();
                let kind = mime_guess::from_path(path).first_or_octet_stream();
                push(chunk(Bytes::from(format!(
                    "--{boundary}\r\nContent-Disposition: form-data; name=\"{name}\"; \
                     filename=\"{file_name}\"\r\nContent-Type: {kind}\r\n\r\n"
                ))));
                push(open(path).await?);
                push(chunk(Bytes::from_static(b"\r\n")));
            }
        }
    }
    push(chunk(Bytes::from(format!("--{boundary}--\r\n"))));
    let kind = HeaderValue::from_str(&format!("multipart/form-data; boundary={boundary}"))
        .map_err(|e| ErrorKind::InvalidRequest(e.to_string()))?;
    let body = futures::stream::iter(parts).flatten();
    Ok((RequestBody::stream(body, length), kind))
}

/// A name inside a quoted `Content-Disposition` parameter: `"`, CR and LF percent-encoded,
/// as browsers send them (the WHATWG rule for `multipart/form-data`).
fn quoted(name: &str) -> String {
    name.replace('"', "%22")
        .replace('\r', "%0D")
        .replace('\n', "%0A")
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn forms_with_a_file_are_multipart() {
        let text = Upload::Form(vec![("a".into(), FormValue::parse("1"))]);
        assert!(!text.is_multipart());
        let file = Upload::Form(vec![
            ("a".into(), FormValue::parse("1")),
            ("f".into(), FormValue::parse("@x.txt")),
        ]);
        assert!(file.is_multipart());
        assert_eq!(file.files().collect::<Vec<_>>(), vec![Path::new("x.txt")]);
    }

    #[test]
    fn missing_files_fail_the_check() {
        let upload = Upload::File {
            path: "/no/such/file".into(),
            json: false,
        };
        assert!(
            matches!(upload.check(), Err(ErrorKind::InvalidRequest(m)) if m.contains("/no/such/file"))
        );
    }
}
