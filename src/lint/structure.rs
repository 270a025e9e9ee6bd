//! Shape rules: dates and staleness, the loop's sections, risk discipline, safe links.

use crate::rule::Rule;

use super::Ctx;
use crate::compile::reviewed_on;
use std::ops::Range;

use crate::compile::pos_in_scalar;
use crate::markdown::{self, is_safe_url};
use crate::model::Risk;
use crate::model::Sp;
use crate::source::{Pos, SourceFile};

pub fn invalid_date(ctx: &mut Ctx) {
    let date = &ctx.loaded.runbook.last_reviewed;
    if reviewed_on(date).is_none() {
        let message = format!(
            "`last_reviewed: {}` is not a date written YYYY-MM-DD",
            date.value
        );
        ctx.report(
            Rule::InvalidDate,
            date.pos,
            message,
            "write the date of the last review, for example `2026-10-01`",
        );
    }
}

pub fn stale_review(ctx: &mut Ctx) {
    let rb = &ctx.loaded.runbook;
    let Some(date) = reviewed_on(&rb.last_reviewed) else {
        return;
    };
    let limit = rb
        .review_every_days
        .as_ref()
        .map_or(ctx.options.review_every_days, |d| d.value);
    let age = (ctx.options.today - date).num_days();
    if age > i64::from(limit) {
        let pos = rb.last_reviewed.pos;
        let message = format!("last reviewed {age} days ago, over the {limit}-day review period");
        ctx.report(
            Rule::StaleReview,
            pos,
            message,
            "review the runbook against the service as it is today, then update `last_reviewed`",
        );
    }
}

pub fn failure_mode_shape(ctx: &mut Ctx) {
    let mut found = Vec::new();
    let max = usize::try_from(ctx.options.max_hypotheses).unwrap_or(usize::MAX);
    let compiled = ctx.loaded;
    for (fm, checks) in compiled.runbook.failure_modes.iter().zip(&compiled.modes) {
        let id = &fm.id.value;
        match fm.hypotheses.len() {
            0 => found.push((
                Rule::NoHypotheses,
                fm.id.pos,
                format!("failure mode `{id}` has no hypotheses"),
                "write the 2 to 3 likeliest causes, each with how to verify it",
            )),
            n if n > max => found.push((
                Rule::TooManyHypotheses,
                fm.hypotheses[max].pos,
                format!("failure mode `{id}` has {n} hypotheses, over `max_hypotheses` ({max})"),
                "pick 2 to 3 likely causes, not 20: keep the likeliest, or raise `max_hypotheses` in opsbook.yaml",
            )),
            _ => {}
        }
        if fm.checks.is_empty() {
            found.push((
                Rule::NoChecks,
                fm.id.pos,
                format!("failure mode `{id}` has no checks"),
                "list the quick checks for it: `checks: [healthz, readyz]`",
            ));
        }
        let all = checks.all();
        if !all.is_empty() && all.iter().all(|&i| !compiled.checks[i].is_executable()) {
            found.push((
                Rule::NoExecutableCheck,
                fm.id.pos,
                format!("every check of failure mode `{id}` is run by hand"),
                "add a `curl` or `promql` check that `opsbook check` can verify, or turn off `no-executable-check` in opsbook.yaml",
            ));
        }
    }
    for (rule, pos, message, help) in found {
        ctx.report(rule, pos, message, help);
    }
}

pub fn actions(ctx: &mut Ctx) {
    let mut found = Vec::new();
    for fm in &ctx.loaded.runbook.failure_modes {
        for action in &fm.actions {
            let id = &action.id.value;
            if action.risk.value == Risk::High {
                let missing: Vec<&str> = [
                    ("hypothesis", action.hypothesis.is_none()),
                    ("verification", action.verification.is_none()),
                ]
                .into_iter()
                .filter_map(|(name, missing)| missing.then_some(name))
                .collect();
                if !missing.is_empty() {
                    let message = format!(
                        "high-risk action `{id}` has no {}",
                        missing.join(" and no ")
                    );
                    found.push((Rule::HighRiskWithoutPlan, action.risk.pos, message, "say what you believe (`hypothesis`) and how you will know it worked (`verification`)"));
                }
            }
            if action.confirm.is_empty() {
                found.push((
                    Rule::ActionWithoutConfirm,
                    action.id.pos,
                    format!("action `{id}` has no `confirm` checks"),
                    "list the checks that show recovery: `confirm: [healthz]`",
                ));
            }
        }
    }
    for (rule, pos, message, help) in found {
        ctx.report(rule, pos, message, help);
    }
}

/// `unsafe-link`: the `links:` list, and every link or image inside Markdown text, found by the
/// same parser the renderer uses, so that lint flags exactly what a page would turn into `#`.
pub fn links(ctx: &mut Ctx) {
    let rb = &ctx.loaded.runbook;
    let mut bad: Vec<(Pos, String)> = rb
        .links
        .iter()
        .filter(|l| !is_safe_url(&l.url))
        .map(|l| (l.url.pos, l.url.value.clone()))
        .collect();
    for text in rb.markdown_texts() {
        for (range, url) in markdown::links(text)
            .into_iter()
            .filter(|(_, u)| !is_safe_url(u))
        {
            bad.push((link_pos(ctx.source(), text, range, &url), url));
        }
    }
    for (pos, url) in bad {
        let message = format!("link URL `{url}` is not http, https, mailto or relative");
        ctx.report(
            Rule::UnsafeLink,
            pos,
            message,
            "link to a web page: `https://…`",
        );
    }
}

/// Where a link's URL is written: exact in one-line text, else the first place the URL appears
/// after the text starts (block scalars are indented, so offsets do not map one to one).
fn link_pos(source: &SourceFile, text: &Sp<String>, range: Range<usize>, url: &str) -> Pos {
    let in_element = text.value.get(range.clone()).and_then(|e| e.find(url));
    if !text.value.contains('\n') {
        return pos_in_scalar(source, text, range.start + in_element.unwrap_or(0));
    }
    let start = source.offset(text.pos);
    match source.text[start..].find(url) {
        Some(i) => source.pos_of(start + i),
        None => text.pos,
    }
}
