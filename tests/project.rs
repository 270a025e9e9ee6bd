//! Project discovery: commands find the project like cargo and git do, by walking up to the
//! nearest `opsbook.yaml`; only where there is none at all does `build` fall back to the bundled
//! examples, and it says so.

mod support;

use support::Project;

const RUNBOOK: &str = "title: T\nservice: s\nowner: o\nlast_reviewed: 2026-11-20\n\
targets: { local: 'http://127.0.0.1:9' }\nchecks:\n  - id: healthz\n    curl: curl {{ target }}/healthz\n    \
expect: { status: 200 }\nfailure_modes:\n  - id: down\n    title: Down\n    severity: sev1\n    \
hypotheses: [{ cause: a }, { cause: b }]\n    checks: [healthz]\n    actions:\n      \
- { id: rollback, title: Roll back, risk: low, confirm: [healthz] }\n";

/// A project with `opsbook.yaml`, a runbook and an empty subfolder `docs/notes`.
fn with_config() -> Project {
    Project::new()
        .runbook("api", RUNBOOK)
        .config("title: Team book\n")
        .dir("docs/notes")
}

#[test]
fn lint_dot_at_the_root_lints_the_runbooks_not_the_config() {
    let run = with_config().run(&["lint", "."]);
    let text = run.stdout();
    assert_eq!(run.code(), 0, "{text}");
    assert!(text.contains("1 file: 0 errors"), "{text}");
    assert!(!text.contains("opsbook.yaml"), "{text}");
}

#[test]
fn commands_in_a_subfolder_use_the_project_above() {
    let dir = with_config();
    let sub = Project::at(dir.join("docs/notes"));
    let lint = sub.run(&["lint"]);
    assert_eq!(lint.code(), 0, "{}", lint.stdout());
    assert!(
        lint.stdout().contains("1 file: 0 errors"),
        "{}",
        lint.stdout()
    );
    let build = sub.run(&["build"]);
    assert!(build.success(), "{}", build.stderr());
    assert!(!build.stderr().contains("bundled"), "{}", build.stderr());
    let index = dir.read("book/index.html");
    assert!(index.contains("Team book"), "the project's own book");
    assert!(dir.join("book/api/down.html").is_file());
    assert!(!sub.join("book").exists());
}

#[test]
fn build_with_no_project_anywhere_renders_the_examples_and_says_so() {
    let dir = Project::new();
    let run = dir.run(&["build", "--quiet"]);
    assert!(run.success(), "{}", run.stderr());
    assert!(
        run.stderr().contains("bundled example runbooks"),
        "{}",
        run.stderr()
    );
    assert!(dir.join("book/api/increased-latency.html").is_file());
}

#[test]
fn nothing_to_lint_is_a_usage_error_not_a_finding() {
    let empty = Project::new();
    let lint = empty.run(&["lint"]);
    assert_eq!(lint.code(), 2, "{}{}", lint.stdout(), lint.stderr());
    assert!(
        lint.stderr().contains("no runbooks folder `runbooks`"),
        "{}",
        lint.stderr()
    );
    let missing = empty.run(&["incident", "lint", "incidents/none.md"]);
    assert_eq!(missing.code(), 2, "{}", missing.stdout());
    assert!(
        missing.stderr().contains("incidents/none.md: no such file"),
        "{}",
        missing.stderr()
    );
    let nowhere = empty.run(&["-C", "no/such/folder", "lint"]);
    assert_eq!(nowhere.code(), 2);
    assert!(
        nowhere.stderr().contains("no such folder"),
        "{}",
        nowhere.stderr()
    );
}

#[test]
fn naming_opsbook_yaml_does_not_lint_it_as_a_runbook() {
    let dir = with_config();
    let out = dir.run(&["lint", "opsbook.yaml", "runbooks/api.yaml"]);
    assert_eq!(out.code(), 0, "{}", out.stdout());
    assert!(!out.stdout().contains("missing-field"), "{}", out.stdout());
}

#[test]
fn every_problem_of_opsbook_yaml_is_reported_with_config_advice() {
    let dir = Project::new()
        .runbook("api", RUNBOOK)
        .config("titel: Book\nlint:\n  deny_warnings: yes\n  rules: { no-such-rule: off }\n");
    let out = dir.run(&["lint"]);
    let text = out.stdout();
    assert_eq!(out.code(), 2, "{text}");
    assert!(
        text.contains("unknown field `titel` (did you mean `title`?)"),
        "{text}"
    );
    assert!(
        text.contains("opsbook.yaml:3:18"),
        "deny_warnings: yes at its place:\n{text}"
    );
    assert!(
        !text.contains("opsbook schema"),
        "runbook advice for the config:\n{text}"
    );
    assert!(text.contains("unknown rule `no-such-rule`"), "{text}");
    assert_eq!(text.matches("error[invalid-config]").count(), 3, "{text}");
}
