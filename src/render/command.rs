//! Checks as the site shows them: the raw command (curl line, PromQL query or command run by
//! hand) for the page's script to fill in, the command with the default target filled in, what a
//! query adds (its curl line and its Prometheus link), and the targets as a JSON data block.

use serde::Serialize;

use super::params;
use super::script::script_safe_json;

use crate::compile::expect::CompiledExpect;
use crate::compile::template::Template;
use crate::compile::{CheckKind, CompiledCheck, CompiledRunbook, promql};
use crate::model::{ResultExpect, StatusExpect};

/// A check as shown: the raw command (for the page's script to fill in) and the command with
/// the default target and the params' defaults filled in (for readers without script, and for
/// print).
#[derive(Clone, Debug, Serialize)]
pub struct Command {
    /// The id of a named check; inline checks have none on the page.
    pub id: Option<String>,
    pub title: Option<String>,
    /// `curl`, `promql` or `run`.
    pub kind: &'static str,
    pub template: String,
    pub shown: String,
    /// A one-line summary of what the response must look like.
    pub expect: Option<String>,
    /// It changes state (`mutating: true`): `opsbook check` sends it only when asked.
    pub mutating: bool,
    /// For a command run by hand: what to see in its output, as inline HTML (Markdown).
    pub look_for_html: Option<String>,
    /// For a query: the same query as a curl line, and where Prometheus shows it.
    pub query: Option<QueryForms>,
}

/// What a PromQL check adds to the page: each with its raw form for the script.
#[derive(Clone, Debug, Serialize)]
pub struct QueryForms {
    pub curl_template: String,
    pub curl_shown: String,
    /// Prometheus' base URL, raw (`{{ prometheus }}`) and filled.
    pub base_template: String,
    /// Only when the filled base URL is http(s): a link must never become script.
    pub graph_shown: Option<String>,
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
    let fill = |t: &Template| t.show(&|name| value(name).map(str::to_owned));
    let (kind, look_for, query) = match &check.kind {
        CheckKind::Curl => ("curl", None, None),
        CheckKind::Manual { look_for } => {
            let html = look_for.as_deref().map(super::markdown::inline);
            ("run", html, None)
        }
        CheckKind::Promql { base, .. } => {
            let raw = base.show(&|name| Some(format!("{{{{ {name} }}}}")));
            let (shown_base, shown_query) = (fill(base), fill(&check.line));
            let forms = QueryForms {
                curl_template: promql::curl_line(&raw, &check.written.value),
                curl_shown: promql::curl_line(&shown_base, &shown_query),
                graph_shown: promql::base_problem(&shown_base)
                    .is_none()
                    .then(|| promql::graph_url(&shown_base, &shown_query)),
                base_template: raw,
            };
            ("promql", None, Some(forms))
        }
    };
    Command {
        id: check.named.then(|| check.id.clone()),
        title: check.title.clone(),
        kind,
        template: check.written.value.clone(),
        shown: fill(&check.line),
        expect: check.expect.as_ref().map(expect_summary),
        mutating: check.changes_state(),
        look_for_html: look_for,
        query,
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
    match e.result {
        Some(ResultExpect::Empty) => parts.push("no sample".to_owned()),
        Some(ResultExpect::NonEmpty) => parts.push("at least one sample".to_owned()),
        None => {}
    }
    if let Some(value) = &e.value {
        parts.push(format!(
            "every value {}",
            crate::check::expect::describe_compare(value)
        ));
    }
    if !e.labels.is_empty() {
        let labels: Vec<&str> = e.labels.iter().map(|(name, _)| name.as_str()).collect();
        parts.push(format!("a sample with {}", labels.join(", ")));
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
