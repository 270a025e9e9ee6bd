//! Atomic file writes, the one way opsbook writes a file a person or CI reads: the bytes go to a
//! temporary file in the same folder, are synced, and only then renamed (or, for a file that
//! must not exist yet, linked) into place. A crash or a full disk leaves the old file or nothing,
//! never half a file.
//!
//! New files get the mode the umask gives an ordinary file (0644 under the usual 022), as a
//! shell redirect or an editor would create them: a record or report is read by the team.

use std::fs::{File, Permissions};
use std::io::{self, Write};
use std::path::{Path, PathBuf};

/// Bytes written and synced beside their destination, not yet in place.
pub struct Staged {
    file: tempfile::NamedTempFile,
}

/// Why a write failed, with the path it was for.
#[derive(Debug)]
pub struct WriteError {
    pub path: PathBuf,
    pub error: io::Error,
}

impl std::fmt::Display for WriteError {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        write!(f, "{}: {}", self.path.display(), self.error)
    }
}

/// The folder a path is in (`.` for a bare file name).
pub fn folder_of(path: &Path) -> &Path {
    match path.parent() {
        Some(dir) if !dir.as_os_str().is_empty() => dir,
        _ => Path::new("."),
    }
}

/// The system's error without the temporary file's name that `tempfile` adds to it: the user
/// knows only the path they asked for.
fn plain(error: io::Error) -> io::Error {
    if error.raw_os_error().is_some() {
        return error;
    }
    let text = error.to_string();
    let shown = text.split(" at path ").next().unwrap_or(&text).to_owned();
    io::Error::new(error.kind(), shown)
}

/// What [`Staged::swap_in`] did.
#[derive(Debug, PartialEq)]
pub enum Swap {
    /// The file is in place; what it replaced was what the caller expected.
    Done,
    /// The file at the path had changed (this text): nothing was replaced.
    Changed(Vec<u8>),
    /// The file is in place, but a save landed in the instant before the exchange: this is
    /// the text it displaced, which the caller must now build on (and expect its own file at
    /// the path).
    Displaced(Vec<u8>),
}

impl Staged {
    /// Writes what `write` produces to a temporary file beside `path`, and syncs it.
    pub fn write(
        path: &Path,
        write: &mut dyn FnMut(&mut dyn Write) -> io::Result<()>,
    ) -> Result<Staged, WriteError> {
        let fail = |error| WriteError {
            path: path.to_path_buf(),
            error: plain(error),
        };
        let mut builder = tempfile::Builder::new();
        builder.prefix(".opsbook-");
        // tempfile creates 0600; asking for 0666 lets the kernel apply the umask, as it does
        // for every file a shell or an editor creates.
        #[cfg(unix)]
        {
            use std::os::unix::fs::PermissionsExt;
            builder.permissions(Permissions::from_mode(0o666));
        }
        let mut file = builder.tempfile_in(folder_of(path)).map_err(fail)?;
        {
            let mut out = io::BufWriter::new(file.as_file_mut());
            write(&mut out).and_then(|()| out.flush()).map_err(fail)?;
        }
        file.as_file().sync_all().map_err(fail)?;
        Ok(Staged { file })
    }

    /// [`Staged::write`] of a byte string.
    pub fn bytes(path: &Path, bytes: &[u8]) -> Result<Staged, WriteError> {
        Staged::write(path, &mut |out| out.write_all(bytes))
    }

    pub fn file(&self) -> &File {
        self.file.as_file()
    }

    /// Gives the file the permissions it will have (a rewritten file keeps the original's).
    pub fn set_permissions(&self, permissions: Permissions) -> Result<(), WriteError> {
        self.file
            .as_file()
            .set_permissions(permissions)
            .map_err(|error| WriteError {
                path: self.file.path().to_path_buf(),
                error,
            })
    }

    /// Renames the file over `path`, replacing what is there.
    pub fn replace(self, path: &Path) -> Result<(), WriteError> {
        self.file.persist(path).map(drop).map_err(|e| WriteError {
            path: path.to_path_buf(),
            error: e.error,
        })
    }

