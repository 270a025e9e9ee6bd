//! The lock that keeps two `opsbook check --record` runs on one record from losing each other's
//! rows: an exclusive advisory lock on a file beside the record, held for the whole
//! read-modify-rename.
//!
//! The lock is on `.NAME.lock`, not on the record: every write renames a new file over the
//! record, so a lock taken on the record's old inode would no longer guard the name, and a
//! second run opening the record after the rename would lock the new inode and run alongside.
//! The lock file's inode never changes, so the lock follows the name. It is left in place after
//! the run: deleting it would let a waiting run lock an inode a newer run no longer sees.

use std::fs::{File, OpenOptions};
use std::path::{Path, PathBuf};

/// Held while it lives; the operating system releases it when the file is closed, even if the
/// process is killed.
pub struct RecordLock {
    _file: File,
}

impl RecordLock {
    /// Waits for and takes the exclusive lock for the record at `record`.
    pub fn acquire(record: &Path) -> Result<RecordLock, String> {
        let path = lock_path(record);
        let fail = |e: std::io::Error| {
            format!(
                "{}: cannot lock the incident record ({e}); is its folder writable?",
                path.display()
            )
        };
        let file = OpenOptions::new()
            .create(true)
            .truncate(false)
            .write(true)
            .open(&path)
            .map_err(fail)?;
        file.lock().map_err(fail)?;
        Ok(RecordLock { _file: file })
    }
}

/// `dir/.NAME.lock` for `dir/NAME`: hidden, in the same folder so it lives as long as the record.
fn lock_path(record: &Path) -> PathBuf {
    let name = record
        .file_name()
        .map(|n| n.to_string_lossy().into_owned())
        .unwrap_or_default();
    crate::atomic::folder_of(record).join(format!(".{name}.lock"))
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn the_lock_file_is_hidden_beside_the_record() {
        assert_eq!(
            lock_path(Path::new("incidents/2026-11-26-x.md")),
            Path::new("incidents/.2026-11-26-x.md.lock")
        );
        assert_eq!(lock_path(Path::new("x.md")), Path::new("./.x.md.lock"));
    }

    #[test]
    fn a_second_lock_waits_for_the_first() {
        let dir = tempfile::tempdir().unwrap();
        let record = dir.path().join("r.md");
        let held = RecordLock::acquire(&record).unwrap();
        let other = File::options()
            .write(true)
            .open(lock_path(&record))
            .unwrap();
        assert!(other.try_lock().is_err(), "held by the first");
        drop(held);
        assert!(other.try_lock().is_ok(), "released on drop");
    }
}
