//! `opsbook.yaml`, the optional project config.

use std::collections::BTreeMap;

use schemars::JsonSchema;
use serde::Deserialize;

use super::spanned::Sp;

pub const DEFAULT_QUESTIONS: [&str; 4] = [
    "What was the trigger?",
    "What signals detected it first?",
    "What was the fastest safe mitigation?",
    "What single change would prevent recurrence?",
];

#[derive(Debug, Default, Deserialize, JsonSchema)]
#[serde(deny_unknown_fields)]
pub struct Config {
    pub title: Option<String>,
    /// Folder scanned recursively for `*.yaml` / `*.yml`.
    pub runbooks: Option<String>,
    pub out: Option<String>,
    pub review_every_days: Option<u32>,
    pub postmortem_questions: Option<Vec<String>>,
    #[serde(default)]
    pub lint: LintConfig,
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

#[derive(Clone, Copy, Debug, Deserialize, JsonSchema, PartialEq, Eq)]
#[serde(rename_all = "lowercase")]
pub enum Level {
    Error,
    Warn,
    Off,
}

impl Level {
    pub fn as_str(self) -> &'static str {
        match self {
            Level::Error => "error",
            Level::Warn => "warn",
            Level::Off => "off",
        }
    }
}

impl Config {
    pub fn title(&self) -> &str {
        self.title.as_deref().unwrap_or("On-call book")
    }
    pub fn review_every_days(&self) -> u32 {
        self.review_every_days.unwrap_or(90)
    }
    pub fn questions(&self) -> Vec<String> {
        match &self.postmortem_questions {
            Some(q) => q.clone(),
            None => DEFAULT_QUESTIONS.iter().map(|s| s.to_string()).collect(),
        }
    }
}
