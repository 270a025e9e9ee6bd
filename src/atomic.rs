//! Atomic file writes, the one way opsbook writes a file a person or CI reads: the bytes go to a
//! temporary file in the same folder, are synced, and only then renamed (or, for a file that
//! must not exist yet, linked) into place. A crash or a full disk leaves the old file or nothing,
//! never half a file.

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
        let mut file = tempfile::Builder::new()
            .prefix(".opsbook-")
            .tempfile_in(folder_of(path))
            .map_err(fail)?;
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

    /// Temporary files are created private; give the file the permissions it will have.
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

    /// Links the file into place only if nothing is at `path` (`AlreadyExists` otherwise), so
    /// that an existing file is never replaced, even by a race. The new file gets the mode the
    /// umask gives any new file, not the temporary file's private 0600.
    pub fn create(self, path: &Path) -> Result<(), WriteError> {
        if let Some(permissions) = new_file_permissions() {
            self.set_permissions(permissions)?;
        }
        self.file
            .persist_noclobber(path)
            .map(drop)
            .map_err(|e| WriteError {
                path: path.to_path_buf(),
                error: e.error,
            })
    }
}

/// The permissions `open(O_CREAT, 0666)` would give a new file under the process's umask.
#[cfg(unix)]
pub fn new_file_permissions() -> Option<Permissions> {
    use std::os::unix::fs::PermissionsExt;
    Some(Permissions::from_mode(0o666 & !umask()))
}

#[cfg(not(unix))]
pub fn new_file_permissions() -> Option<Permissions> {
    None
}

/// The process's umask. Linux shows it in `/proc/self/status`, read without changing it (the
/// `umask` call can only read it by setting it, racing other threads). Where that is missing,
/// the common 022.
#[cfg(unix)]
fn umask() -> u32 {
    std::fs::read_to_string("/proc/self/status")
        .ok()
        .and_then(|status| {
            let line = status.lines().find(|l| l.starts_with("Umask:"))?;
            u32::from_str_radix(line["Umask:".len()..].trim(), 8).ok()
        })
        .unwrap_or(0o022)
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
}
