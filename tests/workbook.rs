//! The postmortem workbook's numbers, from the fixture project's records: what every page and
//! `incident list` start from; and the commands that read them, `lint` and `incident list`.
//! Runs see 2026-11-26 as today (`support::TODAY`).

use std::path::Path;

mod support;

use chrono::NaiveDate;
use opsbook::incident::workbook::Workbook;
use opsbook::workspace::Workspace;
use support::Project;

fn workbook() -> Workbook {
    let ws = Workspace::load(Path::new("tests/fixtures/workbook"), &[]);
    ws.workbook(NaiveDate::from_ymd_opt(2026, 11, 27).expect("date"))
}

#[test]
fn records_are_read_newest_first_and_the_unreadable_one_is_kept_with_its_error() {
    let book = workbook();
    let slugs: Vec<&str> = book.incidents.iter().map(|i| i.slug.as_str()).collect();
    assert_eq!(
        slugs,
        [
            "2026-11-26-errors-spike",
            "2026-11-24-latency-again",
            "2026-11-20-p95-above-slo",
            "2026-11-10-pool-exhausted",
            "2026-11-05-hostile"
        ]
    );
    assert_eq!(book.unreadable.len(), 1);
    let bad = &book.unreadable[0];
    assert_eq!(bad.slug, "2026-11-27-being-written");
    assert_eq!(bad.diagnostic.rule.name(), "incident-front-matter");
    assert!(bad.diagnostic.pos.line >= 2, "{:?}", bad.diagnostic);
}

#[test]
fn each_record_has_its_durations_items_hypotheses_and_mitigation() {
    let book = workbook();
    let first = book
        .incidents
        .iter()
        .find(|i| i.slug == "2026-11-20-p95-above-slo")
        .expect("record");
    let f = &first.facts;
    assert_eq!(f.service, "api");
    assert_eq!(
        (f.time_to_detect, f.time_to_mitigate, f.time_to_resolve),
        (Some(240), Some(1260), Some(3720))
    );
    assert_eq!(f.confirmed, ["Slow database queries or lock contention"]);
    assert_eq!(
        f.ruled_out,
        ["Connection pool saturation, requests queue waiting for a connection"]
    );
    let mitigation: Vec<_> = f.actions.iter().filter(|a| a.mitigation).collect();
    assert_eq!(mitigation.len(), 1);
    assert_eq!(mitigation[0].id.as_deref(), Some("roll-back-slow-deploy"));
    let open: Vec<_> = first.open_items().map(|i| i.item.as_str()).collect();
    assert_eq!(open, ["Query plan check in CI"]);
    let again = &book.incidents[1].facts;
    assert!(again.action_items[0].overdue, "due 2026-11-25, still open");
    assert!(!again.action_items[1].overdue, "done is never overdue");
}

#[test]
fn bare_tables_escaped_pipes_fences_and_heading_case_are_read() {
    let book = workbook();
    let pool = book
        .incidents
        .iter()
        .find(|i| i.slug == "2026-11-10-pool-exhausted")
        .expect("record");
    let r = &pool.record;
    assert_eq!(r.timeline.len(), 2, "the fenced table is code");
    assert_eq!(r.action_items.len(), 1);
    assert_eq!(
        r.action_items[0].cells[0],
        "Give batch jobs their own pool | limit 5"
    );
    assert!(pool.facts.action_items[0].done, "`Done` closes it");
    assert!(r.section("Summary").is_some());
    assert_eq!(pool.facts.actions[0].result, "queue drained | p95 300 ms");
    assert!(pool.facts.actions[0].mitigation);
}

