//! What the last `build` produced, kept in the site for the next one: a rebuild renders only
//! the runbooks whose text changed and links every other page from the previous site.
//!
//! `book/.opsbook-build.json` holds a key of everything a page is made from besides its
//! runbook (opsbook's own executable, the config, the templates, the records, the day) and the
//! [`Produced`] record of the build: each runbook's key and files, its lines of the site-wide
//! scripts, the alert pages' keys. The next build trusts it only if that key is the same and
//! every file it names is still what the build left there: a plain file with one name, not
//! modified after the manifest was written (a page edited by hand is rendered again). Anything
//! else (no manifest, another opsbook, a file gone) means a full build: the manifest is a
//! shortcut, never a source of truth, and a wrong guess costs time, not a stale page.

use std::collections::hash_map::DefaultHasher;
use std::fs;
use std::hash::{Hash, Hasher};
use std::path::Path;
use std::time::SystemTime;

use serde::{Deserialize, Serialize};

use super::BuildOptions;
use super::incremental::Produced;
use super::reuse::links;
use crate::incident::workbook::Workbook;
use crate::workspace::Workspace;

/// The manifest's name at the root of the site.
pub const FILE: &str = ".opsbook-build.json";

/// Bumped whenever what the manifest records changes meaning.
const FORMAT: u32 = 2;

#[derive(Serialize, Deserialize)]
struct Manifest {
    format: u32,
    key: u64,
    produced: Produced,
}

/// Writes the manifest of what this build produced under `key`.
pub fn write(out: &mut dyn std::io::Write, key: u64, produced: &Produced) -> std::io::Result<()> {
    let manifest = ManifestRef {
        format: FORMAT,
        key,
        produced,
    };
    serde_json::to_writer(out, &manifest).map_err(std::io::Error::from)
}

#[derive(Serialize)]
struct ManifestRef<'a> {
    format: u32,
    key: u64,
    produced: &'a Produced,
}

/// What the site at `out` was built from, if it was built under `key` and its files are intact;
/// a runbook whose files are not is left out (rendered again).
pub fn previous(out: &Path, key: u64) -> Option<Produced> {
    let path = out.join(FILE);
    let written = fs::symlink_metadata(&path)
        .ok()
        .filter(fs::Metadata::is_file)?
        .modified()
        .ok()?;
    let manifest: Manifest = serde_json::from_slice(&fs::read(&path).ok()?).ok()?;
    if manifest.format != FORMAT || manifest.key != key {
        return None;
    }
    let mut produced = manifest.produced;
    produced
        .retain_intact(|rel| intact(&out.join(rel), written))
        .then_some(produced)
}

/// Returns once a file changed from now on gets a later modification time than the manifest
/// at `out`: the kernel stamps files from a clock that moves in ticks of a few milliseconds,
/// so a page edited by hand right after a build could otherwise carry the manifest's own time
/// and be taken for the build's page by [`intact`]. Waits a tick at most (on a file system that
/// keeps whole seconds, until the next second).
pub fn outlast(out: &Path) {
    let Some(written) = fs::symlink_metadata(out.join(FILE))
        .and_then(|m| m.modified())
        .ok()
        .and_then(|t| t.duration_since(SystemTime::UNIX_EPOCH).ok())
    else {
        return;
    };
    // A time of whole seconds is a file system that keeps no more (FAT's two seconds aside):
    // a change within the same second would carry the same time.
    let whole_seconds = written.subsec_nanos() == 0;
    let later = |now: std::time::Duration| match whole_seconds {
        true => now.as_secs() > written.as_secs(),
        false => now > written,
    };
    // Never much longer than a second, whatever the clocks say.
    for _ in 0..1100 {
        if later(stamp_now()) {
            return;
        }
        std::thread::sleep(std::time::Duration::from_millis(1));
    }
}

/// The time the kernel would give a file changed now.
#[cfg(target_os = "linux")]
fn stamp_now() -> std::time::Duration {
    use rustix::time::{ClockId, clock_gettime};
    let now = clock_gettime(ClockId::RealtimeCoarse);
    std::time::Duration::new(now.tv_sec.max(0) as u64, now.tv_nsec as u32)
}

/// The time the kernel would give a file changed now: elsewhere the fine clock, a tick back.
#[cfg(not(target_os = "linux"))]
fn stamp_now() -> std::time::Duration {
    let now = SystemTime::now()
        .duration_since(SystemTime::UNIX_EPOCH)
        .unwrap_or_default();
    now.saturating_sub(std::time::Duration::from_millis(10))
}

/// A plain file with one name (never a link someone made into the site), last modified no
/// later than the manifest was written.
fn intact(path: &Path, written: SystemTime) -> bool {
    fs::symlink_metadata(path).is_ok_and(|meta| {
        meta.is_file() && links(&meta) == 1 && meta.modified().is_ok_and(|t| t <= written)
    })
}

/// Everything besides the runbooks that the site is made from; `None` (no reuse) when it
/// cannot be known, such as templates that cannot be read.
pub fn key(ws: &Workspace, options: &BuildOptions, workbook: &Workbook) -> Option<u64> {
    let mut hasher = DefaultHasher::new();
    FORMAT.hash(&mut hasher);
    executable()?.hash(&mut hasher);
    ws.config_source.as_ref().map(|s| &s.text).hash(&mut hasher);
    ws.root.hash(&mut hasher);
    options.today.hash(&mut hasher);
    if let Some(dir) = options.templates.as_deref().filter(|d| d.is_dir()) {
        hash_folder(dir, &mut hasher)?;
    }
    for incident in &workbook.incidents {
        (&incident.slug, &incident.source.text).hash(&mut hasher);
    }
    for unreadable in &workbook.unreadable {
        (&unreadable.slug, unreadable.located()).hash(&mut hasher);
        unreadable
            .source
            .as_ref()
            .map(|s| &s.text)
            .hash(&mut hasher);
    }
    Some(hasher.finish())
}

/// opsbook's own version, size and modification time: pages made by another build of opsbook
/// (a new release, or a development build) are never reused.
fn executable() -> Option<(&'static str, u64, SystemTime)> {
    let meta = fs::metadata(std::env::current_exe().ok()?).ok()?;
    Some((env!("CARGO_PKG_VERSION"), meta.len(), meta.modified().ok()?))
}

/// The names and bytes of every file under `dir` (the templates folder: templates and assets).
fn hash_folder(dir: &Path, hasher: &mut DefaultHasher) -> Option<()> {
    for entry in walkdir::WalkDir::new(dir).sort_by_file_name() {
        let entry = entry.ok()?;
        entry.path().hash(hasher);
        if entry.file_type().is_file() {
            fs::read(entry.path()).ok()?.hash(hasher);
        }
    }
    Some(())
}

#[cfg(test)]
mod tests {
    use super::*;

    /// Without the wait, a file written right after the manifest carries its time a third of
    /// the time or more (the clock moves in ticks of a few milliseconds).
    #[test]
    fn a_file_changed_after_outlast_is_later_than_the_manifest() {
        let dir = tempfile::tempdir().expect("tempdir");
        for _ in 0..20 {
            fs::write(dir.path().join(FILE), b"{}").expect("write manifest");
            outlast(dir.path());
            fs::write(dir.path().join("page.html"), b"edited").expect("write page");
            let time = |name: &str| {
                fs::metadata(dir.path().join(name))
                    .and_then(|m| m.modified())
                    .expect("mtime")
            };
            assert!(time("page.html") > time(FILE));
        }
    }
}
