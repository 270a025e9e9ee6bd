//! What a record's front matter may hold, in one place: the allowed statuses, the timestamps
//! and their order, and the JSON Schema built from them. `incident lint` reads the constants;
//! the site's incident form validates against the schema (`book/incident.schema.json`, also
//! inside `book/incident-data.js`), so the form says what lint will say while a person types.

use serde_json::{Value as Json, json};

use crate::model::Severity;

/// The statuses of an incident, in the order it goes through them.
pub const STATUSES: [&str; 3] = ["open", "mitigated", "resolved"];

/// The timestamps of the front matter, in the order they must hold (started ≤ detected ≤
/// mitigated ≤ resolved).
pub const TIMESTAMPS: [&str; 4] = ["started_at", "detected_at", "mitigated_at", "resolved_at"];

/// RFC 3339 as `incident lint` reads it (chrono's `parse_from_rfc3339`): a date, `T` (or `t`,
/// or a space), a time with optional fraction, and `Z` or an offset. A pattern cannot see that
/// 2026-02-31 is no day: the form also asks the browser's date parser, lint asks chrono.
pub const RFC3339: &str = r"^[0-9]{4}-[0-9]{2}-[0-9]{2}[Tt ][0-9]{2}:[0-9]{2}:[0-9]{2}(\.[0-9]+)?([Zz]|[+-][0-9]{2}:[0-9]{2})$";

/// The JSON Schema (draft-07) of a record's front matter. Beyond JSON Schema, two keys the
/// form reads: `x-opsbook-order` (the timestamps' order) and, on each property,
/// `x-opsbook-rule` (the lint rule that reports a bad value).
pub fn front_matter_schema() -> Json {
    // `incident new` writes the fields a person fills in later as empty (`detected_at:`), and
    // `incident lint` reads an empty one as absent: null is allowed wherever a field is optional.
    let timestamp = |rule: &str, optional: bool| {
        json!({
            "type": if optional { json!(["string", "null"]) } else { json!("string") },
            "format": "date-time",
            "pattern": RFC3339,
            "x-opsbook-rule": rule,
        })
    };
    let mut properties = serde_json::Map::new();
    properties.insert("title".into(), json!({ "type": "string", "minLength": 1 }));
    properties.insert(
        "severity".into(),
        json!({ "enum": Severity::ALL, "x-opsbook-rule": "unknown-severity" }),
    );
    properties.insert(
        "status".into(),
        json!({ "enum": STATUSES, "x-opsbook-rule": "unknown-status" }),
    );
    properties.insert("runbook".into(), json!({ "type": "string" }));
    properties.insert("failure_mode".into(), json!({ "type": "string" }));
    for name in TIMESTAMPS {
        let optional = name != "started_at";
        properties.insert(name.into(), timestamp("invalid-timestamp", optional));
    }
    properties.insert("commander".into(), json!({ "type": ["string", "null"] }));
    properties.insert(
        "request_ids".into(),
        json!({ "type": "array", "items": { "type": "string" } }),
    );
    properties.insert(
        "labels".into(),
        json!({ "type": "object", "additionalProperties": { "type": "string" } }),
    );
    json!({
        "$schema": "http://json-schema.org/draft-07/schema#",
        "title": "opsbook incident record front matter",
        "type": "object",
        "required": ["severity", "status", "runbook", "failure_mode", "started_at"],
        "additionalProperties": false,
        "properties": properties,
        "allOf": [{
            "if": { "properties": { "status": { "const": "resolved" } }, "required": ["status"] },
            "then": {
                "required": ["resolved_at"],
                "properties": { "resolved_at": { "type": "string" } },
                "x-opsbook-rule": "resolved-without-time",
            },
        }],
        "x-opsbook-order": TIMESTAMPS,
    })
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn the_pattern_accepts_what_chrono_reads_and_nothing_it_refuses() {
        let pattern = regex::Regex::new(RFC3339).unwrap();
        for ok in [
            "2026-11-26T08:00:00Z",
            "2026-11-26t08:00:00.123+01:00",
            "2026-11-26 08:00:00z",
        ] {
            assert!(pattern.is_match(ok), "{ok}");
            assert!(chrono::DateTime::parse_from_rfc3339(ok).is_ok(), "{ok}");
        }
        for bad in [
            "yesterday 8am",
            "2026-11-26",
            "2026-11-26T08:00Z",
            "2026-11-26T08:00:00",
        ] {
            assert!(!pattern.is_match(bad), "{bad}");
            assert!(chrono::DateTime::parse_from_rfc3339(bad).is_err(), "{bad}");
        }
    }

    #[test]
    fn the_schema_names_every_front_matter_field_lint_reads() {
        let schema = front_matter_schema();
        let props = schema["properties"].as_object().unwrap();
        for name in TIMESTAMPS
            .iter()
            .chain(&["title", "severity", "status", "commander"])
        {
            assert!(props.contains_key(*name), "{name}");
        }
        assert_eq!(schema["properties"]["status"]["enum"], json!(STATUSES));
    }
}
