//! The runbook file, schema version 1, exactly as DESIGN.md describes it. Unknown fields are
//! rejected so that a misspelled key is a diagnostic, not a silently ignored line.

use schemars::JsonSchema;
use serde::Deserialize;

use super::check::{Check, CheckRef};
use super::spanned::{OrderedMap, Sp};

/// A runbook: one service, its checks and its failure modes.
#[derive(Debug, Deserialize, JsonSchema)]
#[serde(deny_unknown_fields)]
#[schemars(title = "opsbook runbook (schema version 1)")]
pub struct Runbook {
    /// Human title of the runbook.
    pub title: Sp<String>,
    /// The service this runbook covers; the site groups runbooks by it.
    pub service: Sp<String>,
    /// The owning team.
    pub owner: Sp<String>,
    /// Date of the last review, `YYYY-MM-DD`.
    #[schemars(regex(pattern = r"^\d{4}-\d{2}-\d{2}$"))]
    pub last_reviewed: Sp<String>,
    /// Days after `last_reviewed` before the runbook is stale; overrides `opsbook.yaml`.
    pub review_every_days: Option<Sp<u32>>,
    #[serde(default)]
    pub tags: Vec<Sp<String>>,
    /// Markdown.
    pub summary: Option<Sp<String>>,
    #[serde(default)]
    pub links: Vec<Link>,
    /// The alert labels this runbook uses (`namespace`, `pod`, ...): filled from the page's URL,
    /// `opsbook check --param` and `incident new --param`; usable as `{{ name }}` placeholders.
    #[serde(default)]
    pub params: OrderedMap<Sp<Param>>,
    /// Where checks run; the first one is the default.
    #[serde(default)]
    pub targets: OrderedMap<Sp<Target>>,
    /// Named checks, referenced by id from failure modes and actions.
    #[serde(default)]
    pub checks: Vec<Sp<Check>>,
    #[serde(default)]
    pub failure_modes: Vec<FailureMode>,
    pub postmortem: Option<Postmortem>,
}

/// An alert label the runbook uses. Params are shown, never masked: they are not secrets.
#[derive(Debug, Default, Deserialize, JsonSchema)]
#[serde(deny_unknown_fields)]
pub struct Param {
    /// What the label holds, shown beside its input on the page.
    pub description: Option<String>,
    /// The value used when the page's URL, `--param` or the record gives none.
    pub default: Option<String>,
}

/// Whether `name` is a Prometheus alert or label name, `^[A-Za-z_][A-Za-z0-9_]*$`: what lint asks
/// of alert names and params, what an alert page's file name and a Go template's `$labels.NAME`
/// can hold.
pub fn is_label_name(name: &str) -> bool {
    let mut chars = name.chars();
    chars
        .next()
        .is_some_and(|c| c.is_ascii_alphabetic() || c == '_')
        && chars.all(|c| c.is_ascii_alphanumeric() || c == '_')
}

/// A Prometheus alert that signals a failure mode.
#[derive(Debug, Deserialize, JsonSchema)]
#[serde(deny_unknown_fields)]
pub struct AlertRef {
    /// The alert's name, as in the rule's `alert:` (`KubePodCrashLooping`).
    pub name: Sp<String>,
    /// The alert's `severity` label (`warning`, `critical`), mapped by `severity_map`.
    pub severity: Option<Sp<String>>,
}

#[derive(Debug, Deserialize, JsonSchema)]
#[serde(deny_unknown_fields)]
pub struct Link {
    pub title: Sp<String>,
    pub url: Sp<String>,
}

/// A target: a base URL, or a base URL with extra named URLs of the same environment.
#[derive(Debug, JsonSchema)]
#[serde(untagged)]
pub enum Target {
    Url(String),
    Full(TargetSpec),
}

/// `{url, vars}`: a target with extra named URLs (`{{ prometheus }}`).
#[derive(Debug, Deserialize, JsonSchema)]
#[serde(deny_unknown_fields)]
pub struct TargetSpec {
    pub url: String,
    #[serde(default)]
    pub vars: std::collections::BTreeMap<String, String>,
}

impl<'de> Deserialize<'de> for Target {
    // Hand-written instead of `untagged` so that a misspelt key (`vras:`) is an unknown field
    // with its position and a suggestion, not "did not match any variant".
    fn deserialize<D: serde::Deserializer<'de>>(deserializer: D) -> Result<Self, D::Error> {
        struct TargetVisitor;
        impl<'de> serde::de::Visitor<'de> for TargetVisitor {
            type Value = Target;
            fn expecting(&self, f: &mut std::fmt::Formatter) -> std::fmt::Result {
                f.write_str("a base URL, or `{url, vars}`")
            }
            fn visit_str<E: serde::de::Error>(self, v: &str) -> Result<Target, E> {
                Ok(Target::Url(v.to_owned()))
            }
            fn visit_map<A: serde::de::MapAccess<'de>>(self, map: A) -> Result<Target, A::Error> {
                let deserializer = serde::de::value::MapAccessDeserializer::new(map);
                TargetSpec::deserialize(deserializer).map(Target::Full)
            }
        }
        deserializer.deserialize_any(TargetVisitor)
    }
}

