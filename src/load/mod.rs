//! Finding runbook files and parsing YAML with positions and explicit limits.
//!
//! Everything the user wrote that cannot be read becomes a `Diagnostic` naming the file (and the
//! line and column where there is one); nothing here panics on input. A structural problem
//! (unknown field, wrong type, duplicate key) does not stop the file: the rest still loads, so
//! one run reports every finding.

mod de;
mod error;
mod fast;
mod files;
mod limits;
mod recover;
mod scalar;
mod tree;

use std::path::Path;

use serde::de::DeserializeOwned;

pub use files::{classify, find_runbooks, read_source, runbook_id};
pub use tree::{Entry, Kind as NodeKind, Node};

use crate::diagnostic::Diagnostic;
use crate::model::{Config, Runbook};
use crate::rule::Rule;
use crate::source::SourceFile;
use error::Finding;

/// Files larger than this are refused before they are read: a runbook is a few KB.
pub const MAX_FILE_BYTES: u64 = 4 * 1024 * 1024;
/// Nesting deeper than this is refused; a runbook needs about six levels.
pub const MAX_DEPTH: usize = 64;
/// At most this many nodes added by expanding aliases (a billion-laughs bomb adds billions).
/// Only the copies count: the nodes written out are already bounded by [`MAX_FILE_BYTES`], and a
/// legitimate big runbook (10,000 failure modes is 200,000 nodes) must not be taken for a bomb
/// because it also uses one alias.
pub const MAX_ALIAS_NODES: u64 = 100_000;

/// A runbook and where it came from.
#[derive(Debug)]
pub struct LoadedRunbook {
    /// Its path below the runbooks folder, without the extension.
    pub id: String,
    pub source: SourceFile,
    pub runbook: Runbook,
}

/// What parsing a file gave: the value when one could be built (possibly with some entries
/// left out), and every problem found, in the order found.
#[derive(Debug)]
pub struct Parsed<T> {
    pub value: Option<T>,
    pub diagnostics: Vec<Diagnostic>,
}

impl<T> Parsed<T> {
    /// The value only if nothing at all was found, else the first finding: for small files
    /// (`opsbook.yaml`, front matter) where any problem changes the meaning of the rest.
    pub fn strict(self, file: &SourceFile) -> Result<T, Diagnostic> {
        match (self.value, self.diagnostics.into_iter().next()) {
            (Some(value), None) => Ok(value),
            (_, Some(first)) => Err(first),
            (None, None) => {
                let f = limits::no_document();
                Err(Diagnostic::new(f.rule, &file.path, f.pos, f.message).help(f.help))
            }
        }
    }
}

/// Parses a YAML document into `T` with opsbook's limits. Positions are 1-based.
pub fn parse<T: DeserializeOwned>(file: &SourceFile) -> Parsed<T> {
    let (value, findings) = parse_text(&file.text);
    let diagnostics = findings
        .into_iter()
        .map(|f| Diagnostic::new(f.rule, &file.path, f.pos, f.message).help(f.help))
        .collect();
    Parsed { value, diagnostics }
}

fn parse_text<T: DeserializeOwned>(text: &str) -> (Option<T>, Vec<Finding>) {
    if text
        .lines()
        .all(|l| l.trim().is_empty() || l.trim_start().starts_with('#'))
    {
        return (None, vec![limits::no_document()]);
    }
    let built = tree::build(text);
    let mut findings = built.findings;
    let Some(root) = built.root else {
        if findings.is_empty() {
            findings.push(limits::no_document());
        }
        return (None, findings);
    };
    let (value, more) = recover::deserialize(root);
    findings.extend(more);
    (value, findings)
}

/// Every document of a file that holds several by design (Prometheus rule files, Kubernetes
/// manifests), as trees with positions, under the same limits as a runbook; and what could not
/// be read. Documents before a syntax error are kept.
pub struct Documents<'a> {
    pub nodes: Vec<Node<'a>>,
    pub diagnostics: Vec<Diagnostic>,
}

/// Parses every YAML document of `file`. A file of blank lines and comments holds none.
pub fn parse_documents(file: &SourceFile) -> Documents<'_> {
    let built = tree::build_documents(&file.text);
    let diagnostics = built
        .findings
        .into_iter()
        .map(|f| Diagnostic::new(f.rule, &file.path, f.pos, f.message).help(f.help))
        .collect();
    Documents {
        nodes: built.documents,
        diagnostics,
    }
}

