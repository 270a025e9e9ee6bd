//! What templates see: plain serializable views built from the model. Templates never see the
//! raw model, so its positions and internals can change without breaking anyone's templates.
//! Fields ending in `_html` hold Markdown already rendered (and made safe) by `markdown.rs`.

use chrono::{Days, NaiveDate};
use serde::Serialize;

use super::alerts::{self, AlertBadge, AlertPage};
use super::command::{Command, command, commands};
use super::markdown;
use super::params::{self, ParamView};
use crate::compile::{CompiledRunbook, ModeChecks};
use crate::model::{Action, Config, FailureMode, Link, Risk, Runbook, Sp};

/// A runbook as it appears in lists and page headers.
#[derive(Clone, Debug, Hash, Serialize)]
pub struct RunbookCard {
    pub id: String,
    /// Relative to the site root.
    pub url: String,
    pub title: String,
    pub service: String,
    pub owner: String,
    pub tags: Vec<String>,
    /// The worst severity of its failure modes (`sev1` is the worst), if it has any.
    pub severity: Option<&'static str>,
    pub review: Review,
    pub failure_modes: Vec<FailureModeLink>,
    /// Incident records of this runbook, and their action items still open.
    pub incidents: usize,
    pub open_items: usize,
}

#[derive(Clone, Debug, Hash, Serialize)]
pub struct Review {
    pub last_reviewed: String,
    /// The date the next review is due, when `last_reviewed` is a date.
    pub due: Option<String>,
    pub stale: bool,
}

#[derive(Clone, Debug, Hash, Serialize)]
pub struct FailureModeLink {
    pub id: String,
    pub title: String,
    pub severity: &'static str,
    /// Relative to the site root.
    pub url: String,
}

#[derive(Clone, Debug, Serialize)]
pub struct TargetView {
    pub name: String,
    pub url: String,
}

#[derive(Clone, Debug, Serialize)]
pub struct LinkView {
    pub title: String,
    pub url: String,
}

#[derive(Clone, Debug, Serialize)]
pub struct RunbookPage {
    pub runbook: RunbookCard,
    /// The page's `<meta name="description">`: the summary's first paragraph, as plain text.
    pub description: String,
    pub summary_html: String,
    pub links: Vec<LinkView>,
    pub targets: Vec<TargetView>,
    pub params: Vec<ParamView>,
    pub checks: Vec<Command>,
}

#[derive(Clone, Debug, Serialize)]
pub struct Signal {
    /// `metrics`, `tracing` or `logs`.
    pub kind: &'static str,
    /// What this signal answers: metrics detect, tracing localizes, logs explain.
    pub role: &'static str,
    pub html: String,
}

#[derive(Clone, Debug, Serialize)]
pub struct HypothesisView {
    pub cause_html: String,
    pub verify_html: String,
    pub checks: Vec<Command>,
}

#[derive(Clone, Debug, Serialize)]
pub struct ActionView {
    pub id: String,
    pub title: String,
    /// `low` or `high`.
    pub risk: &'static str,
    pub when_html: String,
    pub hypothesis_html: String,
    pub verification_html: String,
    pub steps_html: String,
    pub confirm: Vec<Command>,
}

/// A failure mode's page. Its runbook's card (`runbook` in the template) is not a field: the
/// card lists every failure mode of the runbook, so the writer converts it once per runbook and
/// hands the same value to each page, which keeps a build linear in failure modes per runbook.
#[derive(Clone, Debug, Serialize)]
pub struct FailureModePage {
    /// The page's `<meta name="description">`.
    pub description: String,
    pub id: String,
    pub title: String,
    pub severity: &'static str,
    /// The alerts that lead here.
    pub alerts: Vec<AlertBadge>,
    /// What users see while it lasts.
    pub impact_html: String,
    /// Who to page next.
    pub escalation_html: String,
    /// The first paragraph of the runbook's summary.
    pub summary_html: String,
    /// The failure mode's own links, then the runbook's.
    pub links: Vec<LinkView>,
    pub symptoms_html: Vec<String>,
    pub signals: Vec<Signal>,
    pub hypotheses: Vec<HypothesisView>,
    pub checks: Vec<Command>,
    /// Low-risk actions first, in the order written, then high-risk ones.
    pub actions: Vec<ActionView>,
    pub first_safe_action: Option<ActionView>,
    /// Every check that confirms recovery, once each, with the actions it confirms.
    pub recovery: Vec<RecoveryCheck>,
    pub targets: Vec<TargetView>,
    pub params: Vec<ParamView>,
    /// The incident page with this failure mode filled in, relative to the site root.
    pub incident_url: String,
}

#[derive(Clone, Debug, Serialize)]
pub struct RecoveryCheck {
    pub command: Command,
    pub actions: Vec<String>,
}

