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

use super::script::escape_for_script;
use crate::compile::CompiledRunbook;
use crate::incident::exact;
use crate::incident::skeleton::{NewIncident, Skeleton, view_json};
use crate::model::FailureMode;

/// `book/<runbook-id>/incident-data.js`: adds the runbook's failure modes to
/// `window.OPSBOOK_INCIDENTS`, keyed `runbook#failure-mode`. Each holds what the form shows
/// (hypotheses, checks, actions, questions) and `md`, the record as `skeleton` renders it with a
/// sentinel for every field the person fills in (see [`crate::incident::exact`]).
pub fn runbook_data_js(entries: Vec<(String, serde_json::Value)>) -> String {
    let entries: serde_json::Map<String, serde_json::Value> = entries.into_iter().collect();
    let json = serde_json::to_string(&entries).unwrap_or_else(|_| "{}".to_owned());
    format!(
        "window.OPSBOOK_INCIDENTS = Object.assign(window.OPSBOOK_INCIDENTS || {{}}, {});\n",
        escape_for_script(&json)
    )
}

/// One failure mode's entry of [`runbook_data_js`]: its key and data. Two renders of the
/// skeleton each, the costliest part of a build: the caller spreads them over threads.
pub fn failure_mode_entry(
    skeleton: &Skeleton,
    loaded: &CompiledRunbook,
    fm: &FailureMode,
    questions: &[String],
) -> Result<(String, serde_json::Value), String> {
    let input = NewIncident {
        labels: Vec::new(),
        title: String::new(),
        severity: fm.severity.as_str().to_owned(),
        started_at: DateTime::<Utc>::UNIX_EPOCH,
        questions: questions.to_vec(),
    };
    let view = view_json(loaded, fm, &input);
    let key = format!("{}#{}", loaded.id, fm.id.value);
    let md = exact::form_text(skeleton, &view, &key)?;
    let mut data = serde_json::Map::new();
    // Only what the form's own fields need; the record's text is all in `md`.
    for field in FORM_FIELDS {
        if let Some(value) = view.get(field) {
            data.insert(field.to_owned(), value.clone());
        }
    }
    data.insert(
        "md".to_owned(),
        serde_json::to_value(md).unwrap_or_default(),
    );
    Ok((key, serde_json::Value::Object(data)))
}

/// The view's values the form builds its inputs from (the default severity, the placeholder of
/// an empty answer, the lists it shows).
const FORM_FIELDS: [&str; 6] = [
    "severity",
    "placeholder",
    "hypotheses",
    "checks",
    "actions",
    "questions",
];

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
    format!(
        "window.OPSBOOK_INCIDENT_LIST = {};\n",
        escape_for_script(&json)
    )
}
