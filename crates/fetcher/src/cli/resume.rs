//! `--resume`: what an earlier run already wrote, so this run skips it and appends the rest.
//!
//! Identity: a request is its **input line number**. Every output record carries `"line"`,
//! so the same URL on two input lines is two requests (duplicates are never merged or
//! lost), and the index costs 16 bytes per finished request (a sorted vector, no strings),
//! which keeps a resume of a million-line run small. To catch a resume against a different
//! input, the index also keeps a hash of each record's URL and method; a mismatch stops the
//! run with a usage error instead of silently skipping the wrong requests.
//!
//! A record counts as done only once its whole line is in the file: the writer writes whole
//! lines, so a file that does not end in `\n` was cut mid-record (the process was killed);
//! [`ResumeIndex::load`] truncates that partial line so it is fetched and written again.

use std::fs::OpenOptions;
use std::hash::{DefaultHasher, Hash, Hasher};
use std::io::{BufRead, BufReader, Seek, SeekFrom};
use std::path::Path;

use serde::Deserialize;

/// The finished requests of an earlier run, by input line number.
#[derive(Debug, Default)]
pub struct ResumeIndex {
    /// `(line, key hash)`, sorted by line.
    done: Vec<(u64, u64)>,
    /// Bytes of a partial last record that were cut off.
    truncated: u64,
}

/// The only fields of a record that resume needs; serde skips the rest.
#[derive(Deserialize)]
struct Done {
    line: u64,
    url: String,
    method: String,
}

/// What a resume found wrong.
#[derive(Debug, thiserror::Error)]
pub enum ResumeError {
    /// The output file could not be read or truncated.
    #[error("cannot resume from {path}: {source}")]
    Io {
        /// The output file.
        path: String,
        /// The I/O error.
        source: std::io::Error,
    },
    /// A complete line of the output is not a fetcher record.
    #[error(
        "cannot resume from {path}: line {at} is not a fetcher record ({why}); \
         pass a file written by fetcher, or a new output file"
    )]
    NotARecord {
        /// The output file.
        path: String,
        /// The line number in the output file.
        at: u64,
        /// The parse error.
        why: String,
    },
}

/// The hash that ties a record to its input line: method and URL. The URL is hashed as
/// records show it, its password redacted ([`crate::redact::url`]), so an input line and
/// the record written for it hash alike.
pub fn key_hash(method: &str, url: &str) -> u64 {
    let mut hasher = DefaultHasher::new();
    method.hash(&mut hasher);
    crate::redact::url(url).hash(&mut hasher);
    hasher.finish()
}

/// The identity of a serialized record: its line and [`key_hash`], or `None` if it is not
/// a fetcher record.
pub fn record_identity(record: &[u8]) -> Option<(u64, u64)> {
    let done: Done = serde_json::from_slice(record).ok()?;
    Some((done.line, key_hash(&done.method, &done.url)))
}

impl ResumeIndex {
    /// Reads the records in `path` (a missing file is an empty index) and truncates a
    /// partial last line.
    pub fn load(path: &Path) -> Result<Self, ResumeError> {
        let io = |source| ResumeError::Io {
            path: path.display().to_string(),
            source,
        };
        let file = match OpenOptions::new().read(true).write(true).open(path) {
            Ok(file) => file,
            Err(e) if e.kind() == std::io::ErrorKind::NotFound => return Ok(Self::default()),
            Err(e) => return Err(io(e)),
        };
        let mut reader = BufReader::with_capacity(1 << 16, file);
        let mut index = Self::default();
        let mut buf = Vec::new();
        let mut complete_len = 0u64;
        let mut at = 0u64;
        loop {
            buf.clear();
            let n = reader.read_until(b'\n', &mut buf).map_err(io)?;
            if n == 0 {
                break;
            }
            if buf.last() != Some(&b'\n') {
                index.truncated = n as u64;
                break;
            }
            at += 1;
            complete_len += n as u64;
            let text = buf.trim_ascii();
            if text.is_empty() {
                continue;
            }
            let done: Done = serde_json::from_slice(text).map_err(|e| ResumeError::NotARecord {
                path: path.display().to_string(),
                at,
                why: e.to_string(),
            })?;
            index
                .done
                .push((done.line, key_hash(&done.method, &done.url)));
        }
        if index.truncated > 0 {
            let mut file = reader.into_inner();
            file.set_len(complete_len).map_err(io)?;
            file.seek(SeekFrom::End(0)).map_err(io)?;
        }
        index.done.sort_unstable();
        index.done.dedup_by_key(|(line, _)| *line);
        index.done.shrink_to_fit();
        Ok(index)
    }

    /// How many requests are already done.
    pub fn len(&self) -> usize {
        self.done.len()
    }

    /// Whether nothing is done yet.
    pub fn is_empty(&self) -> bool {
        self.done.is_empty()
    }

    /// Bytes of a partial last record that [`load`](Self::load) cut off (0 if none).
    pub fn truncated_bytes(&self) -> u64 {
        self.truncated
    }

    /// Whether input line `line` is done: `Some(true)` if its record matches `key`,
    /// `Some(false)` if the record is for another request (the input changed), `None` if
    /// the line has no record yet.
    pub fn lookup(&self, line: u64, key: u64) -> Option<bool> {
        self.done
            .binary_search_by_key(&line, |(l, _)| *l)
            .ok()
            .map(|i| self.done[i].1 == key)
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use std::io::Write;

    fn record(line: u64, url: &str) -> String {
        format!(
            r#"{{"line":{line},"url":"{url}","method":"GET","status":200,"attempts":1,"error":null}}"#
        )
    }

    #[test]
    fn missing_file_is_empty() {
        let dir = tempfile::tempdir().unwrap();
        let index = ResumeIndex::load(&dir.path().join("none.jsonl")).unwrap();
        assert!(index.is_empty());
    }

    #[test]
    fn indexes_lines_and_truncates_partial_tail() {
        let dir = tempfile::tempdir().unwrap();
        let path = dir.path().join("out.jsonl");
        let mut file = std::fs::File::create(&path).unwrap();
        let whole = format!("{}\n{}\n", record(3, "http://a/"), record(1, "http://b/"));
        file.write_all(whole.as_bytes()).unwrap();
        file.write_all(br#"{"line":2,"url":"http:"#).unwrap();
        drop(file);

        let index = ResumeIndex::load(&path).unwrap();
        assert_eq!(index.len(), 2);
        assert_eq!(index.truncated_bytes(), 22);
        assert_eq!(index.lookup(3, key_hash("GET", "http://a/")), Some(true));
        assert_eq!(index.lookup(1, key_hash("GET", "http://a/")), Some(false));
        assert_eq!(index.lookup(2, key_hash("GET", "http://c/")), None);
        assert_eq!(std::fs::read_to_string(&path).unwrap(), whole);
    }

    #[test]
    fn rejects_foreign_file() {
        let dir = tempfile::tempdir().unwrap();
        let path = dir.path().join("out.jsonl");
        std::fs::write(&path, format!("{}\nhello\n", record(1, "http://a/"))).unwrap();
        let err = ResumeIndex::load(&path).unwrap_err().to_string();
        assert!(err.contains("line 2 is not a fetcher record"), "{err}");
    }
}
