//! A project's `templates/incident.md` is used by `incident new` and by the site's incident
//! form; a template the form cannot reproduce fails the build with a message saying why.

mod support;

use support::Project;

const UNREPRODUCIBLE: &str = "---\ntitle: {{ title | yaml_string }}\n---\n\
    # {{ title | upper }}\n{% if commander %}Led by {{ commander }}{% endif %}\n";

/// A project with the repository's `runbooks` (by file name) and `templates/incident.md`.
fn project(runbooks: &[&str], incident_md: &str) -> Project {
    let project = runbooks
        .iter()
        .fold(Project::new(), |project, name| project.bundled(name));
    project.file("templates/incident.md", incident_md)
}

#[test]
fn a_template_the_form_cannot_reproduce_fails_the_build() {
    let project = project(&["api.yaml"], UNREPRODUCIBLE);
    let output = project.build(&project.beside("book"));
    assert_eq!(output.code(), 2, "{}", output.stderr());
    let message = output.stderr();
    assert!(
        message
            .contains("templates/incident.md: the incident form of `api#increased-latency` cannot"),
        "{message}"
    );
    assert!(message.contains("`TITLE`"), "{message}");
    assert!(message.contains("through the filters"), "{message}");
    assert!(!project.beside("book").exists(), "nothing is written");
}

#[test]
fn incident_new_and_the_form_data_use_the_override() {
    let template = "---\ntitle: {{ title | yaml_string }}\n---\n\n# {{ severity }}: {{ title }}\n";
    let project = project(&["api.yaml"], template);
    let out = project.beside("book");
    project.build(&out).assert_ok();
    let data = std::fs::read_to_string(out.join("api/incident-data.js")).expect("data");
    assert!(
        data.contains("\"md\":[\"---\\ntitle: \u{E000}title|yaml_string\u{E001}\\n---\\n\\n# \u{E000}severity\u{E001}: \u{E000}title\u{E001}\"]"),
        "{data}"
    );
    let dir = project.beside("incidents");
    project
        .run(&[
            "incident",
            "new",
            "api#increased-latency",
            "--title",
            "Slow",
            "--started-at",
            "2026-11-26T08:00:00Z",
            "--dir",
            dir.to_str().expect("utf-8"),
        ])
        .assert_ok();
    let record = std::fs::read_to_string(dir.join("2026-11-26-slow.md")).expect("record");
    assert_eq!(record, "---\ntitle: \"Slow\"\n---\n\n# sev2: Slow\n");
}

/// The built-in template is not proven at build time (see `Skeleton::builtin`); here it is, as an
/// override, against every bundled runbook.
#[test]
fn the_default_template_is_proven_for_the_bundled_runbooks() {
    let repo = Project::repo();
    let default = repo.read("templates/incident.md");
    let runbooks: Vec<String> = std::fs::read_dir(repo.join("runbooks"))
        .expect("runbooks")
        .flatten()
        .map(|e| e.file_name().to_string_lossy().into_owned())
        .filter(|name| name.ends_with(".yaml"))
        .collect();
    let names: Vec<&str> = runbooks.iter().map(String::as_str).collect();
    let project = project(&names, &default);
    project.build(&project.beside("book")).assert_ok();
}
