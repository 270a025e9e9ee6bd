//! Presenters: the same lint results as text, JSON, GitHub annotations, SARIF or JUnit.
//! Each writes to `impl Write`; nothing else in the library prints.

mod github;
mod json;
mod junit;
mod sarif;
mod text;

use std::io::{self, Write};
use std::path::Path;

use crate::diagnostic::{Diagnostic, Severity};
use crate::source::{Pos, SourceFile, display_path};

pub use junit::{xml_escape, xml_text};

#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Format {
    Text,
    Json,
    Github,
    Sarif,
    Junit,
}

/// Everything a presenter needs: the findings and a way to show the lines they point at.
pub struct LintReport<'d, 's> {
    pub diagnostics: &'d [Diagnostic],
    pub sources: &'s dyn Fn(&Path) -> Option<&'s SourceFile>,
    /// How many files were checked, for the summary line.
    pub files: usize,
}

impl LintReport<'_, '_> {
    pub fn errors(&self) -> usize {
        self.diagnostics
            .iter()
            .filter(|d| d.severity == Severity::Error)
            .count()
    }
    pub fn warnings(&self) -> usize {
        self.diagnostics.len() - self.errors()
    }
}

/// Writes the report in `format`. `styled` adds colour (text only).
pub fn write(
    format: Format,
    report: &LintReport,
    styled: bool,
    out: &mut dyn Write,
) -> io::Result<()> {
    match format {
        Format::Text => text::write(report, styled, out),
        Format::Json => json::write(report, out),
        Format::Github => github::write(report, out),
        Format::Sarif => sarif::write(report, out),
        Format::Junit => junit::write(report, out),
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
