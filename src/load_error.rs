//! Turning a YAML/serde error into a diagnostic with a rule id, a place and advice.

use crate::rule::Rule;

use crate::diagnostic::Diagnostic;
use crate::source::{Pos, SourceFile};

/// Classifies a serde-saphyr error. The crate reports every kind of problem through one error
/// type; its message is the most stable thing to classify on.
pub fn diagnose(file: &SourceFile, error: &serde_saphyr::Error) -> Diagnostic {
    let pos = error
        .location()
        .map(|l| {
            Pos::new(
                l.line().min(u32::MAX as u64) as u32,
                l.column().min(u32::MAX as u64) as u32,
            )
        })
        .filter(|p| p.is_known())
        .unwrap_or(Pos::new(1, 1));
    let raw = error.to_string();
    let message = clean_message(&raw);
    let (rule, help) = classify(&message);
    Diagnostic::new(rule, &file.path, pos, message).help(help)
}

fn clean_message(raw: &str) -> String {
    // The crate appends " at line N column M"; our diagnostics carry the place separately.
    let first = raw.lines().next().unwrap_or(raw).trim();
    let cut = first.find(" at line ").map_or(first, |i| &first[..i]);
    let cut = cut.split(", set DuplicateKeyPolicy").next().unwrap_or(cut);
    let cut = cut.trim_start_matches("error: ").trim_end_matches('.');
    let mut message = cut.to_owned();
    if let Some(first) = message.get(..1) {
        let lower = first.to_lowercase();
        message.replace_range(..1, &lower);
    }
    message
}

fn classify(message: &str) -> (Rule, &'static str) {
    let m = message.to_lowercase();
    if m.contains("unknown field") {
        (
            Rule::UnknownField,
            "remove the field or fix its spelling; `opsbook schema` lists every field",
        )
    } else if m.contains("duplicate") {
        (
            Rule::DuplicateKey,
            "a key may appear once per mapping; keep one of them",
        )
    } else if m.contains("missing field") {
        (
            Rule::MissingField,
            "add the field; `opsbook schema` shows which fields are required",
        )
    } else if m.contains("budget")
        || m.contains("limit")
        || m.contains("alias")
        || m.contains("depth")
        || m.contains("nesting")
    {
        (
            Rule::YamlLimit,
            "runbooks do not need deep nesting or many aliases; write the values out",
        )
    } else if m.contains("invalid type")
        || m.starts_with("invalid u")
        || m.starts_with("invalid i")
        || m.starts_with("invalid f")
        || m.starts_with("invalid bool")
        || m.contains("invalid value")
        || m.contains("unknown variant")
        || m.contains("did not match")
        || m.contains("expected")
    {
        (
            Rule::WrongType,
            "check the value against the schema (`opsbook schema`); quote text that YAML reads as a number or boolean",
        )
    } else {
        (Rule::InvalidYaml, "fix the YAML syntax at this place")
    }
}
