//! `--format github`: workflow commands that GitHub Actions turns into annotations. Lint
//! findings point at their file and line; a failed or errored check is an `::error` titled
//! `runbook#check` (passing checks make no annotation).

use std::io::{self, Write};

use super::{CheckReport, LintReport, check_problems, line_col};
use crate::diagnostic::Severity;
use crate::source::display_path;

pub fn write_lint(report: &LintReport, out: &mut dyn Write) -> io::Result<()> {
    for d in report.diagnostics {
        let kind = match d.severity {
            Severity::Error => "error",
            Severity::Warning => "warning",
            Severity::Info => "notice",
        };
        let (line, col) = line_col(d.pos);
        let mut message = d.message.clone();
        if let Some(help) = &d.help {
            message = format!("{message}\nhelp: {help}");
        }
        writeln!(
            out,
            "::{kind} file={},line={line},col={col},title={}::{}",
            property(&display_path(&d.file)),
            property(d.rule.name()),
            data(&message)
        )?;
    }
    Ok(())
}

pub fn write_check(report: &CheckReport, out: &mut dyn Write) -> io::Result<()> {
    for r in report.results.iter().filter(|r| r.outcome.is_bad()) {
        let mut lines = check_problems(r);
        lines.push(format!("request id: {}", r.request_id));
        // The annotation sits on the check's line in the pull request, when its place is known.
        let place = match report.places.get(&r.name()) {
            Some(p) if p.pos.is_known() => format!(
                "file={},line={},col={},",
                property(&p.file),
                p.pos.line,
                p.pos.column.max(1)
            ),
            Some(p) => format!("file={},", property(&p.file)),
            None => String::new(),
        };
        writeln!(
            out,
            "::error {place}title={}::{}",
            property(&r.name()),
            data(&lines.join("\n"))
        )?;
    }
    Ok(())
}

// GitHub's escaping rules for workflow command data and properties: `%`, CR and LF encoded
// (so a value cannot end the command and start another, such as a forged `::error`). The
// other controls, bidi and zero-width characters are made visible first, as in the text view.
fn data(s: &str) -> String {
    crate::terminal::escape_keeping_newlines(s)
        .replace('%', "%25")
        .replace('\r', "%0D")
        .replace('\n', "%0A")
}

fn property(s: &str) -> String {
    data(s).replace(':', "%3A").replace(',', "%2C")
}
