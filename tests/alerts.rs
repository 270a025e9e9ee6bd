//! `opsbook alerts lint` and `opsbook alerts urls` over real rule files of both shapes — a plain
//! `groups:` file and a multi-document manifest (a ConfigMap and two PrometheusRules) — in the
//! project `tests/fixtures/alerts/`, and `opsbook lint` picking them up through `alert_rules`.

mod support;

use serde_json::Value;
use support::{Project, Run, sarif};

/// The fixture project: every finding of the cross-check once.
fn project() -> Project {
    Project::fixture("alerts")
}

fn alerts_lint(project: &Project, args: &[&str]) -> Run {
    let mut all = vec!["alerts", "lint", "--color", "never"];
    all.extend(args);
    project.run(&all)
}

/// Asserts each `(rule, place)` is reported, as `place: ...[rule]` would read in text output.
#[track_caller]
fn assert_found(text: &str, found: &[(&str, &str)]) {
    for (rule, place) in found {
        let shown = text.split("\n\n").any(|block| {
            block.contains(&format!("[{rule}]")) && block.contains(&format!("--> {place}\n"))
        });
        assert!(shown, "[{rule}] at {place}:\n{text}");
    }
}

const FINDINGS: [(&str, &str); 9] = [
    ("wrong-runbook-url", "monitoring/rules/api.yaml:21:24"),
    ("alert-without-runbook", "monitoring/rules/api.yaml:22:16"),
    ("broken-runbook-url", "monitoring/rules/api.yaml:25:24"),
    ("alert-without-runbook", "monitoring/rules/api.yaml:26:16"),
    ("wrong-runbook-url", "monitoring/rules/k8s.yaml:22:26"),
    ("alert-without-runbook", "monitoring/rules/k8s.yaml:23:18"),
    ("broken-runbook-url", "monitoring/rules/k8s.yaml:37:26"),
    ("wrong-runbook-url", "monitoring/rules/k8s.yaml:38:18"),
    ("unknown-alert", "runbooks/api.yaml:38:17"),
];

#[test]
fn each_finding_at_its_place() {
    let run = alerts_lint(&project(), &[]);
    let text = run.stdout();
    assert_eq!(run.code(), 1, "a broken runbook_url is an error: {run:?}");
    assert_found(&text, &FINDINGS);
    assert_eq!(
        text.matches("\n\n").count(),
        FINDINGS.len(),
        "nothing else:\n{text}"
    );
    // The alert's page with the params query, and a failure-mode page listing it, are right.
    assert!(
        !text.contains("`ApiDown`") && !text.contains("`ApiHighLatency`"),
        "{text}"
    );
    assert!(
        text.contains("(did you mean `ApiErrorBudgetBurning`?)"),
        "{text}"
    );
    let expected = "set it to `https://runbooks.example.com/alerts/KubePodCrashLooping.html?namespace={{ $labels.namespace | urlquery }}&pod={{ $labels.pod | urlquery }}`";
    assert!(text.contains(expected), "{text}");
    assert!(
        text.ends_with("2 files: 2 errors, 4 warnings, 3 alerts without a runbook\n"),
        "{text}"
    );
    insta::assert_snapshot!(text);
}

