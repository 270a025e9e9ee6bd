//! The template environment: default templates and assets compiled into the binary, any of them
//! replaced by a file of the same name in the project's `templates/` folder.
//!
//! `.html` templates are autoescaped and undefined variables are errors, so a typo in a template
//! fails the build instead of rendering an empty string. Runbook text only ever arrives as data.

use std::path::{Path, PathBuf};

use minijinja::syntax::SyntaxConfig;
use minijinja::{AutoEscape, Environment, UndefinedBehavior, Value};

use crate::incident::skeleton::Skeleton;

/// The default page templates, by file name.
pub const TEMPLATES: &[(&str, &str)] = &[
    ("base.html", include_str!("../../templates/base.html")),
    ("cmd.html", include_str!("../../templates/cmd.html")),
    (
        "severity.html",
        include_str!("../../templates/severity.html"),
    ),
    ("review.html", include_str!("../../templates/review.html")),
    ("risk.html", include_str!("../../templates/risk.html")),
    (
        "alert_severity.html",
        include_str!("../../templates/alert_severity.html"),
    ),
    (
        "target_bar.html",
        include_str!("../../templates/target_bar.html"),
    ),
    ("fm_list.html", include_str!("../../templates/fm_list.html")),
    ("tags.html", include_str!("../../templates/tags.html")),
    (
        "incident_counts.html",
        include_str!("../../templates/incident_counts.html"),
    ),
    ("index.html", include_str!("../../templates/index.html")),
    ("runbook.html", include_str!("../../templates/runbook.html")),
    (
        "failure_mode.html",
        include_str!("../../templates/failure_mode.html"),
    ),
    (
        "incident.html",
        include_str!("../../templates/incident.html"),
    ),
    ("alerts.html", include_str!("../../templates/alerts.html")),
    ("alert.html", include_str!("../../templates/alert.html")),
    (
        "incidents.html",
        include_str!("../../templates/incidents.html"),
    ),
    (
        "incident_record.html",
        include_str!("../../templates/incident_record.html"),
    ),
    (
        "action_items.html",
        include_str!("../../templates/action_items.html"),
    ),
];

/// Files copied into the site as they are (after the same override lookup).
pub const ASSETS: &[(&str, &str)] = &[
    ("site.css", include_str!("../../templates/site.css")),
    ("site.js", include_str!("../../templates/site.js")),
    ("theme.js", include_str!("../../templates/theme.js")),
    ("incident.js", include_str!("../../templates/incident.js")),
    ("alert.js", include_str!("../../templates/alert.js")),
    ("incidents.js", include_str!("../../templates/incidents.js")),
];

/// A template or asset could not be read or rendered. The message names the file and line.
#[derive(Debug)]
pub struct TemplateError(pub String);

impl std::fmt::Display for TemplateError {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.write_str(&self.0)
    }
}

pub struct Templates {
    env: Environment<'static>,
    overrides: Option<PathBuf>,
    incident: Skeleton,
}

/// `incident.md`, the record `opsbook incident new` writes and the site's form fills in: the
/// project's `templates/incident.md` if there is one, else the default. Rendered with its own
/// environment (Markdown: no autoescape, whitespace kept as written).
pub fn incident_template(overrides: Option<&Path>) -> Result<Skeleton, TemplateError> {
    let overrides = overrides.filter(|d| d.is_dir());
    let name = "incident.md";
    let skeleton = match read_override(overrides, name)? {
        Some(text) => {
            let file = overrides.map(|d| d.join(name).display().to_string());
            Skeleton::new(text, file.unwrap_or_else(|| name.to_owned()))
        }
        None => Skeleton::builtin(),
    };
    skeleton.map_err(TemplateError)
}

