//! The text view: one line per check, its failures indented below, then the summary line.

use std::io::{self, Write};

use anstyle::{AnsiColor, Style};

use crate::check::{CheckResult, Outcome, Summary};

/// `styled` colours the outcome words (the CLI decides: a terminal, `--color`, `NO_COLOR`).
pub fn write(
    results: &[CheckResult],
    quiet: bool,
    styled: bool,
    out: &mut dyn Write,
) -> io::Result<()> {
    for r in results
        .iter()
        .filter(|r| !quiet || r.outcome != Outcome::Pass)
    {
        writeln!(out, "{}", line(r, styled))?;
        for f in &r.failures {
            let (what, expected) = (printable(&f.expectation), printable(&f.expected));
            writeln!(out, "       {what}: expected {expected}")?;
            let pad = " ".repeat(what.chars().count());
            writeln!(out, "       {pad}  got {}", printable(&f.actual))?;
        }
        if let Some(error) = &r.error {
            writeln!(out, "       {}", printable(error))?;
        }
        if r.truncated {
            writeln!(
                out,
                "       (body cut at 1 MiB; the rest was not downloaded)"
            )?;
        }
    }
    writeln!(out, "{}", summary_line(&Summary::of(results)))
}

/// `PASS   api#healthz  200  12ms  ob-...`.
pub fn line(r: &CheckResult, styled: bool) -> String {
    let (word, color) = match r.outcome {
        Outcome::Pass => ("PASS", AnsiColor::Green),
        Outcome::Fail => ("FAIL", AnsiColor::Red),
        Outcome::Error => ("ERROR", AnsiColor::Magenta),
    };
    let style = Style::new().fg_color(Some(color.into())).bold();
    let outcome = if styled {
        format!("{style}{word:<5}{style:#}")
    } else {
        format!("{word:<5}")
    };
    let status = r.status.map_or("-".into(), |s| s.to_string());
    format!(
        "{outcome}  {}  {status}  {}ms  {}",
        r.name(),
        r.time_ms,
        r.request_id
    )
}

/// `N passed, N failed` and `, N errors` when any errored.
pub fn summary_line(s: &Summary) -> String {
    let mut line = format!("{} passed, {} failed", s.passed, s.failed);
    if s.errors > 0 {
        line.push_str(&format!(", {} errors", s.errors));
    }
    line
}

/// What a server sent may hold terminal escapes; they are shown as spaces.
fn printable(s: &str) -> String {
    s.chars()
        .map(|c| if c.is_control() { ' ' } else { c })
        .collect()
}
