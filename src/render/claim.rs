//! Staging and backup folders beside the output, and how a build tells its own from the ones a
//! killed build left behind.
//!
//! Every such folder carries [`MARKER`], a file its build holds an exclusive lock on for as long
//! as it uses the folder. The kernel drops the lock when the process dies, however it dies
//! (`kill -9` included), so a marker that can be locked belongs to no live build and its folder
//! is litter. A folder without the marker is never removed: it may be someone's files.

use std::fs::{self, File};
use std::io;
use std::path::{Path, PathBuf};

/// The lock file at the root of a staging or backup folder.
pub const MARKER: &str = ".opsbook-build";

/// A folder this build owns: its marker is locked until [`Claim::remove`] or [`Claim::release`]
/// (or the process ends).
#[derive(Debug)]
pub struct Claim {
    /// Held open: closing it would drop the lock.
    _marker: File,
    dir: PathBuf,
}

impl Claim {
    /// Puts a locked marker into `dir`. The marker is created and locked under another name and
    /// then renamed into place, so that no other build ever sees it unlocked (it would take the
    /// folder for litter).
    pub fn take(dir: &Path) -> io::Result<Claim> {
        let pending = dir.join(format!("{MARKER}.new"));
        let marker = File::create(&pending)?;
        // Where the file system has no locks, no sweep can lock the marker either, so the
        // folder is safe from removal; the build must not fail for it.
        match marker.lock() {
            Err(e) if e.kind() != io::ErrorKind::Unsupported => return Err(e),
            _ => {}
        }
        let text = format!(
            "a build of opsbook (process {}) uses this folder; it is removed by the next build \
             once that process has ended\n",
            std::process::id()
        );
        io::Write::write_all(&mut &marker, text.as_bytes())?;
        fs::rename(&pending, dir.join(MARKER))?;
        Ok(Claim {
            _marker: marker,
            dir: dir.to_path_buf(),
        })
    }

    pub fn dir(&self) -> &Path {
        &self.dir
    }

    /// The folder was renamed: the lock follows the open file, only the path changes.
    pub fn moved_to(&mut self, dir: &Path) {
        self.dir = dir.to_path_buf();
    }

    /// Keeps the folder and drops the marker, as the folder becomes (or stays) a published site.
    pub fn release(self) -> io::Result<()> {
        fs::remove_file(self.dir.join(MARKER))
    }

    /// Deletes the folder, the marker last, so that a build killed half way leaves a folder
    /// that is still marked and the next build finishes the job.
    pub fn remove(self) -> io::Result<()> {
        for entry in fs::read_dir(&self.dir)? {
            let entry = entry?;
            if entry.file_name() == MARKER {
                continue;
            }
            // `file_type` does not follow links: a link is removed, never what it points to.
            if entry.file_type()?.is_dir() {
                fs::remove_dir_all(entry.path())?;
            } else {
                fs::remove_file(entry.path())?;
            }
        }
        fs::remove_file(self.dir.join(MARKER))?;
        fs::remove_dir(&self.dir)
    }
}

/// The old site's folders kept for the next build. On ext4, creating a folder right after
/// deleting hundreds costs far more than anything else in a rebuild (the inode allocator scans
/// past recently freed inodes: `perf` showed `mkdir` as a fifth of a 500-runbook rebuild), so
/// the site moved aside is emptied of its files but keeps its folders, and the next build
/// stages into them.
impl Claim {
    /// Deletes every file in the folder but keeps its folders and the marker, then renames it
    /// to `spare`, dropping the lock (the next build adopts it, or sweeps it as litter). Where
    /// that fails, or a spare is there already, the folder is removed instead.
    pub fn recycle(self, spare: &Path) -> io::Result<()> {
        if fs::symlink_metadata(spare).is_ok() {
            return self.remove();
        }
        let emptied = empty_of_files(&self.dir);
        match emptied.and_then(|()| fs::rename(&self.dir, spare)) {
            Ok(()) => Ok(()),
            Err(_) => self.remove(),
        }
    }

