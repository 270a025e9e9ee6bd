//! The bundled runbooks lint clean, validate against `opsbook schema`, and `opsbook init`
//! scaffolds a project that lints clean.

mod common;

use std::path::Path;

use common::{code, opsbook, stdout};

fn repo() -> &'static Path {
    Path::new(env!("CARGO_MANIFEST_DIR"))
}

#[test]
fn bundled_runbooks_lint_clean() {
    let output = opsbook(repo(), &["lint", "--color", "never"]);
    assert_eq!(code(&output), 0, "{}", stdout(&output));
    assert!(stdout(&output).contains("0 errors, 0 warnings"));
}

#[test]
fn bundled_runbooks_validate_against_the_schema() {
    let schema_text = stdout(&opsbook(repo(), &["schema"]));
    let schema: serde_json::Value = serde_json::from_str(&schema_text).expect("schema is JSON");
    assert_eq!(schema["$schema"], "http://json-schema.org/draft-07/schema#");
    let validator = jsonschema::draft7::new(&schema).expect("a valid draft-07 schema");
    let mut seen = 0;
    for entry in std::fs::read_dir(repo().join("runbooks")).expect("runbooks") {
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
    let dir = tempfile::tempdir().expect("tempdir");
    let output = opsbook(dir.path(), &["init"]);
    assert_eq!(code(&output), 0, "{output:?}");
    let lint = opsbook(dir.path(), &["lint", "--color", "never"]);
    assert_eq!(code(&lint), 0, "{}", stdout(&lint));
    let example = dir.path().join("runbooks/example.yaml");
    std::fs::write(&example, "edited").expect("edit");
    assert_eq!(code(&opsbook(dir.path(), &["init"])), 2);
    assert_eq!(std::fs::read_to_string(&example).expect("read"), "edited");
}

#[test]
fn completions_print_a_script() {
    let output = opsbook(repo(), &["completions", "bash"]);
    assert_eq!(code(&output), 0);
    assert!(stdout(&output).contains("opsbook"));
}

#[test]
fn build_in_an_empty_folder_renders_the_bundled_runbooks() {
    let dir = tempfile::tempdir().expect("tempdir");
    let output = opsbook(dir.path(), &["build"]);
    assert_eq!(code(&output), 0, "{output:?}");
    assert!(dir.path().join("book/api/increased-latency.html").is_file());
    assert!(dir.path().join("book/postgres/index.html").is_file());
    assert!(String::from_utf8_lossy(&output.stderr).contains("bundled example runbooks"));
}
