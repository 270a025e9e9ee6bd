//! Incident records: the skeleton (snapshotted with a fixed clock), never overwriting, and the
//! completeness lint with a fixture per rule.

mod support;

use std::path::Path;

use support::{Project, Run};

/// A project over the bundled runbooks with the default lint levels: the repo's own
/// opsbook.yaml denies warnings, and `incident lint` honours it as `lint` does.
fn default_levels() -> Project {
    Project::new().config(&format!(
        "runbooks: '{}'\n",
        Project::repo().join("runbooks").display()
    ))
}

/// `incident new` from the repository, the record written into `dir`.
fn new_record(dir: &Path) -> Run {
    new_titled_in(dir, "p95 above SLO", &[])
}

/// `incident new` of api#increased-latency titled `title` into `dir`, with `extra` arguments.
fn new_titled_in(dir: &Path, title: &str, extra: &[&str]) -> Run {
    Project::repo().incident_new(dir, title, extra)
}

#[test]
fn skeleton_for_a_bundled_failure_mode() {
    let dir = Project::new();
    new_record(dir.path()).assert_ok();
    let path = dir.join("2026-11-26-p95-above-slo.md");
    let text = dir.read("2026-11-26-p95-above-slo.md");
    insta::assert_snapshot!(text);
    let project = default_levels();
    let lint = Project::repo().run(&[
        "-C",
        project.path().to_str().expect("utf-8"),
        "incident",
        "lint",
        "--color",
        "never",
        path.to_str().expect("utf-8"),
    ]);
    assert_eq!(
        lint.code(),
        0,
        "an open skeleton gets warnings at most:\n{}",
        lint.stdout()
    );
}

#[test]
fn never_overwrites_a_record() {
    let dir = Project::new();
    assert_eq!(new_record(dir.path()).code(), 0);
    let name = "2026-11-26-p95-above-slo.md";
    dir.write(name, "edited by a person\n");
    let again = new_record(dir.path());
    assert_eq!(again.code(), 2);
    assert!(again.stderr().contains("already exists"));
    assert_eq!(dir.read(name), "edited by a person\n");
    let leftovers = std::fs::read_dir(dir.path()).expect("dir").count();
    assert_eq!(leftovers, 1, "no temporary file is left behind");
}

#[test]
fn unknown_failure_mode_is_a_usage_error() {
    let dir = Project::new();
    let run = Project::repo().run(&[
        "incident",
        "new",
        "api#nope",
        "--title",
        "x",
        "--dir",
        dir.path().to_str().expect("utf-8"),
    ]);
    assert_eq!(run.code(), 2);
    assert!(
        run.stderr().contains("increased-latency"),
        "lists the failure modes"
    );
}

fn lint_fixture(name: &str) -> (i32, String) {
    let path = format!("tests/fixtures/incidents/{name}.md");
    let run = Project::repo().run(&["incident", "lint", "--color", "never", &path]);
    (run.code(), run.stdout())
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
    let run = Project::repo().run(&["-C", dir, "incident", "lint", "--color", "never", path]);
    let (exit, text) = (run.code(), run.stdout());
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
        ("missing-section", 1),
        ("overdue-action-item", 1),
        ("unanswered-section", 1),
        ("empty-timeline-event", 1),
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
    let run = Project::repo().run(&[
        "incident",
        "lint",
        "--format",
        "json",
        "tests/fixtures/incidents/unanswered-question.md",
    ]);
    let value: serde_json::Value = serde_json::from_str(&run.stdout()).expect("JSON");
    assert_eq!(value["diagnostics"][0]["rule"], "unanswered-question");
    assert!(Project::fixtures().path().exists());
}

/// A new record gets the mode the umask gives new files (0644 under 022), not a temporary
/// file's private 0600, so the rest of the team can read it.
#[cfg(unix)]
#[test]
fn a_new_record_honours_the_umask() {
    use std::os::unix::fs::PermissionsExt;
    use std::os::unix::process::CommandExt;
    let dir = Project::new();
    for (umask, mode) in [(0o022, 0o644), (0o077, 0o600)] {
        let title = format!("umask {umask:o}");
        let mut cmd = Project::repo().command(&[
            "incident",
            "new",
            "api#increased-latency",
            "--title",
            &title,
            "--started-at",
            "2026-11-26T08:00:00Z",
            "--dir",
            dir.path().to_str().expect("utf-8"),
        ]);
        // SAFETY: umask is async-signal-safe and the child runs nothing else before exec.
        unsafe {
            cmd.pre_exec(move || {
                libc::umask(umask);
                Ok(())
            });
        }
        Run::of(&mut cmd).assert_ok();
        let path = dir.join(format!("2026-11-26-umask-{umask:o}.md"));
        let got = std::fs::metadata(&path).expect("stat").permissions().mode();
        assert_eq!(got & 0o777, mode, "umask {umask:o}");
    }
}

/// `incident lint` of `text` written to a file of its own: exit code and text output.
fn lint_text(text: &str) -> (i32, String) {
    let dir = Project::new().file("r.md", text);
    let path = dir.join("r.md");
    let run = Project::repo().run(&[
        "incident",
        "lint",
        "--color",
        "never",
        path.to_str().expect("utf-8"),
    ]);
    (run.code(), run.stdout())
}

#[test]
fn a_resolved_record_without_summary_or_impact_is_an_error() {
    let complete = std::fs::read_to_string("tests/fixtures/incidents/complete.md").expect("read");
    for section in ["## Summary", "## Impact"] {
        let (exit, text) = lint_text(&complete.replace(section, "## Notes"));
        let name = section.trim_start_matches("## ");
        assert_eq!(exit, 1, "{text}");
        assert!(
            text.contains(&format!(
                "error[missing-section]: the resolved record has no `## {name}`"
            )),
            "{text}"
        );
    }
    let open = complete
        .replace("status: resolved", "status: open")
        .replace("## Summary", "## Notes");
    let (exit, text) = lint_text(&open);
    assert_eq!(exit, 0, "an open record may still lack sections:\n{text}");
}

