//! The summary lines, in one place: `3 files: 1 error, 2 warnings` and `5 passed, 1 failed`.
//! They count everything that was found, whatever the view chose to show.

use std::collections::BTreeMap;

use crate::check::Summary;
use crate::diagnostic::{Diagnostic, Severity};
use crate::rule::Rule;

/// `N files: N errors, N warnings`, then the info findings by what they are about
/// (`, 2 notes`), and `(N hidden by --quiet)` when the view left some out, so a quiet run never
/// claims fewer warnings than it found.
pub fn lint_summary(files: usize, diagnostics: &[Diagnostic], hidden: usize) -> String {
    let count = |s: Severity| diagnostics.iter().filter(|d| d.severity == s).count();
    let mut line = format!(
        "{}: {}, {}",
        plural(files, "file"),
        plural(count(Severity::Error), "error"),
        plural(count(Severity::Warning), "warning")
    );
    for (what, n) in infos(diagnostics) {
        line.push_str(&format!(", {}", plural(n, what)));
    }
    if hidden > 0 {
        line.push_str(&format!(" ({hidden} hidden by --quiet)"));
    }
    line
}

/// Info findings counted by the noun that says what they are about, in a stable order.
fn infos(diagnostics: &[Diagnostic]) -> BTreeMap<&'static str, usize> {
    let mut counts = BTreeMap::new();
    for d in diagnostics.iter().filter(|d| d.severity == Severity::Info) {
        *counts.entry(info_noun(d.rule)).or_default() += 1;
    }
    counts
}

/// What one info finding of `rule` is, as a countable noun.
fn info_noun(rule: Rule) -> &'static str {
    match rule {
        Rule::AlertWithoutRunbook => "alert without a runbook",
        _ => "note",
    }
}

/// `N passed, N failed` and `, N errors` when any errored (and the manual and skipped checks
/// when there are any). Passing checks hidden by `--quiet`
/// are still counted as passed.
pub fn check_summary(s: &Summary) -> String {
    let mut line = format!("{} passed, {} failed", s.passed, s.failed);
    if s.errors > 0 {
        line.push_str(&format!(", {} errors", s.errors));
    }
    if s.manual > 0 {
        line.push_str(&format!(", {} to run by hand", s.manual));
    }
    if s.skipped > 0 {
        line.push_str(&format!(", {} skipped (mutating)", s.skipped));
    }
    line
}

/// `1 file`, `2 files`; a noun of several words takes the plural on its first
/// (`2 alerts without a runbook`).
fn plural(n: usize, what: &str) -> String {
    if n == 1 {
        return format!("1 {what}");
    }
    match what.split_once(' ') {
        Some((first, rest)) => format!("{n} {first}s {rest}"),
        None => format!("{n} {what}s"),
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::source::Pos;

    fn finding(severity: Severity) -> Diagnostic {
        let mut d = Diagnostic::new(Rule::StaleReview, "a.yaml", Pos::new(1, 1), "m".into());
        d.severity = severity;
        d
    }

    #[test]
    fn lint_line_says_what_was_hidden() {
        let warnings = [finding(Severity::Warning), finding(Severity::Warning)];
        assert_eq!(
            lint_summary(1, &warnings, 2),
            "1 file: 0 errors, 2 warnings (2 hidden by --quiet)"
        );
        let mixed = [finding(Severity::Error), finding(Severity::Warning)];
        assert_eq!(lint_summary(3, &mixed, 0), "3 files: 1 error, 1 warning");
    }

    #[test]
    fn info_is_counted_apart_from_warnings() {
        let found = [finding(Severity::Info), finding(Severity::Info)];
        assert_eq!(
            lint_summary(1, &found, 0),
            "1 file: 0 errors, 0 warnings, 2 notes"
        );
        assert_eq!(
            plural(2, "alert without a runbook"),
            "2 alerts without a runbook"
        );
    }
}
