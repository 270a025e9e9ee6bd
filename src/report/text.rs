//! The human view: rustc-style snippets with annotate-snippets, then a summary line.

use std::io::{self, Write};

use annotate_snippets::{AnnotationKind, Level, Renderer, Snippet};

use super::{LintReport, location};
use crate::diagnostic::{Diagnostic, Severity};
use crate::source::{SourceFile, display_path};

pub fn write(report: &LintReport, styled: bool, out: &mut dyn Write) -> io::Result<()> {
    let renderer = if styled {
        Renderer::styled()
    } else {
        Renderer::plain()
    };
    for d in report.diagnostics {
        let source = (report.sources)(&d.file);
        writeln!(out, "{}\n", render(&renderer, d, source))?;
    }
    writeln!(out, "{}", summary(report))
}

fn render(renderer: &Renderer, d: &Diagnostic, source: Option<&SourceFile>) -> String {
    let level = || match d.severity {
        Severity::Error => Level::ERROR,
        Severity::Warning => Level::WARNING,
    };
    let path = display_path(&d.file);
    let title = level().primary_title(d.message.as_str()).id(d.rule.name());
    let group = match source.filter(|s| d.pos.is_known() && s.line(d.pos.line).is_some()) {
        Some(source) => {
            let (start, end) = line_span(source, d);
            let snippet = Snippet::source(source.text.as_str())
                .path(path.as_str())
                .fold(true)
                .annotation(AnnotationKind::Primary.span(start..end));
            title.element(snippet)
        }
        // No text to show: name the place in an origin line, the way rustc does for a file.
        None => title.element(annotate_snippets::Origin::path(location(d))),
    };
    let group = match &d.help {
        Some(help) => group.element(Level::HELP.message(help.as_str())),
        None => group,
    };
    renderer.render(&[group])
}

/// The span to underline: the placeholder or word at the position, at least one character.
fn line_span(source: &SourceFile, d: &Diagnostic) -> (usize, usize) {
    let start = source.offset(d.pos);
    let rest = &source.text[start..];
    let len = if rest.starts_with("{{") {
        rest.find("}}").map_or(2, |i| i + 2)
    } else {
        rest.find(|c: char| c.is_whitespace() || matches!(c, ',' | ']' | '}'))
            .unwrap_or(rest.len())
    };
    let len = if len == 0 {
        rest.chars().next().map_or(0, char::len_utf8)
    } else {
        len
    };
    (start, start + len)
}

pub fn summary(report: &LintReport) -> String {
    let plural = |n: usize, what: &str| {
        if n == 1 {
            format!("1 {what}")
        } else {
            format!("{n} {what}s")
        }
    };
    format!(
        "{}: {}, {}",
        plural(report.files, "file"),
        plural(report.errors(), "error"),
        plural(report.warnings(), "warning")
    )
}
