//! `--format junit`: one test case per file, a failure per error, for CI test reports.

use std::collections::BTreeMap;
use std::io::{self, Write};

use super::{LintReport, location};
use crate::diagnostic::{Diagnostic, Severity};
use crate::source::display_path;

pub fn write(report: &LintReport, out: &mut dyn Write) -> io::Result<()> {
    let mut by_file: BTreeMap<String, Vec<&Diagnostic>> = BTreeMap::new();
    for d in report.diagnostics {
        by_file.entry(display_path(&d.file)).or_default().push(d);
    }
    let failures = by_file
        .values()
        .filter(|ds| ds.iter().any(|d| d.severity == Severity::Error))
        .count();
    writeln!(out, r#"<?xml version="1.0" encoding="UTF-8"?>"#)?;
    writeln!(
        out,
        r#"<testsuites name="opsbook lint" tests="{}" failures="{failures}">"#,
        by_file.len().max(1)
    )?;
    writeln!(
        out,
        r#"  <testsuite name="opsbook lint" tests="{}" failures="{failures}">"#,
        by_file.len().max(1)
    )?;
    if by_file.is_empty() {
        writeln!(
            out,
            r#"    <testcase classname="opsbook.lint" name="runbooks"/>"#
        )?;
    }
    for (file, diagnostics) in &by_file {
        writeln!(
            out,
            r#"    <testcase classname="opsbook.lint" name="{}">"#,
            xml_escape(file)
        )?;
        for d in diagnostics {
            let tag = if d.severity == Severity::Error {
                "failure"
            } else {
                "system-out"
            };
            let text = format!(
                "{}: {}[{}]: {}",
                location(d),
                d.severity.as_str(),
                d.rule,
                d.message
            );
            if tag == "failure" {
                writeln!(
                    out,
                    r#"      <failure type="{}" message="{}">{}</failure>"#,
                    d.rule,
                    xml_escape(&d.message),
                    xml_text(&text)
                )?;
            } else {
                writeln!(out, "      <system-out>{}</system-out>", xml_text(&text))?;
            }
        }
        writeln!(out, "    </testcase>")?;
    }
    writeln!(out, "  </testsuite>\n</testsuites>")
}

/// Escapes text for an XML attribute or element, dropping characters XML 1.0 cannot hold.
pub fn xml_escape(s: &str) -> String {
    let mut out = String::with_capacity(s.len());
    for c in s.chars() {
        match c {
            '&' => out.push_str("&amp;"),
            '<' => out.push_str("&lt;"),
            '>' => out.push_str("&gt;"),
            '"' => out.push_str("&quot;"),
            '\'' => out.push_str("&apos;"),
            '\t' | '\n' | '\r' => out.push(c),
            c if (c as u32) < 0x20 || c == '\u{fffe}' || c == '\u{ffff}' => out.push('\u{fffd}'),
            c => out.push(c),
        }
    }
    out
}

/// Element text; the same escaping, named for where it is used.
pub fn xml_text(s: &str) -> String {
    xml_escape(s)
}
