//! Finding runbook files and reading them as text: regular files only, size-limited, UTF-8.

use std::fs;
use std::io::Read;
use std::path::{Path, PathBuf};

use walkdir::WalkDir;

use super::MAX_FILE_BYTES;
use crate::diagnostic::Diagnostic;
use crate::rule::Rule;
use crate::source::{Pos, SourceFile, invalid_utf8_pos};

/// Reads a text file: regular files only, size-limited, UTF-8, a leading BOM dropped.
pub fn read_source(path: &Path) -> Result<SourceFile, Diagnostic> {
    let fail = |message: String, help: &str| {
        Err(
            Diagnostic::new(Rule::UnreadableFile, path, Pos::UNKNOWN, message)
                .help(help.to_owned()),
        )
    };
    let meta = match fs::metadata(path) {
        Ok(meta) => meta,
        Err(e) => {
            return fail(
                format!("cannot read the file: {e}"),
                "check the path and its permissions",
            );
        }
    };
    if !meta.is_file() {
        return fail(
            "is not a regular file".into(),
            "runbooks must be regular files",
        );
    }
    if meta.len() > MAX_FILE_BYTES {
        return fail(
            format!(
                "the file is {} bytes, over the {MAX_FILE_BYTES}-byte limit",
                meta.len()
            ),
            "a runbook is a few kilobytes; split it, or check that this is the right file",
        );
    }
    // Sized from the metadata (one byte more, to see the end): growing the buffer by doubling
    // was a tenth of `lint`'s time over 5,000 runbooks.
    let mut bytes = Vec::with_capacity(meta.len() as usize + 1);
    let read =
        fs::File::open(path).and_then(|f| f.take(MAX_FILE_BYTES + 1).read_to_end(&mut bytes));
    if let Err(e) = read {
        return fail(
            format!("cannot read the file: {e}"),
            "check its permissions",
        );
    }
    if bytes.len() as u64 > MAX_FILE_BYTES {
        return fail(
            "the file grew over the size limit while being read".into(),
            "try again",
        );
    }
    decode(path, bytes)
}

fn decode(path: &Path, bytes: Vec<u8>) -> Result<SourceFile, Diagnostic> {
    match String::from_utf8(bytes) {
        Ok(mut text) => {
            if text.starts_with('\u{feff}') {
                text.drain(..3);
            }
            Ok(SourceFile::new(path, text))
        }
        Err(e) => {
            let pos = invalid_utf8_pos(e.as_bytes(), &e.utf8_error());
            Err(Diagnostic::new(
                Rule::InvalidUtf8,
                path,
                pos,
                "the file is not valid UTF-8".into(),
            )
            .help("save the file as UTF-8"))
        }
    }
}

/// The runbook files below `root`: regular `*.yaml`/`*.yml` files, links never followed, in
/// byte order of their paths so every run sees the same order. Files that look like runbooks but
/// cannot be one (links, pipes, names that are not UTF-8) are diagnostics.
pub fn find_runbooks(root: &Path) -> (Vec<PathBuf>, Vec<Diagnostic>) {
    let mut files = Vec::new();
    let mut diagnostics = Vec::new();
    let walk = WalkDir::new(root).follow_links(false).sort_by_file_name();
    for entry in walk {
        let entry = match entry {
            Ok(entry) => entry,
            Err(e) => {
                let path = e.path().unwrap_or(root).to_path_buf();
                diagnostics.push(Diagnostic::new(
                    Rule::UnreadableFile,
                    path,
                    Pos::UNKNOWN,
                    format!("cannot read: {e}"),
                ));
                continue;
            }
        };
        if !looks_like_yaml(entry.path()) {
            continue;
        }
        match classify(&entry) {
            None => files.push(entry.path().to_path_buf()),
            Some(problem) => diagnostics.push(problem),
        }
    }
    (files, diagnostics)
}

fn looks_like_yaml(path: &Path) -> bool {
    let name = path
        .file_name()
        .map(|n| n.to_string_lossy())
        .unwrap_or_default();
    name.ends_with(".yaml") || name.ends_with(".yml")
}

/// Why a walked entry cannot be read as a file (a link, a pipe, a name that is not UTF-8), or
/// `None` for a regular file or a folder.
pub fn classify(entry: &walkdir::DirEntry) -> Option<Diagnostic> {
    let path = entry.path();
    let kind = entry.file_type();
    let (message, help) = if kind.is_symlink() {
        (
            "is a symbolic link, and opsbook does not follow links",
            "copy the file into the folder instead of linking it",
        )
    } else if kind.is_dir() {
        return None;
    } else if !kind.is_file() {
        (
            "is not a regular file (a pipe, socket or device)",
            "runbooks and rule files must be regular files; remove it",
        )
    } else if path.to_str().is_none() {
        (
            "has a name that is not valid UTF-8, so it cannot become a runbook id",
            "rename the file using lowercase letters, digits and `-`",
        )
    } else {
        return None;
    };
    Some(Diagnostic::new(Rule::UnreadableFile, path, Pos::UNKNOWN, message.into()).help(help))
}

/// The id of a runbook: its path below `root` without the extension, `/`-separated.
/// Files outside `root` (named on the command line) use their file stem.
pub fn runbook_id(root: &Path, path: &Path) -> String {
    let relative = path
        .strip_prefix(root)
        .unwrap_or_else(|_| Path::new(path.file_name().unwrap_or_default()));
    let relative = relative.with_extension("");
    let parts: Vec<String> = relative
        .components()
        .map(|c| c.as_os_str().to_string_lossy().into_owned())
        .collect();
    parts.join("/")
}
