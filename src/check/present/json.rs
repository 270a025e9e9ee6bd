//! `--format json`: one object with the summary and every result, as DESIGN.md specifies.

use std::io::{self, Write};

use serde_json::{Value, json};

use crate::check::{CheckResult, Summary};

pub fn write(results: &[CheckResult], out: &mut dyn Write) -> io::Result<()> {
    let s = Summary::of(results);
    let doc = json!({
        "summary": {"passed": s.passed, "failed": s.failed, "errors": s.errors},
        "results": results.iter().map(result).collect::<Vec<Value>>(),
    });
    serde_json::to_writer_pretty(&mut *out, &doc)?;
    writeln!(out)
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
        "truncated": r.truncated,
        "attempts": r.attempts,
    })
}
