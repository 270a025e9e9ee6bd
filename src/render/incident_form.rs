//! The data behind the site's incident form: for every failure mode, exactly what `incident new`
//! fills the record with, so the form's "Download .md" produces the same Markdown as the command
//! line.
//!
//! Each runbook's data is its own script (`book/<runbook-id>/incident-data.js`), loaded by the
//! form only for the failure mode chosen, so the form stays light however many runbooks there
//! are; `book/incident-data.js` lists the failure modes. Both are scripts so that they load from
//! `file://`, and `<` is escaped so no text can close a script element.

use chrono::{DateTime, Utc};
use serde::ser::{Serialize, SerializeMap, Serializer};
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
pub fn runbook_data_js(entries: Vec<(String, FormEntry)>) -> String {
    let entries = FormEntries(entries);
    let json = serde_json::to_string(&entries).unwrap_or_else(|_| "{}".to_owned());
    format!(
        "window.OPSBOOK_INCIDENTS = Object.assign(window.OPSBOOK_INCIDENTS || {{}}, {});\n",
        escape_for_script(&json)
    )
}

/// The entries as one JSON object, in the failure modes' order.
struct FormEntries(Vec<(String, FormEntry)>);

impl Serialize for FormEntries {
    fn serialize<S: Serializer>(&self, serializer: S) -> Result<S::Ok, S::Error> {
        serializer.collect_map(self.0.iter().map(|(key, entry)| (key, entry)))
    }
}

/// One failure mode's data for the form: the view's values its fields are built from, the
/// record's text, the runbook's targets and params. Written straight from the view, not copied
/// into a JSON value first (the copies were a tenth of the form's cost).
pub struct FormEntry {
    view: serde_json::Value,
    md: Vec<exact::Piece>,
    targets: serde_json::Value,
    params: serde_json::Value,
}

impl Serialize for FormEntry {
    fn serialize<S: Serializer>(&self, serializer: S) -> Result<S::Ok, S::Error> {
        let mut map = serializer.serialize_map(None)?;
        // Only what the form's own fields need; the record's text is all in `md`.
        for field in FORM_FIELDS {
            if let Some(value) = self.view.get(field) {
                map.serialize_entry(field, value)?;
            }
        }
        map.serialize_entry("md", &self.md)?;
        map.serialize_entry("targets", &self.targets)?;
        map.serialize_entry("params", &self.params)?;
        map.end()
    }
}

/// One failure mode's entry of [`runbook_data_js`]: its key and data. Two renders of the
/// skeleton each, the costliest part of a build: the caller spreads them over threads.
pub fn failure_mode_entry(
    skeleton: &Skeleton,
    loaded: &CompiledRunbook,
    fm: &FailureMode,
    questions: &[String],
) -> Result<(String, FormEntry), String> {
    let input = NewIncident {
        labels: Vec::new(),
        title: String::new(),
        severity: fm.severity.as_str().to_owned(),
        started_at: DateTime::<Utc>::UNIX_EPOCH,
        questions: questions.to_vec(),
        request_ids: Vec::new(),
        // The form fills in the target and request id its reader chose.
        fill: crate::incident::skeleton::Fill::Markers,
    };
    let view = view_json(loaded, fm, &input);
    let key = format!("{}#{}", loaded.id, fm.id.value);
    let md = exact::form_text(skeleton, &view, &key)?;
    let entry = FormEntry {
        view,
        md,
        targets: targets(loaded),
        params: params(loaded),
    };
    Ok((key, entry))
}

/// The runbook's targets (name, URL, vars) as the failure-mode page offers them, for the form
/// to fill its checks with the one its reader chose.
fn targets(loaded: &CompiledRunbook) -> serde_json::Value {
    loaded
        .targets
        .iter()
        .map(|t| {
            let vars: serde_json::Map<String, serde_json::Value> =
                t.vars.iter().map(|(k, v)| (k.clone(), json!(v))).collect();
            json!({ "name": t.name, "url": t.url, "vars": vars })
        })
        .collect()
}

