//! The responder's page in Chromium, driven by playwright-core (`tests/browser/*.mjs`): axe-core
//! finds no serious or critical violation (light and dark, search open, no match), in-page links
//! and focus land below the sticky bar, the bars fold on a phone, and a record started from a
//! failure-mode page keeps its target and request id all the way to the downloaded file.
//!
//! Runs when `OPSBOOK_CHROMIUM` names a Chromium binary and Node can install the scripts'
//! packages (`.ci/run` sees to both); otherwise each test prints why and passes.

mod support;

use support::chromium::chromium;
use support::{Project, playwright};

#[test]
fn pages_are_accessible_and_nothing_hides_under_the_sticky_bar() {
    let Some(chromium) = chromium() else { return };
    let Some(dir) = playwright::scripts() else {
        return;
    };
    let (_tmp, out) = Project::repo().build_book();
    let run = playwright::node(dir, "a11y.mjs", &[out.to_str().unwrap(), &chromium]);
    assert!(run.status.success(), "{}", playwright::shown(&run));
}

#[test]
fn a_record_started_from_a_page_keeps_its_target_and_request_id() {
    let Some(chromium) = chromium() else { return };
    let Some(dir) = playwright::scripts() else {
        return;
    };
    let (tmp, out) = Project::repo().build_book();
    let downloads = tmp.path().join("downloads");
    std::fs::create_dir_all(&downloads).unwrap();
    let run = playwright::node(
        dir,
        "journey.mjs",
        &[
            out.to_str().unwrap(),
            &chromium,
            downloads.to_str().unwrap(),
        ],
    );
    assert!(run.status.success(), "{}", playwright::shown(&run));
    let stdout = String::from_utf8_lossy(&run.stdout);
    let summary: serde_json::Value =
        serde_json::from_str(stdout.lines().last().unwrap_or_default()).unwrap();
    let id = summary["id"].as_str().unwrap();
    let file = std::path::PathBuf::from(summary["file"].as_str().unwrap());

    // Named as `incident new` names it, from the start time typed.
    let name = file.file_name().unwrap().to_str().unwrap();
    assert_eq!(name, "2026-11-26-test-with-pipe.md");
    let record = std::fs::read_to_string(&file).unwrap();
    let front = record.split("\n---\n").next().unwrap();
    let ids = front
        .lines()
        .find(|l| l.starts_with("request_ids:"))
        .unwrap();
    assert!(ids.contains(&format!("\"{id}\"")), "{ids}");
    let checks =
        &record[record.find("## Checks").unwrap()..record.find("## Actions taken").unwrap()];
    assert!(
        checks.contains("curl -i https://api.staging.example.com/healthz"),
        "{checks}"
    );
    assert!(checks.contains(&format!("x-request-id: {id}")), "{checks}");
    assert!(!checks.contains("{{"), "a placeholder left in:\n{checks}");

    // What the form said ("nothing to report") is what lint says.
    let lint = Project::repo().run(&["incident", "lint", file.to_str().unwrap()]);
    lint.assert_ok();

    // An untouched draft: the errors and warnings the form announced are lint's, at the
    // default levels (the repository's own opsbook.yaml makes warnings errors).
    let fresh = &summary["fresh"];
    let defaults = Project::new().config(&format!(
        "runbooks: '{}'\n",
        Project::repo().join("runbooks").display()
    ));
    let draft = fresh["file"].as_str().unwrap();
    let lint = defaults.run(&["incident", "lint", "--format", "json", draft]);
    let report: serde_json::Value = serde_json::from_str(&lint.stdout()).unwrap();
    assert_eq!(
        (&report["summary"]["errors"], &report["summary"]["warnings"]),
        (&fresh["errors"], &fresh["warnings"]),
        "the form and lint disagree:\n{}",
        lint.stdout()
    );
    assert!(fresh["warnings"].as_u64().unwrap() > 0, "{fresh}");
}
