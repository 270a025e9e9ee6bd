//! Every lint rule has a fixture that triggers it, and its human output is snapshotted.

mod support;

use opsbook::rule::{Rule, Scope};
use support::Project;

/// Lints one fixture and returns (exit code, output), asserting the expected rule fired.
fn lint_fixture(name: &str, rule: &str) -> (i32, String) {
    let (exit, text) = lint_output(name);
    assert!(
        text.contains(&format!("[{rule}]")),
        "{name}: expected [{rule}] in:\n{text}"
    );
    let path = format!("lint/{name}.yaml");
    assert!(text.contains(&path), "{name}: the file is named:\n{text}");
    (exit, text)
}

macro_rules! rule_tests {
    ($( $test:ident: $fixture:literal => $rule:literal, exit $exit:literal; )*) => {$(
        #[test]
        fn $test() {
            let (exit, text) = lint_fixture($fixture, $rule);
            assert_eq!(exit, $exit, "{text}");
            insta::assert_snapshot!($fixture, text);
        }
    )*};
}

rule_tests! {
    invalid_yaml_tab: "invalid-yaml-tab" => "invalid-yaml", exit 1;
    invalid_yaml_quote: "invalid-yaml-quote" => "invalid-yaml", exit 1;
    invalid_yaml_two_documents: "invalid-yaml-two-documents" => "invalid-yaml", exit 1;
    invalid_yaml_empty: "invalid-yaml-empty" => "invalid-yaml", exit 1;
    invalid_yaml_comments_only: "invalid-yaml-comments-only" => "invalid-yaml", exit 1;
    unknown_field: "unknown-field" => "unknown-field", exit 1;
    duplicate_key: "duplicate-key" => "duplicate-key", exit 1;
    duplicate_key_headers: "duplicate-key-headers" => "duplicate-key", exit 1;
    wrong_type: "wrong-type" => "wrong-type", exit 1;
    wrong_type_number: "wrong-type-number" => "wrong-type", exit 1;
    missing_field: "missing-field" => "missing-field", exit 1;
    invalid_date: "invalid-date" => "invalid-date", exit 1;
    yaml_limit_deep: "yaml-limit-deep" => "yaml-limit", exit 1;
    yaml_limit_bomb: "yaml-limit-bomb" => "yaml-limit", exit 1;
    invalid_utf8: "invalid-utf8" => "invalid-utf8", exit 1;
    invalid_id: "invalid-id" => "invalid-id", exit 1;
    invalid_id_path: "invalid-id-path" => "invalid-id", exit 1;
    duplicate_id: "duplicate-id" => "duplicate-id", exit 1;
    unknown_check: "unknown-check" => "unknown-check", exit 1;
    check_without_expect: "check-without-expect" => "check-without-expect", exit 1;
    invalid_curl: "invalid-curl" => "invalid-curl", exit 1;
    invalid_curl_flag: "invalid-curl-flag" => "invalid-curl", exit 1;
    undefined_placeholder: "undefined-placeholder" => "undefined-placeholder", exit 1;
    hardcoded_target: "hardcoded-target" => "hardcoded-target", exit 0;
    literal_secret: "literal-secret" => "literal-secret", exit 1;
    high_risk_without_plan: "high-risk-without-plan" => "high-risk-without-plan", exit 1;
    action_without_confirm: "action-without-confirm" => "action-without-confirm", exit 1;
    no_hypotheses: "no-hypotheses" => "no-hypotheses", exit 1;
    too_many_hypotheses: "too-many-hypotheses" => "too-many-hypotheses", exit 0;
    no_checks: "no-checks" => "no-checks", exit 1;
    unsafe_link: "unsafe-link" => "unsafe-link", exit 1;
    stale_review: "stale-review" => "stale-review", exit 0;
    insecure_tls: "insecure-tls" => "insecure-tls", exit 0;
    no_targets: "no-targets" => "no-targets", exit 1;
    var_in_single_quotes: "var-in-single-quotes" => "var-in-single-quotes", exit 0;
    invalid_expect: "invalid-expect" => "invalid-expect", exit 1;
    undefined_placeholder_expect: "undefined-placeholder-expect" => "undefined-placeholder", exit 1;
    unsafe_link_markdown: "unsafe-link-markdown" => "unsafe-link", exit 1;
    placeholder_text: "placeholder-text" => "placeholder-text", exit 0;
    invalid_alert: "invalid-alert" => "invalid-alert", exit 1;
    invalid_param: "invalid-param" => "invalid-param", exit 1;
    invalid_check: "invalid-check" => "invalid-check", exit 1;
    invalid_promql: "invalid-promql" => "invalid-promql", exit 1;
    mutating_check: "mutating-check" => "mutating-check", exit 1;
    no_executable_check: "no-executable-check" => "no-executable-check", exit 0;
    undeclared_env: "undeclared-env" => "undeclared-env", exit 1;
    credentials_in_url: "credentials-in-url" => "credentials-in-url", exit 1;
}

