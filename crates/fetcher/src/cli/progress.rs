//! The progress line on standard error: shown only when stderr is a terminal (and not
//! `--quiet`), so piped and scripted runs stay silent.
//!
//! When the input is a regular file its lines are counted up front (a fast byte scan, done
//! only when the line is shown), so the line has a total, a percentage and an ETA, as
//! `pv` or `rg --stats` users expect; a piped input is streamed, so there the line shows
//! requests done. Both show the request rate, the bytes received per second and the
//! failures so far. Lines that make no request (blank, comments, bad, skipped by
//! `--resume`) count towards the total as they are passed.

use std::borrow::Cow;
use std::io::Read;
use std::path::Path;
use std::sync::Arc;
use std::sync::atomic::{AtomicU64, Ordering};
use std::time::Duration;

use indicatif::{ProgressBar, ProgressDrawTarget, ProgressState, ProgressStyle};

use super::summary::{Outcome, human_bytes};

/// A handle to the progress line (hidden when disabled); cheap to clone.
#[derive(Debug, Clone)]
pub struct Progress {
    bar: ProgressBar,
    /// Whether the line is drawn: when not, there is nothing to count.
    shown: bool,
    failed: Arc<AtomicU64>,
    bytes: Arc<AtomicU64>,
}

impl Progress {
    /// A visible progress line if `visible`, else one that draws nothing. With `input` a
    /// regular file, its line count is the total.
    pub fn new(visible: bool, input: Option<&Path>) -> Self {
        let bytes = Arc::new(AtomicU64::new(0));
        let bar = if visible {
            let total = input.and_then(|path| count_lines(path).ok());
            let bar = ProgressBar::with_draw_target(total, ProgressDrawTarget::stderr_with_hz(10));
            let template = if total.is_some() {
                "{spinner} {elapsed_precise} [{bar:24}] {human_pos}/{human_len} ({percent}%, ETA {eta}), {rate} req/s, {bytes_rate}, {msg}"
            } else {
                "{spinner} {elapsed_precise} {human_pos} done, {rate} req/s, {bytes_rate}, {msg}"
            };
            let received = Arc::clone(&bytes);
            let style = ProgressStyle::with_template(template)
                .map(|style| {
                    style
                        .progress_chars("=> ")
                        .with_key(
                            "rate",
                            |state: &ProgressState, w: &mut dyn std::fmt::Write| {
                                let _ = write!(w, "{:.0}", state.per_sec());
                            },
                        )
                        .with_key(
                            "bytes_rate",
                            move |state: &ProgressState, w: &mut dyn std::fmt::Write| {
                                let secs = state.elapsed().as_secs_f64();
                                let bytes = received.load(Ordering::Relaxed) as f64;
                                let rate = if secs > 0.0 { bytes / secs } else { 0.0 };
                                let _ = write!(w, "{}/s", human_bytes(rate as u64));
                            },
                        )
                })
                .unwrap_or_else(|_| ProgressStyle::default_spinner());
            bar.set_style(style);
            bar.set_message("0 failed");
            bar.enable_steady_tick(Duration::from_millis(200));
            bar
        } else {
            ProgressBar::hidden()
        };
        Self {
            bar,
            shown: visible,
            failed: Arc::default(),
            bytes,
        }
    }

    /// Counts one finished request.
    pub fn record(&self, outcome: &Outcome) {
        if !self.shown {
            // These counts are only drawn. (Each lane's writer touching them for every
            // record would pass their cache line, and the bar's lock, back and forth.)
            return;
        }
        self.bytes.fetch_add(outcome.bytes, Ordering::Relaxed);
        if outcome.error.is_some() {
            let failed = self.failed.fetch_add(1, Ordering::Relaxed) + 1;
            if !self.bar.is_hidden() {
                self.bar.set_message(Cow::Owned(format!("{failed} failed")));
            }
        }
        self.bar.inc(1);
    }

    /// Counts an input line that makes no request (blank, comment, bad, already done).
    pub fn pass_line(&self) {
        if self.shown {
            self.bar.inc(1);
        }
    }

    /// Prints a line on stderr without breaking the progress line.
    pub fn println(&self, line: &str) {
        self.bar.suspend(|| eprintln!("{line}"));
    }

    /// Removes the progress line.
    pub fn finish(&self) {
        self.bar.finish_and_clear();
    }
}

/// Lines in the file at `path` (a last line without a newline counts), if it is a regular
/// file; read in 256 KiB blocks, so memory is flat.
fn count_lines(path: &Path) -> std::io::Result<u64> {
    let mut file = std::fs::File::open(path)?;
    if !file.metadata()?.is_file() {
        return Err(std::io::ErrorKind::InvalidInput.into());
    }
    let mut buf = vec![0u8; 256 * 1024];
    let (mut lines, mut last) = (0u64, b'\n');
    loop {
        let n = file.read(&mut buf)?;
        if n == 0 {
            break;
        }
        lines += buf[..n].iter().filter(|b| **b == b'\n').count() as u64;
        last = buf[n - 1];
    }
    Ok(lines + u64::from(last != b'\n'))
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn lines_are_counted_with_or_without_a_final_newline() {
        let dir = tempfile::tempdir().unwrap();
        let path = dir.path().join("in.txt");
        std::fs::write(&path, "a\nb\n\nc").unwrap();
        assert_eq!(count_lines(&path).unwrap(), 4);
        std::fs::write(&path, "a\nb\n").unwrap();
        assert_eq!(count_lines(&path).unwrap(), 2);
        std::fs::write(&path, "").unwrap();
        assert_eq!(count_lines(&path).unwrap(), 0);
        assert!(count_lines(dir.path()).is_err());
    }
}