#[test]
fn sarif_is_valid_with_error_warning_and_note_levels() {
    let tmp = tempfile::tempdir().expect("tempdir");
    let report = tmp.path().join("alerts.sarif");
    let spec = format!("sarif={}", report.display());
    let run = alerts_lint(&project(), &["--format", "sarif", "--report", &spec]);
    assert_eq!(run.code(), 1);
    let log = sarif::assert_valid_sarif(&run.stdout());
    let written = std::fs::read_to_string(&report).expect("the --report file");
    assert_eq!(written, run.stdout(), "--report writes the same log");
    let level = |rule: &str| -> Vec<String> {
        let results = log["runs"][0]["results"].as_array().expect("results");
        let of_rule = results.iter().filter(|r| r["ruleId"] == rule);
        of_rule
            .map(|r| r["level"].as_str().unwrap_or("").to_owned())
            .collect()
    };
    assert_eq!(level("broken-runbook-url"), ["error"; 2]);
    assert_eq!(level("wrong-runbook-url"), ["warning"; 3]);
    assert_eq!(level("unknown-alert"), ["warning"]);
    assert_eq!(level("alert-without-runbook"), ["note"; 3]);
    let rules = log["runs"][0]["tool"]["driver"]["rules"]
        .as_array()
        .expect("rules");
    let note = rules
        .iter()
        .find(|r| r["id"] == "alert-without-runbook")
        .expect("rule");
    assert_eq!(note["defaultConfiguration"]["level"], "note");
    let first = &log["runs"][0]["results"][0]["locations"][0]["physicalLocation"];
    assert_eq!(
        first["artifactLocation"]["uri"],
        "monitoring/rules/api.yaml"
    );
    assert_eq!(first["region"]["startLine"], 21);
}

