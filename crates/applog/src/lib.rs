//! Logging set-up for the workspace's binaries.
//!
//! The seed's libraries configure Python's `logging` on import: a console handler at INFO
//! and a `RotatingFileHandler` at DEBUG (`maxBytes`, `backupCount`), both writing
//! `"{time} [{LEVEL}] {message}"`. In Rust the libraries only *emit* `tracing` events;
//! a binary calls [`init`] once to decide where they go. Nothing here runs unless a binary
//! asks, so using a library never creates a log file.
//!
//! ```
//! use applog::{FileLog, LogConfig};
//! let dir = tempfile::tempdir().unwrap();
//! let config = LogConfig {
//!     console: Some(tracing::Level::INFO),
//!     file: Some(FileLog::new(dir.path().join("app.log"), 2048, 3)),
//!     console_hidden_targets: vec![],
//! };
//! // A binary calls `let _guard = applog::init(&config)?;` once, at start-up, and keeps
//! // the guard until `main` returns.
//! assert_eq!(config.file.as_ref().unwrap().backups, 3);
//! ```

use std::fmt;
use std::io;
use std::path::{Path, PathBuf};
use std::sync::{Arc, Mutex, PoisonError};

use logroller::{LogRollerBuilder, Rotation, RotationSize};
use thiserror::Error;
use tracing::{Event, Level, Subscriber};
use tracing_subscriber::filter::{FilterExt, LevelFilter, filter_fn};
use tracing_subscriber::fmt::format::Writer;
use tracing_subscriber::fmt::{FmtContext, FormatEvent, FormatFields, MakeWriter};
use tracing_subscriber::layer::SubscriberExt;
use tracing_subscriber::registry::LookupSpan;
use tracing_subscriber::util::SubscriberInitExt;
use tracing_subscriber::{EnvFilter, Layer};

/// Where log lines go. `None` switches a destination off.
#[derive(Debug, Clone, Default)]
pub struct LogConfig {
    /// Lines at this level and above go to standard error (the seed: INFO).
    /// `RUST_LOG` overrides it when set.
    pub console: Option<Level>,
    /// A size-rotating file (the seed: DEBUG, a few KiB, 3 backups).
    pub file: Option<FileLog>,
    /// Event targets kept off the console but still written to the file: for an event a
    /// binary reports to the user in its own words (e.g. `dataproc::failure`).
    pub console_hidden_targets: Vec<&'static str>,
}

/// A size-rotating log file, like Python's `RotatingFileHandler(maxBytes, backupCount)`:
/// when a line would push `path` past `max_bytes`, the file is rotated and at most
/// `backups` old files are kept beside it. As in Python, `max_bytes == 0` never rotates.
#[derive(Debug, Clone)]
pub struct FileLog {
    /// The live file; its directory must exist or be creatable.
    pub path: PathBuf,
    /// Size at which the file rotates.
    pub max_bytes: u64,
    /// How many rotated files to keep.
    pub backups: u64,
    /// Lowest level written to the file (the seed: DEBUG).
    pub level: Level,
}

impl FileLog {
    /// A file at DEBUG level, as the seed's file handlers are.
    pub fn new(path: impl Into<PathBuf>, max_bytes: u64, backups: u64) -> Self {
        Self {
            path: path.into(),
            max_bytes,
            backups,
            level: Level::DEBUG,
        }
    }
}

/// Why logging could not be set up.
#[derive(Debug, Error)]
pub enum LogError {
    /// The log file's directory could not be created or the file opened.
    #[error("cannot open log file {path}: {reason}; choose a writable path")]
    File {
        /// The file asked for.
        path: PathBuf,
        /// What the file system said.
        reason: String,
    },
    /// A global subscriber was already installed.
    #[error("logging was already set up in this process")]
    AlreadySet,
}

/// Formats an event the seed's way: `2026-11-25 08:27:05,123 [INFO] message`.
#[derive(Debug, Clone, Copy, Default)]
pub struct SeedFormat;

impl<S, N> FormatEvent<S, N> for SeedFormat
where
    S: Subscriber + for<'a> LookupSpan<'a>,
    N: for<'a> FormatFields<'a> + 'static,
{
    fn format_event(
        &self,
        ctx: &FmtContext<'_, S, N>,
        mut writer: Writer<'_>,
        event: &Event<'_>,
    ) -> fmt::Result {
        let now = jiff::ZonedDateTime::now();
        write!(
            writer,
            "{},{:03} [{}] ",
            now.strftime("%Y-%m-%d %H:%M:%S"),
            now.millisecond(),
            level_name(*event.metadata().level())
        )?;
        ctx.field_format().format_fields(writer.by_ref(), event)?;
        writeln!(writer)
    }
}

