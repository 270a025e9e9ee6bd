//! `--format junit`: one test case per check, a `<failure>` for a failed one and an `<error>`
//! for one that could not run, for CI test reports.

use std::io::{self, Write};

use crate::check::{CheckResult, Outcome, Summary};
use crate::report::xml_escape;

pub fn write(results: &[CheckResult], out: &mut dyn Write) -> io::Result<()> {
    let s = Summary::of(results);
    let total_ms: u64 = results.iter().map(|r| r.time_ms).sum();
    let time = total_ms as f64 / 1000.0;
    let counts = format!(
        r#"tests="{}" failures="{}" errors="{}" time="{time:.3}""#,
        results.len(),
        s.failed,
        s.errors
    );
    writeln!(out, r#"<?xml version="1.0" encoding="UTF-8"?>"#)?;
    writeln!(out, r#"<testsuites name="opsbook check" {counts}>"#)?;
    writeln!(out, r#"  <testsuite name="opsbook check" {counts}>"#)?;
    for r in results {
        case(r, out)?;
    }
    writeln!(out, "  </testsuite>")?;
    writeln!(out, "</testsuites>")
}

fn case(r: &CheckResult, out: &mut dyn Write) -> io::Result<()> {
    writeln!(
        out,
        r#"    <testcase classname="{}" name="{}" time="{:.3}">"#,
        xml_escape(&r.runbook),
        xml_escape(&r.id),
        r.time_ms as f64 / 1000.0
    )?;
    match r.outcome {
        Outcome::Pass => {}
        Outcome::Fail => {
            let lines: Vec<String> = r
                .failures
                .iter()
                .map(|f| {
                    format!(
                        "{}: expected {}, got {}",
                        f.expectation, f.expected, f.actual
                    )
                })
                .collect();
            let first = lines.first().cloned().unwrap_or_default();
            writeln!(
                out,
                r#"      <failure message="{}">{}</failure>"#,
                xml_escape(&first),
                xml_escape(&lines.join("\n"))
            )?;
        }
        Outcome::Error => {
            let error = r.error.clone().unwrap_or_default();
            writeln!(
                out,
                r#"      <error message="{}">{}</error>"#,
                xml_escape(&error),
                xml_escape(&error)
            )?;
        }
    }
    let status = r.status.map_or("-".into(), |s| s.to_string());
    let info = format!(
        "request id: {}\nstatus: {status}\ncommand: {}",
        r.request_id, r.command
    );
    writeln!(out, "      <system-out>{}</system-out>", xml_escape(&info))?;
    writeln!(out, "    </testcase>")
}
