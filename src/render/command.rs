//! Checks as the site shows them: the raw `curl` line for the page's script to fill in, the line
//! with the default target filled in, and the targets as a JSON data block.

use serde::Serialize;

use super::params;
use super::script::script_safe_json;

use crate::compile::expect::CompiledExpect;
use crate::compile::{CompiledCheck, CompiledRunbook};
use crate::model::StatusExpect;

/// A curl check as shown: the raw command (for the page's script to fill in) and the command
/// with the default target and the params' defaults filled in (for readers without script, and
/// for print).
#[derive(Clone, Debug, Serialize)]
pub struct Command {
    /// The id of a named check; inline checks have none on the page.
    pub id: Option<String>,
    pub title: Option<String>,
    pub template: String,
    pub shown: String,
    /// A one-line summary of what the response must look like.
    pub expect: Option<String>,
}

/// The checks at `indices` (into the compiled runbook's checks), as shown.
pub fn commands(rb: &CompiledRunbook, indices: &[usize]) -> Vec<Command> {
    indices
        .iter()
        .map(|&i| command(rb, &rb.checks[i]))
        .collect()
}

pub fn command(rb: &CompiledRunbook, check: &CompiledCheck) -> Command {
    let first = rb.default_target();
    let value = |name: &str| {
        let of_target = first.and_then(|t| t.value(name));
        of_target.or_else(|| params::default_of(rb, name))
    };
    let shown = check.line.show(&|name| value(name).map(str::to_owned));
    Command {
        id: check.named.then(|| check.id.clone()),
        title: check.title.clone(),
        template: check.curl.value.clone(),
        shown,
        expect: check.expect.as_ref().map(expect_summary),
    }
}

fn expect_summary(e: &CompiledExpect) -> String {
    let mut parts = Vec::new();
    if let Some(status) = &e.status {
        parts.push(match status {
            StatusExpect::Code(c) => format!("status {c}"),
            StatusExpect::AnyOf(codes) => {
                let codes: Vec<String> = codes.iter().map(u16::to_string).collect();
                format!("status {}", codes.join(" or "))
            }
            StatusExpect::Class(c) => format!("status {c}"),
        });
    }
    for (name, _) in &e.headers {
        parts.push(format!("header {name}"));
    }
    if let Some(body) = &e.body {
        if body.contains.is_some() || body.matches.is_some() {
            parts.push("body text".to_owned());
        }
        for (pointer, _) in &body.json {
            parts.push(format!("JSON {pointer}"));
        }
    }
    if let Some(ms) = e.max_time_ms {
        parts.push(format!("within {ms} ms"));
    }
    parts.join(" · ")
}

/// The targets of a runbook as the page's script reads them: a list of `{name, vars}` where
/// `vars` holds `target` and the target's extra URLs. `<` is escaped so that the JSON can sit in
/// a `<script type="application/json">` block without ending it.
pub fn targets_json(rb: &CompiledRunbook) -> String {
    let list: Vec<serde_json::Value> = rb
        .targets
        .iter()
        .map(|t| {
            let mut vars = serde_json::Map::new();
            vars.insert("target".into(), t.url.clone().into());
            for (k, v) in &t.vars {
                vars.insert(k.clone(), v.clone().into());
            }
            serde_json::json!({ "name": t.name, "vars": vars })
        })
        .collect();
    script_safe_json(&serde_json::Value::Array(list))
}
