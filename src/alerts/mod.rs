//! Prometheus alert rules cross-checked with the book, for `opsbook alerts lint` and for
//! `opsbook lint` when `opsbook.yaml` names `alert_rules`.
//!
//! Rule files ([`glob`] patterns or named paths) → [`rules`] (alerting rules with positions) →
//! [`cross`] against the [`book`]'s pages and listed alerts → diagnostics. [`urls`] says what
//! each alert's `runbook_url` should be.

mod book;
mod cross;
mod glob;
mod link;
pub mod rules;
pub mod urls;

use std::path::{Path, PathBuf};

use chrono::NaiveDate;

use crate::diagnostic::Diagnostic;
use crate::load;
use crate::rule::Rule;
use crate::source::SourceFile;
use crate::workspace::{CONFIG_FILE, Workspace};
use book::Book;
use link::Site;
use rules::RuleFile;

/// What the cross-check found, with the rule files' text to show their lines.
#[derive(Debug, Default)]
pub struct AlertLint {
    /// With `opsbook.yaml`'s levels applied, sorted.
    pub diagnostics: Vec<Diagnostic>,
    pub sources: Vec<SourceFile>,
    /// How many rule files were read.
    pub files: usize,
}

impl AlertLint {
    pub fn source(&self, path: &Path) -> Option<&SourceFile> {
        self.sources.iter().find(|s| s.path == path)
    }

    /// These findings and `others` (the runbooks' lint, levels applied) as one sorted list.
    pub fn merged_with(&self, mut others: Vec<Diagnostic>) -> Vec<Diagnostic> {
        others.extend(self.diagnostics.iter().cloned());
        others.sort_by_key(Diagnostic::sort_key);
        others
    }
}

/// Cross-checks rule files with the workspace's runbooks: the files and folders `named`, or
/// when none are, the `alert_rules` patterns of `opsbook.yaml`.
pub fn lint(ws: &Workspace, named: &[PathBuf], today: NaiveDate) -> AlertLint {
    let mut diagnostics = Vec::new();
    let (paths, all_found) = match named {
        [] => configured(ws, &mut diagnostics),
        _ => (in_folders(named, &mut diagnostics), true),
    };
    let files: Vec<RuleFile> = paths.iter().map(|p| rules::read(p)).collect();
    let site = site(ws, &mut diagnostics);
    let book = Book::of(&ws.runbooks);
    let input = cross::Input {
        book: &book,
        site: site.as_ref(),
        files: &files,
        complete: all_found && !files.is_empty() && files.iter().all(RuleFile::complete),
    };
    diagnostics.extend(cross::check(&input));
    let mut sources = Vec::new();
    for file in files {
        diagnostics.extend(file.diagnostics);
        sources.extend(file.source);
    }
    AlertLint {
        diagnostics: crate::lint::apply_levels(diagnostics, &ws.lint_options(today)),
        sources,
        files: paths.len(),
    }
}

/// The files of `opsbook.yaml`'s `alert_rules` patterns, each once, and whether every pattern
/// matched something. A pattern that matches nothing is a warning naming it.
fn configured(ws: &Workspace, out: &mut Vec<Diagnostic>) -> (Vec<PathBuf>, bool) {
    let mut paths: Vec<PathBuf> = Vec::new();
    let mut all_found = true;
    for pattern in &ws.config.alert_rules {
        let (found, problems) = glob::expand(&ws.root, &pattern.value);
        if found.is_empty() && problems.is_empty() {
            all_found = false;
            let message = format!("`alert_rules` pattern `{}` matches no file", pattern.value);
            let help = "paths are relative to opsbook.yaml's folder; `*` and `?` match within a folder, `**` any number of folders";
            out.push(
                Diagnostic::new(
                    Rule::AlertCheckIncomplete,
                    config_path(ws),
                    pattern.pos,
                    message,
                )
                .help(help),
            );
        }
        out.extend(problems);
        for path in found {
            if !paths.contains(&path) {
                paths.push(path);
            }
        }
    }
    (paths, all_found)
}

/// Files named on the command line, and the YAML files of folders named there.
fn in_folders(named: &[PathBuf], out: &mut Vec<Diagnostic>) -> Vec<PathBuf> {
    let mut paths = Vec::new();
    for path in named {
        if path.is_dir() {
            let (files, problems) = load::find_runbooks(path);
            paths.extend(files);
            out.extend(problems);
        } else {
            paths.push(path.clone());
        }
    }
    paths
}

/// The book's address, or a warning (once) that runbook URLs cannot be checked without it.
fn site(ws: &Workspace, out: &mut Vec<Diagnostic>) -> Option<Site> {
    let no_site = match Site::of(&ws.config) {
        Ok(site) => return Some(site),
        Err(no_site) => no_site,
    };
    let message = format!(
        "{}, so no `runbook_url` is checked against the book's pages",
        no_site.message
    );
    let d = Diagnostic::new(
        Rule::AlertCheckIncomplete,
        config_path(ws),
        no_site.pos,
        message,
    );
    out.push(d.help(link::SET_SITE));
    None
}

/// `opsbook.yaml` as the user names it, whether or not it exists.
fn config_path(ws: &Workspace) -> PathBuf {
    match &ws.config_source {
        Some(source) => source.path.clone(),
        None => ws.root.join(CONFIG_FILE),
    }
}
