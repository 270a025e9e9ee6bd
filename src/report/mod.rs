//! Presenters: the same lint findings and check results as text, JSON, GitHub annotations,
//! SARIF or JUnit. One [`Format`] for both, one module per format, each with a `write_lint` and
//! a `write_check`; XML escaping lives in [`xml`], the summary lines in [`summary`]. Every
//! presenter writes to `&mut dyn Write`; nothing else in the library prints.

mod github;
mod json;
mod junit;
mod sarif;
mod summary;
mod text;
pub mod xml;

#[cfg(test)]
mod tests;

use std::collections::BTreeMap;
use std::io::{self, Write};
use std::path::Path;

use crate::check::CheckResult;
use crate::diagnostic::{Diagnostic, Severity};
use crate::source::{Pos, SourceFile, display_path};

pub use summary::{check_summary, lint_summary};
pub use text::check_line;

/// Every output format, for lint and check alike.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Format {
    Text,
    Json,
    Github,
    Sarif,
    Junit,
}

impl Format {
    pub const ALL: [Format; 5] = [
        Format::Text,
        Format::Json,
        Format::Github,
        Format::Sarif,
        Format::Junit,
    ];

    /// The name users write after `--format` and in `--report FORMAT=PATH`.
    pub fn name(self) -> &'static str {
        match self {
            Format::Text => "text",
            Format::Json => "json",
            Format::Github => "github",
            Format::Sarif => "sarif",
            Format::Junit => "junit",
        }
    }

    pub fn from_name(name: &str) -> Option<Format> {
        Format::ALL.into_iter().find(|f| f.name() == name)
    }
}

/// How a report looks, as opposed to what it holds.
///
/// `quiet` only shapes the text view (warnings, or passing checks, left out; the summary still
/// counts them and says how many were hidden). The machine formats — JSON, GitHub annotations,
/// SARIF, JUnit — always hold everything: they feed tools whose counts and dashboards must not
/// depend on how chatty the terminal was asked to be. `styled` adds colour to the text view.
#[derive(Clone, Copy, Debug, Default, PartialEq, Eq)]
pub struct View {
    pub quiet: bool,
    pub styled: bool,
}

/// Everything a lint presenter needs: the findings and a way to show the lines they point at.
pub struct LintReport<'d, 's> {
    pub diagnostics: &'d [Diagnostic],
    pub sources: &'s dyn Fn(&Path) -> Option<&'s SourceFile>,
    /// How many files were checked, for the summary line.
    pub files: usize,
}

impl LintReport<'_, '_> {
    pub fn errors(&self) -> usize {
        self.count(Severity::Error)
    }
    pub fn warnings(&self) -> usize {
        self.count(Severity::Warning)
    }
    pub fn infos(&self) -> usize {
        self.count(Severity::Info)
    }
    fn count(&self, severity: Severity) -> usize {
        self.diagnostics
            .iter()
            .filter(|d| d.severity == severity)
            .count()
    }
}

/// Everything a check presenter needs: the results, and where each check is written
/// (`runbook#check` → file and position) so that annotations and SARIF point at its line. A
/// check missing from the map is reported by name only.
pub struct CheckReport<'r> {
    pub results: &'r [CheckResult],
    pub places: &'r BTreeMap<String, CheckPlace>,
}

/// Where a check is written: its runbook file (relative to the project, where CI checks the
/// repository out) and the position of its id, or of its curl line for an inline check.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct CheckPlace {
    pub file: String,
    pub pos: crate::source::Pos,
}

/// Writes the lint report in `format`.
pub fn write_lint(
    format: Format,
    report: &LintReport,
    view: View,
    out: &mut dyn Write,
) -> io::Result<()> {
    match format {
        Format::Text => text::write_lint(report, view, out),
        Format::Json => json::write_lint(report, out),
        Format::Github => github::write_lint(report, out),
        Format::Sarif => sarif::write_lint(report, out),
        Format::Junit => junit::write_lint(report, out),
    }
}

/// Writes the check report in `format`.
pub fn write_check(
    format: Format,
    report: &CheckReport,
    view: View,
    out: &mut dyn Write,
) -> io::Result<()> {
    match format {
        Format::Text => text::write_check(report.results, view, out),
        Format::Json => json::write_check(report.results, out),
        Format::Github => github::write_check(report, out),
        Format::Sarif => sarif::write_check(report, out),
        Format::Junit => junit::write_check(report.results, out),
    }
}

/// `file:line:column`, or just `file` when the finding is about the whole file.
pub fn location(d: &Diagnostic) -> String {
    let file = display_path(&d.file);
    if d.pos.is_known() {
        format!("{file}:{}:{}", d.pos.line, d.pos.column)
    } else {
        file
    }
}

fn line_col(pos: Pos) -> (u32, u32) {
    if pos.is_known() {
        (pos.line, pos.column.max(1))
    } else {
        (1, 1)
    }
}

/// What went wrong with a check, one line per unmet expectation (or its error): the same words
/// in JUnit, GitHub annotations and SARIF.
fn check_problems(r: &CheckResult) -> Vec<String> {
    let mut lines: Vec<String> = r
        .failures
        .iter()
        .map(|f| {
            format!(
                "{}: expected {}, got {}",
                f.expectation, f.expected, f.actual
            )
        })
        .collect();
    lines.extend(r.error.clone());
    if r.outcome == crate::check::Outcome::Manual {
        lines.push("run by hand".to_owned());
    }
    lines.extend(r.note.clone());
    lines
}