pub fn card(loaded: &CompiledRunbook, today: NaiveDate, default_days: u32) -> RunbookCard {
    let rb = &loaded.runbook;
    let failure_modes = rb
        .failure_modes
        .iter()
        .map(|fm| FailureModeLink {
            id: fm.id.value.clone(),
            title: fm.title.value.clone(),
            severity: fm.severity.as_str(),
            url: format!("{}/{}.html", loaded.id, fm.id.value),
        })
        .collect();
    RunbookCard {
        id: loaded.id.clone(),
        url: format!("{}/index.html", loaded.id),
        title: rb.title.value.clone(),
        service: rb.service.value.clone(),
        owner: rb.owner.value.clone(),
        tags: rb.tags.iter().map(|t| t.value.clone()).collect(),
        severity: rb
            .failure_modes
            .iter()
            .map(|fm| fm.severity.value)
            .min()
            .map(|s| s.as_str()),
        review: review(rb, today, default_days),
        failure_modes,
        incidents: 0,
        open_items: 0,
    }
}

fn review(rb: &Runbook, today: NaiveDate, default_days: u32) -> Review {
    let days = rb
        .review_every_days
        .as_ref()
        .map_or(default_days, |d| d.value);
    let due = crate::compile::reviewed_on(&rb.last_reviewed)
        .and_then(|d| d.checked_add_days(Days::new(u64::from(days))));
    Review {
        last_reviewed: rb.last_reviewed.value.clone(),
        due: due.map(|d| d.format("%Y-%m-%d").to_string()),
        stale: due.is_none_or(|d| d < today),
    }
}

pub fn runbook_page(loaded: &CompiledRunbook, card: RunbookCard) -> RunbookPage {
    let rb = &loaded.runbook;
    let md = Md::new(loaded);
    RunbookPage {
        description: rb
            .summary
            .as_ref()
            .map_or_else(|| card.title.clone(), |s| plain_description(s)),
        runbook: card,
        summary_html: md.block(rb.summary.as_ref(), "s-"),
        links: links(&rb.links),
        targets: targets(loaded),
        params: params::params(loaded),
        checks: loaded.named_checks().map(|c| command(loaded, c)).collect(),
    }
}

/// What the failure-mode pages need from the rest of the site.
pub struct SiteContext<'a> {
    pub config: &'a Config,
    pub alerts: &'a [AlertPage],
    /// The incident records and each failure mode's history, for "Seen before".
    pub workbook: &'a crate::incident::workbook::Workbook,
    pub histories: &'a super::incidents::Histories,
}

/// Markdown as a page renders it: code that uses one of the page's placeholders is marked for
/// the page's script to fill in.
struct Md {
    names: Vec<String>,
}

impl Md {
    fn new(loaded: &CompiledRunbook) -> Md {
        Md {
            names: params::names(loaded),
        }
    }

    fn block(&self, text: Option<&Sp<String>>, prefix: &str) -> String {
        text.map(|t| markdown::block_with(t, prefix, &self.names))
            .unwrap_or_default()
    }

    fn inline(&self, text: &str) -> String {
        markdown::inline_with(text, &self.names)
    }

    fn inline_opt(&self, text: Option<&Sp<String>>) -> String {
        text.map(|t| self.inline(t)).unwrap_or_default()
    }
}

/// The page of the failure mode at `index` in the runbook.
pub fn failure_mode_page(
    loaded: &CompiledRunbook,
    index: usize,
    site: &SiteContext<'_>,
) -> FailureModePage {
    let fm = &loaded.runbook.failure_modes[index];
    let checks = &loaded.modes[index];
    let md = &Md::new(loaded);
    let mut actions: Vec<ActionView> = (0..fm.actions.len())
        .map(|i| action(loaded, md, fm, checks, i))
        .collect();
    // A stable sort keeps the written order within each risk level.
    actions.sort_by_key(|a| a.risk == "high");
    FailureModePage {
        description: format!(
            "{} ({}), {}: symptoms, the first safe action, checks and how to confirm recovery.",
            fm.title.value,
            fm.severity.as_str(),
            loaded.runbook.title.value
        ),
        id: fm.id.value.clone(),
        title: fm.title.value.clone(),
        severity: fm.severity.as_str(),
        alerts: alerts::badges(fm, site.config, site.alerts),
        impact_html: md.block(fm.impact.as_ref(), "impact-"),
        escalation_html: md.block(fm.escalation.as_ref(), "escalation-"),
        summary_html: loaded
            .runbook
            .summary
            .as_ref()
            .map(|s| markdown::first_paragraph(s, &md.names))
            .unwrap_or_default(),
        links: links(fm.links.iter().chain(&loaded.runbook.links)),
        symptoms_html: fm.symptoms.iter().map(|s| md.inline(s)).collect(),
        signals: signals(md, fm),
        hypotheses: fm
            .hypotheses
            .iter()
            .zip(&checks.hypotheses)
            .map(|(h, indices)| HypothesisView {
                cause_html: md.inline(&h.cause),
                verify_html: md.inline_opt(h.verify.as_ref()),
                checks: commands(loaded, indices),
            })
            .collect(),
        checks: commands(loaded, &checks.quick),
        first_safe_action: first_safe_action(md, fm, &actions),
        recovery: recovery(&actions),
        actions,
        targets: targets(loaded),
        params: params::params(loaded),
        incident_url: format!(
            "incident.html?runbook={}&failure_mode={}",
            loaded.id, fm.id.value
        ),
    }
}

