//! One request, start to record: fetch it with the library, put its body where the run
//! says (counted, inline or in a file), and serialize its output record.
//!
//! The batch run ([`super::fetch`]) calls this for every input line; any other driver of
//! requests (a queue worker) calls the same function, so every record is made one way.

use super::args::BodyMode;
use super::output::{self, LocalError, RecordOptions};
use super::summary::Outcome;
use crate::{Fetcher, HttpRequest};

/// What every request of a run shares: the fetcher, where bodies go, what records hold.
#[derive(Debug, Clone)]
pub struct Executor {
    /// The library fetcher (limits, retries, time-outs).
    pub fetcher: Fetcher,
    /// Bodies: counted, inline or saved.
    pub body: BodyMode,
    /// What records include.
    pub record: RecordOptions,
}

/// A finished request: its serialized record (with its newline) and what it adds to the
/// summary.
#[derive(Debug)]
pub struct Executed {
    /// The JSON line.
    pub record: Vec<u8>,
    /// For the summary and the progress line.
    pub outcome: Outcome,
}

impl Executor {
    /// Fetches `req` (input line `line`), stores its body as the run says, and returns its
    /// record. Cancel-safe: dropping the future abandons the request and writes nothing.
    pub async fn execute(&self, line: u64, req: &HttpRequest) -> Executed {
        let result = self.fetcher.fetch_single(req).await;
        let mut body_file = None;
        let mut local_error = None;
        if let BodyMode::SaveDir(dir) = &self.body {
            let response = match &result {
                Ok(response) => Some(response),
                Err(e) => e.response.as_deref(),
            };
            if let Some(response) = response {
                let path = dir.join(format!("{line}.body"));
                match tokio::fs::write(&path, &response.raw).await {
                    Ok(()) => body_file = Some(path.display().to_string()),
                    Err(e) => {
                        local_error = Some(LocalError {
                            kind: "save",
                            message: format!("cannot write {}: {e}", path.display()),
                        });
                    }
                }
            }
        }
        let (record, outcome) = output::record(
            line,
            req,
            &result,
            self.record,
            body_file.as_deref(),
            local_error,
        );
        Executed { record, outcome }
    }
}
