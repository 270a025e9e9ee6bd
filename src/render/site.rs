//! The atomic site writer: pages go into a staging folder beside the output, which is swapped in
//! only when every page was written. A reader never sees a half-written site, and a failed build
//! (a template error, a full disk) leaves the previous site exactly as it was.
//!
//! A page whose bytes equal the previous site's copy is hard-linked from it instead of written
//! again: on ext4, creating thousands of files right after deleting the previous thousands costs
//! more than rendering them (the inode allocator skips recently freed inodes; `perf` showed
//! `recently_deleted` under `ext4_create` as 40 % of a 500-runbook build on disk), and a link
//! neither allocates an inode nor frees one when the old site is deleted. A reader still never
//! sees a mixed site: the link goes into the staging folder, and the old file's bytes are the
//! new ones.
//!
//! An existing output folder is replaced only if it carries [`MARKER`], so that `--out ~/Documents`
//! by mistake cannot delete someone's files. Staging and backup folders carry a locked marker of
//! their own (`claim.rs`), so that the next build removes the ones a killed build left behind.

use std::fs;
use std::io;
use std::path::{Path, PathBuf};

use super::claim::{self, Claim};
use super::reuse;

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

/// Where pages go: a [`Staging`] folder for `build`, the live site itself for `serve`'s
/// incremental rebuilds ([`super::incremental`]).
pub trait Sink: Sync {
    /// Writes one file; `rel` uses `/` and never leaves the site (ids are checked).
    fn write(&self, rel: &str, bytes: &[u8]) -> Result<(), SiteError>;

    /// Keeps `rel`, a file of the last render whose inputs have not changed, as it is. In place
    /// there is nothing to do.
    fn keep(&self, _rel: &str) -> Result<(), SiteError> {
        Ok(())
    }

    /// Writes one file from what `fill` writes. By default it is collected and [`Sink::write`]
    /// written; the staging folder streams it to the file.
    fn stream(&self, rel: &str, fill: Fill<'_>) -> Result<(), SiteError> {
        let mut bytes = Vec::new();
        fill(&mut bytes).map_err(|e| SiteError(format!("{rel}: cannot write: {e}")))?;
        self.write(rel, &bytes)
    }
}

/// What writes a streamed file's bytes ([`Sink::stream`]).
pub type Fill<'a> = &'a mut dyn FnMut(&mut dyn io::Write) -> io::Result<()>;

impl Sink for Staging {
    fn write(&self, rel: &str, bytes: &[u8]) -> Result<(), SiteError> {
        Staging::write(self, rel, bytes)
    }

    fn keep(&self, rel: &str) -> Result<(), SiteError> {
        Staging::keep(self, rel)
    }

    fn stream(&self, rel: &str, fill: Fill<'_>) -> Result<(), SiteError> {
        self.write_new(rel, fill)
    }
}

/// A site being written. Dropping it without [`Staging::commit`] removes everything written.
pub struct Staging {
    /// The staging folder's lock; `None` only once [`Staging::commit`] has handed it on.
    claim: Option<Claim>,
    dir: PathBuf,
    out: PathBuf,
    /// The site being replaced, whose unchanged files are linked rather than written.
    previous: Option<PathBuf>,
    /// The folder is the last build's spare, emptied of files: its folders may stay empty. A
    /// fresh folder gets a folder only for a file.
    adopted: bool,
}

impl Staging {
    /// Checks that `out` may be replaced, removes what killed builds left beside it, then
    /// creates the staging folder in its parent folder (the same file system, so the final
    /// rename is atomic).
    pub fn new(out: &Path) -> Result<Staging, SiteError> {
        check_replaceable(out)?;
        let parent = match out.parent() {
            Some(p) if !p.as_os_str().is_empty() => p.to_path_buf(),
            _ => PathBuf::from("."),
        };
        fs::create_dir_all(&parent)
            .map_err(|e| io_err("cannot create the output's parent folder", &parent, &e))?;
        let name = site_name(out);
        // The last build's spare folders first: the sweep would take them for litter.
        let adopted = Claim::adopt(&spare_path(out), &unused_path(out, "new"));
        claim::sweep(&parent, &name);
        let (claim, adopted) = match adopted {
            Some(claim) => (claim, true),
            None => (fresh_claim(&parent, &name)?, false),
        };
        let previous = out.join(MARKER).is_file().then(|| out.to_path_buf());
        Ok(Staging {
            dir: claim.dir().to_path_buf(),
            claim: Some(claim),
            out: out.to_path_buf(),
            previous,
            adopted,
        })
    }

