//! `--threads N`: the runtimes a batch run's lanes run on besides the caller's, one
//! current-thread tokio runtime per thread (see `super::run` for what a lane holds).
//!
//! Not tokio's work-stealing runtime: with it, a request, its connection and its record
//! were handled by whichever worker was free, and every response woke another thread: on
//! loopback (2 cores, nginx beside, `scripts/bench-fetcher.sh`) two workers made 0.8x the
//! requests per second of one thread at 1.6x its CPU per request. Two lanes on two such
//! runtimes make about 1.2x (two processes with half the input each: 1.3x).

use std::sync::mpsc as sync_mpsc;
use std::thread::JoinHandle;

use tokio::runtime::Handle;
use tokio_util::sync::CancellationToken;

use super::CliError;

/// The runtimes besides the caller's, each on a thread of its own; they stop when this is
/// dropped, dropping whatever is still on them (idle connections) and leaving blocking work
/// (a DNS lookup) behind rather than wait for it.
pub(crate) struct Shards {
    handles: Vec<Handle>,
    threads: Vec<JoinHandle<()>>,
    stop: CancellationToken,
}

impl Shards {
    /// Starts `extra` threads, each running a current-thread runtime with I/O and time.
    ///
    /// # Errors
    /// [`CliError::Start`] when a thread or its runtime cannot be made.
    pub(crate) fn start(extra: usize) -> Result<Self, CliError> {
        let mut shards = Self {
            handles: Vec::with_capacity(extra),
            threads: Vec::with_capacity(extra),
            stop: CancellationToken::new(),
        };
        for index in 1..=extra {
            let (tx, rx) = sync_mpsc::channel();
            let stop = shards.stop.clone();
            let thread = std::thread::Builder::new()
                .name(format!("fetch-{index}"))
                .spawn(move || {
                    let runtime = tokio::runtime::Builder::new_current_thread()
                        .enable_all()
                        .build();
                    match runtime {
                        Ok(runtime) => {
                            let _ = tx.send(Ok(runtime.handle().clone()));
                            runtime.block_on(stop.cancelled());
                            // Not a plain drop: that would wait, without limit, for
                            // blocking work (a DNS lookup of a dead resolver, a file
                            // sync), and with it the run's exit after Ctrl-C.
                            runtime.shutdown_background();
                        }
                        Err(e) => {
                            let _ = tx.send(Err(e));
                        }
                    }
                })
                .map_err(|e| CliError::Start(format!("thread {index}: {e}")))?;
            shards.threads.push(thread);
            match rx.recv() {
                Ok(Ok(handle)) => shards.handles.push(handle),
                Ok(Err(e)) => {
                    return Err(CliError::Start(format!("tokio runtime {index}: {e}")));
                }
                Err(_) => return Err(CliError::Start(format!("thread {index} ended at start"))),
            }
        }
        Ok(shards)
    }

    /// The runtimes started, in order.
    pub(crate) fn handles(&self) -> &[Handle] {
        &self.handles
    }
}

impl Drop for Shards {
    fn drop(&mut self) {
        self.stop.cancel();
        for thread in self.threads.drain(..) {
            let _ = thread.join();
        }
    }
}
