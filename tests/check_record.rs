//! `opsbook check --record`: one timeline row per result lands in the incident record, the rest
//! of the file stays byte for byte, and an edit saved during the run is kept.

mod support;

use std::path::{Path, PathBuf};
use std::time::Duration;

use support::demo::Demo;
use support::{Project, Run};

fn new_record(dir: &Path) -> PathBuf {
    let args = [
        "incident",
        "new",
        "api#increased-latency",
        "--title",
        "slow hello",
        "--started-at",
        "2026-11-26T08:00:00Z",
        "--dir",
        dir.to_str().expect("utf-8"),
    ];
    Project::repo().run(&args).assert_ok();
    dir.join("2026-11-26-slow-hello.md")
}

/// The record with the lines opsbook added removed.
fn without_check_rows(text: &str) -> String {
    text.lines()
        .filter(|l| !l.contains("| check `api#"))
        .map(|l| format!("{l}\n"))
        .collect()
}

#[test]
fn results_are_appended_to_the_timeline_and_nothing_else_changes() {
    let demo = Demo::start("127.0.0.1:0").expect("demo");
    let dir = Project::new();
    let record = new_record(dir.path());
    let before = std::fs::read_to_string(&record).expect("read");
    let url = demo.url();
    let args = [
        "check",
        "api#increased-latency",
        "--target",
        &url,
        "--record",
        record.to_str().expect("utf-8"),
    ];
    Project::repo().run(&args).assert_ok();
    let after = std::fs::read_to_string(&record).expect("read");
    assert_eq!(without_check_rows(&after), before);
    let rows: Vec<&str> = after
        .lines()
        .filter(|l| l.contains("| check `api#"))
        .collect();
    assert!(rows.len() >= 4, "{after}");
    assert!(
        rows.iter()
            .any(|r| r.contains("check `api#hello` PASS: status 200")
                && r.contains("request id `ob-")),
        "{rows:?}"
    );
    let timeline = after.find("## Timeline").expect("timeline");
    let hypotheses = after.find("## Hypotheses").expect("hypotheses");
    let first_row = after.find("| check `api#").expect("a row");
    assert!(
        timeline < first_row && first_row < hypotheses,
        "rows are inside the timeline table"
    );
}

#[test]
fn an_edit_saved_during_the_run_is_kept() {
    let demo = Demo::start("127.0.0.1:0").expect("demo");
    assert!(
        demo.set("latency"),
        "the demo answers slowly, so the run takes a while"
    );
    let dir = Project::new();
    let record = new_record(dir.path());
    let url = demo.url();
    let record_for_run = record.clone();
    let run = std::thread::spawn(move || {
        Project::repo().run(&[
            "check",
            "api#increased-latency",
            "--target",
            &url,
            "--jobs",
            "1",
            "--record",
            record_for_run.to_str().expect("utf-8"),
        ])
    });
    std::thread::sleep(Duration::from_millis(300));
    let text = std::fs::read_to_string(&record).expect("read");
    let edited = text.replacen(
        "## Summary\n\n_Not answered yet._",
        "## Summary\n\nThe p95 of /hello rose after deploy 412.",
        1,
    );
    std::fs::write(&record, &edited).expect("edit");
    let out: Run = run.join().expect("thread");
    assert_eq!(out.code(), 1, "the latency fault fails checks: {out:?}");
    let after = std::fs::read_to_string(&record).expect("read");
    assert!(
        after.contains("The p95 of /hello rose after deploy 412."),
        "the edit survived:\n{after}"
    );
    assert!(
        after.contains("check `api#hello` FAIL"),
        "the rows were added:\n{after}"
    );
}

#[test]
fn a_missing_record_is_refused_before_anything_runs() {
    let out = Project::repo().run(&["check", "api", "--record", "no-such-incident.md"]);
    assert_eq!(out.code(), 2);
    assert!(out.stderr().contains("no-such-incident.md"));
}