    /// Puts the file at `path` only if the file there holds `expected`.
    ///
    /// Made for a writer that takes no lock, an editor: `path` is read again just before the
    /// swap (after the slow write and sync), and on Linux the files are then *exchanged*
    /// (`renameat2(RENAME_EXCHANGE)`), so a save that lands in the microseconds between the
    /// read and the swap is not replaced unseen but comes back to the caller. Elsewhere, or where
    /// the file system cannot exchange, that last window stays open.
    pub fn swap_in(self, path: &Path, expected: &[u8]) -> Result<Swap, WriteError> {
        let fail = |error| WriteError {
            path: path.to_path_buf(),
            error,
        };
        let now = std::fs::read(path).map_err(fail)?;
        if now != expected {
            return Ok(Swap::Changed(now));
        }
        #[cfg(target_os = "linux")]
        if let Some(displaced) = self.exchange(path).map_err(fail)? {
            return Ok(if displaced == expected {
                Swap::Done
            } else {
                Swap::Displaced(displaced)
            });
        }
        self.replace(path).map(|()| Swap::Done)
    }

    /// Exchanges the file with `path` and returns what it displaced; `None` where the file
    /// system cannot exchange.
    #[cfg(target_os = "linux")]
    fn exchange(&self, path: &Path) -> io::Result<Option<Vec<u8>>> {
        use rustix::fs::{CWD, RenameFlags, renameat_with};
        let ours = self.file.path();
        match renameat_with(CWD, ours, CWD, path, RenameFlags::EXCHANGE) {
            // The temporary name now holds what was at `path`; dropping the `Staged` removes it.
            Ok(()) => std::fs::read(ours).map(Some),
            Err(e) if e == rustix::io::Errno::INVAL || e == rustix::io::Errno::NOSYS => Ok(None),
            Err(e) => Err(e.into()),
        }
    }

    /// Links the file into place only if nothing is at `path` (`AlreadyExists` otherwise), so
    /// that an existing file is never replaced, even by a race.
    pub fn create(self, path: &Path) -> Result<(), WriteError> {
        self.file
            .persist_noclobber(path)
            .map(drop)
            .map_err(|e| WriteError {
                path: path.to_path_buf(),
                error: e.error,
            })
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn replaces_and_refuses_to_clobber() {
        let dir = tempfile::tempdir().unwrap();
        let path = dir.path().join("a.md");
        Staged::bytes(&path, b"one").unwrap().create(&path).unwrap();
        let err = Staged::bytes(&path, b"two")
            .unwrap()
            .create(&path)
            .unwrap_err();
        assert_eq!(err.error.kind(), io::ErrorKind::AlreadyExists);
        assert_eq!(std::fs::read(&path).unwrap(), b"one");
        Staged::bytes(&path, b"three")
            .unwrap()
            .replace(&path)
            .unwrap();
        assert_eq!(std::fs::read(&path).unwrap(), b"three");
        let left: Vec<_> = std::fs::read_dir(dir.path()).unwrap().collect();
        assert_eq!(left.len(), 1, "no temporary files left behind");
    }

    #[test]
    fn swap_in_replaces_only_what_was_expected_and_leaves_no_temporary_file() {
        let dir = tempfile::tempdir().unwrap();
        let path = dir.path().join("a.md");
        std::fs::write(&path, "edited").unwrap();
        let swapped = Staged::bytes(&path, b"ours")
            .unwrap()
            .swap_in(&path, b"as read");
        assert_eq!(
            swapped.unwrap(),
            Swap::Changed(b"edited".to_vec()),
            "the save is given back"
        );
        assert_eq!(
            std::fs::read(&path).unwrap(),
            b"edited",
            "and left in place"
        );
        let swapped = Staged::bytes(&path, b"ours")
            .unwrap()
            .swap_in(&path, b"edited");
        assert_eq!(swapped.unwrap(), Swap::Done);
        assert_eq!(std::fs::read(&path).unwrap(), b"ours");
        assert_eq!(std::fs::read_dir(dir.path()).unwrap().count(), 1);
    }

    #[cfg(unix)]
    #[test]
    fn new_files_get_the_modes_the_umask_allows_not_0600() {
        use std::os::unix::fs::PermissionsExt;
        let dir = tempfile::tempdir().unwrap();
        let path = dir.path().join("r.md");
        Staged::bytes(&path, b"x").unwrap().create(&path).unwrap();
        let mode = std::fs::metadata(&path).unwrap().permissions().mode() & 0o777;
        // Whatever the umask of the test run, group and others may read unless it says not.
        assert_ne!(
            mode, 0o600,
            "the umask decides, not tempfile's private default"
        );
        assert_eq!(mode & 0o600, 0o600);
    }
}
