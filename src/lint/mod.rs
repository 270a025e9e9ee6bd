//! The lint pass: what failed to compile, the rules over compiled runbooks, then the configured
//! levels.

mod alerts;
mod checks;
mod ids;
mod refs;
mod secrets;
mod structure;
mod text;

use std::collections::BTreeMap;

use chrono::NaiveDate;

use crate::compile::CompiledRunbook;
use crate::diagnostic::{Diagnostic, Severity};
use crate::model::Level;
use crate::rule::Rule;
use crate::source::{Pos, SourceFile};

/// What the rules need to know beyond the runbook itself.
#[derive(Clone, Debug, Hash)]
pub struct LintOptions {
    pub today: NaiveDate,
    pub review_every_days: u32,
    /// More hypotheses than this is `too-many-hypotheses`.
    pub max_hypotheses: u32,
    /// Per-rule levels by rule name, from `opsbook.yaml`.
    pub levels: BTreeMap<Rule, Level>,
    pub deny_warnings: bool,
    /// The alert severity labels `severity_map` knows.
    pub alert_severities: Vec<String>,
    /// The `$NAME`s checks may read: `env:` of `opsbook.yaml` and `check --env`.
    pub declared_env: std::collections::BTreeSet<String>,
}

/// The context one runbook's rules run in.
pub(crate) struct Ctx<'a> {
    pub options: &'a LintOptions,
    pub loaded: &'a CompiledRunbook,
    pub out: Vec<Diagnostic>,
}

impl Ctx<'_> {
    pub fn report(&mut self, rule: Rule, pos: Pos, message: String, help: impl Into<String>) {
        let diagnostic = Diagnostic::new(rule, &self.loaded.source.path, pos, message).help(help);
        self.out.push(diagnostic);
    }

    pub fn source(&self) -> &SourceFile {
        &self.loaded.source
    }
}

type RuleFn = fn(&mut Ctx);

/// The per-runbook rules, in the order their findings are most useful.
const RUNBOOK_RULES: &[RuleFn] = &[
    ids::invalid_ids,
    ids::duplicate_ids_in_file,
    structure::invalid_date,
    structure::stale_review,
    structure::failure_mode_shape,
    structure::actions,
    structure::links,
    refs::unknown_checks,
    checks::checks,
    secrets::undeclared_env,
    secrets::credentials_in_url,
    alerts::invalid_alerts,
    alerts::invalid_params,
    text::placeholder_text,
];

/// Runs every rule over the runbooks, on every core. Levels are applied by [`apply_levels`].
pub fn lint(runbooks: &[CompiledRunbook], options: &LintOptions) -> Vec<Diagnostic> {
    let key = options_key(options);
    let each = crate::parallel::map(runbooks, |loaded| lint_cached(loaded, options, key));
    let mut out: Vec<Diagnostic> = each.into_iter().flatten().collect();
    out.extend(ids::colliding_runbook_ids(runbooks));
    out
}

/// A hash of the options: the findings kept with a runbook are only reused under the same.
pub fn options_key(options: &LintOptions) -> u64 {
    let mut hasher = std::collections::hash_map::DefaultHasher::new();
    std::hash::Hash::hash(options, &mut hasher);
    std::hash::Hasher::finish(&hasher)
}

/// The findings of one runbook, kept with it for the next lint under the same options (`key`).
/// A summarized runbook is linted before it is cut down; asked again under other options, it
/// is read whole again.
pub fn lint_cached(loaded: &CompiledRunbook, options: &LintOptions, key: u64) -> Vec<Diagnostic> {
    let mut linted = loaded.linted.lock().unwrap_or_else(|e| e.into_inner());
    match &*linted {
        Some((done, found)) if *done == key => found.clone(),
        _ => {
            let found = if !loaded.is_summary() {
                lint_one(loaded, options)
            } else {
                match loaded.reload() {
                    Ok(full) => lint_one(&full, options),
                    Err(message) => vec![Diagnostic::new(
                        Rule::UnreadableFile,
                        &loaded.source.path,
                        Pos::UNKNOWN,
                        message,
                    )],
                }
            };
            *linted = Some((key, found.clone()));
            found
        }
    }
}

/// The findings of one runbook: what failed to compile, then each rule's.
fn lint_one(loaded: &CompiledRunbook, options: &LintOptions) -> Vec<Diagnostic> {
    let mut ctx = Ctx {
        options,
        loaded,
        out: loaded.findings.clone(),
    };
    for rule in RUNBOOK_RULES {
        rule(&mut ctx);
    }
    ctx.out
}

/// Applies `opsbook.yaml` levels (`off` drops a finding) and `deny_warnings` (warnings become
/// errors; info stays info), then sorts.
pub fn apply_levels(diagnostics: Vec<Diagnostic>, options: &LintOptions) -> Vec<Diagnostic> {
    let mut kept: Vec<Diagnostic> = diagnostics
        .into_iter()
        .filter_map(|mut d| {
            match options.levels.get(&d.rule) {
                _ if d.rule.is_fixed() => {}
                Some(Level::Off) => return None,
                Some(Level::Warn) => d.severity = Severity::Warning,
                Some(Level::Error) => d.severity = Severity::Error,
                Some(Level::Info) => d.severity = Severity::Info,
                _ => {}
            }
            // Info is not a warning: it never fails a run, whatever the config says.
            if options.deny_warnings && d.severity == Severity::Warning {
                d.severity = Severity::Error;
            }
            Some(d)
        })
        .collect();
    kept.sort_by_key(Diagnostic::sort_key);
    kept.dedup();
    kept
}

#[cfg(test)]
mod tests {
    use super::*;

    fn options(levels: &[(Rule, Level)], deny_warnings: bool) -> LintOptions {
        LintOptions {
            today: NaiveDate::from_ymd_opt(2026, 11, 26).expect("a date"),
            review_every_days: 90,
            max_hypotheses: 5,
            levels: levels.iter().copied().collect(),
            deny_warnings,
            alert_severities: Vec::new(),
            declared_env: Default::default(),
        }
    }

    fn at(severity: Severity, rule: Rule) -> Diagnostic {
        let mut d = Diagnostic::new(rule, "a.yaml", Pos::new(1, 1), "m".into());
        d.severity = severity;
        d
    }

    #[test]
    fn deny_warnings_turns_warnings_into_errors_but_leaves_info() {
        let found = vec![
            at(Severity::Warning, Rule::StaleReview),
            at(Severity::Info, Rule::InsecureTls),
        ];
        let kept = apply_levels(found, &options(&[], true));
        let levels: Vec<Severity> = kept.iter().map(|d| d.severity).collect();
        assert_eq!(levels, [Severity::Error, Severity::Info]);
    }

    #[test]
    fn a_configured_info_level_is_applied() {
        let found = vec![at(Severity::Warning, Rule::StaleReview)];
        let kept = apply_levels(found, &options(&[(Rule::StaleReview, Level::Info)], true));
        assert_eq!(kept[0].severity, Severity::Info);
    }
}