#[test]
fn the_history_of_a_failure_mode_is_counted_and_ranked() {
    let book = workbook();
    let history = book.history();
    let h = &history[&("api".to_owned(), "increased-latency".to_owned())];
    assert_eq!(h.count, 3);
    assert_eq!(h.median_time_to_mitigate, Some(1260));
    assert_eq!(h.open_items, 2);
    let hypotheses: Vec<_> = h
        .hypotheses
        .iter()
        .map(|t| (t.label.as_str(), t.count))
        .collect();
    assert_eq!(
        hypotheses,
        [
            ("Slow database queries or lock contention", 2),
            (
                "Connection pool saturation, requests queue waiting for a connection",
                1
            )
        ]
    );
    let actions: Vec<_> = h
        .actions
        .iter()
        .map(|t| (t.label.as_str(), t.mitigations, t.count))
        .collect();
    assert_eq!(
        actions,
        [
            ("Roll back the last deploy", 2, 2),
            ("Reduce concurrency toward the struggling dependency", 1, 2)
        ]
    );
    let counts = book.per_runbook()["api"];
    assert_eq!((counts.incidents, counts.open_items), (5, 4));
}

#[test]
fn lint_lints_the_records_with_the_runbooks_and_fails_on_the_unreadable_one() {
    let run = Project::fixture("workbook").run(&["lint", "--format", "json"]);
    assert_eq!(run.code(), 1, "{}", run.stderr());
    let out: serde_json::Value = serde_json::from_str(&run.stdout()).expect("json");
    let findings: Vec<(String, String, u64)> = out["diagnostics"]
        .as_array()
        .expect("diagnostics")
        .iter()
        .map(|d| {
            let file = d["file"].as_str().unwrap_or("").to_owned();
            let rule = d["rule"].as_str().unwrap_or("").to_owned();
            (file, rule, d["line"].as_u64().unwrap_or(0))
        })
        .collect();
    let has = |file: &str, rule: &str, line: u64| {
        findings
            .iter()
            .any(|(f, r, l)| f.ends_with(file) && r == rule && *l == line)
    };
    assert!(
        has("2026-11-27-being-written.md", "incident-front-matter", 2),
        "{findings:?}"
    );
    assert!(
        has("2026-11-24-latency-again.md", "overdue-action-item", 56),
        "{findings:?}"
    );
    assert!(
        has("2026-11-24-latency-again.md", "unanswered-section", 21),
        "{findings:?}"
    );
    assert_eq!(out["summary"]["files"], 7, "one runbook and six records");
}

#[test]
fn records_reach_the_report_files_and_levels_apply_to_them() {
    let project = Project::new()
        .copy(
            "tests/fixtures/workbook/runbooks/api.yaml",
            "runbooks/api.yaml",
        )
        .copy(
            "tests/fixtures/workbook/incidents/2026-11-24-latency-again.md",
            "incidents/2026-11-24-latency-again.md",
        )
        .file("incidents/README.md", "# Our incidents\n\nNot a record.\n")
        .config("lint: { rules: { unanswered-section: off } }\n");
    let sarif = project.join("lint.sarif");
    let run = project.run(&["lint", "--report", &format!("sarif={}", sarif.display())]);
    let text = run.stdout();
    assert!(text.contains("warning[overdue-action-item]"), "{text}");
    assert!(!text.contains("unanswered-section"), "turned off:\n{text}");
    assert!(
        !text.contains("README"),
        "a README is not a record:\n{text}"
    );
    let report = std::fs::read_to_string(&sarif).expect("sarif written");
    assert!(report.contains("overdue-action-item"), "{report}");
    // Naming runbooks lints just them.
    let named = project.run(&["lint", "runbooks/api.yaml"]).stdout();
    assert!(!named.contains("overdue-action-item"), "{named}");
}

#[test]
fn incident_list_as_json() {
    let run = Project::fixture("workbook").run(&["incident", "list", "--format", "json"]);
    run.assert_ok();
    assert!(
        run.stderr()
            .contains("incidents/2026-11-27-being-written.md:2:8"),
        "{}",
        run.stderr()
    );
    insta::assert_snapshot!(run.stdout());
}

