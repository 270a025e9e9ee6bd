//! Options of every report, through the real binary: `--quiet` hides but still counts,
//! `--report FORMAT=PATH` writes further reports in the same run (atomically, bad specs are
//! usage errors), and `incident lint` honours the levels of `opsbook.yaml`.

mod support;

use std::path::Path;

use support::Project;

/// A project whose two runbooks each have one warning (`stale-review`) and nothing else.
fn two_warnings() -> Project {
    let stale = Project::fixtures().read("lint/stale-review.yaml");
    Project::new().runbook("a", &stale).runbook("b", &stale)
}

fn arg(path: &Path) -> &str {
    path.to_str().expect("utf-8 path")
}

#[test]
fn quiet_hides_warnings_but_the_summary_counts_them() {
    let dir = two_warnings();
    let run = dir.run(&["lint", "-q"]);
    let text = run.stdout();
    assert_eq!(run.code(), 0, "{text}");
    assert_eq!(
        text,
        "2 files: 0 errors, 2 warnings (2 hidden by --quiet)\n"
    );
    let loud = dir.run(&["lint"]).stdout();
    assert!(loud.ends_with("2 files: 0 errors, 2 warnings\n"), "{loud}");
    assert_eq!(loud.matches("warning[stale-review]").count(), 2, "{loud}");
}

#[test]
fn quiet_leaves_the_machine_formats_whole() {
    let dir = two_warnings();
    for format in ["json", "github", "sarif", "junit"] {
        let quiet = dir.run(&["lint", "-q", "--format", format]).stdout();
        let loud = dir.run(&["lint", "--format", format]).stdout();
        assert_eq!(quiet, loud, "{format}");
        assert!(quiet.contains("stale-review"), "{format}: {quiet}");
    }
}

#[test]
fn reports_are_written_beside_the_terminal_output() {
    let dir = two_warnings();
    let out = tempfile::tempdir().expect("tempdir");
    let (sarif, junit) = (
        out.path().join("opsbook.sarif"),
        out.path().join("lint.xml"),
    );
    let sarif_spec = format!("sarif={}", arg(&sarif));
    let junit_spec = format!("junit={}", arg(&junit));
    let args = [
        "lint",
        "--format",
        "github",
        "--report",
        &sarif_spec,
        "--report",
        &junit_spec,
    ];
    let run = dir.run(&args);
    assert_eq!(run.code(), 0);
    assert!(
        run.stdout().starts_with("::warning file="),
        "{}",
        run.stdout()
    );
    let same = |format: &str| dir.run(&["lint", "--format", format]).stdout();
    assert_eq!(
        std::fs::read_to_string(&sarif).expect("sarif report"),
        same("sarif")
    );
    assert_eq!(
        std::fs::read_to_string(&junit).expect("junit report"),
        same("junit")
    );
    let mut names: Vec<_> = std::fs::read_dir(out.path())
        .expect("list")
        .map(|e| e.expect("entry").file_name())
        .collect();
    names.sort();
    assert_eq!(
        names,
        ["lint.xml", "opsbook.sarif"],
        "no temporary file is left"
    );
}

#[test]
fn a_text_report_is_complete_and_plain_whatever_the_terminal_asked() {
    let dir = two_warnings();
    let out = tempfile::tempdir().expect("tempdir");
    let text = out.path().join("lint.txt");
    let spec = format!("text={}", arg(&text));
    let run = dir.run(&["lint", "-q", "--color", "always", "--report", &spec]);
    assert_eq!(run.code(), 0);
    let report = std::fs::read_to_string(&text).expect("text report");
    assert_eq!(
        report.matches("warning[stale-review]").count(),
        2,
        "{report}"
    );
    assert!(
        !report.contains('\u{1b}') && report.ends_with("2 warnings\n"),
        "{report}"
    );
}

