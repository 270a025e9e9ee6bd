//! The summary lines, in one place: `3 files: 1 error, 2 warnings` and `5 passed, 1 failed`.
//! They count everything that was found, whatever the view chose to show.

use crate::check::Summary;

/// `N files: N errors, N warnings`, and `(N hidden by --quiet)` when the view left some out,
/// so a quiet run never claims fewer warnings than it found.
pub fn lint_summary(files: usize, errors: usize, warnings: usize, hidden: usize) -> String {
    let mut line = format!(
        "{}: {}, {}",
        plural(files, "file"),
        plural(errors, "error"),
        plural(warnings, "warning")
    );
    if hidden > 0 {
        line.push_str(&format!(" ({hidden} hidden by --quiet)"));
    }
    line
}

/// `N passed, N failed` and `, N errors` when any errored. Passing checks hidden by `--quiet`
/// are still counted as passed.
pub fn check_summary(s: &Summary) -> String {
    let mut line = format!("{} passed, {} failed", s.passed, s.failed);
    if s.errors > 0 {
        line.push_str(&format!(", {} errors", s.errors));
    }
    line
}

fn plural(n: usize, what: &str) -> String {
    if n == 1 {
        format!("1 {what}")
    } else {
        format!("{n} {what}s")
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn lint_line_says_what_was_hidden() {
        assert_eq!(
            lint_summary(1, 0, 2, 2),
            "1 file: 0 errors, 2 warnings (2 hidden by --quiet)"
        );
        assert_eq!(lint_summary(3, 1, 1, 0), "3 files: 1 error, 1 warning");
    }
}