#[test]
fn incident_list_filters_by_date_and_service_and_writes_csv_for_spreadsheets() {
    let project = Project::fixture("workbook");
    let csv = project
        .run(&[
            "incident",
            "list",
            "--format",
            "csv",
            "--since",
            "2026-11-20",
        ])
        .stdout();
    let lines: Vec<&str> = csv.split("\r\n").filter(|l| !l.is_empty()).collect();
    assert_eq!(lines.len(), 4, "a header and three records:\n{csv}");
    assert!(lines[0].starts_with("file,started_at,title,"));
    assert!(
        lines[3].contains(",240,1260,3720,1,0,Roll back the last deploy"),
        "{csv}"
    );
    let none = project
        .run(&["incident", "list", "--service", "payments"])
        .stdout();
    assert!(none.contains("0 incidents"), "{none}");
    let text = project.run(&["incident", "list"]).stdout();
    assert!(text.contains("1 (1 overdue)"), "{text}");
    assert!(
        text.contains("5 incidents, 4 open action items (1 overdue)"),
        "{text}"
    );
    let bad = project.run(&["incident", "list", "--since", "last week"]);
    assert_eq!(bad.code(), 2, "a usage error: {}", bad.stderr());
}

#[test]
fn incident_new_writes_into_the_configured_folder_and_list_reads_it() {
    let project = Project::new()
        .copy(
            "tests/fixtures/workbook/runbooks/api.yaml",
            "runbooks/api.yaml",
        )
        .config("incidents: records\n");
    project
        .run(&[
            "incident",
            "new",
            "api#increased-latency",
            "--title",
            "Slow hello",
            "--started-at",
            "2026-11-26T08:00:00Z",
        ])
        .assert_ok();
    assert!(project.join("records/2026-11-26-slow-hello.md").is_file());
    let list = project.run(&["incident", "list"]);
    list.assert_ok();
    assert!(list.stdout().contains("Slow hello"), "{}", list.stdout());
    let none = Project::new().dir("runbooks").run(&["incident", "list"]);
    assert_eq!(none.code(), 2, "no incidents folder: {}", none.stderr());
    assert!(none.stderr().contains("incident new"), "{}", none.stderr());
}

#[cfg(unix)]
#[test]
fn a_linked_record_is_never_followed_but_reported() {
    let project = Project::new()
        .copy(
            "tests/fixtures/workbook/runbooks/api.yaml",
            "runbooks/api.yaml",
        )
        .dir("incidents");
    std::os::unix::fs::symlink("/etc/hostname", project.join("incidents/linked.md")).unwrap();
    let run = project.run(&["lint"]);
    assert_eq!(run.code(), 1, "{}", run.stdout());
    assert!(
        run.stdout().contains("error[unreadable-file]") && run.stdout().contains("linked.md"),
        "{}",
        run.stdout()
    );
    let list = project.run(&["incident", "list"]);
    assert!(list.stderr().contains("linked.md"), "{}", list.stderr());
}

#[test]
fn records_named_to_lint_are_linted_as_records_never_as_yaml() {
    let project = Project::fixture("workbook");
    let one = project.run(&["lint", "incidents/2026-11-24-latency-again.md"]);
    let text = one.stdout();
    assert!(text.contains("warning[overdue-action-item]"), "{text}");
    assert!(!text.contains("invalid-yaml"), "{text}");
    assert!(text.contains("1 file:"), "{text}");
    let folder = project.run(&["lint", "incidents"]).stdout();
    assert!(
        folder.contains("6 files:"),
        "every record of the folder:\n{folder}"
    );
    let both = project
        .run(&[
            "lint",
            "runbooks/api.yaml",
            "incidents/2026-11-20-p95-above-slo.md",
        ])
        .stdout();
    assert!(both.contains("2 files: 0 errors"), "{both}");
    // `incident lint` is the same lint.
    let same = project.run(&["incident", "lint", "incidents/2026-11-24-latency-again.md"]);
    assert_eq!(same.stdout(), one.stdout());
}