/// The runbook's params (an alert's labels) with their defaults.
fn params(loaded: &CompiledRunbook) -> serde_json::Value {
    loaded
        .runbook
        .params
        .iter()
        .map(|(name, p)| json!({ "name": name.value, "default": p.default }))
        .collect()
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

/// A runbook's entries of the form's list (one JSON object per failure mode, comma-separated;
/// empty without failure modes): made beside its pages, kept by `serve` for the runbooks an edit
/// did not touch.
pub fn list_entries(loaded: &CompiledRunbook) -> String {
    let entries: Vec<String> = loaded
        .runbook
        .failure_modes
        .iter()
        .map(|fm| {
            let entry = json!({
                "key": format!("{}#{}", loaded.id, fm.id.value),
                "title": fm.title.value,
                "src": format!("{}/incident-data.js", loaded.id),
            });
            entry.to_string()
        })
        .collect();
    entries.join(",")
}

/// `book/incident-data.js`: every failure mode the form offers, where its data is, and the
/// front matter's JSON Schema the form validates against (the one `incident lint` applies).
/// `entries` are each runbook's [`list_entries`], in the runbooks' order.
pub fn list_js(entries: &[&str]) -> String {
    let listed: Vec<&str> = entries.iter().copied().filter(|e| !e.is_empty()).collect();
    let json = format!("[{}]", listed.join(","));
    // The same for every build: made once per process.
    static SCHEMA: std::sync::LazyLock<String> = std::sync::LazyLock::new(|| {
        escape_for_script(&crate::incident::schema::front_matter_schema().to_string())
    });
    format!(
        "window.OPSBOOK_INCIDENT_LIST = {};\nwindow.OPSBOOK_INCIDENT_SCHEMA = {};\n",
        escape_for_script(&json),
        *SCHEMA
    )
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::workspace::Workspace;

    /// With the built-in template, a failure mode's form data made from the row blocks an
    /// earlier one found (one render) is the same as made from scratch (two renders), for every
    /// failure mode of the bundled runbooks and of a made-up one with awkward text.
    #[test]
    fn known_row_blocks_give_the_same_form_data() {
        let repo = std::path::Path::new(env!("CARGO_MANIFEST_DIR"));
        let odd = tempfile::tempdir().unwrap();
        let api = std::fs::read_to_string(repo.join("runbooks/api.yaml")).unwrap();
        let api = api
            .replace(
                "title: Increased latency",
                "title: \"Latency | spikes \\\\ \\\"quoted\\\" ünï\"",
            )
            .replace(
                "cause: Slow database queries or lock contention",
                "cause: \"| Slow\\n~~database~~ `queries` \\\\\"",
            );
        std::fs::create_dir(odd.path().join("runbooks")).unwrap();
        std::fs::write(odd.path().join("runbooks/odd.yaml"), api).unwrap();
        let questions = vec!["What was the trigger?".to_owned()];
        let warm = Skeleton::builtin().expect("compiles");
        let mut compared = 0;
        let loaded: Vec<_> = [repo, odd.path()]
            .iter()
            .flat_map(|root| Workspace::load(root, &[]).runbooks)
            .collect();
        assert!(loaded.iter().any(|r| {
            r.runbook
                .failure_modes
                .iter()
                .any(|fm| fm.title.value.contains("| spikes"))
        }));
        for loaded in &loaded {
            for fm in &loaded.runbook.failure_modes {
                let cold = Skeleton::builtin().expect("compiles");
                let (_, fresh) = failure_mode_entry(&cold, loaded, fm, &questions).unwrap();
                let (_, reused) = failure_mode_entry(&warm, loaded, fm, &questions).unwrap();
                let json = |e: &FormEntry| serde_json::to_string(e).unwrap();
                assert_eq!(json(&fresh), json(&reused), "{}#{}", loaded.id, fm.id.value);
                assert!(cold.row_blocks.get().is_some(), "the blocks were found");
                compared += 1;
            }
        }
        assert!(compared >= 11, "{compared} failure modes");
    }
}
