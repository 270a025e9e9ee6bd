//! A large book: 500 runbooks with 1,000 alerts of their own and one alert shared by 50 failure
//! modes, built for real. Every alert gets its page, the shared one lists its failure modes, and
//! `alerts.json` names them all; and 1,000 runbooks, which `build` loads summarized. The time
//! this takes is measured by `scripts/bench-build.sh` on a release build, not here.

#[path = "support/corpus.rs"]
mod corpus;
mod support;

use support::Project;

#[test]
fn five_hundred_runbooks_with_a_thousand_alerts_build_every_alert_page() {
    let project = Project::new();
    corpus::write(500, project.path()).expect("corpus");
    let out = project.path().join("book");
    project.build(&out).assert_ok();
    let pages = std::fs::read_dir(out.join("alerts"))
        .expect("book/alerts")
        .filter(|e| {
            let name = e.as_ref().expect("entry").file_name();
            name.to_string_lossy().ends_with(".html") && name != "index.html"
        })
        .count();
    assert_eq!(pages, 1_001, "1,000 alerts of their own and the shared one");
    let json: serde_json::Value =
        serde_json::from_str(&project.read("book/alerts.json")).expect("alerts.json");
    let alerts = json["alerts"].as_object().expect("alerts map");
    assert_eq!(alerts.len(), 1_001);
    let shared = alerts["KubePodCrashLooping"]["failure_modes"]
        .as_array()
        .expect("failure modes");
    assert_eq!(shared.len(), 50);
    let page = project.read("book/alerts/KubePodCrashLooping.html");
    assert_eq!(
        page.matches("rollout-instability.html").count(),
        50,
        "the shared alert's page lists every failure mode"
    );
    let one = project.read("book/alerts/Svc7HighLatency.html");
    assert!(
        one.contains("group-000/service-00007/increased-latency.html"),
        "{one}"
    );
}

#[test]
fn a_thousand_records_over_five_hundred_runbooks_lint_clean_and_are_all_listed() {
    let project = Project::new();
    corpus::write(500, project.path()).expect("corpus");
    corpus::write_records(1_000, 500, project.path()).expect("records");
    let lint = project.run(&["lint", "--format", "json"]);
    assert_eq!(lint.code(), 0, "{}", lint.stdout());
    let json: serde_json::Value = serde_json::from_str(&lint.stdout()).expect("lint json");
    assert_eq!(json["summary"]["files"], 1_500);
    let list = project.run(&["incident", "list", "--format", "json"]);
    list.assert_ok();
    let json: serde_json::Value = serde_json::from_str(&list.stdout()).expect("list json");
    let incidents = json["incidents"].as_array().expect("incidents");
    assert_eq!(incidents.len(), 1_000);
    let mitigated = incidents
        .iter()
        .filter(|i| i["mitigation"] == "Roll back the last deploy")
        .count();
    assert_eq!(
        mitigated, 1_000,
        "every record's last action before mitigation"
    );
}

#[test]
fn a_thousand_runbooks_build_summarized_and_a_warning_still_shows_its_line() {
    // From 1,000 runbooks `build` loads them summarized (each read again for its pages): the
    // warning of one of them is shown with its line, and every page is there.
    let project = Project::new();
    corpus::write(1_000, project.path()).expect("corpus");
    let rel = "runbooks/group-007/service-00357.yaml";
    let stale =
        project
            .read(rel)
            .replacen("last_reviewed: 2026-11-01", "last_reviewed: 2019-11-01", 1);
    project.write(rel, &stale);
    let out = project.path().join("book");
    let run = project.build(&out);
    run.assert_ok();
    let shown = format!("{}{}", run.stdout(), run.stderr());
    assert!(shown.contains("stale-review"), "{shown}");
    assert!(
        shown.contains("group-007/service-00357.yaml:4:") && shown.contains("2019-11-01"),
        "the warning names the file and shows its line: {shown}"
    );
    assert!(
        shown.contains("built 6006 pages from 1000 runbooks"),
        "{shown}"
    );
    let page = project.read("book/group-007/service-00357/increased-latency.html");
    assert!(
        page.contains("Service 357"),
        "the page is the whole runbook's"
    );
    assert!(
        page.contains("id=\"impact\""),
        "with what the summary dropped (its impact)"
    );
}