#[test]
fn clean_fixtures_load_fine() {
    for name in ["clean", "clean-bom", "clean-crlf", "clean-type-surprises"] {
        let (exit, text) = lint_output(name);
        assert_eq!(exit, 0, "{name}:\n{text}");
    }
}

/// The output of linting the input that makes `rule` fire: its fixture, by the rule's name
/// where there is one.
fn firing_output(rule: Rule) -> String {
    let fixture = |name: &str| {
        let path = format!("lint/{name}.yaml");
        Project::fixtures().run(&["lint", &path]).stdout()
    };
    match rule {
        Rule::InvalidYaml => fixture("invalid-yaml-tab"),
        Rule::YamlLimit => fixture("yaml-limit-bomb"),
        Rule::UnreadableFile => {
            let scratch = Project::new().dir("runbooks");
            std::os::unix::fs::symlink("/etc/hostname", scratch.join("runbooks/linked.yaml"))
                .unwrap();
            scratch.run(&["lint"]).stdout()
        }
        Rule::InvalidConfig => {
            let scratch = Project::new()
                .dir("runbooks")
                .config("lint: { rules: { invalid-yaml: off } }\n");
            scratch.run(&["lint"]).stdout()
        }
        Rule::InvalidRuleFile => Project::fixture("alerts")
            .run(&["alerts", "lint", "broken/not-rules.yaml"])
            .stdout(),
        Rule::AlertCheckIncomplete => {
            let scratch = Project::new()
                .dir("runbooks")
                .config("alert_rules: [monitoring/*.yaml]\n");
            scratch.run(&["alerts", "lint"]).stdout()
        }
        // The alert fixture project has one of each cross-check finding.
        r if r.scope() == Scope::AlertRules => {
            Project::fixture("alerts").run(&["alerts", "lint"]).stdout()
        }
        r if r.scope() == Scope::Incident => {
            let path = format!("tests/fixtures/incidents/{}.md", r.name());
            Project::repo().run(&["incident", "lint", &path]).stdout()
        }
        r => fixture(r.name()),
    }
}

/// The output of linting clean input of the rule's scope.
fn clean_output(scope: Scope) -> String {
    match scope {
        Scope::Incident => Project::repo()
            .run(&["incident", "lint", "tests/fixtures/incidents/complete.md"])
            .stdout(),
        Scope::Runbook | Scope::Config => Project::fixtures()
            .run(&["lint", "lint/clean.yaml"])
            .stdout(),
        Scope::AlertRules => Project::fixture("alerts/clean")
            .run(&["alerts", "lint"])
            .stdout(),
    }
}

#[test]
fn every_rule_in_the_registry_fires_on_its_fixture_and_not_on_clean_input() {
    for &rule in Rule::ALL {
        let tag = format!("[{}]", rule.name());
        let fired = firing_output(rule);
        assert!(fired.contains(&tag), "{rule} did not fire:\n{fired}");
        let clean = clean_output(rule.scope());
        assert!(
            !clean.contains(&tag),
            "{rule} fired on clean input:\n{clean}"
        );
        let explained = Project::fixtures().run(&["explain", rule.name()]).stdout();
        assert!(explained.contains(rule.summary()), "{rule}: {explained}");
    }
}

