//! Incident records: the skeleton (snapshotted with a fixed clock), never overwriting, and the
//! completeness lint with a fixture per rule.

mod common;

use std::path::Path;

use common::{code, fixtures, opsbook, stdout};

fn repo() -> &'static Path {
    Path::new(env!("CARGO_MANIFEST_DIR"))
}

/// A project over the bundled runbooks with the default lint levels: the repo's own
/// opsbook.yaml denies warnings, and `incident lint` honours it as `lint` does.
fn default_levels() -> tempfile::TempDir {
    let dir = tempfile::tempdir().expect("tempdir");
    let config = format!("runbooks: '{}'\n", repo().join("runbooks").display());
    std::fs::write(dir.path().join("opsbook.yaml"), config).expect("config");
    dir
}

fn new_record(dir: &Path) -> std::process::Output {
    let dir = dir.to_str().expect("utf-8 temp path");
    let args = [
        "incident",
        "new",
        "api#increased-latency",
        "--title",
        "p95 above SLO",
        "--started-at",
        "2026-11-26T08:00:00Z",
        "--dir",
        dir,
    ];
    opsbook(repo(), &args)
}

#[test]
fn skeleton_for_a_bundled_failure_mode() {
    let dir = tempfile::tempdir().expect("tempdir");
    let output = new_record(dir.path());
    assert_eq!(code(&output), 0, "{output:?}");
    let path = dir.path().join("2026-11-26-p95-above-slo.md");
    let text = std::fs::read_to_string(&path).expect("the record was written");
    insta::assert_snapshot!(text);
    let project = default_levels();
    let lint = opsbook(
        repo(),
        &[
            "-C",
            project.path().to_str().expect("utf-8"),
            "incident",
            "lint",
            "--color",
            "never",
            path.to_str().expect("utf-8"),
        ],
    );
    assert_eq!(
        code(&lint),
        0,
        "an open skeleton gets warnings at most:\n{}",
        stdout(&lint)
    );
}

#[test]
fn never_overwrites_a_record() {
    let dir = tempfile::tempdir().expect("tempdir");
    assert_eq!(code(&new_record(dir.path())), 0);
    let path = dir.path().join("2026-11-26-p95-above-slo.md");
    std::fs::write(&path, "edited by a person\n").expect("edit");
    let again = new_record(dir.path());
    assert_eq!(code(&again), 2);
    assert!(String::from_utf8_lossy(&again.stderr).contains("already exists"));
    assert_eq!(
        std::fs::read_to_string(&path).expect("read"),
        "edited by a person\n"
    );
    let leftovers = std::fs::read_dir(dir.path()).expect("dir").count();
    assert_eq!(leftovers, 1, "no temporary file is left behind");
}

#[test]
fn unknown_failure_mode_is_a_usage_error() {
    let dir = tempfile::tempdir().expect("tempdir");
    let output = opsbook(
        repo(),
        &[
            "incident",
            "new",
            "api#nope",
            "--title",
            "x",
            "--dir",
            dir.path().to_str().expect("utf-8"),
        ],
    );
    assert_eq!(code(&output), 2);
    assert!(
        String::from_utf8_lossy(&output.stderr).contains("increased-latency"),
        "lists the failure modes"
    );
}

fn lint_fixture(name: &str) -> (i32, String) {
    let path = format!("tests/fixtures/incidents/{name}.md");
    let output = opsbook(repo(), &["incident", "lint", "--color", "never", &path]);
    (code(&output), stdout(&output))
}

#[test]
fn a_complete_record_passes() {
    let (exit, text) = lint_fixture("complete");
    assert_eq!(exit, 0, "{text}");
    assert!(text.contains("0 errors, 0 warnings"), "{text}");
}

#[test]
fn an_open_record_with_gaps_gets_warnings_only() {
    let project = default_levels();
    let path = "tests/fixtures/incidents/open-with-gaps.md";
    let dir = project.path().to_str().expect("utf-8");
    let output = opsbook(
        repo(),
        &["-C", dir, "incident", "lint", "--color", "never", path],
    );
    let (exit, text) = (code(&output), stdout(&output));
    assert_eq!(exit, 0, "{text}");
    assert!(text.contains("warning[unanswered-question]"), "{text}");
}

#[test]
fn each_incident_rule_fires_on_its_fixture() {
    let rules = [
        ("incident-front-matter", 1),
        ("unknown-severity", 1),
        ("unknown-runbook", 1),
        ("unknown-status", 1),
        ("invalid-timestamp", 1),
        ("timestamps-out-of-order", 1),
        ("resolved-without-time", 1),
        ("unanswered-question", 1),
        ("incomplete-action-item", 1),
        ("incomplete-timeline", 1),
    ];
    let mut all = String::new();
    for (rule, want) in rules {
        let (exit, text) = lint_fixture(rule);
        assert!(text.contains(&format!("error[{rule}]")), "{rule}:\n{text}");
        assert!(
            text.contains(&format!("tests/fixtures/incidents/{rule}.md:")),
            "names file and line:\n{text}"
        );
        assert_eq!(exit, want, "{rule}:\n{text}");
        all.push_str(&text);
    }
    insta::assert_snapshot!(all);
}

#[test]
fn incident_lint_speaks_the_lint_formats() {
    let output = opsbook(
        repo(),
        &[
            "incident",
            "lint",
            "--format",
            "json",
            "tests/fixtures/incidents/unanswered-question.md",
        ],
    );
    let value: serde_json::Value = serde_json::from_str(&stdout(&output)).expect("JSON");
    assert_eq!(value["diagnostics"][0]["rule"], "unanswered-question");
    assert!(fixtures().exists());
}
