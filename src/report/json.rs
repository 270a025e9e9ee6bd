//! `--format json`: one object, `{"summary": …, "diagnostics": […]}` for lint and
//! `{"summary": …, "results": […]}` for check, as DESIGN.md specifies.

use std::io::{self, Write};

use serde_json::{Value, json};

use super::{LintReport, line_col};
use crate::check::{CheckResult, Summary};
use crate::source::display_path;

pub fn write_lint(report: &LintReport, out: &mut dyn Write) -> io::Result<()> {
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
        "summary": {
            "files": report.files,
            "errors": report.errors(),
            "warnings": report.warnings(),
            "infos": report.infos(),
        },
        "diagnostics": diagnostics,
    });
    finish(&value, out)
}

pub fn write_check(results: &[CheckResult], out: &mut dyn Write) -> io::Result<()> {
    let s = Summary::of(results);
    let value = json!({
        "summary": {
            "passed": s.passed,
            "failed": s.failed,
            "errors": s.errors,
            "manual": s.manual,
            "skipped": s.skipped,
        },
        "results": results.iter().map(result).collect::<Vec<Value>>(),
    });
    finish(&value, out)
}

fn result(r: &CheckResult) -> Value {
    json!({
        "runbook": r.runbook,
        "id": r.id,
        "title": r.title,
        "outcome": r.outcome.as_str(),
        "status": r.status,
        "time_ms": r.time_ms,
        "request_id": r.request_id,
        "command": r.command,
        "failures": r.failures.iter().map(|f| json!({
            "expectation": f.expectation,
            "expected": f.expected,
            "actual": f.actual,
        })).collect::<Vec<Value>>(),
        "error": r.error,
        "note": r.note,
        "truncated": r.truncated,
        "attempts": r.attempts,
    })
}

fn finish(value: &Value, out: &mut dyn Write) -> io::Result<()> {
    serde_json::to_writer_pretty(&mut *out, value)?;
    writeln!(out)
}