#[test]
fn the_other_machine_formats() {
    let json: Value =
        serde_json::from_str(&alerts_lint(&project(), &["--format", "json"]).stdout())
            .expect("JSON");
    let summary = &json["summary"];
    assert_eq!(
        (summary["errors"].as_u64(), summary["warnings"].as_u64()),
        (Some(2), Some(4))
    );
    assert_eq!(summary["infos"], 3);
    let info = json["diagnostics"]
        .as_array()
        .expect("list")
        .iter()
        .find(|d| d["severity"] == "info");
    assert_eq!(info.expect("an info")["rule"], "alert-without-runbook");
    let github = alerts_lint(&project(), &["--format", "github"]).stdout();
    assert!(
        github.contains(
            "::notice file=monitoring/rules/api.yaml,line=22,col=16,title=alert-without-runbook::"
        ),
        "{github}"
    );
    let junit = alerts_lint(&project(), &["--format", "junit"]).stdout();
    assert!(
        junit.contains(r#"tests="3" failures="2""#),
        "the runbook has a warning only: {junit}"
    );
}

/// A project whose rules' only finding is an alert no runbook lists.
fn info_only(lint: &str) -> Project {
    let clean = Project::fixture("alerts/clean");
    let rules = clean.read("rules/web/alerts.yaml")
        + "        - alert: WebCertificateExpiry\n          expr: probe_ssl_earliest_cert_expiry - time() < 604800\n";
    Project::new()
        .config(&format!(
            "site_url: https://runbooks.example.com/book/\nalert_rules: [rules.yaml]\nlint: {lint}\n"
        ))
        .copy(clean.join("runbooks/web.yaml"), "runbooks/web.yaml")
        .file("rules.yaml", rules)
}

#[test]
fn info_never_fails_a_run_not_even_with_deny_warnings() {
    let project = info_only("{ deny_warnings: true }");
    for args in [&["alerts", "lint"][..], &["lint"]] {
        let run = project.run(args);
        assert_eq!(run.code(), 0, "{run:?}");
        assert!(
            run.stdout()
                .contains("info[alert-without-runbook]: alert `WebCertificateExpiry`")
        );
        assert!(
            run.stdout().ends_with(", 1 alert without a runbook\n"),
            "{run:?}"
        );
    }
    let junit = project
        .run(&["alerts", "lint", "--format", "junit"])
        .stdout();
    assert!(junit.contains(r#"failures="0""#), "{junit}");
    // Levels in opsbook.yaml apply: a team may make it a warning, which deny_warnings fails.
    let strict = info_only("{ deny_warnings: true, rules: { alert-without-runbook: warn } }");
    let run = strict.run(&["alerts", "lint"]);
    assert_eq!(run.code(), 1, "{run:?}");
    assert!(
        run.stdout().contains("error[alert-without-runbook]"),
        "{run:?}"
    );
}

#[test]
fn a_level_can_be_set_to_info() {
    let project = info_only("{ rules: { alert-without-runbook: off } }");
    assert!(
        !project
            .run(&["alerts", "lint"])
            .stdout()
            .contains("alert-without-runbook")
    );
    let config = project
        .read("opsbook.yaml")
        .replace("alert-without-runbook: off", "broken-runbook-url: info");
    project.write("opsbook.yaml", &config);
    let rules = project
        .read("rules.yaml")
        .replace("/book/web/slow.html", "/book/web/gone.html");
    project.write("rules.yaml", &rules);
    let run = project.run(&["alerts", "lint"]);
    assert_eq!(run.code(), 0, "{run:?}");
    assert!(run.stdout().contains("info[broken-runbook-url]"), "{run:?}");
}

#[test]
fn plain_lint_includes_the_findings_when_alert_rules_is_set() {
    let run = project().run(&["lint", "--color", "never"]);
    let text = run.stdout();
    assert_eq!(run.code(), 1, "{run:?}");
    assert_found(&text, &FINDINGS);
    assert!(
        text.contains("4 files: 2 errors"),
        "two runbooks and two rule files:\n{text}"
    );
    // A few named runbooks are not the project: which alerts it lists is not known then.
    let named = project().run(&["lint", "runbooks/postgres.yaml"]);
    assert_eq!(named.code(), 0, "{named:?}");
    let clean = Project::fixture("alerts/clean").run(&["lint"]);
    assert!(
        clean.stdout().ends_with("2 files: 0 errors, 0 warnings\n"),
        "{clean:?}"
    );
}

#[test]
fn rule_files_that_cannot_be_read_are_findings_at_their_place() {
    let run = alerts_lint(
        &project(),
        &["broken/not-yaml.yaml", "broken/not-rules.yaml"],
    );
    let text = run.stdout();
    assert_eq!(run.code(), 1, "{run:?}");
    assert_found(
        &text,
        &[
            ("invalid-yaml", "broken/not-yaml.yaml:5:15"),
            ("invalid-rule-file", "broken/not-rules.yaml:2:1"),
            ("invalid-rule-file", "broken/not-rules.yaml:5:1"),
            ("invalid-rule-file", "broken/not-rules.yaml:14:14"),
            ("invalid-rule-file", "broken/not-rules.yaml:17:11"),
        ],
    );
    // The runbooks' alerts may be defined in what could not be read: not called unknown.
    assert!(!text.contains("unknown-alert"), "{text}");
    assert!(text.ends_with("2 files: 5 errors, 0 warnings\n"), "{text}");
    // Named folders are read for their YAML files.
    let folder = alerts_lint(&project(), &["monitoring"]);
    assert_found(&folder.stdout(), &FINDINGS);
}

#[test]
fn usage_errors_exit_2() {
    let run = alerts_lint(&project(), &["monitoring/rules/nope.yaml"]);
    assert_eq!(run.code(), 2, "{run:?}");
    assert!(
        run.stderr()
            .contains("monitoring/rules/nope.yaml: no such file or folder"),
        "{run:?}"
    );
    let nothing = Project::new().dir("runbooks").run(&["alerts", "lint"]);
    assert_eq!(nothing.code(), 2, "{nothing:?}");
    assert!(
        nothing
            .stderr()
            .contains("set `alert_rules:` in opsbook.yaml"),
        "{nothing:?}"
    );
}

/// The fixture's runbooks and rules in a fresh project with `config` as opsbook.yaml.
fn copy_of_fixture(config: &str) -> Project {
    let fixture = project();
    let mut project = Project::new().config(config);
    for rel in [
        "runbooks/api.yaml",
        "runbooks/postgres.yaml",
        "monitoring/rules/api.yaml",
        "monitoring/rules/k8s.yaml",
    ] {
        project = project.copy(fixture.join(rel), rel);
    }
    project
}

#[test]
fn a_pattern_that_matches_nothing_is_a_warning_naming_it() {
    let project = copy_of_fixture(
        "site_url: https://runbooks.example.com\nalert_rules:\n  - monitoring/rules/*.yaml\n  - monitoring/recording/**/*.yml\n",
    );
    let text = alerts_lint(&project, &[]).stdout();
    assert_found(&text, &[("alert-check-incomplete", "opsbook.yaml:4:5")]);
    assert!(text.contains("`alert_rules` pattern `monitoring/recording/**/*.yml` matches no file"));
    // The alert may be defined in the files it meant: not called unknown.
    assert!(!text.contains("[unknown-alert]"), "{text}");
    assert_found(&text, &FINDINGS[..8]);
}

#[test]
fn without_site_url_urls_are_not_judged_and_that_is_said_once() {
    let project = copy_of_fixture("alert_rules: [monitoring/rules/*.yaml]\n");
    let run = alerts_lint(&project, &[]);
    let text = run.stdout();
    assert_eq!(
        run.code(),
        0,
        "nothing can be an error without the site: {run:?}"
    );
    assert_eq!(
        text.matches("[alert-check-incomplete]").count(),
        1,
        "{text}"
    );
    assert!(text.contains("opsbook.yaml has no `site_url`"), "{text}");
    assert!(!text.contains("broken-runbook-url"), "{text}");
    // The checks that need no site still run: a listed alert without runbook_url, the others.
    assert_found(
        &text,
        &[
            ("wrong-runbook-url", "monitoring/rules/k8s.yaml:38:18"),
            ("unknown-alert", "runbooks/api.yaml:38:17"),
            ("alert-without-runbook", "monitoring/rules/api.yaml:22:16"),
        ],
    );
    assert!(
        text.contains("set in opsbook.yaml, `opsbook alerts urls` prints it"),
        "{text}"
    );
    let urls = project.run(&["alerts", "urls"]);
    assert_eq!(urls.code(), 2, "{urls:?}");
    assert!(
        urls.stderr().contains("opsbook.yaml has no `site_url`"),
        "{urls:?}"
    );
    assert!(urls.stdout().is_empty(), "{urls:?}");
}

#[test]
fn urls_text_and_json() {
    let run = project().run(&["alerts", "urls"]);
    run.assert_ok();
    let text = run.stdout();
    insta::assert_snapshot!(text);
    let names: Vec<&str> = text
        .lines()
        .filter_map(|l| l.split_once('\t'))
        .map(|(n, _)| n)
        .collect();
    let mut sorted = names.clone();
    sorted.sort();
    assert_eq!(names, sorted);
    assert_eq!(names.len(), 7, "every alert any runbook lists, once");
    let json = project().run(&["alerts", "urls", "--format", "json"]);
    json.assert_ok();
    let value: Value = serde_json::from_str(&json.stdout()).expect("JSON");
    assert_eq!(
        value["KubePodCrashLooping"],
        "https://runbooks.example.com/alerts/KubePodCrashLooping.html?namespace={{ $labels.namespace | urlquery }}&pod={{ $labels.pod | urlquery }}"
    );
    assert_eq!(
        value["PostgresReplicationLag"],
        "https://runbooks.example.com/alerts/PostgresReplicationLag.html",
        "a runbook without params adds no query"
    );
}

/// What `alerts urls` prints is what the cross-check accepts: pasted into the rules, it is clean.
#[test]
fn the_printed_urls_satisfy_the_cross_check() {
    let clean = Project::fixture("alerts/clean");
    let urls: Value =
        serde_json::from_str(&clean.run(&["alerts", "urls", "--format", "json"]).stdout())
            .expect("JSON");
    let web_down = urls["WebDown"].as_str().expect("a URL");
    assert!(clean.read("rules/web/alerts.yaml").contains(web_down));
    assert!(
        alerts_lint(&clean, &[])
            .stdout()
            .ends_with("1 file: 0 errors, 0 warnings\n")
    );
}
