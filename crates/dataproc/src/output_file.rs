//! `-o/--output FILE`: the result is written whole or not at all.
//!
//! The text goes to `FILE.PID.part` beside `FILE`, is flushed to disk and then renamed
//! over `FILE` (as the fetcher's `NAME.part`), so a failed write — a full disk, a killed
//! run — never leaves a half-written `FILE`, and an earlier `FILE` keeps its contents
//! until the new one is complete; the part file of a failed write is removed. An
//! existing `FILE` keeps its permissions. A `FILE` that is not a regular file — a
//! symbolic link, `/dev/stdout`, a named pipe — is written directly, through it, as curl
//! does: renaming over it would replace the link or the device (`/dev/stdout` leads,
//! through `/proc/self/fd/1`, to the file standard output is redirected to; a rename
//! would put a new file in its place and the shell's output would go nowhere).

use std::fs::{self, File};
use std::io::{self, Write};
use std::path::{Path, PathBuf};

use dataproc::Error;

/// Writes `text` to `path` whole, through a part file renamed into place.
///
/// # Errors
/// A processing error naming the path and the cause (with the fix: check the path and
/// permissions); `path` is then as it was before.
pub fn write(path: &Path, text: &str) -> Result<(), Error> {
    let fail = |e: io::Error| {
        Error::Processing(format!(
            "cannot write the result to {}: {e}; check the path and permissions",
            path.display()
        ))
    };
    // `symlink_metadata` does not follow links: a link is not a regular file.
    let permissions = match fs::symlink_metadata(path) {
        Ok(meta) if meta.is_file() => Some(meta.permissions()),
        Ok(_) => return fs::write(path, text).map_err(fail),
        Err(_) => None,
    };
    let Some(part) = part_path(path) else {
        // No file name (`..`, `/`): let the system say why it cannot be written.
        return fs::write(path, text).map_err(fail);
    };
    let written = write_part(&part, text, permissions).and_then(|()| fs::rename(&part, path));
    if let Err(e) = written {
        // Best effort: the part may not exist (it could not be created).
        let _ = fs::remove_file(&part);
        return Err(fail(e));
    }
    Ok(())
}

/// `DIR/NAME.PID.part` for `DIR/NAME`: beside the target (a rename stays on one file
/// system), unique to this process.
fn part_path(target: &Path) -> Option<PathBuf> {
    let name = target.file_name()?.to_string_lossy();
    Some(target.with_file_name(format!("{name}.{}.part", std::process::id())))
}

fn write_part(part: &Path, text: &str, permissions: Option<fs::Permissions>) -> io::Result<()> {
    let mut file = File::create(part)?;
    file.write_all(text.as_bytes())?;
    file.sync_all()?;
    if let Some(p) = permissions {
        file.set_permissions(p)?;
    }
    Ok(())
}
