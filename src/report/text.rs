//! The human view. Lint: rustc-style snippets with annotate-snippets. Check: one line per
//! check, its failures indented below. Both end with the summary line.

use std::borrow::Cow;
use std::io::{self, Write};
use std::ops::Range;

use annotate_snippets::{AnnotationKind, Level, Renderer, Snippet};
use anstyle::{AnsiColor, Style};

use super::summary::{check_summary, lint_summary};
use super::{LintReport, View, location};
use crate::check::{CheckResult, Outcome, Summary};
use crate::diagnostic::{Diagnostic, Severity};
use crate::source::{SourceFile, display_path};
use crate::terminal::{self, escape};

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
    let path = escape(&path);
    let place = location(d);
    let place = escape(&place);
    let message = escape(&d.message);
    let title = level().primary_title(message.as_ref()).id(d.rule.name());
    let group = match source.filter(|s| d.pos.is_known() && s.line(d.pos.line).is_some()) {
        Some(source) => {
            let (window, first_line, span) = excerpt(source, d);
            let (lines, span) = visible(&source.text[window], span);
            let snippet = Snippet::source(lines)
                .path(path.as_ref())
                .line_start(first_line)
                .fold(true)
                .annotation(AnnotationKind::Primary.span(span));
            title.element(snippet)
        }
        // No text to show: name the place in an origin line, the way rustc does for a file.
        None => title.element(annotate_snippets::Origin::path(place.as_ref())),
    };
    let group = match &d.help {
        Some(help) => group.element(Level::HELP.message(escape(help))),
        None => group,
    };
    renderer.render(&[group])
}

/// The lines the snippet shows, the first one's number and the span to underline within them.
/// Only these lines go to the renderer: handing it the whole file made every finding cost the
/// file's size (20,000 findings in one file took a minute).
fn excerpt(source: &SourceFile, d: &Diagnostic) -> (Range<usize>, usize, Range<usize>) {
    let (start, end) = line_span(source, d);
    let mut first = source.pos_of(start).line;
    if start == source.text.len() && source.text.ends_with('\n') {
        // The empty line after the last line ending: the renderer shows the end of the last.
        first -= 1;
    }
    // A span that takes in a line ending reaches the next line: the renderer shows both.
    let last = source.pos_of(end).line;
    let from = source.line_range(first).map_or(start, |line| line.start);
    // Up to the next line's start: the last line's ending stays in, as a span may underline it.
    let to = source
        .line_range(last + 1)
        .map_or(source.text.len(), |next| next.start);
    (from..to, first as usize, start - from..end - from)
}

/// The lines as the snippet shows them. The renderer shows ASCII controls as pictures (`␛`)
/// itself; every other unsafe character (C1 controls, bidi controls, zero-width characters)
/// becomes `�`, one character for one, so that columns and the underline stay put.
fn visible(lines: &str, span: Range<usize>) -> (Cow<'_, str>, Range<usize>) {
    let passed = |c: char| terminal::is_unsafe(c) && !c.is_ascii();
    if !lines.chars().any(passed) {
        return (Cow::Borrowed(lines), span);
    }
    let (mut out, mut start, mut end) = (String::with_capacity(lines.len()), span.start, span.end);
    for (at, c) in lines.char_indices() {
        let shown = if passed(c) { '\u{FFFD}' } else { c };
        // Offsets after a replaced character move by the difference in its length.
        let moved = |offset: usize| {
            if at < offset {
                offset + shown.len_utf8() - c.len_utf8()
            } else {
                offset
            }
        };
        (start, end) = (moved(start), moved(end));
        out.push(shown);
    }
    (Cow::Owned(out), start..end)
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
            let (what, expected) = (escape(&f.expectation), escape(&f.expected));
            writeln!(out, "       {what}: expected {expected}")?;
            let pad = " ".repeat(what.chars().count());
            writeln!(out, "       {pad}  got {}", escape(&f.actual))?;
        }
        if let Some(error) = &r.error {
            writeln!(out, "       {}", escape(error))?;
        }
        if r.outcome == Outcome::Manual {
            writeln!(out, "       run by hand: {}", escape(&r.command))?;
        }
        if let Some(note) = &r.note {
            writeln!(out, "       {}", escape(note))?;
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
        escape(&r.name()),
        r.time_ms,
        escape(&r.request_id)
    )
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::rule::Rule;
    use crate::source::Pos;

    /// What the snippet looked like when the renderer was handed the whole file.
    fn render_whole(d: &Diagnostic, source: &SourceFile) -> String {
        let (start, end) = line_span(source, d);
        let snippet = Snippet::source(source.text.as_str())
            .path("t.yaml")
            .fold(true)
            .annotation(AnnotationKind::Primary.span(start..end));
        let group = Level::ERROR
            .primary_title(d.message.as_str())
            .id(d.rule.name())
            .element(snippet);
        Renderer::plain().render(&[group])
    }

    #[test]
    fn an_excerpt_renders_like_the_whole_file() {
        let texts = [
            "a: 1\nb: {{ x }}\n",
            "a: é{{ y\n  }} z\r\nc: '€ x'\n\nd: [1, 2]",
            "curl: |\n  curl {{ target }}/é/{{ nope\n  }}/x\n",
            "\n\n{{\n",
        ];
        for text in texts {
            let source = SourceFile::new("t.yaml", text);
            for line in 1..=6 {
                for column in 1..=14 {
                    let pos = Pos::new(line, column);
                    if source.line(line).is_none() {
                        continue;
                    }
                    let d = Diagnostic::new(Rule::UnknownCheck, "t.yaml", pos, "m".into());
                    assert_eq!(
                        render(&Renderer::plain(), &d, Some(&source)),
                        render_whole(&d, &source),
                        "{text:?} at {pos:?}"
                    );
                }
            }
        }
    }
}
