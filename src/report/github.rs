//! `--format github`: workflow commands that GitHub Actions turns into annotations.

use std::io::{self, Write};

use super::{LintReport, line_col};
use crate::diagnostic::Severity;
use crate::source::display_path;

pub fn write(report: &LintReport, out: &mut dyn Write) -> io::Result<()> {
    for d in report.diagnostics {
        let kind = match d.severity {
            Severity::Error => "error",
            Severity::Warning => "warning",
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

// GitHub's escaping rules for workflow command data and properties.
fn data(s: &str) -> String {
    s.replace('%', "%25")
        .replace('\r', "%0D")
        .replace('\n', "%0A")
}

fn property(s: &str) -> String {
    data(s).replace(':', "%3A").replace(',', "%2C")
}
