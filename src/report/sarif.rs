//! `--format sarif`: a SARIF 2.1.0 log with one run, the rules that fired and their results.

use std::io::{self, Write};

use serde_json::json;

use super::{LintReport, line_col};
use crate::diagnostic::Severity;
use crate::rule::Rule;
use crate::source::display_path;

pub fn write(report: &LintReport, out: &mut dyn Write) -> io::Result<()> {
    // Only the rules that fired: the log stays small and its rule table stable.
    let fired: Vec<Rule> = Rule::ALL
        .iter()
        .copied()
        .filter(|r| report.diagnostics.iter().any(|d| d.rule == *r))
        .collect();
    let rules: Vec<_> = fired
        .iter()
        .map(|r| {
            json!({
                "id": r.name(),
                "name": r.name(),
                "shortDescription": { "text": r.summary() },
                "fullDescription": { "text": r.doc() },
                "defaultConfiguration": { "level": sarif_level(r.default_severity()) },
                "properties": { "code": r.code() },
            })
        })
        .collect();
    let results: Vec<_> = report
        .diagnostics
        .iter()
        .map(|d| {
            let (line, column) = line_col(d.pos);
            // The index into the rule list of this log, which holds only the rules that fired.
            let index = fired.iter().position(|r| *r == d.rule).unwrap_or(0);
            let text = match &d.help {
                Some(help) => format!("{} (help: {help})", d.message),
                None => d.message.clone(),
            };
            json!({
                "ruleId": d.rule.name(),
                "ruleIndex": index,
                "level": sarif_level(d.severity),
                "message": { "text": text },
                "locations": [{ "physicalLocation": {
                    "artifactLocation": { "uri": display_path(&d.file) },
                    "region": { "startLine": line, "startColumn": column },
                }}],
            })
        })
        .collect();
    let log = json!({
        "$schema": "https://json.schemastore.org/sarif-2.1.0.json",
        "version": "2.1.0",
        "runs": [{
            "tool": { "driver": {
                "name": "opsbook",
                "version": env!("CARGO_PKG_VERSION"),
                "informationUri": "https://github.com/opsbook/opsbook",
                "rules": rules,
            }},
            "results": results,
        }],
    });
    serde_json::to_writer_pretty(&mut *out, &log)?;
    writeln!(out)
}

fn sarif_level(severity: Severity) -> &'static str {
    match severity {
        Severity::Error => "error",
        Severity::Warning => "warning",
    }
}
