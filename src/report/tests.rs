//! The check presenters over one passing, one failing and one errored result (hostile text
//! included), snapshotted per format.

use std::collections::BTreeMap;

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
        note: None,
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
    let manual = CheckResult {
        id: "describe-pod".into(),
        outcome: Outcome::Manual,
        status: None,
        time_ms: 0,
        request_id: "ob-20261126T081500Z-7f3a9c-0004".into(),
        command: "kubectl -n shop describe pod api-0".into(),
        note: Some("look for: the Last State and its exit code".into()),
        ..base.clone()
    };
    let skipped = CheckResult {
        id: "flush".into(),
        outcome: Outcome::Skipped,
        status: None,
        time_ms: 0,
        request_id: "ob-20261126T081500Z-7f3a9c-0005".into(),
        command: "curl -X POST http://127.0.0.1:3000/admin/flush".into(),
        note: Some("changes state (`mutating: true`); pass --allow-mutating to send it".into()),
        ..base.clone()
    };
    vec![base, fail, error, manual, skipped]
}

fn write(format: Format, view: View) -> String {
    let results = results();
    let place = |line| CheckPlace {
        file: "runbooks/api.yaml".to_owned(),
        pos: crate::source::Pos::new(line, 9),
    };
    let places = BTreeMap::from([
        ("api#hello".to_owned(), place(31)),
        ("api#readyz".to_owned(), place(40)),
    ]);
    let report = CheckReport {
        results: &results,
        places: &places,
    };
    let mut out = Vec::new();
    write_check(format, &report, view, &mut out).unwrap();
    String::from_utf8(out).unwrap()
}

fn check(format: Format, quiet: bool) -> String {
    write(
        format,
        View {
            quiet,
            styled: false,
        },
    )
}

#[test]
fn check_text() {
    insta::assert_snapshot!(check(Format::Text, false));
    let styled = write(
        Format::Text,
        View {
            quiet: false,
            styled: true,
        },
    );
    assert!(styled.contains("\u{1b}["));
    let quiet = check(Format::Text, true);
    assert!(
        !quiet.contains("PASS")
            && quiet.ends_with(
                "1 passed, 1 failed, 1 errors, 1 to run by hand, 1 skipped (mutating)\n"
            )
    );
}

#[test]
fn check_json() {
    insta::assert_snapshot!(check(Format::Json, false));
}

#[test]
fn check_junit() {
    insta::assert_snapshot!(check(Format::Junit, false));
}

#[test]
fn check_sarif() {
    insta::assert_snapshot!(check(Format::Sarif, false));
}

#[test]
fn check_github_annotates_only_what_did_not_pass() {
    let text = check(Format::Github, false);
    insta::assert_snapshot!(text);
    assert_eq!(text.lines().count(), 2, "{text}");
    assert!(
        text.starts_with(
            "::error file=runbooks/api.yaml,line=31,col=9,title=api#hello::header x-evil: expected `safe`, got "
        ),
        "{text}"
    );
    assert!(text.contains("title=api#readyz::timed out after 1 s%0Arequest id: "));
}

#[test]
fn machine_formats_ignore_quiet() {
    for format in [Format::Json, Format::Github, Format::Sarif, Format::Junit] {
        assert_eq!(check(format, true), check(format, false), "{format:?}");
    }
}

#[test]
fn format_names_round_trip() {
    for format in Format::ALL {
        assert_eq!(Format::from_name(format.name()), Some(format));
    }
    assert_eq!(Format::from_name("xml"), None);
}

/// An info finding in every lint format: shown at its own level, never a failure.
fn lint_info(format: Format) -> String {
    let mut d = Diagnostic::new(
        crate::rule::Rule::StaleReview,
        "rules/a.yaml",
        crate::source::Pos::new(3, 7),
        "alert `X` is not listed".into(),
    );
    d.severity = Severity::Info;
    let diagnostics = [d];
    let sources = |_: &Path| None;
    let report = LintReport {
        diagnostics: &diagnostics,
        sources: &sources,
        files: 1,
    };
    let mut out = Vec::new();
    write_lint(format, &report, View::default(), &mut out).unwrap();
    String::from_utf8(out).unwrap()
}

#[test]
fn info_has_its_own_level_in_every_lint_format() {
    let text = lint_info(Format::Text);
    assert!(text.starts_with("info[stale-review]: alert `X`"), "{text}");
    assert!(text.ends_with("0 errors, 0 warnings, 1 note\n"), "{text}");
    assert!(lint_info(Format::Github).starts_with("::notice file=rules/a.yaml,line=3,col=7,"));
    assert!(lint_info(Format::Sarif).contains(r#""level": "note""#));
    let json = lint_info(Format::Json);
    assert!(
        json.contains(r#""severity": "info""#) && json.contains(r#""infos": 1"#),
        "{json}"
    );
    let junit = lint_info(Format::Junit);
    assert!(
        junit.contains(r#"failures="0""#) && junit.contains("<system-out>"),
        "{junit}"
    );
}