    pub fn path(&self) -> &Path {
        &self.dir
    }

    /// The site being replaced, if there is one opsbook built.
    pub fn previous(&self) -> Option<&Path> {
        self.previous.as_deref()
    }

    /// Writes one file; `rel` uses `/` and never leaves the staging folder (ids are checked).
    pub fn write(&self, rel: &str, bytes: &[u8]) -> Result<(), SiteError> {
        let unchanged = self
            .previous
            .as_ref()
            .map(|previous| previous.join(rel))
            .filter(|old| reuse::same_bytes(old, bytes));
        let put = |path: &Path| match &unchanged {
            // Any failure to link (a file system without hard links) falls back to writing.
            Some(old) => fs::hard_link(old, path).or_else(|_| fs::write(path, bytes)),
            None => fs::write(path, bytes),
        };
        self.put(rel, "cannot write", put)
    }

    /// Writes `rel` as a new file, never linked from the previous site: its time is now.
    /// `write` writes its bytes through a buffer, so that a file of megabytes (the manifest of
    /// 5,000 runbooks) is never whole in memory.
    pub fn write_new(
        &self,
        rel: &str,
        mut write: impl FnMut(&mut dyn io::Write) -> io::Result<()>,
    ) -> Result<(), SiteError> {
        self.put(rel, "cannot write", |path| {
            let mut out = io::BufWriter::new(fs::File::create(path)?);
            write(&mut out)?;
            io::Write::flush(&mut out)
        })
    }

    /// Runs `put` for `rel` in the staging folder, making its folder on demand; errors name
    /// the place in the output folder, as the user knows it.
    fn put(
        &self,
        rel: &str,
        what: &str,
        put: impl FnMut(&Path) -> io::Result<()>,
    ) -> Result<(), SiteError> {
        put_in_folder(&self.dir.join(rel), put).map_err(|e| match e {
            PutError::Folder(e) => {
                io_err("cannot create folder", &self.out.join(rel_parent(rel)), &e)
            }
            PutError::File(e) => io_err(what, &self.out.join(rel), &e),
        })
    }

    /// Puts the previous site's `rel` into the new one unread: a hard link (a copy where the file
    /// system has none). The caller checked it is intact ([`super::manifest`]).
    pub fn keep(&self, rel: &str) -> Result<(), SiteError> {
        let Some(previous) = &self.previous else {
            return Err(SiteError(format!(
                "{}: no previous site to keep it from",
                self.out.join(rel).display()
            )));
        };
        let old = previous.join(rel);
        let put =
            |path: &Path| fs::hard_link(&old, path).or_else(|_| fs::copy(&old, path).map(|_| ()));
        self.put(rel, "cannot keep", put)
    }

    /// Marks the staging folder as an opsbook site and swaps it in place of the output.
    pub fn commit(mut self) -> Result<(), SiteError> {
        if self.adopted {
            remove_empty_folders(&self.dir);
        }
        self.write(
            MARKER,
            b"built by opsbook; this folder is replaced by each build\n",
        )?;
        set_readable(&self.dir)?;
        match self.claim.take() {
            Some(staged) => swap(staged, &self.out),
            None => Ok(()),
        }
    }
}

impl Drop for Staging {
    fn drop(&mut self) {
        // A failed build; a folder that cannot be removed keeps its marker for the next build.
        if let Some(claim) = self.claim.take() {
            let _ = claim.remove();
        }
    }
}

/// Why [`put_in_folder`] failed: making the file's folder, or the file.
pub(super) enum PutError {
    Folder(io::Error),
    File(io::Error),
}

