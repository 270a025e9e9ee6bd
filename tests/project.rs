//! Project discovery: commands find the project like cargo and git do, by walking up to the
//! nearest `opsbook.yaml`; only where there is none at all does `build` fall back to the bundled
//! examples, and it says so.

mod support;

use std::fs;

use support::{opsbook, project, stderr, stdout};

const RUNBOOK: &str = "title: T\nservice: s\nowner: o\nlast_reviewed: 2026-11-20\n\
targets: { local: 'http://127.0.0.1:9' }\nchecks:\n  - id: healthz\n    curl: curl {{ target }}/healthz\n    \
expect: { status: 200 }\nfailure_modes:\n  - id: down\n    title: Down\n    severity: sev1\n    \
hypotheses: [{ cause: a }, { cause: b }]\n    checks: [healthz]\n    actions:\n      \
- { id: rollback, title: Roll back, risk: low, confirm: [healthz] }\n";

/// A project with `opsbook.yaml`, a runbook and an empty subfolder `docs/notes`.
fn with_config() -> tempfile::TempDir {
    let dir = project(&[("api", RUNBOOK)]);
    fs::write(dir.path().join("opsbook.yaml"), "title: Team book\n").unwrap();
    fs::create_dir_all(dir.path().join("docs/notes")).unwrap();
    dir
}

#[test]
fn lint_dot_at_the_root_lints_the_runbooks_not_the_config() {
    let dir = with_config();
    let out = std::process::Command::new(env!("CARGO_BIN_EXE_opsbook"))
        .args(["lint", "."])
        .current_dir(dir.path())
        .output()
        .unwrap();
    let text = stdout(&out);
    assert_eq!(out.status.code(), Some(0), "{text}");
    assert!(text.contains("1 file: 0 errors"), "{text}");
    assert!(!text.contains("opsbook.yaml"), "{text}");
}

#[test]
fn commands_in_a_subfolder_use_the_project_above() {
    let dir = with_config();
    let sub = dir.path().join("docs/notes");
    let lint = opsbook(&sub, &["lint"], &[]);
    assert_eq!(lint.status.code(), Some(0), "{}", stdout(&lint));
    assert!(
        stdout(&lint).contains("1 file: 0 errors"),
        "{}",
        stdout(&lint)
    );
    let build = opsbook(&sub, &["build"], &[]);
    assert!(build.status.success(), "{}", stderr(&build));
    assert!(!stderr(&build).contains("bundled"), "{}", stderr(&build));
    let index = fs::read_to_string(dir.path().join("book/index.html")).expect("built at the root");
    assert!(index.contains("Team book"), "the project's own book");
    assert!(dir.path().join("book/api/down.html").is_file());
    assert!(!sub.join("book").exists());
}

#[test]
fn build_with_no_project_anywhere_renders_the_examples_and_says_so() {
    let dir = tempfile::tempdir().unwrap();
    let out = opsbook(dir.path(), &["build", "--quiet"], &[]);
    assert!(out.status.success(), "{}", stderr(&out));
    assert!(
        stderr(&out).contains("bundled example runbooks"),
        "{}",
        stderr(&out)
    );
    assert!(dir.path().join("book/api/increased-latency.html").is_file());
}
