//! The search index: a script (`search-index.js`) so that it loads from `file://` too, where a
//! page cannot fetch JSON.
//!
//! One entry per runbook, its failure modes nested in it, so a runbook's title, service and tags
//! are written once: `[id, title, service, tags, [[fm-id, fm-title, severity, text], ...]]`, where
//! `text` joins the symptoms, causes and action titles. The page's script lowercases each
//! haystack once when the index loads.

use serde_json::{Value, json};

use super::script::escape_for_script;
use crate::compile::CompiledRunbook;

pub fn index_js(runbooks: &[&CompiledRunbook]) -> String {
    let mut out = String::from("window.OPSBOOK_INDEX=[\n");
    for loaded in runbooks {
        let rb = &loaded.runbook;
        let tags: Vec<&str> = rb.tags.iter().map(|t| t.value.as_str()).collect();
        let fms: Vec<Value> = rb
            .failure_modes
            .iter()
            .map(|fm| {
                let symptoms = fm.symptoms.iter().map(|s| s.value.as_str());
                let causes = fm.hypotheses.iter().map(|h| h.cause.value.as_str());
                let actions = fm.actions.iter().map(|a| a.title.value.as_str());
                let text: Vec<&str> = symptoms.chain(causes).chain(actions).collect();
                json!([
                    fm.id.value,
                    fm.title.value,
                    fm.severity.as_str(),
                    text.join(" · ")
                ])
            })
            .collect();
        let entry = json!([
            loaded.id,
            rb.title.value,
            rb.service.value,
            tags.join(" "),
            fms
        ]);
        let line = serde_json::to_string(&entry).unwrap_or_else(|_| "null".to_owned());
        out.push_str(&escape_for_script(&line));
        out.push_str(",\n");
    }
    out.push_str("];\n");
    out
}
