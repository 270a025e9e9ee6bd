//! Shape rules: dates and staleness, the loop's sections, risk discipline, safe links.

use crate::rule::Rule;

use chrono::NaiveDate;

use super::Ctx;
use crate::model::Risk;

/// `last_reviewed` as a date, if it is one.
pub fn reviewed_on(text: &str) -> Option<NaiveDate> {
    if text.len() != 10 {
        return None;
    }
    NaiveDate::parse_from_str(text, "%Y-%m-%d").ok()
}

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
    for fm in &ctx.loaded.runbook.failure_modes {
        let id = &fm.id.value;
        match fm.hypotheses.len() {
            0 => found.push((
                Rule::NoHypotheses,
                fm.id.pos,
                format!("failure mode `{id}` has no hypotheses"),
                "write the 2 to 3 likeliest causes, each with how to verify it",
            )),
            n if n > 3 => found.push((
                Rule::TooManyHypotheses,
                fm.hypotheses[3].pos,
                format!("failure mode `{id}` has {n} hypotheses"),
                "pick 2 to 3 likely causes, not 20: keep the likeliest",
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

/// A link URL is allowed when it is http, https, mailto, or relative.
pub fn is_safe_url(url: &str) -> bool {
    let trimmed: String = url
        .trim()
        .chars()
        .filter(|c| !c.is_control() && !c.is_whitespace())
        .collect();
    let lower = trimmed.to_ascii_lowercase();
    match lower.find(':') {
        None => true,
        Some(colon) => {
            let before = &lower[..colon];
            // A colon after a path, query or fragment start is not a scheme (`a/b:c`, `?x=a:b`).
            if before.contains(['/', '?', '#']) {
                return true;
            }
            matches!(before, "http" | "https" | "mailto")
        }
    }
}

pub fn links(ctx: &mut Ctx) {
    let bad: Vec<_> = ctx
        .loaded
        .runbook
        .links
        .iter()
        .filter(|l| !is_safe_url(&l.url))
        .map(|l| l.url.clone())
        .collect();
    for url in bad {
        let message = format!(
            "link URL `{}` is not http, https, mailto or relative",
            url.value
        );
        ctx.report(
            Rule::UnsafeLink,
            url.pos,
            message,
            "link to a web page: `https://…`",
        );
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn safe_urls() {
        for ok in [
            "https://a",
            "HTTP://a",
            "mailto:x@y",
            "../a.html",
            "a/b:c",
            "#top",
        ] {
            assert!(is_safe_url(ok), "{ok}");
        }
        for bad in [
            "javascript:alert(1)",
            "JaVaScRiPt:x",
            " java\tscript:x",
            "file:///etc",
            "data:text/html,x",
            "vbscript:x",
        ] {
            assert!(!is_safe_url(bad), "{bad}");
        }
    }

    #[test]
    fn dates() {
        assert!(reviewed_on("2026-02-28").is_some());
        assert!(reviewed_on("2026-02-30").is_none());
        assert!(reviewed_on("2026-2-3").is_none());
    }
}
