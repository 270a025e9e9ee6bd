//! The machine formats of `opsbook lint`: JSON, GitHub annotations, SARIF 2.1.0 and JUnit, each
//! snapshotted once, and the config that sets levels.

mod support;

use support::{Project, Run, sarif};

const FILES: [&str; 3] = [
    "lint/unknown-check.yaml",
    "lint/stale-review.yaml",
    "lint/invalid-yaml-tab.yaml",
];

fn lint(format: &str) -> String {
    let mut args = vec!["lint", "--format", format];
    args.extend(FILES);
    let run = Project::fixtures().run(&args);
    assert_eq!(run.code(), 1, "an invalid YAML file is a finding: exit 1");
    run.stdout()
}

#[test]
fn json() {
    let text = lint("json");
    let value: serde_json::Value = serde_json::from_str(&text).expect("valid JSON");
    assert_eq!(value["summary"]["errors"], 2);
    assert_eq!(
        value["diagnostics"][0]["file"],
        "lint/invalid-yaml-tab.yaml"
    );
    insta::assert_snapshot!(text);
}

#[test]
fn github() {
    let text = lint("github");
    assert!(
        text.lines()
            .all(|l| l.starts_with("::error file=") || l.starts_with("::warning file=")),
        "{text}"
    );
    insta::assert_snapshot!(text);
}

#[test]
fn sarif_loads_as_sarif_2_1_0() {
    let text = lint("sarif");
    sarif::assert_valid_sarif(&text);
    let log: serde_sarif::sarif::Sarif = serde_json::from_str(&text).expect("a SARIF 2.1.0 log");
    let run = &log.runs[0];
    assert_eq!(run.tool.driver.name, "opsbook");
    assert_eq!(run.results.as_ref().map(Vec::len), Some(3));
    insta::assert_snapshot!(text);
}

#[test]
fn the_schema_rejects_what_is_not_sarif() {
    let text = lint("sarif");
    let mut log: serde_json::Value = serde_json::from_str(&text).expect("JSON");
    assert!(sarif::schema_accepts(&log));
    log["runs"][0]["results"][0]["level"] = "fatal".into();
    assert!(!sarif::schema_accepts(&log));
}

/// The rule table holds only the rules that fired; indices count into it, whichever rules
/// fire (a rule late in the registry alone once pointed past the end of the table).
#[test]
fn sarif_rule_indices_name_their_rules() {
    for file in [
        "lint/stale-review.yaml",
        "lint/insecure-tls.yaml",
        "lint/clean.yaml",
    ] {
        let run = Project::fixtures().run(&["lint", "--format", "sarif", file]);
        sarif::assert_valid_sarif(&run.stdout());
    }
}

#[test]
fn junit_is_well_formed() {
    let text = lint("junit");
    assert!(text.starts_with("<?xml"));
    assert_eq!(text.matches("<testcase ").count(), 3);
    assert_eq!(text.matches("<failure ").count(), 2);
    assert!(!text.contains("<<") && text.trim_end().ends_with("</testsuites>"));
}

#[test]
fn config_levels_and_deny_warnings() {
    let dir = Project::new()
        .copy(
            Project::fixtures().join("lint/stale-review.yaml"),
            "runbooks/a.yaml",
        )
        .config("lint:\n  rules: { stale-review: off }\n");
    assert_eq!(dir.run(&["lint"]).code(), 0);
    dir.write("opsbook.yaml", "lint:\n  deny_warnings: true\n");
    assert_eq!(dir.run(&["lint"]).code(), 1);
    dir.write("opsbook.yaml", "lint:\n  rules: { stale-review: error }\n");
    assert_eq!(dir.run(&["lint"]).code(), 1);
    dir.write("opsbook.yaml", "lint:\n  rules: { stale-reveiw: off }\n");
    let run = dir.run(&["lint", "--color", "never"]);
    assert_eq!(run.code(), 2);
    assert!(run.stdout().contains("opsbook.yaml:2:"), "{}", run.stdout());
}

/// `opsbook lint ARGS` on the fixtures with only the colour variables in `env` set (the harness
/// clears the others; `TERM` is cleared here too).
fn lint_with_env(args: &[&str], env: &[(&str, &str)]) -> String {
    let mut all = vec!["lint"];
    all.extend(args);
    all.extend(FILES);
    let mut cmd = Project::fixtures().command(&all);
    cmd.env_remove("TERM").envs(env.iter().copied());
    Run::of(&mut cmd).stdout()
}

/// `--color auto` is anstream's choice: NO_COLOR wins over everything, CLICOLOR_FORCE colours
/// even a pipe, CLICOLOR=0 turns colour off; `--color always|never` override all of them.
#[test]
fn color_auto_follows_the_clicolor_conventions() {
    let coloured =
        |args: &[&str], env: &[(&str, &str)]| lint_with_env(args, env).contains('\u{1b}');
    assert!(!coloured(&[], &[]), "a pipe is not coloured");
    assert!(coloured(&[], &[("CLICOLOR_FORCE", "1")]));
    assert!(coloured(
        &["--color", "auto"],
        &[("CLICOLOR_FORCE", "1"), ("CLICOLOR", "0")]
    ));
    assert!(!coloured(
        &[],
        &[("CLICOLOR_FORCE", "1"), ("NO_COLOR", "1")]
    ));
    assert!(!coloured(&[], &[("CLICOLOR", "0")]));
    assert!(!coloured(&["--color", "never"], &[("CLICOLOR_FORCE", "1")]));
    assert!(coloured(&["--color", "always"], &[("NO_COLOR", "1")]));
}

#[test]
fn color_only_when_asked() {
    let mut args = vec!["lint", "--color", "always"];
    args.extend(FILES);
    let fixtures = Project::fixtures();
    assert!(fixtures.run(&args).stdout().contains('\u{1b}'));
    let mut args = vec!["lint", "--color", "auto"];
    args.extend(FILES);
    let run = fixtures.run_with(&args, &[("NO_COLOR", "1")]);
    assert!(!run.stdout().contains('\u{1b}'));
}
