//! Presenters of check results: text, JSON and JUnit views of the same values, each writing to
//! `impl Write`.

mod json;
mod junit;
mod text;

use std::io::{self, Write};

use super::CheckResult;

#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Format {
    Text,
    Json,
    Junit,
}

/// How the text view looks: `quiet` leaves passing checks out (the summary still counts them),
/// `styled` colours the outcome words.
#[derive(Clone, Copy, Debug, Default)]
pub struct TextOptions {
    pub quiet: bool,
    pub styled: bool,
}

pub fn write(
    format: Format,
    results: &[CheckResult],
    text: TextOptions,
    out: &mut dyn Write,
) -> io::Result<()> {
    match format {
        Format::Text => text::write(results, text.quiet, text.styled, out),
        Format::Json => json::write(results, out),
        Format::Junit => junit::write(results, out),
    }
}

pub use text::{line, summary_line};

#[cfg(test)]
mod tests {
    use super::*;
    use crate::check::{Failure, Outcome};

    fn results() -> Vec<CheckResult> {
        let base = CheckResult {
            runbook: "api".into(),
            id: "healthz".into(),
            title: "Is it up?".into(),
            outcome: Outcome::Pass,
            status: Some(200),
            time_ms: 12,
            request_id: "ob-20261126T081500Z-7f3a9c-0001".into(),
            command: "curl -i http://127.0.0.1:3000/healthz".into(),
            failures: Vec::new(),
            error: None,
            truncated: false,
            attempts: 1,
        };
        let fail = CheckResult {
            id: "hello".into(),
            outcome: Outcome::Fail,
            status: Some(500),
            request_id: "ob-20261126T081500Z-7f3a9c-0002".into(),
            failures: vec![Failure {
                expectation: "header x-evil".into(),
                expected: "`safe`".into(),
                actual: "`<script>alert(\"x\")</script>&`".into(),
            }],
            ..base.clone()
        };
        let error = CheckResult {
            id: "readyz".into(),
            outcome: Outcome::Error,
            status: None,
            time_ms: 1003,
            request_id: "ob-20261126T081500Z-7f3a9c-0003".into(),
            error: Some("timed out after 1 s".into()),
            ..base.clone()
        };
        vec![base, fail, error]
    }

    fn render(format: Format, quiet: bool) -> String {
        let mut out = Vec::new();
        let text = TextOptions {
            quiet,
            styled: false,
        };
        write(format, &results(), text, &mut out).unwrap();
        String::from_utf8(out).unwrap()
    }

    #[test]
    fn text() {
        insta::assert_snapshot!(render(Format::Text, false));
        let mut styled = Vec::new();
        let text = TextOptions {
            quiet: false,
            styled: true,
        };
        write(Format::Text, &results(), text, &mut styled).unwrap();
        assert!(String::from_utf8(styled).unwrap().contains("\u{1b}["));
        let quiet = render(Format::Text, true);
        assert!(!quiet.contains("PASS") && quiet.ends_with("1 passed, 1 failed, 1 errors\n"));
    }

    #[test]
    fn json() {
        insta::assert_snapshot!(render(Format::Json, false));
    }

    #[test]
    fn junit() {
        insta::assert_snapshot!(render(Format::Junit, false));
    }
}
