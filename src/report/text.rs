//! The human view. Lint: rustc-style snippets with annotate-snippets. Check: one line per
//! check, its failures indented below. Both end with the summary line.

use std::io::{self, Write};

use annotate_snippets::{AnnotationKind, Level, Renderer, Snippet};
use anstyle::{AnsiColor, Style};

use super::summary::{check_summary, lint_summary};
use super::{LintReport, View, location};
use crate::check::{CheckResult, Outcome, Summary};
use crate::diagnostic::{Diagnostic, Severity};
use crate::source::{SourceFile, display_path};

/// Quiet leaves warnings and info out; the summary still counts them and says how many it hid.
pub fn write_lint(report: &LintReport, view: View, out: &mut dyn Write) -> io::Result<()> {
    let renderer = if view.styled {
        Renderer::styled()
    } else {
        Renderer::plain()
    };
    let mut hidden = 0;
    for d in report.diagnostics {
        if view.quiet && !d.is_error() {
            hidden += 1;
            continue;
        }
        let source = (report.sources)(&d.file);
        writeln!(out, "{}\n", render(&renderer, d, source))?;
    }
    let summary = lint_summary(report.files, report.diagnostics, hidden);
    writeln!(out, "{summary}")
}

fn render(renderer: &Renderer, d: &Diagnostic, source: Option<&SourceFile>) -> String {
    let level = || match d.severity {
        Severity::Error => Level::ERROR,
        Severity::Warning => Level::WARNING,
        Severity::Info => Level::INFO,
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

/// Quiet leaves passing checks out; the summary still counts them.
pub fn write_check(results: &[CheckResult], view: View, out: &mut dyn Write) -> io::Result<()> {
    for r in results
        .iter()
        .filter(|r| !view.quiet || r.outcome != Outcome::Pass)
    {
        writeln!(out, "{}", check_line(r, view.styled))?;
        for f in &r.failures {
            let (what, expected) = (printable(&f.expectation), printable(&f.expected));
            writeln!(out, "       {what}: expected {expected}")?;
            let pad = " ".repeat(what.chars().count());
            writeln!(out, "       {pad}  got {}", printable(&f.actual))?;
        }
        if let Some(error) = &r.error {
            writeln!(out, "       {}", printable(error))?;
        }
        if r.outcome == Outcome::Manual {
            writeln!(out, "       run by hand: {}", printable(&r.command))?;
        }
        if let Some(note) = &r.note {
            writeln!(out, "       {}", printable(note))?;
        }
        if r.truncated {
            writeln!(
                out,
                "       (body cut at 1 MiB; the rest was not downloaded)"
            )?;
        }
    }
    writeln!(out, "{}", check_summary(&Summary::of(results)))
}

/// `PASS   api#healthz  200  12ms  ob-...`: a result's line, also the progress display's.
pub fn check_line(r: &CheckResult, styled: bool) -> String {
    let word = r.outcome.word();
    let color = match r.outcome {
        Outcome::Pass => AnsiColor::Green,
        Outcome::Fail => AnsiColor::Red,
        Outcome::Error => AnsiColor::Magenta,
        Outcome::Manual => AnsiColor::Cyan,
        Outcome::Skipped => AnsiColor::Yellow,
    };
    let style = Style::new().fg_color(Some(color.into())).bold();
    let outcome = if styled {
        format!("{style}{word:<5}{style:#}")
    } else {
        format!("{word:<5}")
    };
    let status = r.status.map_or("-".into(), |s| s.to_string());
    format!(
        "{outcome}  {}  {status}  {}ms  {}",
        r.name(),
        r.time_ms,
        r.request_id
    )
}

/// What a server sent may hold terminal escapes; they are shown as spaces.
fn printable(s: &str) -> String {
    s.chars()
        .map(|c| if c.is_control() { ' ' } else { c })
        .collect()
}
