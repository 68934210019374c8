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

use reqwest::RequestBuilder;
use reqwest::header::{CONTENT_TYPE, HeaderValue};
use reqwest::multipart;

use crate::error::ErrorKind;

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
            let meta = std::fs::metadata(path).map_err(|e| {
                ErrorKind::InvalidRequest(format!("cannot read body file {}: {e}", path.display()))
            })?;
            if !meta.is_file() {
                return Err(ErrorKind::InvalidRequest(format!(
                    "body file {} is not a regular file",
                    path.display()
                )));
            }
        }
        Ok(())
    }

    /// Puts this body on `builder`, opening files now (for this attempt) and streaming them;
    /// `typed` says the request already has a `Content-Type`.
    pub(crate) async fn attach(
        &self,
        builder: RequestBuilder,
        typed: bool,
    ) -> Result<RequestBuilder, ErrorKind> {
        let open_error = |path: &Path, e: std::io::Error| {
            ErrorKind::InvalidRequest(format!("cannot read body file {}: {e}", path.display()))
        };
        let with_type = |builder: RequestBuilder, value: &'static str| {
            if typed {
                builder
            } else {
                builder.header(CONTENT_TYPE, HeaderValue::from_static(value))
            }
        };
        const URLENCODED: &str = "application/x-www-form-urlencoded";
        Ok(match self {
            Upload::File { path, json } => {
                let file = tokio::fs::File::open(path)
                    .await
                    .map_err(|e| open_error(path, e))?;
                let length = file.metadata().await.map(|m| m.len()).ok();
                let builder = with_type(
                    builder,
                    if *json {
                        "application/json"
                    } else {
                        URLENCODED
                    },
                );
                let builder = match length {
                    Some(length) => builder.header(reqwest::header::CONTENT_LENGTH, length),
                    None => builder,
                };
                builder.body(reqwest::Body::from(file))
            }
            Upload::Text(text) => with_type(builder, URLENCODED).body(text.clone()),
            Upload::Form(fields) if !self.is_multipart() => {
                let pairs: Vec<(&str, &str)> = fields
                    .iter()
                    .filter_map(|(name, value)| match value {
                        FormValue::Text(text) => Some((name.as_str(), text.as_str())),
                        FormValue::File(_) => None,
                    })
                    .collect();
                let encoded = reqwest::Url::parse_with_params("http://form/", &pairs)
                    .ok()
                    .and_then(|u| u.query().map(str::to_owned))
                    .unwrap_or_default();
                with_type(builder, URLENCODED).body(encoded)
            }
            Upload::Form(fields) => {
                let mut form = multipart::Form::new();
                for (name, value) in fields {
                    form = match value {
                        FormValue::Text(text) => form.text(name.clone(), text.clone()),
                        FormValue::File(path) => {
                            let part = multipart::Part::file(path)
                                .await
                                .map_err(|e| open_error(path, e))?;
                            form.part(name.clone(), part)
                        }
                    };
                }
                builder.multipart(form)
            }
        })
    }
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
