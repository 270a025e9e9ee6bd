//! `opsbook.yaml`, the optional project config.

use std::collections::BTreeMap;

use schemars::JsonSchema;
use serde::Deserialize;

use super::runbook::Severity;
use super::spanned::Sp;

pub const DEFAULT_QUESTIONS: [&str; 4] = [
    "What was the trigger?",
    "What signals detected it first?",
    "What was the fastest safe mitigation?",
    "What single change would prevent recurrence?",
];

/// `severity_map` when `opsbook.yaml` sets none.
pub const DEFAULT_SEVERITY_MAP: [(&str, Severity); 3] = [
    ("critical", Severity::Sev1),
    ("warning", Severity::Sev3),
    ("info", Severity::Sev4),
];

#[derive(Debug, Default, Deserialize, JsonSchema)]
#[serde(deny_unknown_fields)]
pub struct Config {
    pub title: Option<String>,
    /// Folder scanned recursively for `*.yaml` / `*.yml`.
    pub runbooks: Option<String>,
    pub out: Option<String>,
    /// Folder of incident records (`*.md`), rendered into the book and linted by `opsbook
    /// lint`. Default: `incidents`.
    pub incidents: Option<String>,
    pub review_every_days: Option<u32>,
    pub postmortem_questions: Option<Vec<String>>,
    #[serde(default)]
    pub lint: LintConfig,
    /// Where the book is published (`https://runbooks.example.com/`): the base of the
    /// `runbook_url` each alert should carry.
    pub site_url: Option<Sp<String>>,
    /// Prometheus rule files (globs allowed) cross-checked by `opsbook lint`.
    #[serde(default)]
    pub alert_rules: Vec<Sp<String>>,
    /// Alert `severity` label → opsbook severity. Default: critical → sev1, warning → sev3,
    /// info → sev4.
    pub severity_map: Option<BTreeMap<String, Sp<Severity>>>,
    /// Hypotheses a failure mode may list before `too-many-hypotheses` (default 5).
    pub max_hypotheses: Option<u32>,
    /// The environment variables `curl` checks may read as `$NAME` (`opsbook check --env NAME`
    /// adds one for a run). Any other `$NAME` is `undeclared-env` and never read.
    #[serde(default)]
    pub env: Vec<Sp<String>>,
}

#[derive(Debug, Default, Deserialize, JsonSchema)]
#[serde(deny_unknown_fields)]
pub struct LintConfig {
    #[serde(default)]
    pub deny_warnings: bool,
    /// Per-rule level, by rule name.
    #[serde(default)]
    pub rules: BTreeMap<String, Sp<Level>>,
}

#[derive(Clone, Copy, Debug, Deserialize, JsonSchema, PartialEq, Eq, Hash)]
#[serde(rename_all = "lowercase")]
pub enum Level {
    Error,
    Warn,
    Info,
    Off,
}

impl Level {
    pub fn as_str(self) -> &'static str {
        match self {
            Level::Error => "error",
            Level::Warn => "warn",
            Level::Info => "info",
            Level::Off => "off",
        }
    }
}

impl Config {
    pub fn title(&self) -> &str {
        self.title.as_deref().unwrap_or("On-call book")
    }
    /// The folder of incident records, relative to `opsbook.yaml`.
    pub fn incidents(&self) -> &str {
        self.incidents.as_deref().unwrap_or("incidents")
    }
    pub fn review_every_days(&self) -> u32 {
        self.review_every_days.unwrap_or(90)
    }
    pub fn max_hypotheses(&self) -> u32 {
        self.max_hypotheses.unwrap_or(5)
    }
    /// The opsbook severity of an alert severity label, by `severity_map` (or its default).
    pub fn map_severity(&self, label: &str) -> Option<Severity> {
        match &self.severity_map {
            Some(map) => map.get(label).map(|s| s.value),
            None => DEFAULT_SEVERITY_MAP
                .iter()
                .find(|(l, _)| *l == label)
                .map(|(_, s)| *s),
        }
    }
    /// The alert severity labels `severity_map` (or its default) knows.
    pub fn alert_severities(&self) -> Vec<String> {
        match &self.severity_map {
            Some(map) => map.keys().cloned().collect(),
            None => DEFAULT_SEVERITY_MAP
                .iter()
                .map(|(l, _)| l.to_string())
                .collect(),
        }
    }
    /// `site_url` with exactly one trailing slash.
    pub fn site_url(&self) -> Option<String> {
        let url = self.site_url.as_ref()?.value.trim();
        Some(format!("{}/", url.trim_end_matches('/')))
    }
    pub fn questions(&self) -> Vec<String> {
        match &self.postmortem_questions {
            Some(q) => q.clone(),
            None => DEFAULT_QUESTIONS.iter().map(|s| s.to_string()).collect(),
        }
    }
}
