//! `--format json`: one object, `{"summary": …, "diagnostics": […]}`.

use std::io::{self, Write};

use serde_json::json;

use super::{LintReport, line_col};
use crate::source::display_path;

pub fn write(report: &LintReport, out: &mut dyn Write) -> io::Result<()> {
    let diagnostics: Vec<_> = report
        .diagnostics
        .iter()
        .map(|d| {
            let (line, column) = if d.pos.is_known() {
                line_col(d.pos)
            } else {
                (0, 0)
            };
            json!({
                "file": display_path(&d.file),
                "line": line,
                "column": column,
                "rule": d.rule.name(),
                "severity": d.severity.as_str(),
                "message": d.message,
                "help": d.help,
            })
        })
        .collect();
    let value = json!({
        "summary": { "files": report.files, "errors": report.errors(), "warnings": report.warnings() },
        "diagnostics": diagnostics,
    });
    serde_json::to_writer_pretty(&mut *out, &value)?;
    writeln!(out)
}