#[test]
fn bad_report_specs_are_usage_errors() {
    let dir = two_warnings();
    for (spec, says) in [
        ("xml=a.xml", "unknown report format `xml`"),
        ("sarif", "is not FORMAT=PATH"),
        ("json=", "names no file"),
    ] {
        let run = dir.run(&["lint", "--report", spec]);
        let err = run.stderr();
        assert_eq!(run.code(), 2, "{spec}: {err}");
        assert!(err.contains(says), "{spec}: {err}");
    }
    let run = dir.run(&[
        "lint",
        "--report",
        "json=no/such/folder/r.json",
        "--report",
        "junit=lint.xml",
    ]);
    let err = run.stderr();
    assert_eq!(run.code(), 2, "{err}");
    assert!(
        err.contains("no/such/folder/r.json: cannot write the report: No such file or directory (os error 2) (does its folder exist?)"),
        "{err}"
    );
    assert!(!err.contains(".opsbook-"), "no temporary file names: {err}");
    assert!(
        dir.join("lint.xml").is_file(),
        "the other report is still written"
    );
}

#[test]
fn build_and_incident_lint_write_reports_too() {
    let dir = two_warnings();
    let out = tempfile::tempdir().expect("tempdir");
    let json = out.path().join("build.json");
    let spec = format!("json={}", arg(&json));
    let book = out.path().join("book");
    let run = dir.run(&["-q", "build", "--out", arg(&book), "--report", &spec]);
    assert_eq!(run.code(), 0, "{}", run.stdout());
    assert_eq!(run.stdout(), "", "quiet, with warnings only");
    let value: serde_json::Value =
        serde_json::from_str(&std::fs::read_to_string(&json).expect("report")).expect("JSON");
    assert_eq!(value["summary"]["warnings"], 2);

    let junit = out.path().join("incident.xml");
    let spec = format!("junit={}", arg(&junit));
    let record = Project::fixtures().join("incidents/complete.md");
    let run = dir.run(&["incident", "lint", arg(&record), "--report", &spec]);
    assert_eq!(
        run.code(),
        1,
        "the record names a runbook this project lacks"
    );
    let report = std::fs::read_to_string(&junit).expect("report");
    assert!(
        report.contains("<failure type=\"unknown-runbook\""),
        "{report}"
    );
}

/// A project over the bundled runbooks with `lint:` set to `lint`.
fn incident_project(lint: &str) -> Project {
    let runbooks = Project::repo().join("runbooks");
    Project::new().config(&format!(
        "runbooks: '{}'\nlint:\n{lint}",
        runbooks.display()
    ))
}

fn incident_lint(project: &Project) -> (i32, String) {
    let record = Project::fixtures().join("incidents/open-with-gaps.md");
    let run = project.run(&["incident", "lint", "--color", "never", arg(&record)]);
    (run.code(), run.stdout())
}

#[test]
fn incident_lint_honours_rule_levels_and_deny_warnings() {
    let (exit, text) = incident_lint(&incident_project("  deny_warnings: false\n"));
    assert_eq!(exit, 0, "{text}");
    assert!(text.contains("warning[unanswered-question]"), "{text}");

    let off = incident_project("  rules: { unanswered-question: off }\n");
    let (exit, text) = incident_lint(&off);
    assert_eq!(exit, 0, "{text}");
    assert_eq!(text, "1 file: 0 errors, 0 warnings\n");

    let (exit, text) = incident_lint(&incident_project("  deny_warnings: true\n"));
    assert_eq!(exit, 1, "{text}");
    assert!(text.contains("error[unanswered-question]"), "{text}");

    let error = incident_project("  rules: { unanswered-question: error }\n");
    assert_eq!(incident_lint(&error).0, 1);

    let typo = incident_project("  rules: { unanswered-questoin: off }\n");
    let (exit, text) = incident_lint(&typo);
    assert_eq!(
        exit, 2,
        "an invalid opsbook.yaml stops incident lint as it stops lint: {text}"
    );
}