#[test]
fn rules_about_reading_a_file_cannot_be_turned_off() {
    let dir = Project::new()
        .runbook("broken", "title: [unclosed\n")
        .config("lint:\n  rules: { invalid-yaml: off, unknown-field: warn }\n");
    let run = dir.run(&["lint"]);
    let text = run.stdout();
    assert_eq!(run.code(), 2, "an invalid opsbook.yaml: {text}");
    assert!(
        text.contains("error[invalid-config]: rule `invalid-yaml` cannot be set to `off`"),
        "{text}"
    );
    assert!(
        text.contains("rule `unknown-field` cannot be set to `warn`"),
        "{text}"
    );
    assert!(
        text.contains("error[invalid-yaml]") && text.contains("runbooks/broken.yaml"),
        "{text}"
    );
    let build = dir.run(&["build"]);
    assert_ne!(
        build.code(),
        0,
        "the broken runbook does not vanish from a built site"
    );
}

/// Lints one fixture and returns (exit code, output) without asserting a rule.
fn lint_output(name: &str) -> (i32, String) {
    let path = format!("lint/{name}.yaml");
    let run = Project::fixtures().run(&["lint", "--color", "never", &path]);
    (run.code(), run.stdout())
}

#[test]
fn structural_problems_do_not_hide_the_other_findings() {
    let (exit, text) = lint_output("all-findings");
    assert_eq!(exit, 1, "{text}");
    for (rule, place) in [
        ("unknown-field", "all-findings.yaml:16:5"),
        ("invalid-id", "all-findings.yaml:13:9"),
        ("unknown-check", "all-findings.yaml:22:14"),
    ] {
        assert!(text.contains(&format!("[{rule}]")), "{rule}:\n{text}");
        assert!(text.contains(place), "{rule} at {place}:\n{text}");
    }
    assert!(text.contains("did you mean `symptoms`?"), "{text}");
    insta::assert_snapshot!("all-findings", text);
}

#[test]
fn every_structural_problem_of_a_file_is_reported() {
    let (exit, text) = lint_output("structural-many");
    assert_eq!(exit, 1, "{text}");
    for place in [
        "structural-many.yaml:4:1",
        "structural-many.yaml:6:20",
        "structural-many.yaml:8:42",
        "structural-many.yaml:13:28",
    ] {
        assert!(text.contains(place), "{place}:\n{text}");
    }
    // `vras` inside a target: a misspelt key there is an unknown field too, with a suggestion.
    assert!(text.contains("(did you mean `vars`?)"), "{text}");
    assert_eq!(text.matches("[unknown-field]").count(), 3, "{text}");
    assert_eq!(text.matches("[wrong-type]").count(), 1, "{text}");
    assert!(text.contains("1 file: 4 errors"), "{text}");
    insta::assert_snapshot!("structural-many", text);
}

/// The README's rule table, as the registry says it.
fn readme_table() -> String {
    let mut table = String::from(
        "| code | name | default | level can be changed | what it catches |\n|---|---|---|---|---|\n",
    );
    for rule in Rule::ALL {
        let changeable = if rule.is_fixed() { "no" } else { "yes" };
        table.push_str(&format!(
            "| {} | {} | {} | {changeable} | {} |\n",
            rule.code(),
            rule.name(),
            rule.default_severity().as_str(),
            rule.summary().replace('|', "\\|"),
        ));
    }
    table
}

#[test]
fn the_readme_rule_table_is_the_registry() {
    let readme = Project::repo().read("README.md");
    let table = readme_table();
    assert!(
        readme.contains(&table),
        "README.md's rule table differs from the registry (src/rule.rs); replace it with:\n\n{table}"
    );
}
