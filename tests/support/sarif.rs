//! SARIF checks shared by the lint and check format tests: the official 2.1.0 JSON Schema
//! (copied from serde-sarif into `tests/fixtures/`), and the rule indices that schemas cannot
//! check — each result's `ruleIndex` must name the rule its `ruleId` names in this log's table.

use std::path::Path;

use serde_json::Value;

/// Whether `log` passes the schema (without the rule-index checks).
pub fn schema_accepts(log: &Value) -> bool {
    validator().is_valid(log)
}

/// Parses `text` as JSON and asserts it is a valid SARIF 2.1.0 log whose rule indices hold.
pub fn assert_valid_sarif(text: &str) -> Value {
    let log: Value = serde_json::from_str(text).expect("SARIF is JSON");
    let errors: Vec<String> = validator()
        .iter_errors(&log)
        .map(|e| format!("{} at {}", e, e.instance_path()))
        .collect();
    assert!(errors.is_empty(), "not SARIF 2.1.0: {errors:#?}\n{text}");
    assert_rule_indices(&log);
    log
}

/// The official schema, compiled.
fn validator() -> jsonschema::Validator {
    let path = Path::new(env!("CARGO_MANIFEST_DIR")).join("tests/fixtures/sarif-2.1.0.schema.json");
    let mut schema: Value =
        serde_json::from_str(&std::fs::read_to_string(path).expect("schema")).expect("schema JSON");
    // The published schema's pattern for `language` (of a run and of a tool component) has a
    // stray `]` that ECMAScript reads as a literal and Rust's regex refuses, so the schema would
    // not compile. opsbook never writes `language`; the fixture stays a verbatim copy and the
    // pattern is mended here.
    assert!(mend_language_pattern(&mut schema) > 0, "the schema changed");
    jsonschema::validator_for(&schema).expect("the SARIF schema compiles")
}

fn assert_rule_indices(log: &Value) {
    for run in log["runs"].as_array().expect("runs") {
        let rules = run["tool"]["driver"]["rules"].as_array().expect("rules");
        for result in run["results"].as_array().expect("results") {
            let index = result["ruleIndex"].as_u64().expect("ruleIndex") as usize;
            assert!(
                index < rules.len(),
                "ruleIndex {index} of {} rules",
                rules.len()
            );
            assert_eq!(rules[index]["id"], result["ruleId"], "{result}");
        }
    }
}

const LANGUAGE: &str = "^[a-zA-Z]{2}|^[a-zA-Z]{2}-[a-zA-Z]{2}]?$";

fn mend_language_pattern(value: &mut Value) -> usize {
    match value {
        Value::String(s) if s == LANGUAGE => {
            *s = "^[a-zA-Z]{2}(-[a-zA-Z]{2})?$".to_owned();
            1
        }
        Value::Array(items) => items.iter_mut().map(mend_language_pattern).sum(),
        Value::Object(map) => map.values_mut().map(mend_language_pattern).sum(),
        _ => 0,
    }
}
