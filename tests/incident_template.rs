//! A project's `templates/incident.md` is used by `incident new` and by the site's incident
//! form; a template the form cannot reproduce fails the build with a message saying why.

use std::path::Path;

mod common;
mod site_common;

use site_common::{build, ok, project};

const UNREPRODUCIBLE: &str = "---\ntitle: {{ title | yaml_string }}\n---\n\
    # {{ title | upper }}\n{% if commander %}Led by {{ commander }}{% endif %}\n";

fn stderr(output: &std::process::Output) -> String {
    String::from_utf8_lossy(&output.stderr).into_owned()
}

#[test]
fn a_template_the_form_cannot_reproduce_fails_the_build() {
    let (tmp, project) = project(&["api.yaml"], &[("incident.md", UNREPRODUCIBLE)]);
    let output = build(&project, &tmp.path().join("book"));
    assert_eq!(output.status.code(), Some(2), "{}", stderr(&output));
    let message = stderr(&output);
    assert!(
        message
            .contains("templates/incident.md: the incident form of `api#increased-latency` cannot"),
        "{message}"
    );
    assert!(message.contains("`TITLE`"), "{message}");
    assert!(message.contains("through the filters"), "{message}");
    assert!(!tmp.path().join("book").exists(), "nothing is written");
}

#[test]
fn incident_new_and_the_form_data_use_the_override() {
    let template = "---\ntitle: {{ title | yaml_string }}\n---\n\n# {{ severity }}: {{ title }}\n";
    let (tmp, project) = project(&["api.yaml"], &[("incident.md", template)]);
    let out = tmp.path().join("book");
    ok(&build(&project, &out));
    let data = std::fs::read_to_string(out.join("api/incident-data.js")).expect("data");
    assert!(
        data.contains("\"md\":[\"---\\ntitle: \u{E000}title|yaml_string\u{E001}\\n---\\n\\n# \u{E000}severity\u{E001}: \u{E000}title\u{E001}\"]"),
        "{data}"
    );
    let dir = tmp.path().join("incidents");
    let cli = common::opsbook(
        &project,
        &[
            "incident",
            "new",
            "api#increased-latency",
            "--title",
            "Slow",
            "--started-at",
            "2026-11-26T08:00:00Z",
            "--dir",
            dir.to_str().expect("utf-8"),
        ],
    );
    assert!(cli.status.success(), "{cli:?}");
    let record = read(&dir.join("2026-11-26-slow.md"));
    assert_eq!(record, "---\ntitle: \"Slow\"\n---\n\n# sev2: Slow\n");
}

fn read(path: &Path) -> String {
    std::fs::read_to_string(path).expect("read")
}

/// The built-in template is not proven at build time (see `Skeleton::builtin`); here it is, as an
/// override, against every bundled runbook.
#[test]
fn the_default_template_is_proven_for_the_bundled_runbooks() {
    let default = read(&site_common::repo().join("templates/incident.md"));
    let runbooks: Vec<String> = std::fs::read_dir(site_common::repo().join("runbooks"))
        .expect("runbooks")
        .flatten()
        .map(|e| e.file_name().to_string_lossy().into_owned())
        .filter(|name| name.ends_with(".yaml"))
        .collect();
    let names: Vec<&str> = runbooks.iter().map(String::as_str).collect();
    let (tmp, project) = project(&names, &[("incident.md", &default)]);
    ok(&build(&project, &tmp.path().join("book")));
}