/// Whether the fast path reads `text` itself (true) or leaves it to the reference parser.
pub fn fast_path_reads(text: &str) -> bool {
    fast::events(text, &mut |_, _| Ok(())).is_ok()
}

/// Whether the fast path agrees with the reference parser on `text` (see `load/fast.rs`):
/// for tests and the fuzz target.
pub fn fast_path_agrees(text: &str) -> Result<(), String> {
    fast::agrees_with_reference(text)
}

/// Parses YAML text into `T`, failing on any finding: for tests and embedded documents.
pub fn from_str<T: DeserializeOwned>(yaml: &str) -> Result<T, String> {
    match parse_text(yaml) {
        (Some(value), findings) if findings.is_empty() => Ok(value),
        (_, findings) => Err(findings
            .iter()
            .map(|f| format!("{}:{}: {}", f.pos.line, f.pos.column, f.message))
            .collect::<Vec<_>>()
            .join("\n")),
    }
}

/// One runbook file as loaded: its text when it was read, the runbook when one could be built,
/// and every finding.
#[derive(Debug)]
pub struct RunbookFile {
    pub id: String,
    pub source: Option<SourceFile>,
    pub runbook: Option<Runbook>,
    pub diagnostics: Vec<Diagnostic>,
}

impl RunbookFile {
    /// The loaded runbook (if any), the text of a file that gave none (to show its lines in
    /// diagnostics), and the findings.
    pub fn into_parts(self) -> (Option<LoadedRunbook>, Option<SourceFile>, Vec<Diagnostic>) {
        let id = self.id;
        match (self.source, self.runbook) {
            (Some(source), Some(runbook)) => (
                Some(LoadedRunbook {
                    id,
                    source,
                    runbook,
                }),
                None,
                self.diagnostics,
            ),
            (source, _) => (None, source, self.diagnostics),
        }
    }
}

/// Loads one runbook file.
pub fn load_runbook(root: &Path, path: &Path) -> RunbookFile {
    let id = runbook_id(root, path);
    let source = match read_source(path) {
        Ok(source) => source,
        Err(d) => {
            return RunbookFile {
                id,
                source: None,
                runbook: None,
                diagnostics: vec![d],
            };
        }
    };
    let parsed = parse::<Runbook>(&source);
    RunbookFile {
        id,
        source: Some(source),
        runbook: parsed.value,
        diagnostics: parsed.diagnostics,
    }
}

/// A file that could not be loaded: why, and its text when it was read (to show the line).
#[derive(Debug)]
pub struct Unloaded {
    pub diagnostics: Vec<Diagnostic>,
    pub source: Option<SourceFile>,
    /// What could be read despite the problems (an unknown field set aside, say), so the
    /// rest of it is still checked.
    pub config: Option<Config>,
}

/// Loads `opsbook.yaml` if it exists. The config changes the meaning of everything else, so any
/// problem in it is an `invalid-config` error (exit 2); all of them are reported at once.
pub fn load_config(path: &Path) -> Result<Option<(SourceFile, Config)>, Box<Unloaded>> {
    if !path.exists() {
        return Ok(None);
    }
    let source = read_source(path).map_err(|d| {
        Box::new(Unloaded {
            diagnostics: vec![config_finding(d)],
            source: None,
            config: None,
        })
    })?;
    let parsed = parse::<Config>(&source);
    match parsed.value {
        Some(config) if parsed.diagnostics.is_empty() => Ok(Some((source, config))),
        value => Err(Box::new(Unloaded {
            diagnostics: parsed.diagnostics.into_iter().map(config_finding).collect(),
            source: Some(source),
            config: value,
        })),
    }
}

/// A problem of `opsbook.yaml`, with advice about the config rather than about runbooks.
fn config_finding(mut d: Diagnostic) -> Diagnostic {
    d.rule = Rule::InvalidConfig;
    d.severity = Rule::InvalidConfig.default_severity();
    if d.help
        .as_deref()
        .is_none_or(|h| h.contains("opsbook schema"))
    {
        d.help = Some(
            "write it as the README's `opsbook.yaml` section shows (`deny_warnings: true`, `review_every_days: 90`)"
                .to_owned(),
        );
    }
    d
}
