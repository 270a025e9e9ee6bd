//! `opsbook schema [runbook|config|incident] [--write]`: each schema is draft-07 with a stable
//! `$id`, accepts what opsbook writes and the bundled project holds, rejects a misspelt field;
//! `init` writes the schemas its modelines point at; the copies committed in `.opsbook/` are
//! the current ones; `book/` carries all three.

mod support;

use serde_json::Value as Json;
use support::Project;

fn schema(kind: &str) -> Json {
    let run = Project::repo().run(&["schema", kind]);
    run.assert_ok();
    serde_json::from_str(&run.stdout()).expect("a schema is JSON")
}

fn validator(kind: &str) -> jsonschema::Validator {
    let schema = schema(kind);
    assert_eq!(schema["$schema"], "http://json-schema.org/draft-07/schema#");
    assert_eq!(
        schema["$id"],
        format!("https://opsbook.dev/schema/v1/{kind}.schema.json")
    );
    jsonschema::draft7::new(&schema).expect("a valid draft-07 schema")
}

fn errors(validator: &jsonschema::Validator, value: &Json) -> Vec<String> {
    validator
        .iter_errors(value)
        .map(|e| format!("{e} at {}", e.instance_path()))
        .collect()
}

fn yaml(text: &str) -> Json {
    serde_saphyr::from_str(text).expect("YAML")
}

#[test]
fn the_example_configs_validate_against_the_config_schema() {
    let config = validator("config");
    let repo = Project::repo();
    for path in ["opsbook.yaml", "src/cli/init/opsbook.yaml"] {
        let value = yaml(&repo.read(path));
        assert_eq!(errors(&config, &value), Vec::<String>::new(), "{path}");
    }
    // Every field opsbook.yaml can have, as DESIGN.md shows them (`off` quoted: serde-saphyr's
    // untyped reading takes YAML 1.1's boolean, where opsbook and editors read YAML 1.2 text).
    let full = "title: Payments on-call book\nruns: x\n";
    assert!(!config.is_valid(&yaml(full)), "`runs` is no field");
    let full = r#"
title: Payments on-call book
runbooks: runbooks
out: book
review_every_days: 90
postmortem_questions: [What was the trigger?]
lint:
  deny_warnings: false
  rules: { stale-review: warn, hardcoded-target: "off" }
site_url: https://runbooks.example.com/
incidents: incidents
alert_rules: [monitoring/rules/*.yaml]
severity_map: { critical: sev1, warning: sev3, info: sev4 }
max_hypotheses: 5
env: [API_TOKEN]
"#;
    assert_eq!(errors(&config, &yaml(full)), Vec::<String>::new(), "{full}");
    let misspelt = serde_json::json!({ "titel": "x" });
    assert!(!config.is_valid(&misspelt), "an unknown key is rejected");
    let wrong = serde_json::json!({ "review_every_days": "ninety" });
    assert!(!config.is_valid(&wrong), "a wrong type is rejected");
}

#[test]
fn a_new_records_front_matter_validates_against_the_incident_schema() {
    let incident = validator("incident");
    let dir = tempfile::tempdir().expect("tempdir");
    Project::repo()
        .incident_new(dir.path(), "slow hello", &[])
        .assert_ok();
    let text = std::fs::read_to_string(dir.path().join("2026-11-26-slow-hello.md")).expect("read");
    let front = text
        .strip_prefix("---\n")
        .and_then(|rest| rest.split("\n---\n").next())
        .expect("front matter");
    let value = yaml(front);
    assert_eq!(errors(&incident, &value), Vec::<String>::new(), "{front}");
    let mut resolved = value.clone();
    resolved["status"] = "resolved".into();
    assert!(
        !incident.is_valid(&resolved),
        "resolved without resolved_at is rejected"
    );
    let mut misspelt = value;
    misspelt["severty"] = "sev1".into();
    assert!(!incident.is_valid(&misspelt));
}

#[test]
fn a_wrong_front_matter_value_points_at_the_incident_schema() {
    let project = Project::new().file(
        "incidents/r.md",
        "---\ntitle: [t]\nseverity: sev1\nstatus: open\n---\n",
    );
    let run = project.run(&["incident", "lint", "incidents/r.md", "--color", "never"]);
    let text = run.stdout();
    assert_eq!(run.code(), 1, "{text}");
    assert!(text.contains("`opsbook schema incident`"), "{text}");
}

#[test]
fn init_writes_the_schemas_its_modelines_point_at() {
    let project = Project::new();
    project.run(&["init"]).assert_ok();
    for (file, kind) in [
        ("opsbook.yaml", "config"),
        ("runbooks/example.yaml", "runbook"),
    ] {
        let text = project.read(file);
        let first = text.lines().next().expect("a first line");
        let target = first
            .strip_prefix("# yaml-language-server: $schema=")
            .unwrap_or_else(|| panic!("{file} starts with a modeline: {first}"));
        let schema_path = project.join(file).parent().expect("folder").join(target);
        let written: Json =
            serde_json::from_str(&std::fs::read_to_string(&schema_path).expect("schema file"))
                .expect("JSON");
        assert_eq!(written, schema(kind), "{}", schema_path.display());
        let validator = jsonschema::draft7::new(&written).expect("draft-07");
        assert_eq!(errors(&validator, &yaml(&text)), Vec::<String>::new());
    }
    assert!(project.join(".opsbook/incident.schema.json").is_file());
}

#[test]
fn schema_write_refreshes_the_projects_copies() {
    let project = Project::new().file(".opsbook/runbook.schema.json", "{ \"old\": true }");
    project.write("opsbook.yaml", "title: t\n");
    let run = project.run(&["schema", "--write"]);
    run.assert_ok();
    assert_eq!(
        run.stdout().matches("wrote ").count(),
        3,
        "{}",
        run.stdout()
    );
    let refreshed: Json =
        serde_json::from_str(&project.read(".opsbook/runbook.schema.json")).expect("JSON");
    assert_eq!(refreshed, schema("runbook"));
    // From a folder below the project, the project's own `.opsbook/` is the one written.
    project.write("runbooks/keep.txt", "");
    let below = Project::at(project.join("runbooks"));
    below.run(&["schema", "config", "--write"]).assert_ok();
    assert!(!project.join("runbooks/.opsbook").exists());
}

#[test]
fn the_committed_schemas_are_the_current_ones() {
    let repo = Project::repo();
    for kind in ["runbook", "config", "incident"] {
        let committed: Json =
            serde_json::from_str(&repo.read(format!(".opsbook/{kind}.schema.json"))).expect("JSON");
        assert_eq!(
            committed,
            schema(kind),
            ".opsbook/{kind}.schema.json is stale: run `cargo run -- schema --write`"
        );
    }
}

#[test]
fn the_book_carries_all_three_schemas() {
    let project = Project::new().bundled("api.yaml");
    project.run(&["build"]).assert_ok();
    for kind in ["runbook", "config", "incident"] {
        let served: Json =
            serde_json::from_str(&project.read(format!("book/{kind}.schema.json"))).expect("JSON");
        assert_eq!(served["$id"], schema(kind)["$id"]);
    }
}
