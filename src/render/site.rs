//! The atomic site writer: pages go into a staging folder beside the output, which is swapped in
//! only when every page was written. A reader never sees a half-written site, and a failed build
//! (a template error, a full disk) leaves the previous site exactly as it was.
//!
//! An existing output folder is replaced only if it carries [`MARKER`], so that `--out ~/Documents`
//! by mistake cannot delete someone's files.

use std::fs;
use std::io;
use std::path::{Path, PathBuf};

/// Written at the root of every site opsbook builds.
pub const MARKER: &str = ".opsbook-site";

/// Why the site could not be written. The message names the folder or file.
#[derive(Debug)]
pub struct SiteError(pub String);

impl std::fmt::Display for SiteError {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.write_str(&self.0)
    }
}

fn io_err(what: &str, path: &Path, e: &io::Error) -> SiteError {
    SiteError(format!("{}: {what}: {e}", path.display()))
}

/// A site being written. Dropping it without [`Staging::commit`] removes everything written.
pub struct Staging {
    dir: tempfile::TempDir,
    out: PathBuf,
}

impl Staging {
    /// Checks that `out` may be replaced, then creates the staging folder in its parent folder
    /// (the same file system, so the final rename is atomic).
    pub fn new(out: &Path) -> Result<Staging, SiteError> {
        check_replaceable(out)?;
        let parent = match out.parent() {
            Some(p) if !p.as_os_str().is_empty() => p.to_path_buf(),
            _ => PathBuf::from("."),
        };
        fs::create_dir_all(&parent)
            .map_err(|e| io_err("cannot create the output's parent folder", &parent, &e))?;
        let name = out
            .file_name()
            .map_or_else(|| "book".to_owned(), |n| n.to_string_lossy().into_owned());
        let dir = tempfile::Builder::new()
            .prefix(&format!(".{name}."))
            .tempdir_in(&parent)
            .map_err(|e| io_err("cannot create a staging folder in", &parent, &e))?;
        Ok(Staging {
            dir,
            out: out.to_path_buf(),
        })
    }

    pub fn path(&self) -> &Path {
        self.dir.path()
    }

    /// Writes one file; `rel` uses `/` and never leaves the staging folder (ids are checked).
    pub fn write(&self, rel: &str, bytes: &[u8]) -> Result<(), SiteError> {
        let path = self.dir.path().join(rel);
        // Most pages go into a folder that exists already; creating it only when the first
        // write fails saves system calls, which dominate a build of thousands of pages.
        let mut result = fs::write(&path, bytes);
        if result
            .as_ref()
            .is_err_and(|e| e.kind() == io::ErrorKind::NotFound)
        {
            if let Some(parent) = path.parent() {
                fs::create_dir_all(parent).map_err(|e| {
                    io_err("cannot create folder", &self.out.join(rel_parent(rel)), &e)
                })?;
            }
            result = fs::write(&path, bytes);
        }
        result.map_err(|e| io_err("cannot write", &self.out.join(rel), &e))
    }

    /// Marks the staging folder as an opsbook site and swaps it in place of the output.
    pub fn commit(self) -> Result<(), SiteError> {
        self.write(
            MARKER,
            b"built by opsbook; this folder is replaced by each build\n",
        )?;
        set_readable(self.dir.path())?;
        let staged = self.dir.keep();
        let result = swap(&staged, &self.out);
        if result.is_err() {
            let _ = fs::remove_dir_all(&staged);
        }
        result
    }
}

fn rel_parent(rel: &str) -> &str {
    rel.rsplit_once('/').map_or("", |(p, _)| p)
}

/// Refuses to replace anything that is not an opsbook site (an empty folder is fine).
pub fn check_replaceable(out: &Path) -> Result<(), SiteError> {
    let meta = match fs::symlink_metadata(out) {
        Ok(meta) => meta,
        Err(e) if e.kind() == io::ErrorKind::NotFound => return Ok(()),
        Err(e) => return Err(io_err("cannot read", out, &e)),
    };
    if !meta.is_dir() {
        return Err(SiteError(format!(
            "{}: exists and is not a folder; choose another --out",
            out.display()
        )));
    }
    if out.join(MARKER).is_file() {
        return Ok(());
    }
    let empty = fs::read_dir(out)
        .map_err(|e| io_err("cannot read", out, &e))?
        .next()
        .is_none();
    if empty {
        return Ok(());
    }
    Err(SiteError(format!(
        "{}: refusing to replace a folder that opsbook did not build (it has no `{MARKER}` file); \
         choose another --out or remove the folder",
        out.display()
    )))
}

/// Renames the old site aside, the new one in, then deletes the old one. If the second rename
/// fails, the old site is put back.
fn swap(staged: &Path, out: &Path) -> Result<(), SiteError> {
    let backup = if out.exists() {
        let backup = backup_path(out);
        fs::rename(out, &backup)
            .map_err(|e| io_err("cannot move the previous site aside", out, &e))?;
        Some(backup)
    } else {
        None
    };
    if let Err(e) = fs::rename(staged, out) {
        if let Some(backup) = &backup {
            let _ = fs::rename(backup, out);
        }
        return Err(io_err("cannot move the new site into place", out, &e));
    }
    if let Some(backup) = backup {
        // The new site is in place; an old copy that cannot be deleted is only litter.
        let _ = fs::remove_dir_all(backup);
    }
    Ok(())
}

fn backup_path(out: &Path) -> PathBuf {
    let name = out
        .file_name()
        .map_or_else(|| "book".into(), |n| n.to_string_lossy().into_owned());
    let mut n = std::process::id();
    loop {
        let candidate = out.with_file_name(format!(".{name}.old.{n}"));
        if !candidate.exists() {
            return candidate;
        }
        n = n.wrapping_add(1);
    }
}

/// The staging folder is created private (0700); a published site must be readable by a web
/// server running as another user.
#[cfg(unix)]
fn set_readable(dir: &Path) -> Result<(), SiteError> {
    use std::os::unix::fs::PermissionsExt;
    fs::set_permissions(dir, fs::Permissions::from_mode(0o755))
        .map_err(|e| io_err("cannot set permissions", dir, &e))
}

#[cfg(not(unix))]
fn set_readable(_dir: &Path) -> Result<(), SiteError> {
    Ok(())
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn swaps_and_refuses_foreign_folders() {
        let tmp = tempfile::tempdir().expect("tempdir");
        let out = tmp.path().join("book");
        let s = Staging::new(&out).expect("staging");
        s.write("a/b.html", b"one").expect("write");
        s.commit().expect("commit");
        assert_eq!(fs::read(out.join("a/b.html")).expect("read"), b"one");

        let s = Staging::new(&out).expect("staging");
        s.write("c.html", b"two").expect("write");
        drop(s); // a failed build
        assert!(out.join("a/b.html").is_file() && !out.join("c.html").exists());

        let foreign = tmp.path().join("docs");
        fs::create_dir(&foreign).expect("mkdir");
        fs::write(foreign.join("notes.txt"), "mine").expect("write");
        let err = Staging::new(&foreign).err().expect("refused");
        assert!(err.0.contains("refusing"), "{}", err.0);
        let leftovers: Vec<_> = fs::read_dir(tmp.path()).expect("ls").collect();
        assert_eq!(
            leftovers.len(),
            2,
            "no staging or backup folders left behind"
        );
    }
}
