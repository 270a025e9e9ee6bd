//! `opsbook check` in every format against the demo service with a fault on: GitHub
//! annotations and SARIF for what failed, JSON and JUnit as before, `--report` files written in
//! the same run, and `--quiet` hiding passes from the text view only.

mod support;

use support::demo::Demo;
use support::xml::assert_well_formed_xml;
use support::{Project, net, sarif};

/// `opsbook check api#error-spike` with the `errors` fault: 2 pass, 2 fail.
fn check(demo: &Demo, extra: &[&str]) -> (i32, String) {
    let url = demo.url();
    let mut args = vec!["check", "api#error-spike", "--target", url.as_str()];
    args.extend_from_slice(extra);
    let out = Project::repo().run_with(&args, &[("NO_COLOR", "1")]);
    (out.code(), out.stdout())
}

fn failing_demo() -> Demo {
    let demo = Demo::start("127.0.0.1:0").expect("demo");
    demo.set("errors");
    demo
}

#[test]
fn github_annotates_the_failed_checks() {
    let demo = failing_demo();
    let (code, text) = check(&demo, &["--format", "github"]);
    assert_eq!(code, 1, "{text}");
    let lines: Vec<&str> = text.lines().collect();
    assert_eq!(lines.len(), 2, "{text}");
    assert!(
        lines
            .iter()
            .all(|l| l.starts_with("::error file=runbooks/api.yaml,line=")),
        "each annotation sits on its check's line: {text}"
    );
    assert!(
        text.contains(
            "::error file=runbooks/api.yaml,line=51,col=9,title=api#hello::status: expected 200, got 500"
        ),
        "{text}"
    );
    assert!(
        text.contains("%0Arequest id: ob-"),
        "newlines escaped: {text}"
    );
}

#[test]
fn sarif_is_valid_and_points_at_the_runbook() {
    let demo = failing_demo();
    let (code, text) = check(&demo, &["--format", "sarif"]);
    assert_eq!(code, 1);
    let log = sarif::assert_valid_sarif(&text);
    let run = &log["runs"][0];
    let rules: Vec<&str> = run["tool"]["driver"]["rules"]
        .as_array()
        .expect("rules")
        .iter()
        .map(|r| r["id"].as_str().expect("id"))
        .collect();
    assert_eq!(rules, ["check-failed", "check-error"]);
    let results = run["results"].as_array().expect("results");
    assert_eq!(results.len(), 2, "{text}");
    let location = &results[0]["locations"][0];
    assert_eq!(
        location["logicalLocations"][0]["fullyQualifiedName"],
        "api#hello"
    );
    let uri = location["physicalLocation"]["artifactLocation"]["uri"]
        .as_str()
        .expect("uri");
    assert!(uri.ends_with("runbooks/api.yaml"), "{uri}");
}

#[test]
fn an_unreachable_service_is_a_check_error_in_sarif() {
    let port = net::closed_port();
    let target = format!("http://127.0.0.1:{port}");
    let args = [
        "check",
        "api#healthz",
        "--target",
        &target,
        "--format",
        "sarif",
    ];
    let out = Project::repo().run(&args);
    let log = sarif::assert_valid_sarif(&out.stdout());
    assert_eq!(log["runs"][0]["results"][0]["ruleId"], "check-error");
    assert_eq!(log["runs"][0]["results"][0]["ruleIndex"], 1);
}

#[test]
fn reports_are_written_in_the_same_run() {
    let demo = failing_demo();
    let dir = tempfile::tempdir().expect("tempdir");
    let (junit, sarif_file) = (
        dir.path().join("checks.xml"),
        dir.path().join("checks.sarif"),
    );
    let junit_spec = format!("junit={}", junit.display());
    let sarif_spec = format!("sarif={}", sarif_file.display());
    let (code, text) = check(&demo, &["--report", &junit_spec, "--report", &sarif_spec]);
    assert_eq!(code, 1);
    assert!(text.ends_with("2 passed, 2 failed\n"), "{text}");
    let xml = std::fs::read_to_string(&junit).expect("junit report");
    assert_well_formed_xml(&xml);
    assert_eq!(xml.matches("<testcase ").count(), 4, "{xml}");
    assert_eq!(xml.matches("<failure ").count(), 2, "{xml}");
    let log = std::fs::read_to_string(&sarif_file).expect("sarif report");
    sarif::assert_valid_sarif(&log);
}

#[test]
fn quiet_hides_passes_from_text_only() {
    let demo = failing_demo();
    let (_, text) = check(&demo, &["-q"]);
    assert!(!text.contains("PASS"), "{text}");
    assert_eq!(text.matches("FAIL ").count(), 2, "{text}");
    assert!(text.ends_with("2 passed, 2 failed\n"), "{text}");
    let (_, json) = check(&demo, &["-q", "--format", "json"]);
    let value: serde_json::Value = serde_json::from_str(&json).expect("JSON");
    assert_eq!(value["results"].as_array().map(Vec::len), Some(4));
}

#[test]
fn a_bad_report_spec_is_a_usage_error() {
    let out = Project::repo().run(&["check", "--report", "xml=a"]);
    assert_eq!(out.code(), 2);
    assert!(out.stderr().contains("unknown report format `xml`"));
}