/// Runs `put` for `path`; where its folder does not exist yet, makes it and runs `put` again.
/// Most pages go into a folder that exists already; making it only when the first try fails
/// saves system calls, which dominate a build of thousands of pages.
pub(super) fn put_in_folder(
    path: &Path,
    mut put: impl FnMut(&Path) -> io::Result<()>,
) -> Result<(), PutError> {
    match put(path) {
        Err(e) if e.kind() == io::ErrorKind::NotFound => {
            if let Some(parent) = path.parent() {
                fs::create_dir_all(parent).map_err(PutError::Folder)?;
            }
            put(path).map_err(PutError::File)
        }
        other => other.map_err(PutError::File),
    }
}

/// A new, empty staging folder in `parent`, claimed.
fn fresh_claim(parent: &Path, name: &str) -> Result<Claim, SiteError> {
    let dir = tempfile::Builder::new()
        .prefix(&format!(".{name}."))
        .tempdir_in(parent)
        .map_err(|e| io_err("cannot create a staging folder in", parent, &e))?
        .keep();
    Claim::take(&dir).map_err(|e| {
        let _ = fs::remove_dir_all(&dir);
        io_err("cannot create a staging folder in", parent, &e)
    })
}

/// The folders of an adopted spare that this build put nothing into (a runbook since
/// removed): a site has no empty folders. A folder that holds files refuses to go.
fn remove_empty_folders(dir: &Path) {
    let walk = walkdir::WalkDir::new(dir).min_depth(1).contents_first(true);
    for entry in walk.into_iter().flatten() {
        if entry.file_type().is_dir() {
            let _ = fs::remove_dir(entry.path());
        }
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
/// fails, the old site is put back as it was.
fn swap(mut staged: Claim, out: &Path) -> Result<(), SiteError> {
    let backup = match move_aside(out) {
        Ok(backup) => backup,
        Err(e) => {
            let _ = staged.remove();
            return Err(e);
        }
    };
    if let Err(e) = fs::rename(staged.dir(), out) {
        let _ = staged.remove();
        if let Some(backup) = backup {
            backup.put_back(out);
        }
        return Err(io_err("cannot move the new site into place", out, &e));
    }
    staged.moved_to(out);
    // A published site carries no build marker; one left by a crash here is replaced when the
    // next build moves this site aside.
    let _ = staged.release();
    if let Some(backup) = backup {
        backup.recycle(out);
    }
    Ok(())
}

/// The previous site, moved aside while the new one goes in.
struct Backup {
    path: PathBuf,
    /// Lets the next build finish deleting it if this one is killed half way. `None` when the
    /// old site cannot be written to (it is then deleted as well as it can be).
    claim: Option<Claim>,
}

fn move_aside(out: &Path) -> Result<Option<Backup>, SiteError> {
    if !out.exists() {
        return Ok(None);
    }
    let path = backup_path(out);
    fs::rename(out, &path).map_err(|e| io_err("cannot move the previous site aside", out, &e))?;
    let claim = Claim::take(&path).ok();
    Ok(Some(Backup { path, claim }))
}

impl Backup {
    /// Restores the old site byte for byte: without the marker this build added.
    fn put_back(self, out: &Path) {
        if fs::rename(&self.path, out).is_ok()
            && let Some(mut claim) = self.claim
        {
            claim.moved_to(out);
            let _ = claim.release();
        }
    }

    /// The new site is in place: the old one's folders become the next build's spare. An old
    /// copy that cannot be deleted is only litter.
    fn recycle(self, out: &Path) {
        let _ = match self.claim {
            Some(claim) => claim.recycle(&spare_path(out)),
            None => fs::remove_dir_all(&self.path),
        };
    }
}

fn backup_path(out: &Path) -> PathBuf {
    unused_path(out, "old")
}

/// `.NAME.TAG.N` beside `out`, for the first N from the process id that is not taken.
fn unused_path(out: &Path, tag: &str) -> PathBuf {
    let name = site_name(out);
    let mut n = std::process::id();
    loop {
        let candidate = out.with_file_name(format!(".{name}.{tag}.{n}"));
        if !candidate.exists() {
            return candidate;
        }
        n = n.wrapping_add(1);
    }
}

/// `.NAME.spare` beside `out`: the folders of the site the last build replaced.
fn spare_path(out: &Path) -> PathBuf {
    out.with_file_name(format!(".{}.spare", site_name(out)))
}

fn site_name(out: &Path) -> String {
    out.file_name()
        .map_or_else(|| "book".into(), |n| n.to_string_lossy().into_owned())
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
