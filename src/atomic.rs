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

    /// Puts the file at `path` and returns the bytes it displaced, in one atomic step where the
    /// system allows: on Linux the two files are exchanged (`renameat2(RENAME_EXCHANGE)`), so a
    /// file saved at `path` by someone else at any moment is either what comes back (and the
    /// caller can apply its change to it again) or arrives after, never silently replaced.
    /// Elsewhere, or where the file system cannot exchange, the file is read just before the
    /// rename, which leaves a window of a few microseconds.
    pub fn exchange(self, path: &Path) -> Result<Vec<u8>, WriteError> {
        let fail = |error| WriteError {
            path: path.to_path_buf(),
            error,
        };
        #[cfg(target_os = "linux")]
        {
            use rustix::fs::{CWD, RenameFlags, renameat_with};
            let swapped = renameat_with(CWD, self.file.path(), CWD, path, RenameFlags::EXCHANGE);
            match swapped {
                // The temporary name now holds what was at `path`; dropping `self` removes it.
                Ok(()) => return std::fs::read(self.file.path()).map_err(fail),
                Err(e) if e == rustix::io::Errno::INVAL || e == rustix::io::Errno::NOSYS => {}
                Err(e) => return Err(fail(e.into())),
            }
        }
        let displaced = std::fs::read(path).map_err(fail)?;
        self.replace(path)?;
        Ok(displaced)
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
    fn exchange_returns_what_it_displaced_and_leaves_no_temporary_file() {
        let dir = tempfile::tempdir().unwrap();
        let path = dir.path().join("a.md");
        std::fs::write(&path, "edited").unwrap();
        let displaced = Staged::bytes(&path, b"ours")
            .unwrap()
            .exchange(&path)
            .unwrap();
        assert_eq!(displaced, b"edited");
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
