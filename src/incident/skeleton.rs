//! `opsbook incident new`: the Markdown skeleton, pre-filled from the runbook, written without
//! ever replacing a file.

use std::path::{Path, PathBuf};

use chrono::{DateTime, SecondsFormat, Utc};
use serde::Serialize;

use crate::atomic::Staged;
use crate::compile::CompiledRunbook;
use crate::model::FailureMode;

pub const TEMPLATE: &str = include_str!("../../templates/incident.md");

/// The inputs of a record; the same ones the site's incident form asks for.
#[derive(Clone, Debug)]
pub struct NewIncident {
    pub title: String,
    pub severity: String,
    pub started_at: DateTime<Utc>,
    /// Postmortem questions from `opsbook.yaml` (the runbook's own are added after them).
    pub questions: Vec<String>,
}

#[derive(Serialize)]
struct View<'a> {
    title: &'a str,
    severity: &'a str,
    runbook: &'a str,
    failure_mode: &'a str,
    failure_mode_title: &'a str,
    started_at: String,
    hypotheses: Vec<HypothesisView<'a>>,
    checks: Vec<CheckView<'a>>,
    actions: Vec<ActionView<'a>>,
    questions: Vec<String>,
    placeholder: &'static str,
}

#[derive(Serialize)]
struct HypothesisView<'a> {
    cause: &'a str,
    verify: Option<String>,
}

#[derive(Serialize)]
struct CheckView<'a> {
    id: String,
    title: Option<&'a str>,
    curl: &'a str,
}

#[derive(Serialize)]
struct ActionView<'a> {
    id: &'a str,
    title: &'a str,
    risk: &'static str,
}

/// Renders the record. Runbook text is data for the template, never template source.
/// `template` is the text of `incident.md`: [`TEMPLATE`], or a project's override.
pub fn render(
    loaded: &CompiledRunbook,
    fm: &FailureMode,
    input: &NewIncident,
    template: &str,
) -> Result<String, String> {
    let view = view(loaded, fm, input);
    let mut env = minijinja::Environment::new();
    env.set_undefined_behavior(minijinja::UndefinedBehavior::Strict);
    // A double-quoted JSON string is a valid YAML scalar whatever the title holds.
    env.add_filter("yaml_string", |s: String| {
        serde_json::to_string(&s).unwrap_or_default()
    });
    // A table cell: a `|` or a line break in a title must not break the timeline table.
    env.add_filter("cell", |s: String| {
        s.replace('|', "\\|").replace(['\r', '\n'], " ")
    });
    env.add_template("incident.md", template)
        .map_err(|e| format!("incident template: {e}"))?;
    let template = env
        .get_template("incident.md")
        .map_err(|e| format!("incident template: {e}"))?;
    let mut text = template
        .render(minijinja::value::Serde(&view))
        .map_err(|e| format!("incident template: {e}"))?;
    if !text.ends_with('\n') {
        text.push('\n');
    }
    Ok(text)
}

fn one_line(text: &str) -> String {
    text.split_whitespace()
        .collect::<Vec<_>>()
        .join(" ")
        .trim_end_matches('.')
        .to_owned()
}

/// The values the template sees, as JSON (for the site's incident form).
pub fn view_json(
    loaded: &CompiledRunbook,
    fm: &FailureMode,
    input: &NewIncident,
) -> serde_json::Value {
    serde_json::to_value(view(loaded, fm, input)).unwrap_or_default()
}

fn view<'a>(loaded: &'a CompiledRunbook, fm: &'a FailureMode, input: &'a NewIncident) -> View<'a> {
    let rb = &loaded.runbook;
    let mut questions = input.questions.clone();
    questions.extend(
        rb.postmortem
            .iter()
            .flat_map(|p| p.questions.iter().map(|q| q.value.clone())),
    );
    View {
        title: &input.title,
        severity: &input.severity,
        runbook: &loaded.id,
        failure_mode: &fm.id,
        failure_mode_title: &fm.title,
        started_at: input.started_at.to_rfc3339_opts(SecondsFormat::Secs, true),
        hypotheses: fm
            .hypotheses
            .iter()
            .map(|h| HypothesisView {
                cause: &h.cause,
                verify: h.verify.as_ref().map(|v| one_line(v)),
            })
            .collect(),
        checks: failure_mode_checks(loaded, fm),
        actions: fm
            .actions
            .iter()
            .map(|a| ActionView {
                id: &a.id,
                title: &a.title,
                risk: a.risk.as_str(),
            })
            .collect(),
        questions,
        placeholder: super::PLACEHOLDER,
    }
}

/// The failure mode's checks, then its actions' confirm checks, each once, under the ids
/// `opsbook check` reports them with (so `--record` rows and this list agree).
fn failure_mode_checks<'a>(loaded: &'a CompiledRunbook, fm: &FailureMode) -> Vec<CheckView<'a>> {
    let Some((_, checks)) = loaded.mode(&fm.id.value) else {
        return Vec::new();
    };
    checks
        .for_record()
        .into_iter()
        .map(|i| &loaded.checks[i])
        .map(|c| CheckView {
            id: c.id.clone(),
            title: c.title.as_deref(),
            curl: &c.curl.value,
        })
        .collect()
}

/// `YYYY-MM-DD-<slug>.md` for a title.
pub fn file_name(input: &NewIncident) -> String {
    let slug: String = input
        .title
        .to_lowercase()
        .chars()
        .map(|c| if c.is_ascii_alphanumeric() { c } else { '-' })
        .collect();
    let slug: Vec<&str> = slug.split('-').filter(|s| !s.is_empty()).collect();
    let mut slug = slug.join("-");
    slug.truncate(60);
    let slug = slug.trim_end_matches('-');
    let slug = if slug.is_empty() { "incident" } else { slug };
    format!("{}-{slug}.md", input.started_at.format("%Y-%m-%d"))
}

/// Writes `text` to `dir/name` only if no such file exists. The text goes to a temporary file in
/// the same folder first and is then linked into place with `persist_noclobber`, so a crash
/// leaves either nothing or the whole record, and an existing record is never replaced.
pub fn write_new(dir: &Path, name: &str, text: &str) -> Result<PathBuf, String> {
    std::fs::create_dir_all(dir)
        .map_err(|e| format!("{}: cannot create the folder: {e}", dir.display()))?;
    let path = dir.join(name);
    if std::fs::symlink_metadata(&path).is_ok() {
        return Err(format!(
            "{} already exists; opsbook never overwrites an incident record (pick another --title, or edit that file)",
            path.display()
        ));
    }
    let staged = Staged::bytes(&path, text.as_bytes())
        .map_err(|e| format!("{}: cannot write: {}", path.display(), e.error))?;
    staged.create(&path).map_err(|e| {
        if e.error.kind() == std::io::ErrorKind::AlreadyExists {
            format!(
                "{} already exists; opsbook never overwrites an incident record",
                path.display()
            )
        } else {
            format!("{}: cannot write: {}", path.display(), e.error)
        }
    })?;
    Ok(path)
}
