//! `--format sarif`: a SARIF 2.1.0 log with one run, written from typed structures so that its
//! shape is checked by the compiler (and by the official schema in the tests).
//!
//! Lint: the rule table holds only the rules that fired, and each result's `ruleIndex` counts
//! into that table. Check: a fixed table of two rules, `check-failed` (a response came back and
//! an expectation did not hold) and `check-error` (no response to judge). Two stable rules, not
//! one per check id, because check ids are the user's names, not analyses: code scanning groups
//! alerts by rule, and "which checks fail" is what the results' locations already say.

use std::io::{self, Write};

use serde::Serialize;

use super::{CheckPlace, CheckReport, LintReport, check_problems, line_col};
use crate::check::{CheckResult, Outcome};
use crate::diagnostic::{Diagnostic, Severity};
use crate::rule::Rule;
use crate::source::display_path;

const SCHEMA: &str = "https://json.schemastore.org/sarif-2.1.0.json";

#[derive(Serialize)]
struct Log {
    #[serde(rename = "$schema")]
    schema: &'static str,
    version: &'static str,
    runs: Vec<Run>,
}

#[derive(Serialize)]
struct Run {
    tool: Tool,
    results: Vec<SarifResult>,
}

#[derive(Serialize)]
struct Tool {
    driver: Driver,
}

#[derive(Serialize)]
#[serde(rename_all = "camelCase")]
struct Driver {
    name: &'static str,
    version: &'static str,
    information_uri: &'static str,
    rules: Vec<RuleDescriptor>,
}

/// SARIF's `reportingDescriptor`.
#[derive(Serialize)]
#[serde(rename_all = "camelCase")]
struct RuleDescriptor {
    id: &'static str,
    name: &'static str,
    short_description: Text,
    full_description: Text,
    default_configuration: Configuration,
    #[serde(skip_serializing_if = "Option::is_none")]
    properties: Option<RuleProperties>,
}

#[derive(Serialize)]
struct Text {
    text: String,
}

#[derive(Serialize)]
struct Configuration {
    level: &'static str,
}

#[derive(Serialize)]
struct RuleProperties {
    code: &'static str,
}

#[derive(Serialize)]
#[serde(rename_all = "camelCase")]
struct SarifResult {
    rule_id: &'static str,
    rule_index: usize,
    level: &'static str,
    message: Text,
    locations: Vec<Location>,
}

#[derive(Serialize)]
#[serde(rename_all = "camelCase")]
struct Location {
    #[serde(skip_serializing_if = "Option::is_none")]
    physical_location: Option<PhysicalLocation>,
    #[serde(skip_serializing_if = "Vec::is_empty")]
    logical_locations: Vec<LogicalLocation>,
}

#[derive(Serialize)]
#[serde(rename_all = "camelCase")]
struct PhysicalLocation {
    artifact_location: ArtifactLocation,
    #[serde(skip_serializing_if = "Option::is_none")]
    region: Option<Region>,
}

#[derive(Serialize)]
struct ArtifactLocation {
    uri: String,
}

#[derive(Serialize)]
#[serde(rename_all = "camelCase")]
struct Region {
    start_line: u32,
    start_column: u32,
}

#[derive(Serialize)]
#[serde(rename_all = "camelCase")]
struct LogicalLocation {
    fully_qualified_name: String,
}

pub fn write_lint(report: &LintReport, out: &mut dyn Write) -> io::Result<()> {
    // Only the rules that fired: the log stays small and its rule table stable.
    let fired: Vec<Rule> = Rule::ALL
        .iter()
        .copied()
        .filter(|r| report.diagnostics.iter().any(|d| d.rule == *r))
        .collect();
    let rules = fired.iter().map(|r| lint_rule(*r)).collect();
    let results = report
        .diagnostics
        .iter()
        .map(|d| lint_result(d, &fired))
        .collect();
    finish(rules, results, out)
}