impl Templates {
    /// Loads the defaults, then every override found in `overrides` (a `templates/` folder that
    /// may not exist).
    pub fn load(overrides: Option<&Path>) -> Result<Templates, TemplateError> {
        let mut env = Environment::new();
        env.set_undefined_behavior(UndefinedBehavior::Strict);
        // Block tags on their own lines leave no blank lines behind: smaller, readable pages.
        let syntax = SyntaxConfig::builder()
            .trim_blocks(true)
            .lstrip_blocks(true)
            .build()
            .map_err(|e| TemplateError(format!("template syntax settings: {e}")))?;
        env.set_syntax(syntax);
        env.set_auto_escape_callback(|name| {
            if name.ends_with(".html") {
                AutoEscape::Html
            } else {
                AutoEscape::None
            }
        });
        let overrides = overrides.filter(|d| d.is_dir()).map(Path::to_path_buf);
        refuse_retired(overrides.as_deref())?;
        for (name, default) in TEMPLATES {
            let source = match read_override(overrides.as_deref(), name)? {
                Some(text) => text,
                None => (*default).to_owned(),
            };
            env.add_template_owned(*name, source)
                .map_err(|e| describe(overrides.as_deref(), &e))?;
        }
        let incident = incident_template(overrides.as_deref())?;
        Ok(Templates {
            env,
            overrides,
            incident,
        })
    }

    pub fn render(&self, name: &str, ctx: Value) -> Result<String, TemplateError> {
        self.template(name)?
            .render(ctx)
            .map_err(|e| describe(self.overrides.as_deref(), &e))
    }

    /// [`Templates::render`] straight into `out`: a page of megabytes (the index of 5,000
    /// runbooks) is never whole in memory, nor copied as its string grows.
    pub fn render_to(
        &self,
        name: &str,
        ctx: Value,
        out: &mut dyn std::io::Write,
    ) -> Result<(), TemplateError> {
        self.template(name)?
            .render_captured_to(ctx, out)
            .map(drop)
            .map_err(|e| describe(self.overrides.as_deref(), &e))
    }

    fn template(&self, name: &str) -> Result<minijinja::Template<'_, '_>, TemplateError> {
        self.env
            .get_template(name)
            .map_err(|e| describe(self.overrides.as_deref(), &e))
    }

    /// The compiled `incident.md`.
    pub fn incident(&self) -> &Skeleton {
        &self.incident
    }

    /// An asset's bytes: the override if there is one, else the default.
    pub fn asset(&self, name: &str, default: &str) -> Result<String, TemplateError> {
        Ok(read_override(self.overrides.as_deref(), name)?.unwrap_or_else(|| default.to_owned()))
    }
}

/// Templates opsbook no longer reads, and what took their place. An override of one would be
/// ignored without a word, and the pages would silently lose the project's changes: the build
/// stops instead and says where they go now.
const RETIRED: &[(&str, &str)] = &[(
    "macros.html",
    "its macros became templates the pages include, one per piece (severity.html, review.html, risk.html, alert_severity.html, target_bar.html, fm_list.html, tags.html, incident_counts.html; a macro call cost a template state of its own, a twentieth of a build): move each changed macro's body into its file (docs/templates.md says which variables each sees), then delete macros.html",
)];

fn refuse_retired(dir: Option<&Path>) -> Result<(), TemplateError> {
    let Some(dir) = dir else { return Ok(()) };
    for (name, instead) in RETIRED {
        let path = dir.join(name);
        if path.exists() {
            return Err(TemplateError(format!(
                "{}: opsbook no longer reads this template: {instead}",
                path.display()
            )));
        }
    }
    Ok(())
}

fn read_override(dir: Option<&Path>, name: &str) -> Result<Option<String>, TemplateError> {
    let Some(dir) = dir else {
        return Ok(None);
    };
    let path = dir.join(name);
    match std::fs::read_to_string(&path) {
        Ok(text) => Ok(Some(text)),
        Err(e) if e.kind() == std::io::ErrorKind::NotFound => Ok(None),
        Err(e) => Err(TemplateError(format!(
            "{}: cannot read: {e}",
            path.display()
        ))),
    }
}

/// `templates/failure_mode.html:12: undefined value (in failure_mode.html)`: the place first.
fn describe(overrides: Option<&Path>, e: &minijinja::Error) -> TemplateError {
    let name = e.name().unwrap_or("template");
    let file = match overrides.map(|d| d.join(name)).filter(|p| p.is_file()) {
        Some(path) => path.display().to_string(),
        None => format!("(default template) {name}"),
    };
    let line = e.line().map(|l| format!(":{l}")).unwrap_or_default();
    let mut message = format!("{file}{line}: {}", e.kind());
    if let Some(detail) = e.detail() {
        message.push_str(": ");
        message.push_str(detail);
    }
    TemplateError(message)
}
