//! The progress line on standard error: shown only when stderr is a terminal (and not
//! `--quiet`), so piped and scripted runs stay silent.
//!
//! The input is streamed, so the total is not known in advance: the line shows requests
//! done, the rate, and failures so far.

use std::borrow::Cow;
use std::sync::atomic::{AtomicU64, Ordering};
use std::time::Duration;

use indicatif::{ProgressBar, ProgressDrawTarget, ProgressStyle};

use super::summary::Outcome;

/// A handle to the progress line (hidden when disabled); cheap to clone.
#[derive(Debug, Clone)]
pub struct Progress {
    bar: ProgressBar,
    failed: std::sync::Arc<AtomicU64>,
}

impl Progress {
    /// A visible progress line if `visible`, else one that draws nothing.
    pub fn new(visible: bool) -> Self {
        let bar = if visible {
            let bar = ProgressBar::with_draw_target(None, ProgressDrawTarget::stderr_with_hz(10));
            let style = ProgressStyle::with_template(
                "{spinner} {elapsed_precise} {human_pos} done, {rate} req/s, {msg}",
            )
            .map(|style| {
                style.with_key(
                    "rate",
                    |state: &indicatif::ProgressState, w: &mut dyn std::fmt::Write| {
                        let _ = write!(w, "{:.0}", state.per_sec());
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
            failed: Default::default(),
        }
    }

    /// Counts one finished request.
    pub fn record(&self, outcome: &Outcome) {
        if outcome.error.is_some() {
            let failed = self.failed.fetch_add(1, Ordering::Relaxed) + 1;
            if !self.bar.is_hidden() {
                self.bar.set_message(Cow::Owned(format!("{failed} failed")));
            }
        }
        self.bar.inc(1);
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
