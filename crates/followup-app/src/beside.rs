//! Files kept beside a SQLite database (`<db>.<suffix>`): the outbox's lock, the
//! digest's day, the secrets, the mailbox's turn and its lock.
//!
//! ```
//! use std::path::Path;
//! let at = followup_app::beside::path(Path::new("/tmp/f.sqlite"), ".outbox-lock");
//! assert_eq!(at, Path::new("/tmp/f.sqlite.outbox-lock"));
//! ```

use std::path::{Path, PathBuf};

use crate::error::{Error, Result};

/// `<db><suffix>`.
pub fn path(db: &Path, suffix: &str) -> PathBuf {
    let mut name = db.as_os_str().to_owned();
    name.push(suffix);
    PathBuf::from(name)
}

/// The lock of the file at `path` (made if need be), held until the file returned is
/// dropped (or its process ends); `None` while another holds it.
pub fn try_lock(path: PathBuf) -> Result<Option<std::fs::File>> {
    let file = std::fs::OpenOptions::new()
        .create(true)
        .truncate(false)
        .write(true)
        .open(&path)
        .map_err(|source| Error::Write {
            path: path.clone(),
            source,
        })?;
    match file.try_lock() {
        Ok(()) => Ok(Some(file)),
        Err(std::fs::TryLockError::WouldBlock) => Ok(None),
        Err(std::fs::TryLockError::Error(source)) => Err(Error::Write { path, source }),
    }
}
