//! Ctrl-C and SIGTERM: the first stops new requests and starts the grace period for those in
//! flight; the end of the grace period, or a second signal, cuts them off.

use std::time::Duration;

use tokio_util::sync::CancellationToken;

use super::progress::Progress;

/// The two stages of a shutdown, as tokens the run watches.
#[derive(Debug, Clone, Default)]
pub struct Shutdown {
    /// Cancelled on the first signal: start no more requests.
    pub stop: CancellationToken,
    /// Cancelled when the grace period ends or on a second signal: abandon requests in
    /// flight (they are not written; a `--resume` redoes them).
    pub abort: CancellationToken,
}

impl Shutdown {
    /// Installs the signal handlers (at once, so an early signal is not lost to the default
    /// action) and returns the tokens they drive.
    ///
    /// # Errors
    /// When the SIGTERM handler cannot be installed.
    pub fn listen(grace: Duration, progress: Progress) -> std::io::Result<Self> {
        let shutdown = Self::default();
        let mut signals = Signals::new()?;
        let tokens = shutdown.clone();
        tokio::spawn(async move {
            signals.next().await;
            tokens.stop.cancel();
            progress.println(&format!(
                "fetcher: interrupted; letting requests in flight finish for up to {:.1}s \
                 (press Ctrl-C again to stop now)",
                grace.as_secs_f64()
            ));
            tokio::select! {
                () = tokio::time::sleep(grace) => {}
                () = signals.next() => {}
            }
            tokens.abort.cancel();
        });
        Ok(shutdown)
    }
}

/// SIGINT and SIGTERM as one stream.
struct Signals {
    #[cfg(unix)]
    term: tokio::signal::unix::Signal,
    #[cfg(unix)]
    int: tokio::signal::unix::Signal,
}

impl Signals {
    #[cfg(unix)]
    fn new() -> std::io::Result<Self> {
        use tokio::signal::unix::{SignalKind, signal};
        Ok(Self {
            term: signal(SignalKind::terminate())?,
            int: signal(SignalKind::interrupt())?,
        })
    }

    #[cfg(not(unix))]
    fn new() -> std::io::Result<Self> {
        Ok(Self {})
    }

    #[cfg(unix)]
    async fn next(&mut self) {
        tokio::select! {
            _ = self.term.recv() => {}
            _ = self.int.recv() => {}
        }
    }

    #[cfg(not(unix))]
    async fn next(&mut self) {
        let _ = tokio::signal::ctrl_c().await;
    }
}