/// Python's level names, so the lines read as the seed's do.
fn level_name(level: Level) -> &'static str {
    match level {
        Level::ERROR => "ERROR",
        Level::WARN => "WARNING",
        Level::INFO => "INFO",
        Level::DEBUG => "DEBUG",
        Level::TRACE => "TRACE",
    }
}

/// Keeps the log file open; dropping it closes the file and finishes any rotation in
/// progress. Hold it until the end of `main`: the global subscriber itself is never dropped,
/// so without the guard a rotation begun just before exit could leave a half-renamed file.
#[must_use = "the log file is closed when the guard is dropped"]
#[derive(Debug, Default)]
pub struct LogGuard {
    file: Option<SharedFile>,
}

impl Drop for LogGuard {
    fn drop(&mut self) {
        if let Some(file) = self.file.take() {
            file.close();
        }
    }
}

/// The rotating file shared between the subscriber (which writes) and the [`LogGuard`]
/// (which closes it). After the close, writes are dropped silently.
#[derive(Clone)]
struct SharedFile(Arc<Mutex<Option<logroller::LogRoller>>>);

impl fmt::Debug for SharedFile {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str("SharedFile")
    }
}

impl SharedFile {
    fn new(roller: logroller::LogRoller) -> Self {
        Self(Arc::new(Mutex::new(Some(roller))))
    }

    /// Drops the roller, which waits for its rotation work to finish.
    fn close(&self) {
        let roller = self.0.lock().unwrap_or_else(PoisonError::into_inner).take();
        drop(roller);
    }
}

impl io::Write for SharedFile {
    fn write(&mut self, buf: &[u8]) -> io::Result<usize> {
        match self
            .0
            .lock()
            .unwrap_or_else(PoisonError::into_inner)
            .as_mut()
        {
            Some(roller) => roller.write(buf),
            None => Ok(buf.len()),
        }
    }

    fn flush(&mut self) -> io::Result<()> {
        match self
            .0
            .lock()
            .unwrap_or_else(PoisonError::into_inner)
            .as_mut()
        {
            Some(roller) => roller.flush(),
            None => Ok(()),
        }
    }
}

impl<'a> MakeWriter<'a> for SharedFile {
    type Writer = SharedFile;

    fn make_writer(&'a self) -> Self::Writer {
        self.clone()
    }
}

/// Installs the global subscriber described by `config`. Call once, early in `main`, and
/// keep the returned guard alive until `main` returns.
///
/// # Errors
/// [`LogError::File`] when the log file cannot be opened, [`LogError::AlreadySet`] when a
/// subscriber is already installed.
pub fn init(config: &LogConfig) -> Result<LogGuard, LogError> {
    let console = config.console.map(|level| {
        let hidden = config.console_hidden_targets.clone();
        let filter = EnvFilter::builder()
            .with_default_directive(LevelFilter::from_level(level).into())
            .from_env_lossy()
            .and(filter_fn(move |meta| !hidden.contains(&meta.target())));
        tracing_subscriber::fmt::layer()
            .with_writer(io::stderr)
            .event_format(SeedFormat)
            .with_filter(filter)
    });
    let shared = match &config.file {
        Some(file) => Some((SharedFile::new(open_rotating(file)?), file.level)),
        None => None,
    };
    let file = shared.as_ref().map(|(writer, level)| {
        tracing_subscriber::fmt::layer()
            .with_ansi(false)
            .with_writer(writer.clone())
            .event_format(SeedFormat)
            .with_filter(LevelFilter::from_level(*level))
    });
    tracing_subscriber::registry()
        .with(console)
        .with(file)
        .try_init()
        .map_err(|_| LogError::AlreadySet)?;
    Ok(LogGuard {
        file: shared.map(|(writer, _)| writer),
    })
}

