//! The data behind the site's incident form (`book/incident-data.js`): for every failure mode,
//! exactly what `incident new` fills the record with, so the form's "Download .md" produces the
//! same Markdown as the command line.

use chrono::{DateTime, Utc};

use super::skeleton::{NewIncident, view_json};
use crate::load::LoadedRunbook;

/// `window.OPSBOOK_INCIDENTS = {"runbook#failure-mode": {...}, ...};` — a script, so that it
/// loads from `file://`. `<` is escaped so no text can close the script element.
pub fn data_js(runbooks: &[&LoadedRunbook], questions: &[String]) -> String {
    let mut entries = serde_json::Map::new();
    for loaded in runbooks {
        for fm in &loaded.runbook.failure_modes {
            let input = NewIncident {
                title: String::new(),
                severity: fm.severity.as_str().to_owned(),
                started_at: DateTime::<Utc>::UNIX_EPOCH,
                questions: questions.to_vec(),
            };
            let mut view = view_json(loaded, fm, &input);
            if let Some(object) = view.as_object_mut() {
                // Filled in by the person (or the page) instead.
                object.remove("title");
                object.remove("started_at");
            }
            entries.insert(format!("{}#{}", loaded.id, fm.id.value), view);
        }
    }
    let json = serde_json::to_string(&entries).unwrap_or_else(|_| "{}".to_owned());
    format!(
        "window.OPSBOOK_INCIDENTS = {};\n",
        json.replace('<', "\\u003c")
            .replace('\u{2028}', "\\u2028")
            .replace('\u{2029}', "\\u2029")
    )
}