impl Target {
    pub fn url(&self) -> &str {
        match self {
            Target::Url(url) | Target::Full(TargetSpec { url, .. }) => url,
        }
    }
    pub fn vars(&self) -> impl Iterator<Item = (&str, &str)> {
        let vars = match self {
            Target::Url(_) => None,
            Target::Full(spec) => Some(&spec.vars),
        };
        vars.into_iter()
            .flatten()
            .map(|(k, v)| (k.as_str(), v.as_str()))
    }
}

#[derive(Clone, Copy, Debug, Deserialize, JsonSchema, PartialEq, Eq, PartialOrd, Ord)]
#[serde(rename_all = "lowercase")]
pub enum Severity {
    Sev1,
    Sev2,
    Sev3,
    Sev4,
}

impl Severity {
    pub const ALL: [&'static str; 4] = ["sev1", "sev2", "sev3", "sev4"];
    pub fn as_str(self) -> &'static str {
        Self::ALL[self as usize]
    }
}

#[derive(Clone, Copy, Debug, Deserialize, JsonSchema, PartialEq, Eq)]
#[serde(rename_all = "lowercase")]
pub enum Risk {
    Low,
    High,
}

impl Risk {
    pub fn as_str(self) -> &'static str {
        match self {
            Risk::Low => "low",
            Risk::High => "high",
        }
    }
}

/// One way the service fails, written along the debugging loop.
#[derive(Debug, Deserialize, JsonSchema)]
#[serde(deny_unknown_fields)]
pub struct FailureMode {
    pub id: Sp<String>,
    pub title: Sp<String>,
    pub severity: Sp<Severity>,
    /// The alerts that signal this failure mode; their pages lead here.
    #[serde(default)]
    pub alerts: Vec<Sp<AlertRef>>,
    /// Markdown: what users see while it lasts.
    pub impact: Option<Sp<String>>,
    /// Markdown: who to page next, and how.
    pub escalation: Option<Sp<String>>,
    /// Dashboards and documents for this failure mode, shown near the top of its page.
    #[serde(default)]
    pub links: Vec<Link>,
    #[serde(default)]
    pub symptoms: Vec<Sp<String>>,
    pub signals: Option<Signals>,
    /// Two to three likely causes, not twenty.
    #[serde(default)]
    pub hypotheses: Vec<Sp<Hypothesis>>,
    /// The quick checks for this failure mode.
    #[serde(default)]
    pub checks: Vec<Sp<CheckRef>>,
    #[serde(default)]
    pub actions: Vec<Sp<Action>>,
}

/// Triangulation: metrics detect, tracing localizes, logs explain.
#[derive(Debug, Deserialize, JsonSchema)]
#[serde(deny_unknown_fields)]
pub struct Signals {
    pub metrics: Option<Sp<String>>,
    pub tracing: Option<Sp<String>>,
    pub logs: Option<Sp<String>>,
}

#[derive(Debug, Deserialize, JsonSchema)]
#[serde(deny_unknown_fields)]
pub struct Hypothesis {
    pub cause: Sp<String>,
    /// Markdown: how to verify or rule out this cause.
    pub verify: Option<Sp<String>>,
    #[serde(default)]
    pub checks: Vec<Sp<CheckRef>>,
}

#[derive(Debug, Deserialize, JsonSchema)]
#[serde(deny_unknown_fields)]
pub struct Action {
    pub id: Sp<String>,
    pub title: Sp<String>,
    pub risk: Sp<Risk>,
    pub when: Option<Sp<String>>,
    /// Required when `risk: high`.
    pub hypothesis: Option<Sp<String>>,
    /// Required when `risk: high`.
    pub verification: Option<Sp<String>>,
    /// Markdown.
    pub steps: Option<Sp<String>>,
    /// Checks that confirm recovery. Required.
    #[serde(default)]
    pub confirm: Vec<Sp<CheckRef>>,
}

#[derive(Debug, Default, Deserialize, JsonSchema)]
#[serde(deny_unknown_fields)]
pub struct Postmortem {
    /// Added to the default questions of `opsbook.yaml`.
    #[serde(default)]
    pub questions: Vec<Sp<String>>,
}

impl Runbook {
    /// Every text the site renders as Markdown, in the order written.
    pub fn markdown_texts(&self) -> Vec<&Sp<String>> {
        let mut out: Vec<&Sp<String>> = self.summary.iter().collect();
        for fm in &self.failure_modes {
            out.extend([&fm.impact, &fm.escalation].into_iter().flatten());
            out.extend(fm.symptoms.iter());
            if let Some(s) = &fm.signals {
                out.extend([&s.metrics, &s.tracing, &s.logs].into_iter().flatten());
            }
            for h in &fm.hypotheses {
                out.push(&h.cause);
                out.extend(h.verify.iter());
            }
            for a in &fm.actions {
                let texts = [&a.when, &a.hypothesis, &a.verification, &a.steps];
                out.extend(texts.into_iter().flatten());
            }
        }
        out
    }
}
