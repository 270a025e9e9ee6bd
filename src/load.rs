//! Finding runbook files and parsing YAML with positions and explicit limits.
//!
//! Everything the user wrote that cannot be read becomes a `Diagnostic` naming the file (and the
//! line and column where there is one); nothing here panics on input.

use crate::rule::Rule;

use std::fs;
use std::io::Read;
use std::path::{Path, PathBuf};

use serde::de::DeserializeOwned;
use walkdir::WalkDir;

use crate::diagnostic::Diagnostic;
use crate::model::{Config, Runbook};
use crate::source::{Pos, SourceFile, invalid_utf8_pos};

/// Files larger than this are refused before they are read: a runbook is a few KB.
pub const MAX_FILE_BYTES: u64 = 4 * 1024 * 1024;
/// Nesting deeper than this is refused; a runbook needs about six levels.
pub const MAX_DEPTH: usize = 64;
/// At most this many nodes once every alias is expanded (a billion-laughs bomb has billions).
pub const MAX_EXPANDED_NODES: u64 = 100_000;

/// A runbook and where it came from.
#[derive(Debug)]
pub struct LoadedRunbook {
    /// Its path below the runbooks folder, without the extension.
    pub id: String,
    pub source: SourceFile,
    pub runbook: Runbook,
}

/// Parses a YAML document into `T` with opsbook's limits. Positions are 1-based.
pub fn parse<T: DeserializeOwned>(file: &SourceFile) -> Result<T, Diagnostic> {
    if file
        .text
        .trim()
        .lines()
        .all(|l| l.trim().is_empty() || l.trim_start().starts_with('#'))
    {
        return Err(Diagnostic::new(
            Rule::InvalidYaml,
            &file.path,
            Pos::new(1, 1),
            "the file holds no YAML document".into(),
        )
        .help("write the runbook's fields (`opsbook init` shows an example), or delete the file"));
    }
    crate::load_limits::check(file)?;
    serde_saphyr::from_str_with_options(&file.text, options())
        .map_err(|e| crate::load_error::diagnose(file, &e))
}

fn options() -> serde_saphyr::Options {
    let mut budget = serde_saphyr::Budget::default();
    budget.max_depth = MAX_DEPTH;
    budget.max_documents = 1;
    budget.max_nodes = 200_000;
    budget.max_total_scalar_bytes = MAX_FILE_BYTES as usize;
    let mut options = serde_saphyr::Options::default();
    options.budget = Some(budget);
    options.with_snippet = false;
    options.strict_booleans = true;
    options
}

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
    let mut bytes = Vec::new();
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

fn classify(entry: &walkdir::DirEntry) -> Option<Diagnostic> {
    let path = entry.path();
    let kind = entry.file_type();
    let (message, help) = if kind.is_symlink() {
        (
            "is a symbolic link, and opsbook does not follow links",
            "copy the runbook into the folder instead of linking it",
        )
    } else if kind.is_dir() {
        return None;
    } else if !kind.is_file() {
        (
            "is not a regular file (a pipe, socket or device)",
            "runbooks must be regular files; remove it from the runbooks folder",
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

/// A file that could not be loaded: why, and its text when it was read (to show the line).
#[derive(Debug)]
pub struct Unloaded {
    pub diagnostic: Diagnostic,
    pub source: Option<SourceFile>,
}

fn unloaded(diagnostic: Diagnostic, source: Option<SourceFile>) -> Box<Unloaded> {
    Box::new(Unloaded { diagnostic, source })
}

/// Loads one runbook file. A file that was read but not parsed comes back with its text, so
/// that the diagnostic can show the line.
pub fn load_runbook(root: &Path, path: &Path) -> Result<LoadedRunbook, Box<Unloaded>> {
    let source = read_source(path).map_err(|d| unloaded(d, None))?;
    match parse::<Runbook>(&source) {
        Ok(runbook) => Ok(LoadedRunbook {
            id: runbook_id(root, path),
            source,
            runbook,
        }),
        Err(d) => Err(unloaded(d, Some(source))),
    }
}

/// Loads `opsbook.yaml` if it exists.
pub fn load_config(path: &Path) -> Result<Option<(SourceFile, Config)>, Box<Unloaded>> {
    if !path.exists() {
        return Ok(None);
    }
    let source = read_source(path).map_err(|d| unloaded(d, None))?;
    match parse::<Config>(&source) {
        Ok(config) => Ok(Some((source, config))),
        Err(mut d) => {
            d.rule = Rule::InvalidConfig;
            Err(unloaded(d, Some(source)))
        }
    }
}
