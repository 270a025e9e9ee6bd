//! `opsbook incident new`: the Markdown skeleton, pre-filled from the runbook, written without
//! ever replacing a file.

use std::path::{Path, PathBuf};

use chrono::{DateTime, SecondsFormat, Utc};
use serde::Serialize;
use serde_json::Value as Json;

use super::fields::{self, Entries};
use crate::atomic::Staged;
use crate::compile::{CheckKind, CompiledCheck, CompiledRunbook};
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
    /// The alert's labels (the runbook's params with a value), written as `labels:`.
    pub labels: Vec<(String, String)>,
    /// Request ids to record in `request_ids` (the first is the one the checks carry).
    pub request_ids: Vec<String>,
    /// How the record's checks show their `{{ placeholders }}`.
    pub fill: Fill,
}

/// How the checks copied into a record show `{{ target }}`, `{{ request_id }}` and the rest.
#[derive(Clone, Debug)]
pub enum Fill {
    /// Each name with a value is filled in; the others stay `{{ name }}` as written.
    Values(std::collections::BTreeMap<String, String>),
    /// Each placeholder becomes [`VAR_OPEN`]`name`[`VAR_CLOSE`], for the site's form to fill in
    /// with the target and request id its reader chose.
    Markers,
}

/// Around a placeholder's name in the form's text (private-use characters, like the sentinels
/// of [`super::fields`]).
pub const VAR_OPEN: char = '\u{E002}';
pub const VAR_CLOSE: char = '\u{E003}';

impl Fill {
    /// `text` (a check as written) with its placeholders shown as this fill says.
    pub fn apply(&self, text: &str) -> String {
        let template = crate::compile::template::Template::placeholders_only(text);
        match self {
            Fill::Values(values) => template.show(&|name| values.get(name).cloned()),
            Fill::Markers => template.show(&|name| Some(format!("{VAR_OPEN}{name}{VAR_CLOSE}"))),
        }
    }
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
    labels: Vec<LabelView<'a>>,
    placeholder: &'static str,
}

#[derive(Serialize)]
struct LabelView<'a> {
    name: &'a str,
    value: &'a str,
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
    /// The command as written (a curl line, a PromQL query, a command run by hand), with
    /// its placeholders filled as [`NewIncident::fill`] says.
    curl: String,
    /// The code block's language: `sh`, or `promql` for a query.
    lang: &'static str,
    /// What the reader must know besides the command: where a query goes, that a command is
    /// run by hand and what to look for, that a request changes state.
    note: Option<String>,
}

#[derive(Serialize)]
struct ActionView<'a> {
    id: &'a str,
    title: &'a str,
    risk: &'static str,
}

/// The compiled `incident.md` (the default, or a project's override), with the filters of
/// [`super::fields`]. Compiled once, shared by every render of a build.
pub struct Skeleton {
    env: minijinja::Environment<'static>,
    /// Where the template came from, for messages: `templates/incident.md` or the default.
    pub file: String,
    /// The built-in template, whose form text the test suite proves exact; an override is
    /// proven at every build instead (it is a third of a build's rendering).
    pub builtin: bool,
    /// The built-in template's row blocks, once a failure mode's form text has found them
    /// ([`super::exact`]): the same for every failure mode.
    pub row_blocks: std::sync::OnceLock<Vec<(&'static str, String)>>,
}

impl Skeleton {
    /// Compiles `source`; `file` names it in every error.
    pub fn new(source: String, file: String) -> Result<Skeleton, String> {
        let mut env = minijinja::Environment::new();
        env.set_undefined_behavior(minijinja::UndefinedBehavior::Strict);
        fields::add_filters(&mut env);
        let mut skeleton = Skeleton {
            env,
            file,
            builtin: false,
            row_blocks: std::sync::OnceLock::new(),
        };
        skeleton
            .env
            .add_template_owned("incident.md", source)
            .map_err(|e| skeleton.describe(&e))?;
        Ok(skeleton)
    }

    /// The default template, [`TEMPLATE`].
    pub fn builtin() -> Result<Skeleton, String> {
        let file = "(default template) incident.md".to_owned();
        let mut skeleton = Skeleton::new(TEMPLATE.to_owned(), file)?;
        skeleton.builtin = true;
        Ok(skeleton)
    }

    /// Renders the record `incident new` writes. Runbook text is data for the template, never
    /// template source.
    pub fn render(
        &self,
        loaded: &CompiledRunbook,
        fm: &FailureMode,
        input: &NewIncident,
    ) -> Result<String, String> {
        let view = view_json(loaded, fm, input);
        let entries = record_entries(input, &view);
        self.render_view(view, &entries)
    }

    /// Renders `view` with the fields a person fills in set to `entries`.
    pub fn render_view(&self, view: Json, entries: &Entries) -> Result<String, String> {
        Ok(end_line(self.render_raw(view, entries)?))
    }

    /// The template's own output, before [`end_line`] (the form's text is built from this).
    pub fn render_raw(&self, view: Json, entries: &Entries) -> Result<String, String> {
        self.render_context(context(view, entries))
    }

