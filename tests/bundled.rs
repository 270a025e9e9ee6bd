//! The bundled runbooks lint clean, validate against `opsbook schema`, and `opsbook init`
//! scaffolds a project that lints clean.

mod support;

use support::Project;

#[test]
fn bundled_runbooks_lint_clean() {
    let run = Project::repo().run(&["lint", "--color", "never"]);
    assert_eq!(run.code(), 0, "{}", run.stdout());
    assert!(run.stdout().contains("0 errors, 0 warnings"));
}

#[test]
fn bundled_runbooks_validate_against_the_schema() {
    let repo = Project::repo();
    let schema_text = repo.run(&["schema"]).stdout();
    let schema: serde_json::Value = serde_json::from_str(&schema_text).expect("schema is JSON");
    assert_eq!(schema["$schema"], "http://json-schema.org/draft-07/schema#");
    let validator = jsonschema::draft7::new(&schema).expect("a valid draft-07 schema");
    let mut seen = 0;
    for entry in std::fs::read_dir(repo.join("runbooks")).expect("runbooks") {
        let path = entry.expect("entry").path();
        let text = std::fs::read_to_string(&path).expect("read");
        let value: serde_json::Value = serde_saphyr::from_str(&text).expect("YAML");
        let errors: Vec<String> = validator
            .iter_errors(&value)
            .map(|e| format!("{} at {}", e, e.instance_path()))
            .collect();
        assert!(errors.is_empty(), "{}: {errors:?}", path.display());
        seen += 1;
    }
    assert!(seen >= 2);
    let bad: serde_json::Value = serde_json::json!({"title": "x", "service": "y", "owner": "z", "last_reviewed": "2026-01-01", "sympotms": []});
    assert!(
        !validator.is_valid(&bad),
        "unknown fields are rejected by the schema too"
    );
}

#[test]
fn init_scaffolds_a_clean_project_and_never_overwrites() {
    let dir = Project::new();
    dir.run(&["init"]).assert_ok();
    let lint = dir.run(&["lint", "--color", "never"]);
    assert_eq!(lint.code(), 0, "{}", lint.stdout());
    dir.write("runbooks/example.yaml", "edited");
    assert_eq!(dir.run(&["init"]).code(), 2);
    assert_eq!(dir.read("runbooks/example.yaml"), "edited");
}

#[test]
fn completions_print_a_script() {
    let run = Project::repo().run(&["completions", "bash"]);
    assert_eq!(run.code(), 0);
    assert!(run.stdout().contains("opsbook"));
}

#[test]
fn build_in_an_empty_folder_renders_the_bundled_runbooks() {
    let dir = Project::new();
    let run = dir.run(&["build"]);
    run.assert_ok();
    assert!(dir.join("book/api/increased-latency.html").is_file());
    assert!(dir.join("book/postgres/index.html").is_file());
    assert!(run.stderr().contains("bundled example runbooks"));
}
