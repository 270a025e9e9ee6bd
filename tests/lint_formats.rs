//! The machine formats of `opsbook lint`: JSON, GitHub annotations, SARIF 2.1.0 and JUnit, each
//! snapshotted once, and the config that sets levels.

mod common;
mod sarif;

use common::{code, fixtures, opsbook, stdout};

const FILES: [&str; 3] = [
    "lint/unknown-check.yaml",
    "lint/stale-review.yaml",
    "lint/invalid-yaml-tab.yaml",
];

fn lint(format: &str) -> String {
    let mut args = vec!["lint", "--format", format];
    args.extend(FILES);
    let output = opsbook(&fixtures(), &args);
    assert_eq!(
        code(&output),
        1,
        "an invalid YAML file is a finding: exit 1"
    );
    stdout(&output)
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
        let output = opsbook(&fixtures(), &["lint", "--format", "sarif", file]);
        sarif::assert_valid_sarif(&stdout(&output));
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
    let dir = tempfile::tempdir().expect("tempdir");
    std::fs::create_dir(dir.path().join("runbooks")).expect("dir");
    std::fs::copy(
        fixtures().join("lint/stale-review.yaml"),
        dir.path().join("runbooks/a.yaml"),
    )
    .expect("copy");
    let config = dir.path().join("opsbook.yaml");
    std::fs::write(&config, "lint:\n  rules: { stale-review: off }\n").expect("config");
    assert_eq!(code(&opsbook(dir.path(), &["lint"])), 0);
    std::fs::write(&config, "lint:\n  deny_warnings: true\n").expect("config");
    assert_eq!(code(&opsbook(dir.path(), &["lint"])), 1);
    std::fs::write(&config, "lint:\n  rules: { stale-review: error }\n").expect("config");
    assert_eq!(code(&opsbook(dir.path(), &["lint"])), 1);
    std::fs::write(&config, "lint:\n  rules: { stale-reveiw: off }\n").expect("config");
    let output = opsbook(dir.path(), &["lint", "--color", "never"]);
    assert_eq!(code(&output), 2);
    assert!(
        stdout(&output).contains("opsbook.yaml:2:"),
        "{}",
        stdout(&output)
    );
}

/// `opsbook lint ARGS` on the fixtures with only the colour variables in `env` set.
fn lint_with_env(args: &[&str], env: &[(&str, &str)]) -> String {
    let mut cmd = std::process::Command::new(env!("CARGO_BIN_EXE_opsbook"));
    cmd.arg("lint")
        .args(args)
        .args(FILES)
        .current_dir(fixtures());
    for name in ["NO_COLOR", "CLICOLOR", "CLICOLOR_FORCE", "TERM"] {
        cmd.env_remove(name);
    }
    cmd.env("OPSBOOK_TODAY", common::TODAY)
        .envs(env.iter().copied());
    stdout(&cmd.output().expect("runs"))
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
    assert!(stdout(&opsbook(&fixtures(), &args)).contains('\u{1b}'));
    let output = std::process::Command::new(env!("CARGO_BIN_EXE_opsbook"))
        .args(["lint", "--color", "auto"])
        .args(FILES)
        .current_dir(fixtures())
        .env("NO_COLOR", "1")
        .output()
        .expect("runs");
    assert!(!stdout(&output).contains('\u{1b}'));
}