    /// The template's output for a context made by [`context`] (and perhaps merged with
    /// another map of the same top-level keys).
    pub fn render_context(&self, context: minijinja::Value) -> Result<String, String> {
        let template = self
            .env
            .get_template("incident.md")
            .map_err(|e| self.describe(&e))?;
        template.render(context).map_err(|e| self.describe(&e))
    }

    /// `templates/incident.md:12: invalid operation: …`: the place first.
    fn describe(&self, e: &minijinja::Error) -> String {
        let line = e.line().map(|l| format!(":{l}")).unwrap_or_default();
        let mut message = format!("{}{line}: {}", self.file, e.kind());
        if let Some(detail) = e.detail() {
            message.push_str(": ");
            message.push_str(detail);
        }
        message
    }
}

/// `view` with the fields set to `entries`, as the template's context: converted once, so that
/// renders differing only in a top-level list can share it.
pub fn context(mut view: Json, entries: &Entries) -> minijinja::Value {
    entries.apply_to(&mut view);
    minijinja::Value::from(minijinja::value::Serde(&view))
}

/// A record ends with a line break (the template's own last one is dropped by minijinja);
/// `incident.js` does the same.
pub fn end_line(mut text: String) -> String {
    if !text.ends_with('\n') {
        text.push('\n');
    }
    text
}

/// The fields of a fresh record: what `incident new` was given, every other field empty, each
/// answer the placeholder, each hypothesis unchecked.
fn record_entries(input: &NewIncident, view: &Json) -> Entries {
    let started_at = input.started_at.to_rfc3339_opts(SecondsFormat::Secs, true);
    let request_ids = input.request_ids.join(", ");
    Entries::with(view, 0, |name| {
        let value = match name {
            "title" => input.title.as_str(),
            "request_ids" => request_ids.as_str(),
            "severity" => input.severity.as_str(),
            "started_at" => started_at.as_str(),
            "status" => "open",
            "summary" | "impact" => super::PLACEHOLDER,
            _ if name.starts_with("answers.") => super::PLACEHOLDER,
            _ if name.ends_with(".checkbox") => "[ ]",
            _ => "",
        };
        value.to_owned()
    })
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
        checks: failure_mode_checks(loaded, fm, &input.fill),
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
        labels: input
            .labels
            .iter()
            .map(|(name, value)| LabelView { name, value })
            .collect(),
        placeholder: super::PLACEHOLDER,
    }
}

/// The failure mode's checks, then its actions' confirm checks, each once, under the ids
/// `opsbook check` reports them with (so `--record` rows and this list agree).
fn failure_mode_checks<'a>(
    loaded: &'a CompiledRunbook,
    fm: &FailureMode,
    fill: &Fill,
) -> Vec<CheckView<'a>> {
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
            curl: fill.apply(&c.written.value),
            lang: match c.kind {
                CheckKind::Promql { .. } => "promql",
                _ => "sh",
            },
            note: check_note(c),
        })
        .collect()
}

/// `PromQL on `prometheus``, `run by hand; look for: …`, `changes state`.
fn check_note(c: &CompiledCheck) -> Option<String> {
    let mut parts = Vec::new();
    match &c.kind {
        CheckKind::Promql { prometheus, .. } => {
            parts.push(format!("PromQL, sent to `{}`", prometheus.value));
        }
        CheckKind::Manual { look_for } => {
            parts.push("run by hand".to_owned());
            parts.extend(look_for.as_ref().map(|l| format!("look for: {l}")));
        }
        CheckKind::Curl => {}
    }
    if c.changes_state() {
        parts.push("changes state".to_owned());
    }
    (!parts.is_empty()).then(|| parts.join("; "))
}

/// `YYYY-MM-DD-<slug>.md` for a title. The slug keeps letters and digits of every script,
/// lowercased, so two titles in Cyrillic or Japanese on one day get two files; `incident` only
/// for a title with no letter or digit at all.
pub fn file_name(input: &NewIncident) -> String {
    let slug: String = input
        .title
        .to_lowercase()
        .chars()
        .map(|c| if c.is_alphanumeric() { c } else { '-' })
        .collect();
    let words: Vec<&str> = slug.split('-').filter(|s| !s.is_empty()).collect();
    // Cut by characters, not bytes: a byte cut could split a letter.
    let slug: String = words.join("-").chars().take(60).collect();
    let slug = slug.trim_end_matches('-');
    let slug = if slug.is_empty() { "incident" } else { slug };
    format!("{}-{slug}.md", input.started_at.format("%Y-%m-%d"))
}

/// The title as it goes into the record: line breaks fold into spaces (a title is one line; a
/// newline in it could start a fake `## Timeline` that `--record` would write into), any other
/// control character is refused.
pub fn clean_title(raw: &str) -> Result<String, String> {
    let folded = raw.replace("\r\n", " ");
    let folded: String = folded
        .chars()
        .map(|c| if is_line_break(c) { ' ' } else { c })
        .collect();
    if let Some(c) = folded.chars().find(|c| c.is_control()) {
        return Err(format!(
            "--title holds the control character U+{:04X}; write the title as plain text",
            u32::from(c)
        ));
    }
    Ok(folded.trim().to_owned())
}

fn is_line_break(c: char) -> bool {
    matches!(
        c,
        '\n' | '\r' | '\u{0B}' | '\u{0C}' | '\u{85}' | '\u{2028}' | '\u{2029}'
    )
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