/// The first low-risk action, for the box at the top of the page: its view among `actions`
/// (lowest risk first, in the written order within a risk), with its steps rendered again with
/// their own heading ids, since the same steps appear further down the page.
fn first_safe_action(md: &Md, fm: &FailureMode, actions: &[ActionView]) -> Option<ActionView> {
    let first = fm.actions.iter().find(|a| a.risk.value == Risk::Low)?;
    // The sort put the low-risk actions first, in their written order.
    let mut view = actions.first().filter(|a| a.risk == "low")?.clone();
    view.steps_html = md.block(first.steps.as_ref(), "first-");
    Some(view)
}

fn signals(md: &Md, fm: &FailureMode) -> Vec<Signal> {
    let Some(s) = &fm.signals else {
        return Vec::new();
    };
    [
        ("metrics", "detect", &s.metrics),
        ("tracing", "localize", &s.tracing),
        ("logs", "explain", &s.logs),
    ]
    .into_iter()
    .filter_map(|(kind, role, text)| {
        let html = md.inline(text.as_ref()?);
        Some(Signal { kind, role, html })
    })
    .collect()
}

fn action(
    loaded: &CompiledRunbook,
    md: &Md,
    fm: &FailureMode,
    checks: &ModeChecks,
    i: usize,
) -> ActionView {
    let a: &Action = &fm.actions[i];
    ActionView {
        id: a.id.value.clone(),
        title: a.title.value.clone(),
        risk: a.risk.as_str(),
        when_html: md.inline_opt(a.when.as_ref()),
        hypothesis_html: if a.risk.value == Risk::High {
            md.block(a.hypothesis.as_ref(), "hy-")
        } else {
            String::new()
        },
        verification_html: md.block(a.verification.as_ref(), "ve-"),
        steps_html: md.block(a.steps.as_ref(), &format!("{}-", a.id.value)),
        confirm: commands(loaded, &checks.confirm[i]),
    }
}

fn recovery(actions: &[ActionView]) -> Vec<RecoveryCheck> {
    let mut out: Vec<RecoveryCheck> = Vec::new();
    for a in actions {
        for c in &a.confirm {
            match out.iter_mut().find(|r| r.command.template == c.template) {
                Some(r) => r.actions.push(a.title.clone()),
                None => out.push(RecoveryCheck {
                    command: c.clone(),
                    actions: vec![a.title.clone()],
                }),
            }
        }
    }
    out
}

fn links<'a>(links: impl IntoIterator<Item = &'a Link>) -> Vec<LinkView> {
    links
        .into_iter()
        .map(|l| LinkView {
            title: l.title.value.clone(),
            url: safe_url(&l.url),
        })
        .collect()
}

/// Links were linted already; this keeps a link that slipped through (a lint level turned off)
/// from becoming a script URL.
fn safe_url(url: &str) -> String {
    if crate::markdown::is_safe_url(url) {
        url.to_owned()
    } else {
        "#".to_owned()
    }
}

fn targets(rb: &CompiledRunbook) -> Vec<TargetView> {
    rb.targets
        .iter()
        .map(|t| TargetView {
            name: t.name.clone(),
            url: t.url.clone(),
        })
        .collect()
}

/// The runbooks of one service, for the index page.
#[derive(Clone, Debug, Hash, Serialize)]
pub struct ServiceGroup {
    pub service: String,
    /// Shared with `serve`'s record of the last render (a card is made once per runbook text).
    pub runbooks: Vec<std::sync::Arc<RunbookCard>>,
}

/// The first paragraph of Markdown `text` as one line of plain text, at most 200 characters:
/// what a search engine or a chat preview shows for the page.
fn plain_description(text: &str) -> String {
    let first = text.split("\n\n").map(str::trim).find(|p| !p.is_empty());
    let words: Vec<&str> = first.unwrap_or_default().split_whitespace().collect();
    let plain: String = words.join(" ").replace(['*', '`', '_'], "");
    if plain.chars().count() <= 200 {
        return plain;
    }
    let cut: String = plain.chars().take(199).collect();
    format!("{}…", cut.trim_end())
}
