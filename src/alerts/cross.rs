//! The cross-check: each alerting rule's `runbook_url` against the book's pages, and the alerts
//! the rules define against the alerts the runbooks list, both ways.

use std::collections::BTreeSet;
use std::path::Path;

use super::book::Book;
use super::link::{self, Leads, Site};
use super::rules::{AlertRule, RuleFile};
use super::urls;
use crate::diagnostic::Diagnostic;
use crate::rule::Rule;
use crate::suggest::did_you_mean;

/// What the cross-check compares.
pub struct Input<'a, 'w> {
    pub book: &'a Book<'w>,
    /// `None` when `opsbook.yaml` has no usable `site_url`: URLs cannot be judged then.
    pub site: Option<&'a Site>,
    pub files: &'a [RuleFile],
    /// Every rule file was found and read completely, so an alert not in them is not defined.
    pub complete: bool,
}

pub fn check(input: &Input) -> Vec<Diagnostic> {
    let mut out = Vec::new();
    for file in input.files {
        for rule in &file.alerts {
            out.extend(runbook_url(input, &file.path, rule));
        }
    }
    out.extend(unlisted(input));
    if input.complete {
        out.extend(undefined(input));
    }
    out
}

/// A listed alert without a `runbook_url`, or one that leads to no page or to the wrong one.
fn runbook_url(input: &Input, file: &Path, rule: &AlertRule) -> Option<Diagnostic> {
    let alert = rule.name.value.as_str();
    let listed_by = input
        .book
        .listings(alert)
        .first()
        .map(|l| l.runbook.id.as_str());
    let Some(url) = &rule.runbook_url else {
        let message = format!(
            "alert `{alert}` has no `runbook_url`, though runbook `{}` lists it",
            listed_by?
        );
        let help = set_url(
            input,
            alert,
            "add `runbook_url: ",
            "` under the rule's `annotations:`",
        );
        return Some(
            Diagnostic::new(Rule::WrongRunbookUrl, file, rule.name.pos, message).help(help),
        );
    };
    let (hit, message) = judge(input, alert, &url.value, listed_by)?;
    let help = match listed_by {
        Some(_) => set_url(input, alert, "set it to `", "`"),
        None => "no runbook lists this alert, so the book has no page for it; list it under a failure mode's `alerts:`, then `opsbook alerts urls` prints its URL".to_owned(),
    };
    Some(Diagnostic::new(hit, file, url.pos, message).help(help))
}

/// What is wrong with where `url` leads, if anything can be told: a page the book lacks, or
/// (for a listed alert) a page that does not list it, or no page of the book at all.
fn judge(input: &Input, alert: &str, url: &str, listed_by: Option<&str>) -> Option<(Rule, String)> {
    let book = input.book;
    let what = format!("`runbook_url` of alert `{alert}`");
    match (link::leads(input.site?, url), listed_by) {
        (Leads::Page(page), _) if !book.has_page(&page) => {
            let close = suggestion(did_you_mean(&page, book.pages()));
            let message = format!("{what} leads to `{page}`, a page the book does not have{close}");
            Some((Rule::BrokenRunbookUrl, message))
        }
        (Leads::Page(page), Some(_)) if !book.leads_to(alert, &page) => {
            let message = format!("{what} leads to `{page}`, a page that does not list it");
            Some((Rule::WrongRunbookUrl, message))
        }
        (Leads::Elsewhere, Some(runbook)) => {
            let message =
                format!("{what} leads outside the book, though runbook `{runbook}` lists it");
            Some((Rule::WrongRunbookUrl, message))
        }
        _ => None,
    }
}

/// ` (did you mean `x`?)`, or nothing.
fn suggestion(close: Option<&str>) -> String {
    close
        .map(|c| format!(" (did you mean `{c}`?)"))
        .unwrap_or_default()
}

/// Advice to set the alert's `runbook_url`: the exact URL when the site is known.
fn set_url(input: &Input, alert: &str, before: &str, after: &str) -> String {
    match input.site {
        Some(site) => {
            let url = urls::expected(input.book, site.as_str(), alert);
            format!("{before}{url}{after}; `opsbook alerts urls` prints it for every alert")
        }
        None => "add a `runbook_url` annotation; with `site_url` set in opsbook.yaml, `opsbook alerts urls` prints it".to_owned(),
    }
}

/// Alerts of the rules that no runbook lists: once per name, at its first definition.
fn unlisted(input: &Input) -> Vec<Diagnostic> {
    let mut seen = BTreeSet::new();
    let mut out = Vec::new();
    for file in input.files {
        for rule in &file.alerts {
            let alert = rule.name.value.as_str();
            if input.book.is_listed(alert) || !seen.insert(alert) {
                continue;
            }
            let message = format!("alert `{alert}` is not listed by any runbook");
            let help = "list it under the `alerts:` of the failure mode it signals, so its responder lands on a page that says what to do";
            out.push(
                Diagnostic::new(
                    Rule::AlertWithoutRunbook,
                    &file.path,
                    rule.name.pos,
                    message,
                )
                .help(help),
            );
        }
    }
    out
}

/// Alerts runbooks list that no rule defines: renamed or deleted.
fn undefined(input: &Input) -> Vec<Diagnostic> {
    let defined: BTreeSet<&str> = input
        .files
        .iter()
        .flat_map(|f| &f.alerts)
        .map(|r| r.name.value.as_str())
        .collect();
    let mut out = Vec::new();
    for alert in input.book.alerts().filter(|a| !defined.contains(a)) {
        let close = suggestion(did_you_mean(alert, defined.iter().copied()));
        for listing in input.book.listings(alert) {
            let message = format!("alert `{alert}` is not defined in any alert rule file{close}");
            let help = "the alert was renamed or deleted: fix the name, or remove it from this failure mode's `alerts:`";
            let file = &listing.runbook.source.path;
            out.push(
                Diagnostic::new(Rule::UnknownAlert, file, listing.name.pos, message).help(help),
            );
        }
    }
    out
}