#[test]
fn headings_match_whatever_their_case_and_the_space_after_the_hashes() {
    let complete = std::fs::read_to_string("tests/fixtures/incidents/complete.md").expect("read");
    for variant in ["##Postmortem", "## postmortem", "##  POSTMORTEM  "] {
        let (exit, text) = lint_text(&complete.replace("## Postmortem", variant));
        assert_eq!(exit, 0, "{variant}:\n{text}");
        assert!(!text.contains("missing-section"), "{variant}:\n{text}");
    }
    // The postmortem's questions are still read under the odd heading: an unanswered one counts.
    let unanswered = complete.replace("## Postmortem", "##postmortem").replacen(
        "### What was the trigger?",
        "###What was the trigger?\n\n_Not answered yet._\n\n### Old trigger",
        1,
    );
    let (_, text) = lint_text(&unanswered);
    assert!(text.contains("error[unanswered-question]"), "{text}");
}

/// `incident new` with `title` into `dir`.
fn new_titled(dir: &Project, title: &str) -> Run {
    Project::repo().incident_new(dir.path(), title, &[])
}

#[test]
fn a_title_with_a_control_character_is_refused() {
    let dir = Project::new();
    let out = new_titled(&dir, "slow\u{1b}[31m api");
    assert_eq!(out.code(), 2, "{out:?}");
    assert!(out.stderr().contains("U+001B"), "{out:?}");
    assert_eq!(std::fs::read_dir(dir.path()).expect("dir").count(), 0);
}

#[test]
fn a_newline_in_a_title_folds_into_a_space() {
    let dir = Project::new();
    new_titled(&dir, "slow\n## Timeline\nfake").assert_ok();
    let text = dir.read("2026-11-26-slow-timeline-fake.md");
    let headings = text
        .lines()
        .filter(|l| l.starts_with("## Timeline"))
        .count();
    assert_eq!(headings, 1, "no second Timeline section:\n{text}");
    assert!(text.contains("slow ## Timeline fake"), "{text}");
}

#[test]
fn non_ascii_titles_get_their_own_files() {
    let dir = Project::new();
    new_titled(&dir, "Задержка API").assert_ok();
    new_titled(&dir, "Ошибки базы").assert_ok();
    new_titled(&dir, "!!!").assert_ok();
    assert!(dir.join("2026-11-26-задержка-api.md").is_file());
    assert!(dir.join("2026-11-26-ошибки-базы.md").is_file());
    assert!(dir.join("2026-11-26-incident.md").is_file());
    assert_eq!(
        new_titled(&dir, "задержка API").code(),
        2,
        "never overwrites"
    );
}

/// `incident new` titled "slow hello" from the repository into `dir`, with `extra` arguments.
fn new_for_target(dir: &Path, extra: &[&str]) -> Run {
    new_titled_in(dir, "slow hello", extra)
}

#[test]
fn a_record_for_a_target_has_its_checks_filled_and_its_request_id_recorded() {
    let dir = Project::new();
    new_for_target(dir.path(), &["--target", "staging"]).assert_ok();
    let text = dir.read("2026-11-26-slow-hello.md");
    let ids = text
        .lines()
        .find(|l| l.starts_with("request_ids:"))
        .unwrap();
    // One id, in the format `check` and the site use.
    let id = ids.split('"').nth(1).expect("an id");
    assert!(
        id.len() == "ob-20261126T081500Z-7f3a9c-0001".len() && id.starts_with("ob-2"),
        "{ids}"
    );
    let checks = &text[text.find("## Checks").unwrap()..text.find("## Actions taken").unwrap()];
    assert!(
        checks.contains("curl -i https://api.staging.example.com/healthz"),
        "{checks}"
    );
    assert!(checks.contains(&format!("x-request-id: {id}")), "{checks}");

    // Ids given on the command line are recorded, the first carried by the checks.
    let dir = Project::new();
    let given = [
        "--target",
        "local",
        "--request-id",
        "abc-123",
        "--request-id",
        "ob-2",
    ];
    new_for_target(dir.path(), &given).assert_ok();
    let text = dir.read("2026-11-26-slow-hello.md");
    assert!(
        text.contains("request_ids: [\"abc-123\", \"ob-2\"]"),
        "{text}"
    );
    assert!(text.contains("x-request-id: abc-123"), "{text}");
    assert!(
        text.contains("curl -i http://127.0.0.1:3000/healthz"),
        "{text}"
    );

    // Without --target the checks stay as written, placeholders and all.
    let dir = Project::new();
    new_for_target(dir.path(), &[]).assert_ok();
    let text = dir.read("2026-11-26-slow-hello.md");
    assert!(text.contains("curl -i {{ target }}/healthz"), "{text}");
    assert!(text.contains("request_ids: []"), "{text}");
}

#[test]
fn an_unknown_target_or_a_bad_request_id_is_a_usage_error() {
    let dir = Project::new();
    let out = new_for_target(dir.path(), &["--target", "prd"]);
    assert_eq!(out.code(), 2, "{}", out.stderr());
    assert!(
        out.stderr()
            .contains("no target `prd`; its targets: local, staging"),
        "{}",
        out.stderr()
    );
    let out = new_for_target(dir.path(), &["--request-id", "a, b"]);
    assert_eq!(out.code(), 2, "{}", out.stderr());
    assert!(
        out.stderr().contains("--request-id `a, b`"),
        "{}",
        out.stderr()
    );
    assert!(std::fs::read_dir(dir.path()).unwrap().next().is_none());
}