    /// The spare folder, if no live build holds it, renamed to `to` and held by this build.
    /// Emptied of files again (only folders are taken over, whatever was put there since), or
    /// removed and not taken if that fails.
    pub fn adopt(spare: &Path, to: &Path) -> Option<Claim> {
        let mut claim = abandoned(spare)?;
        fs::rename(spare, to).ok()?;
        claim.moved_to(to);
        match empty_of_files(to) {
            Ok(()) => Some(claim),
            Err(_) => {
                let _ = claim.remove();
                None
            }
        }
    }
}

/// Removes every file and link under `dir` (never following a link), keeping the folders and
/// the marker; the folders' contents side by side, as many as there are cores.
fn empty_of_files(dir: &Path) -> io::Result<()> {
    let entries: Vec<fs::DirEntry> = fs::read_dir(dir)?.collect::<io::Result<_>>()?;
    let results = crate::parallel::map(&entries, |entry| {
        if entry.file_name() == MARKER {
            return Ok(());
        }
        for found in walkdir::WalkDir::new(entry.path()) {
            let found = found.map_err(io::Error::other)?;
            if !found.file_type().is_dir() {
                fs::remove_file(found.path())?;
            }
        }
        Ok(())
    });
    results.into_iter().collect()
}

/// Removes the folders in `parent` named `.NAME.*` whose marker no live build holds; returns how
/// many. Anything that cannot be read or removed is left alone: it is litter, not a reason to
/// fail the build.
pub fn sweep(parent: &Path, name: &str) -> usize {
    let prefix = format!(".{name}.");
    let Ok(entries) = fs::read_dir(parent) else {
        return 0;
    };
    entries
        .flatten()
        .filter(|e| e.file_name().to_string_lossy().starts_with(&prefix))
        .filter(|e| e.file_type().is_ok_and(|t| t.is_dir()))
        .filter_map(|e| abandoned(&e.path()))
        .map(Claim::remove)
        .filter(Result::is_ok)
        .count()
}

/// The folder's claim when it carries a marker that nobody holds (taking the lock, so that two
/// builds never remove the same folder at once).
fn abandoned(dir: &Path) -> Option<Claim> {
    let path = dir.join(MARKER);
    // A marker that is a link is not one opsbook made.
    if !fs::symlink_metadata(&path).is_ok_and(|m| m.is_file()) {
        return None;
    }
    let marker = File::open(&path).ok()?;
    marker.try_lock().ok()?;
    Some(Claim {
        _marker: marker,
        dir: dir.to_path_buf(),
    })
}

#[cfg(test)]
mod tests {
    use super::*;

    fn folder(parent: &Path, name: &str, marker: bool) -> PathBuf {
        let dir = parent.join(name);
        fs::create_dir_all(dir.join("api")).unwrap();
        fs::write(dir.join("api/index.html"), "page").unwrap();
        if marker {
            fs::write(dir.join(MARKER), "").unwrap();
        }
        dir
    }

    #[test]
    fn sweeps_only_marked_folders_nobody_holds() {
        let tmp = tempfile::tempdir().unwrap();
        let stale = folder(tmp.path(), ".book.a1", true);
        let unmarked = folder(tmp.path(), ".book.b2", false);
        let other_output = folder(tmp.path(), ".docs.c3", true);
        let live = tmp.path().join(".book.d4");
        fs::create_dir(&live).unwrap();
        let claim = Claim::take(&live).unwrap();

        assert_eq!(sweep(tmp.path(), "book"), 1);
        assert!(!stale.exists());
        assert!(unmarked.join("api/index.html").is_file());
        assert!(other_output.exists());
        assert!(live.join(MARKER).is_file(), "a held folder is kept");

        claim.remove().unwrap();
        assert!(!live.exists());
    }

    #[test]
    fn a_released_folder_keeps_its_files() {
        let tmp = tempfile::tempdir().unwrap();
        let dir = folder(tmp.path(), "book", false);
        Claim::take(&dir).unwrap().release().unwrap();
        assert!(!dir.join(MARKER).exists());
        assert!(dir.join("api/index.html").is_file());
        let names: Vec<_> = fs::read_dir(&dir).unwrap().flatten().collect();
        assert_eq!(names.len(), 1, "no pending marker left");
    }
}
