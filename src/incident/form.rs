//! The data behind the site's incident form: for every failure mode, exactly what `incident new`
//! fills the record with, so the form's "Download .md" produces the same Markdown as the command
//! line.
//!
//! Each runbook's data is its own script (`book/<runbook-id>/incident-data.js`), loaded by the
//! form only for the failure mode chosen, so the form stays light however many runbooks there
//! are; `book/incident-data.js` lists the failure modes. Both are scripts so that they load from
//! `file://`, and `<` is escaped so no text can close a script element.

use chrono::{DateTime, Utc};
use serde_json::json;

use super::skeleton::{NewIncident, view_json};
use crate::compile::CompiledRunbook;

/// Escapes JSON for a script: no `</script>`, and no line separators that old parsers reject.
fn script_safe(json: &str) -> String {
    json.replace('<', "\\u003c")
        .replace('\u{2028}', "\\u2028")
        .replace('\u{2029}', "\\u2029")
}

/// `book/<runbook-id>/incident-data.js`: adds the runbook's failure modes to
/// `window.OPSBOOK_INCIDENTS`, keyed `runbook#failure-mode`.
pub fn runbook_data_js(loaded: &CompiledRunbook, questions: &[String]) -> String {
    let mut entries = serde_json::Map::new();
    for fm in &loaded.runbook.failure_modes {
        let input = NewIncident {
            title: String::new(),
            severity: fm.severity.as_str().to_owned(),
            started_at: DateTime::<Utc>::UNIX_EPOCH,
            questions: questions.to_vec(),
        };
        let mut view = view_json(loaded, fm, &input);
        if let Some(object) = view.as_object_mut() {
            // Filled in by the person (or the page's URL) instead.
            object.remove("title");
            object.remove("started_at");
        }
        entries.insert(format!("{}#{}", loaded.id, fm.id.value), view);
    }
    let json = serde_json::to_string(&entries).unwrap_or_else(|_| "{}".to_owned());
    format!(
        "window.OPSBOOK_INCIDENTS = Object.assign(window.OPSBOOK_INCIDENTS || {{}}, {});\n",
        script_safe(&json)
    )
}

/// `book/incident-data.js`: every failure mode the form offers, and where its data is.
pub fn list_js(runbooks: &[&CompiledRunbook]) -> String {
    let list: Vec<serde_json::Value> = runbooks
        .iter()
        .flat_map(|loaded| {
            loaded.runbook.failure_modes.iter().map(move |fm| {
                json!({
                    "key": format!("{}#{}", loaded.id, fm.id.value),
                    "title": fm.title.value,
                    "src": format!("{}/incident-data.js", loaded.id),
                })
            })
        })
        .collect();
    let json = serde_json::to_string(&list).unwrap_or_else(|_| "[]".to_owned());
    format!("window.OPSBOOK_INCIDENT_LIST = {};\n", script_safe(&json))
}
