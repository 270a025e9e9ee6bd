//! The lint pass: rules over loaded runbooks, then the configured levels.

mod checks;
mod ids;
mod refs;
mod structure;

pub use ids::is_valid_id;
pub use structure::{is_safe_url, reviewed_on};

use std::collections::BTreeMap;

use chrono::NaiveDate;

use crate::diagnostic::{Diagnostic, Severity};
use crate::load::LoadedRunbook;
use crate::model::{Level, Sp};
use crate::rule::Rule;
use crate::source::{Pos, SourceFile};

/// What the rules need to know beyond the runbook itself.
#[derive(Clone, Debug)]
pub struct LintOptions {
    pub today: NaiveDate,
    pub review_every_days: u32,
    /// Per-rule levels by rule name, from `opsbook.yaml`.
    pub levels: BTreeMap<Rule, Level>,
    pub deny_warnings: bool,
}

/// The context one runbook's rules run in.
pub(crate) struct Ctx<'a> {
    pub options: &'a LintOptions,
    pub loaded: &'a LoadedRunbook,
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
    refs::undefined_placeholders,
    checks::checks,
];

/// Runs every rule over the runbooks. Levels are applied by [`apply_levels`].
pub fn lint(runbooks: &[LoadedRunbook], options: &LintOptions) -> Vec<Diagnostic> {
    let mut out = Vec::new();
    for loaded in runbooks {
        let mut ctx = Ctx {
            options,
            loaded,
            out: Vec::new(),
        };
        for rule in RUNBOOK_RULES {
            rule(&mut ctx);
        }
        out.extend(ctx.out);
    }
    out.extend(ids::colliding_runbook_ids(runbooks));
    out
}

/// Applies `opsbook.yaml` levels (`off` drops a finding) and `deny_warnings`, then sorts.
pub fn apply_levels(diagnostics: Vec<Diagnostic>, options: &LintOptions) -> Vec<Diagnostic> {
    let mut kept: Vec<Diagnostic> = diagnostics
        .into_iter()
        .filter_map(|mut d| {
            match options.levels.get(&d.rule) {
                _ if d.rule.is_fixed() => {}
                Some(Level::Off) => return None,
                Some(Level::Warn) => d.severity = Severity::Warning,
                Some(Level::Error) => d.severity = Severity::Error,
                _ => {}
            }
            if options.deny_warnings {
                d.severity = Severity::Error;
            }
            Some(d)
        })
        .collect();
    kept.sort_by_key(Diagnostic::sort_key);
    kept.dedup();
    kept
}

/// The position of a byte offset inside a scalar value, where the scalar's text allows it.
pub(crate) fn pos_in_scalar(source: &SourceFile, scalar: &Sp<String>, offset: usize) -> Pos {
    let start = source.offset(scalar.pos);
    let rest = &source.text[start..];
    // Quoted and plain scalars on one line map offsets directly; block scalars fall back to
    // their start, which still names the right line of the check.
    let skip = usize::from(rest.starts_with('"') || rest.starts_with('\''));
    let prefix = scalar.value.get(..offset).unwrap_or("");
    let same_line =
        !scalar.value.contains('\n') && rest.get(skip..).is_some_and(|r| r.starts_with(prefix));
    if same_line {
        source.pos_of(start + skip + offset)
    } else {
        scalar.pos
    }
}

/// The closest of `candidates` to `word`, if it is close enough to be a likely typo.
pub(crate) fn did_you_mean<'a>(
    word: &str,
    candidates: impl Iterator<Item = &'a str>,
) -> Option<&'a str> {
    candidates
        .map(|c| (edit_distance(word, c), c))
        .filter(|(d, c)| *d <= 2.max(c.len() / 3))
        .min_by_key(|(d, _)| *d)
        .map(|(_, c)| c)
}

fn edit_distance(a: &str, b: &str) -> usize {
    let b: Vec<char> = b.chars().collect();
    let mut row: Vec<usize> = (0..=b.len()).collect();
    for (i, ca) in a.chars().enumerate() {
        let mut prev = row[0];
        row[0] = i + 1;
        for (j, cb) in b.iter().enumerate() {
            let cur = row[j + 1];
            row[j + 1] = (prev + usize::from(ca != *cb)).min(row[j] + 1).min(cur + 1);
            prev = cur;
        }
    }
    row[b.len()]
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn suggests_close_names_only() {
        let names = ["healthz", "readyz", "hello"];
        assert_eq!(did_you_mean("helthz", names.into_iter()), Some("healthz"));
        assert_eq!(did_you_mean("database", names.into_iter()), None);
    }
}
