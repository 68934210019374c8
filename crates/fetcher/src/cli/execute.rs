//! One request, start to record: fetch it with the library, stream its body where the run
//! says (counted and dropped, capped in memory for `--body`, or into `DIR/LINE.body`
//! through a `.part` file), digest it on the way with `--hash`, and serialize its record.
//!
//! The batch run ([`super::fetch`]) calls this for every input line; any other driver of
//! requests (a queue worker) calls the same function, so every record is made one way.

use tokio_util::sync::CancellationToken;

use super::args::{BodyMode, HashAlgorithm};
use super::output::{self, RecordOptions, Stored};
use super::summary::Outcome;
use crate::{BodySink, ErrorKind, Fetcher, HttpRequest};

/// What every request of a run shares: the fetcher, where bodies go, what records hold.
#[derive(Debug, Clone)]
pub struct Executor {
    /// The library fetcher (limits, retries, time-outs).
    pub fetcher: Fetcher,
    /// Bodies: counted, inline or saved.
    pub body: BodyMode,
    /// What records include.
    pub record: RecordOptions,
    /// The digest added to records (`--hash`).
    pub hash: Option<HashAlgorithm>,
    /// Continue `.part` files an earlier run left in the save directory (`--resume`).
    pub continue_parts: bool,
    /// Once cancelled, requests waiting for a slot or in back-off end as cancelled.
    pub stop: CancellationToken,
}

/// A finished request: its serialized record (with its newline) and what it adds to the
/// summary.
#[derive(Debug)]
pub struct Executed {
    /// The JSON line (empty when `cancelled`).
    pub record: Vec<u8>,
    /// For the summary and the progress line.
    pub outcome: Outcome,
    /// The stop token ended the request between attempts: nothing is to be written, a
    /// `--resume` (or the queue) does it again.
    pub cancelled: bool,
}

impl Executor {
    /// An executor with no digest, no `.part` continuation and a stop token of its own
    /// (see [`Executor::stop`]).
    pub fn new(fetcher: Fetcher, body: BodyMode, record: RecordOptions) -> Self {
        Self {
            fetcher,
            body,
            record,
            hash: None,
            continue_parts: false,
            stop: CancellationToken::new(),
        }
    }

    /// Fetches `req` (input line `line`), stores its body as the run says, and returns its
    /// record. Cancel-safe: dropping the future abandons the request and writes nothing
    /// (a `.part` file may stay, for a later `--resume` to continue).
    pub async fn execute(&self, line: u64, req: &HttpRequest) -> Executed {
        let mut sink = match &self.body {
            BodyMode::Omit => BodySink::discard(),
            BodyMode::Inline => BodySink::buffer(self.fetcher.config().max_body_bytes),
            BodyMode::SaveDir(dir) => {
                let sink = BodySink::file(dir.join(format!("{line}.body")));
                if self.continue_parts {
                    sink.continuing()
                } else {
                    sink
                }
            }
        };
        if self.hash == Some(HashAlgorithm::Sha256) {
            sink = sink.with_sha256();
        }
        let result = self.fetcher.fetch_with(req, &mut sink, &self.stop).await;
        if matches!(&result, Err(e) if e.kind == ErrorKind::Cancelled) {
            let outcome = Outcome {
                status: None,
                error: Some(ErrorKind::Cancelled.name()),
                attempts: 0,
                latency: None,
                bytes: 0,
            };
            return Executed {
                record: Vec::new(),
                outcome,
                cancelled: true,
            };
        }
        let stored = Stored {
            bytes: sink.bytes(),
            body_file: sink
                .path()
                .filter(|_| sink.is_complete())
                .map(|p| p.display().to_string()),
            resumed_from: sink.resumed_from(),
            sha256: sink.sha256_hex(),
        };
        let (record, outcome) = output::record(line, req, &result, self.record, &stored);
        Executed {
            record,
            outcome,
            cancelled: false,
        }
    }
}
