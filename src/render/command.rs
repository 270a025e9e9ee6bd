//! Checks as the site shows them: the raw `curl` line for the page's script to fill in, the line
//! with the default target filled in, and the targets as a JSON data block.

use serde::Serialize;

use crate::check::curl::substitute;
use crate::model::{Check, CheckRef, Runbook, Sp, StatusExpect};

/// A curl check as shown: the raw command (for the page's script to fill in) and the command
/// with the default target filled in (for readers without script, and for print).
#[derive(Clone, Debug, Serialize)]
pub struct Command {
    pub id: Option<String>,
    pub title: Option<String>,
    pub template: String,
    pub shown: String,
    /// A one-line summary of what the response must look like.
    pub expect: Option<String>,
}

pub fn refs(rb: &Runbook, refs: &[Sp<CheckRef>]) -> Vec<Command> {
    refs.iter()
        .filter_map(|r| match &r.value {
            CheckRef::Id(id) => rb.check(id).map(|c| command(rb, c)),
            CheckRef::Inline(check) => Some(command(rb, check)),
        })
        .collect()
}

pub fn command(rb: &Runbook, check: &Check) -> Command {
    let first = rb.targets.iter().next().map(|(_, t)| &t.value);
    let shown = substitute(&check.curl, |name| {
        let t = first?;
        match name {
            "target" => Some(t.url().to_owned()),
            _ => t
                .vars()
                .find(|(k, _)| *k == name)
                .map(|(_, v)| v.to_owned()),
        }
    });
    Command {
        id: check.id.as_ref().map(|i| i.value.clone()),
        title: check.title.as_ref().map(|t| t.value.clone()),
        template: check.curl.value.clone(),
        shown,
        expect: check.expect.as_ref().map(|e| expect_summary(e)),
    }
}

fn expect_summary(e: &crate::model::Expect) -> String {
    let mut parts = Vec::new();
    if let Some(status) = &e.status {
        parts.push(match &status.value {
            StatusExpect::Code(c) => format!("status {c}"),
            StatusExpect::AnyOf(codes) => {
                let codes: Vec<String> = codes.iter().map(u16::to_string).collect();
                format!("status {}", codes.join(" or "))
            }
            StatusExpect::Class(c) => format!("status {c}"),
        });
    }
    for (name, _) in e.headers.iter() {
        parts.push(format!("header {}", name.value));
    }
    if let Some(body) = &e.body {
        if body.contains.is_some() || body.matches.is_some() {
            parts.push("body text".to_owned());
        }
        for (pointer, _) in body.json.iter() {
            parts.push(format!("JSON {}", pointer.value));
        }
    }
    if let Some(ms) = &e.max_time_ms {
        parts.push(format!("within {} ms", ms.value));
    }
    parts.join(" · ")
}

/// The targets of a runbook as the page's script reads them: a list of `{name, vars}` where
/// `vars` holds `target` and the target's extra URLs. `<` is escaped so that the JSON can sit in
/// a `<script type="application/json">` block without ending it.
pub fn targets_json(rb: &Runbook) -> String {
    let list: Vec<serde_json::Value> = rb
        .targets
        .iter()
        .map(|(name, t)| {
            let mut vars = serde_json::Map::new();
            vars.insert("target".into(), t.url().into());
            for (k, v) in t.vars() {
                vars.insert(k.into(), v.into());
            }
            serde_json::json!({ "name": name.value, "vars": vars })
        })
        .collect();
    script_safe_json(&serde_json::Value::Array(list))
}

/// JSON that cannot end a script element or open a comment inside one.
pub fn script_safe_json(value: &serde_json::Value) -> String {
    let json = serde_json::to_string(value).unwrap_or_else(|_| "null".to_owned());
    escape_for_script(&json)
}

pub fn escape_for_script(json: &str) -> String {
    json.replace('<', "\\u003c")
        .replace('>', "\\u003e")
        .replace('&', "\\u0026")
        .replace('\u{2028}', "\\u2028")
        .replace('\u{2029}', "\\u2029")
}