/// Opens the rotating writer behind a [`FileLog`].
///
/// # Errors
/// [`LogError::File`] when the directory or file cannot be created.
pub fn open_rotating(file: &FileLog) -> Result<logroller::LogRoller, LogError> {
    let err = |reason: String| LogError::File {
        path: file.path.clone(),
        reason,
    };
    let dir = match file.path.parent() {
        Some(p) if !p.as_os_str().is_empty() => p.to_path_buf(),
        _ => PathBuf::from("."),
    };
    let name = file
        .path
        .file_name()
        .map(Path::new)
        .ok_or_else(|| err("the path names no file".to_owned()))?;
    std::fs::create_dir_all(&dir).map_err(|e| err(e.to_string()))?;
    // Python's RotatingFileHandler never rolls over when maxBytes is 0.
    let max_bytes = if file.max_bytes == 0 {
        u64::MAX
    } else {
        file.max_bytes
    };
    LogRollerBuilder::new(dir.as_path(), name)
        .rotation(Rotation::SizeBased(RotationSize::Bytes(max_bytes)))
        .max_keep_files(file.backups)
        .graceful_shutdown(true)
        .build()
        .map_err(|e| err(e.to_string()))
}

#[cfg(test)]
mod tests {
    use super::*;
    use std::io::Write;

    #[test]
    fn python_level_names() {
        assert_eq!(level_name(Level::WARN), "WARNING");
        assert_eq!(level_name(Level::ERROR), "ERROR");
    }

    #[test]
    fn file_rotates_by_size_and_keeps_backups() {
        let dir = tempfile::tempdir().unwrap();
        let file = FileLog::new(dir.path().join("app.log"), 200, 3);
        let mut roller = open_rotating(&file).unwrap();
        for i in 0..100 {
            writeln!(roller, "line {i:04} of a log that grows past its limit").unwrap();
        }
        roller.flush().unwrap();
        drop(roller);
        let mut names: Vec<String> = std::fs::read_dir(dir.path())
            .unwrap()
            .map(|e| e.unwrap().file_name().to_string_lossy().into_owned())
            .collect();
        names.sort();
        assert!(names.contains(&"app.log".to_owned()), "{names:?}");
        // the live file plus exactly `backups` rotated ones, nothing half-rotated left behind
        assert_eq!(names, ["app.log", "app.log.1", "app.log.2", "app.log.3"]);
        let live = std::fs::metadata(dir.path().join("app.log")).unwrap().len();
        assert!(live <= 200, "live file is {live} bytes");
    }

    /// The path a binary takes: the subscriber writes through a shared handle that is never
    /// dropped, and the guard closes the file. Every rotation must be finished by then, run
    /// after run, with numbered backups and no `.pending` files left over.
    #[test]
    fn guard_finishes_rotation_across_runs() {
        let dir = tempfile::tempdir().unwrap();
        let file = FileLog::new(dir.path().join("app.log"), 120, 2);
        // like the global subscriber, the writers are never dropped
        let mut never_dropped = Vec::new();
        for run in 0..3 {
            let mut writer = SharedFile::new(open_rotating(&file).unwrap());
            let guard = LogGuard {
                file: Some(writer.clone()),
            };
            for i in 0..10 {
                // one write per line, as the fmt layer does
                let line = format!("run {run} line {i:02} of a log that rotates\n");
                writer.write_all(line.as_bytes()).unwrap();
            }
            drop(guard);
            // written after the close: dropped, not an error
            writer.write_all(b"late line\n").unwrap();
            never_dropped.push(writer);
        }
        let mut names: Vec<String> = std::fs::read_dir(dir.path())
            .unwrap()
            .map(|e| e.unwrap().file_name().to_string_lossy().into_owned())
            .collect();
        names.sort();
        assert_eq!(names, ["app.log", "app.log.1", "app.log.2"]);
        let live = std::fs::read_to_string(dir.path().join("app.log")).unwrap();
        assert!(live.starts_with("run 2"), "{live}");
        assert!(!live.contains("late line"), "{live}");
    }

    #[test]
    fn zero_max_bytes_never_rotates() {
        let dir = tempfile::tempdir().unwrap();
        let file = FileLog::new(dir.path().join("app.log"), 0, 3);
        let mut roller = open_rotating(&file).unwrap();
        for i in 0..50 {
            roller.write_all(format!("line {i}\n").as_bytes()).unwrap();
        }
        drop(roller);
        let names: Vec<_> = std::fs::read_dir(dir.path()).unwrap().collect();
        assert_eq!(names.len(), 1);
        let live = std::fs::read_to_string(dir.path().join("app.log")).unwrap();
        assert_eq!(live.lines().count(), 50);
    }

    #[test]
    fn unopenable_file_is_a_typed_error() {
        let file = FileLog::new("/proc/definitely/not/here.log", 100, 1);
        assert!(matches!(open_rotating(&file), Err(LogError::File { .. })));
    }
}