fn lint_rule(r: Rule) -> RuleDescriptor {
    RuleDescriptor {
        id: r.name(),
        name: r.name(),
        short_description: text(r.summary()),
        full_description: text(r.doc()),
        default_configuration: Configuration {
            level: level(r.default_severity()),
        },
        properties: Some(RuleProperties { code: r.code() }),
    }
}

/// `fired` is this log's rule table; the index counts into it, not into `Rule::ALL`.
fn lint_result(d: &Diagnostic, fired: &[Rule]) -> SarifResult {
    let (line, column) = line_col(d.pos);
    let message = match &d.help {
        Some(help) => format!("{} (help: {help})", d.message),
        None => d.message.clone(),
    };
    let physical = PhysicalLocation {
        artifact_location: ArtifactLocation {
            uri: display_path(&d.file),
        },
        region: Some(Region {
            start_line: line,
            start_column: column,
        }),
    };
    SarifResult {
        rule_id: d.rule.name(),
        rule_index: fired.iter().position(|r| *r == d.rule).unwrap_or(0),
        level: level(d.severity),
        message: Text { text: message },
        locations: vec![Location {
            physical_location: Some(physical),
            logical_locations: Vec::new(),
        }],
    }
}

/// The two check rules, in the order their indices name.
const CHECK_RULES: [(&str, &str, &str); 2] = [
    (
        "check-failed",
        "A check's response did not meet its expectations.",
        "A runbook check ran and a response came back, but an expectation (status, header, body, JSON value or time) did not hold. The message lists each one: what was expected and what came back.",
    ),
    (
        "check-error",
        "A check could not run: no response to judge.",
        "A runbook check could not be prepared or sent: a connection refused or timed out, a host outside the runbook's targets, a missing environment variable. The message says why.",
    ),
];

pub fn write_check(report: &CheckReport, out: &mut dyn Write) -> io::Result<()> {
    let rules = CHECK_RULES
        .iter()
        .map(|(id, short, full)| RuleDescriptor {
            id,
            name: id,
            short_description: text(short),
            full_description: text(full),
            default_configuration: Configuration { level: "error" },
            properties: None,
        })
        .collect();
    let results = report
        .results
        .iter()
        .filter(|r| r.outcome.is_bad())
        .map(|r| check_result(r, report.places.get(&r.name())))
        .collect();
    finish(rules, results, out)
}

/// A failed or errored check, located at its runbook file (when known) and by its name.
fn check_result(r: &CheckResult, place: Option<&CheckPlace>) -> SarifResult {
    let rule_index = usize::from(r.outcome == Outcome::Error);
    let message = format!(
        "{}: {}\nrequest id: {}",
        r.name(),
        check_problems(r).join("\n"),
        r.request_id
    );
    let physical = place.map(|p| PhysicalLocation {
        artifact_location: ArtifactLocation {
            uri: p.file.clone(),
        },
        region: p.pos.is_known().then_some(Region {
            start_line: p.pos.line,
            start_column: p.pos.column.max(1),
        }),
    });
    SarifResult {
        rule_id: CHECK_RULES[rule_index].0,
        rule_index,
        level: "error",
        message: text(&message),
        locations: vec![Location {
            physical_location: physical,
            logical_locations: vec![LogicalLocation {
                fully_qualified_name: r.name(),
            }],
        }],
    }
}

fn finish(
    rules: Vec<RuleDescriptor>,
    results: Vec<SarifResult>,
    out: &mut dyn Write,
) -> io::Result<()> {
    let log = Log {
        schema: SCHEMA,
        version: "2.1.0",
        runs: vec![Run {
            tool: Tool {
                driver: Driver {
                    name: "opsbook",
                    version: env!("CARGO_PKG_VERSION"),
                    information_uri: "https://github.com/opsbook/opsbook",
                    rules,
                },
            },
            results,
        }],
    };
    serde_json::to_writer_pretty(&mut *out, &log)?;
    writeln!(out)
}

fn text(s: &str) -> Text {
    Text { text: s.to_owned() }
}

fn level(severity: Severity) -> &'static str {
    match severity {
        Severity::Error => "error",
        Severity::Warning => "warning",
        Severity::Info => "note",
    }
}
