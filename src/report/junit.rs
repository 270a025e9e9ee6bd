//! `--format junit`, for CI test reports. Lint: one test case per file, a `<failure>` per error
//! and warnings and info as `<system-out>`. Check: one test case per check, a `<failure>` for a failed
//! one and an `<error>` for one that could not run.

use std::collections::BTreeMap;
use std::io::{self, Write};

use super::xml::{self, close, leaf, open};
use super::{LintReport, check_problems, location};
use crate::check::{CheckResult, Outcome, Summary};
use crate::diagnostic::{Diagnostic, Severity};
use crate::source::display_path;

const LINT: &str = "opsbook lint";
const CHECK: &str = "opsbook check";

pub fn write_lint(report: &LintReport, out: &mut dyn Write) -> io::Result<()> {
    let mut by_file: BTreeMap<String, Vec<&Diagnostic>> = BTreeMap::new();
    for d in report.diagnostics {
        by_file.entry(display_path(&d.file)).or_default().push(d);
    }
    let failures = by_file
        .values()
        .filter(|ds| ds.iter().any(|d| d.severity == Severity::Error))
        .count()
        .to_string();
    let tests = by_file.len().max(1).to_string();
    let counts = [("name", LINT), ("tests", &tests), ("failures", &failures)];
    xml::declaration(out)?;
    open(out, 0, "testsuites", &counts)?;
    open(out, 1, "testsuite", &counts)?;
    if by_file.is_empty() {
        let case = [("classname", "opsbook.lint"), ("name", "runbooks")];
        leaf(out, 2, "testcase", &case, None)?;
    }
    for (file, diagnostics) in &by_file {
        open(
            out,
            2,
            "testcase",
            &[("classname", "opsbook.lint"), ("name", file)],
        )?;
        for d in diagnostics {
            lint_finding(d, out)?;
        }
        close(out, 2, "testcase")?;
    }
    close(out, 1, "testsuite")?;
    close(out, 0, "testsuites")
}

/// An error fails the file's test case; a warning or info is shown beside it.
fn lint_finding(d: &Diagnostic, out: &mut dyn Write) -> io::Result<()> {
    let text = format!(
        "{}: {}[{}]: {}",
        location(d),
        d.severity.as_str(),
        d.rule,
        d.message
    );
    if d.severity == Severity::Error {
        let attrs = [("type", d.rule.name()), ("message", d.message.as_str())];
        leaf(out, 3, "failure", &attrs, Some(&text))
    } else {
        leaf(out, 3, "system-out", &[], Some(&text))
    }
}

pub fn write_check(results: &[CheckResult], out: &mut dyn Write) -> io::Result<()> {
    let s = Summary::of(results);
    let total_ms: u64 = results.iter().map(|r| r.time_ms).sum();
    let (tests, failed, errors, skipped) = (
        results.len().to_string(),
        s.failed.to_string(),
        s.errors.to_string(),
        (s.manual + s.skipped).to_string(),
    );
    let time = seconds(total_ms);
    let counts = [
        ("name", CHECK),
        ("tests", &tests),
        ("failures", &failed),
        ("errors", &errors),
        ("skipped", &skipped),
        ("time", &time),
    ];
    xml::declaration(out)?;
    open(out, 0, "testsuites", &counts)?;
    open(out, 1, "testsuite", &counts)?;
    for r in results {
        case(r, out)?;
    }
    close(out, 1, "testsuite")?;
    close(out, 0, "testsuites")
}

fn case(r: &CheckResult, out: &mut dyn Write) -> io::Result<()> {
    let time = seconds(r.time_ms);
    let attrs = [("classname", &*r.runbook), ("name", &r.id), ("time", &time)];
    open(out, 2, "testcase", &attrs)?;
    let problems = check_problems(r);
    let first = problems.first().map_or("", String::as_str);
    let tag = match r.outcome {
        Outcome::Pass => None,
        Outcome::Fail => Some("failure"),
        Outcome::Error => Some("error"),
        Outcome::Manual | Outcome::Skipped => Some("skipped"),
    };
    if let Some(tag) = tag {
        leaf(
            out,
            3,
            tag,
            &[("message", first)],
            Some(&problems.join("\n")),
        )?;
    }
    let status = r.status.map_or("-".into(), |s| s.to_string());
    let info = format!(
        "request id: {}\nstatus: {status}\ncommand: {}",
        r.request_id, r.command
    );
    leaf(out, 3, "system-out", &[], Some(&info))?;
    close(out, 2, "testcase")
}

fn seconds(ms: u64) -> String {
    format!("{:.3}", ms as f64 / 1000.0)
}
