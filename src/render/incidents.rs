//! The postmortem workbook in the book: the incidents index, one page per record, the action
//! items across incidents, and each failure mode's "Seen before". Every view here is cut from
//! the [`Workbook`] and its one-pass [`History`], never recomputed per page.
//!
//! A record's Markdown is rendered with the runbooks' rules ([`super::markdown::document`]):
//! raw HTML is text, links are http, https, mailto or relative, and nothing in it is a template.

use std::collections::BTreeMap;

use minijinja::context;
use minijinja::value::Serde;
use serde::Serialize;

use super::env::Templates;
use super::site::Sink;
use super::{BuildError, SiteInfo, in_parallel, render_page};
use crate::compile::CompiledRunbook;
use crate::incident::workbook::{Counts, History, Incident, Tally, Workbook, duration};
use crate::source::display_path;

/// The warnings `build` prints for records it could not read.
pub(super) fn unreadable_warnings(workbook: &Workbook) -> Vec<String> {
    workbook.unreadable.iter().map(|u| u.located()).collect()
}

/// The postmortem workbook: `incidents/index.html`, one page per record and
/// `action-items.html`, written even with no record so the site's links never lead nowhere.
/// Returns how many pages it wrote.
pub(super) fn write_workbook(
    templates: &Templates,
    staging: &dyn Sink,
    site: &SiteInfo,
    workbook: &Workbook,
    runbooks: &[&CompiledRunbook],
) -> Result<usize, BuildError> {
    let ids: Vec<&str> = runbooks.iter().map(|r| r.id.as_str()).collect();
    let mut rows: Vec<IncidentRow> = workbook.incidents.iter().map(|i| row(i, &ids)).collect();
    let [statuses, services, severities] = filters(&mut rows);
    let root = "../";
    let index = render_page(
        templates,
        "incidents.html",
        site,
        root,
        "Incidents",
        context! {
            incidents => Serde(&rows),
            unreadable => Serde(unreadable(workbook)),
            statuses => statuses,
            services => services,
            severities => severities,
            totals => Serde(workbook.totals()),
        },
    )?;
    staging.write("incidents/index.html", index.as_bytes())?;
    let pairs: Vec<(&Incident, &IncidentRow)> = workbook.incidents.iter().zip(&rows).collect();
    in_parallel(&pairs, |(incident, row)| {
        let html = render_page(
            templates,
            "incident_record.html",
            site,
            root,
            &format!("{} — incident", row.title),
            context! {
                incident => Serde(row),
                items => Serde(&incident.facts.action_items),
                body_html => body_html(incident),
            },
        )?;
        Ok(staging.write(&row.url, html.as_bytes())?)
    })?;
    let items = render_page(
        templates,
        "action_items.html",
        site,
        "",
        "Action items",
        context! { items => Serde(action_items(workbook)) },
    )?;
    staging.write("action-items.html", items.as_bytes())?;
    Ok(2 + rows.len())
}

/// The history of every failure mode, keyed by `(runbook, failure_mode)`.
pub type Histories = BTreeMap<(String, String), History>;

/// A link to a record, relative to the site root.
#[derive(Clone, Debug, Serialize)]
pub struct RecordLink {
    pub url: String,
    pub title: String,
    /// `2026-11-20`, or empty without a valid `started_at`.
    pub date: String,
}

/// One row of the incidents index (and the head of a record's page).
#[derive(Clone, Debug, Serialize)]
pub struct IncidentRow {
    pub url: String,
    pub file: String,
    pub title: String,
    pub severity: String,
    pub status: String,
    pub service: String,
    pub runbook: String,
    pub failure_mode: String,
    /// The runbook's and the failure mode's pages, when they exist.
    pub runbook_url: Option<String>,
    pub failure_mode_url: Option<String>,
    /// `2026-11-20 08:00` (UTC), or `-`.
    pub started: String,
    pub started_at: String,
    pub detected_at: String,
    pub mitigated_at: String,
    pub resolved_at: String,
    pub time_to_detect: String,
    pub time_to_mitigate: String,
    pub time_to_resolve: String,
    pub open_items: usize,
    pub overdue_items: usize,
    pub commander: String,
    pub request_ids: Vec<String>,
    /// The action taken that mitigated, by the runbook's title for it.
    pub mitigation: Option<String>,
    /// The row's status, service and severity as positions in the index's filter lists
    /// ([`choices`]): the filters compare numbers, and no person's text goes into an attribute.
    pub keys: [usize; 3],
}

/// A record that could not be read: listed, with its error, never silently left out.
#[derive(Clone, Debug, Serialize)]
pub struct UnreadableRow {
    pub file: String,
    /// `line:column: message`.
    pub error: String,
}

/// An action item across incidents.
#[derive(Clone, Debug, Serialize)]
pub struct ItemRow {
    pub item: String,
    pub owner: String,
    pub due: String,
    pub status: String,
    pub done: bool,
    pub overdue: bool,
    pub incident: RecordLink,
}

/// "Seen before" on a failure-mode page.
#[derive(Clone, Debug, Default, Serialize)]
pub struct SeenBefore {
    pub count: usize,
    pub last: Option<RecordLink>,
    pub median_time_to_mitigate: Option<String>,
    pub hypotheses: Vec<TallyView>,
    pub actions: Vec<TallyView>,
    pub open_items: usize,
}

/// A hypothesis confirmed, or an action taken, in past records.
#[derive(Clone, Debug, Serialize)]
pub struct TallyView {
    pub label: String,
    pub count: usize,
    pub mitigations: usize,
    pub records: Vec<RecordLink>,
}

fn minutes(t: Option<chrono::DateTime<chrono::Utc>>, format: &str) -> String {
    t.map_or_else(String::new, |t| t.format(format).to_string())
}

fn took(seconds: Option<i64>) -> String {
    seconds.map_or_else(|| "-".to_owned(), duration)
}

/// The page of a record, relative to the site root.
pub fn record_url(incident: &Incident) -> String {
    format!("incidents/{}.html", incident.slug)
}

fn link(incident: &Incident) -> RecordLink {
    RecordLink {
        url: record_url(incident),
        title: incident.facts.title.clone(),
        date: minutes(incident.facts.started_at, "%Y-%m-%d"),
    }
}

/// The row of one record.
pub fn row(incident: &Incident, runbook_ids: &[&str]) -> IncidentRow {
    let f = &incident.facts;
    let runbook_exists = runbook_ids.contains(&f.runbook.as_str());
    let front = &incident.record.front;
    IncidentRow {
        url: record_url(incident),
        file: display_path(&incident.source.path),
        title: f.title.clone(),
        severity: f.severity.clone(),
        status: f.status.clone(),
        service: f.service.clone(),
        runbook: f.runbook.clone(),
        failure_mode: f.failure_mode.clone(),
        runbook_url: runbook_exists.then(|| format!("{}/index.html", f.runbook)),
        failure_mode_url: f
            .linked
            .then(|| format!("{}/{}.html", f.runbook, f.failure_mode)),
        started: f.started_at.map_or_else(
            || "-".to_owned(),
            |t| t.format("%Y-%m-%d %H:%M").to_string(),
        ),
        started_at: minutes(f.started_at, "%Y-%m-%d %H:%M UTC"),
        detected_at: minutes(f.detected_at, "%Y-%m-%d %H:%M UTC"),
        mitigated_at: minutes(f.mitigated_at, "%Y-%m-%d %H:%M UTC"),
        resolved_at: minutes(f.resolved_at, "%Y-%m-%d %H:%M UTC"),
        time_to_detect: took(f.time_to_detect),
        time_to_mitigate: took(f.time_to_mitigate),
        time_to_resolve: took(f.time_to_resolve),
        open_items: incident.open_items().count(),
        overdue_items: incident.open_items().filter(|i| i.overdue).count(),
        commander: front
            .commander
            .as_ref()
            .map_or_else(String::new, |c| c.value.clone()),
        request_ids: front.request_ids.iter().map(|r| r.value.clone()).collect(),
        mitigation: incident.mitigation().map(str::to_owned),
        keys: [0; 3],
    }
}

/// The records that could not be read.
pub fn unreadable(book: &Workbook) -> Vec<UnreadableRow> {
    book.unreadable
        .iter()
        .map(|u| {
            let d = &u.diagnostic;
            let file = d.file.file_name().map_or_else(
                || display_path(&d.file),
                |n| n.to_string_lossy().into_owned(),
            );
            let error = if d.pos.is_known() {
                format!("{}:{}: {}", d.pos.line, d.pos.column, d.message)
            } else {
                d.message.clone()
            };
            UnreadableRow { file, error }
        })
        .collect()
}

/// Every action item: overdue first (soonest due first), then open by due date (undated
/// last), then done.
pub fn action_items(book: &Workbook) -> Vec<ItemRow> {
    let mut rows: Vec<(u8, Option<chrono::NaiveDate>, ItemRow)> = Vec::new();
    for incident in &book.incidents {
        for i in &incident.facts.action_items {
            let rank = match (i.overdue, i.done) {
                (true, _) => 0,
                (false, false) => 1,
                (false, true) => 2,
            };
            let row = ItemRow {
                item: i.item.clone(),
                owner: i.owner.clone(),
                due: i.due.clone(),
                status: i.status.clone(),
                done: i.done,
                overdue: i.overdue,
                incident: link(incident),
            };
            rows.push((rank, i.due_date, row));
        }
    }
    // Stable: ties keep the records' order, newest first.
    rows.sort_by_key(|(rank, due, _)| (*rank, due.is_none(), *due));
    rows.into_iter().map(|(_, _, row)| row).collect()
}

/// "Seen before" for one failure mode; empty when no record names it.
pub fn seen_before(
    book: &Workbook,
    histories: &Histories,
    runbook: &str,
    mode: &str,
) -> SeenBefore {
    let Some(h) = histories.get(&(runbook.to_owned(), mode.to_owned())) else {
        return SeenBefore::default();
    };
    let tally = |t: &Tally| TallyView {
        label: t.label.clone(),
        count: t.count,
        mitigations: t.mitigations,
        records: t
            .incidents
            .iter()
            .map(|&i| link(&book.incidents[i]))
            .collect(),
    };
    SeenBefore {
        count: h.count,
        last: h.incidents.first().map(|&i| link(&book.incidents[i])),
        median_time_to_mitigate: h.median_time_to_mitigate.map(duration),
        hypotheses: h.hypotheses.iter().map(tally).collect(),
        actions: h.actions.iter().map(tally).collect(),
        open_items: h.open_items,
    }
}

/// The index's filters: the distinct statuses, services and severities, sorted; each row's
/// `keys` set to its positions in them.
pub fn filters(rows: &mut [IncidentRow]) -> [Vec<String>; 3] {
    let columns: [fn(&IncidentRow) -> &str; 3] = [|r| &r.status, |r| &r.service, |r| &r.severity];
    let lists = columns.map(|column| {
        let mut values: Vec<String> = rows.iter().map(|r| column(r).to_owned()).collect();
        values.sort();
        values.dedup();
        values
    });
    for row in rows.iter_mut() {
        for (k, column) in columns.iter().enumerate() {
            row.keys[k] = lists[k]
                .binary_search_by(|v| v.as_str().cmp(column(row)))
                .unwrap_or(0);
        }
    }
    lists
}

/// The counts of one runbook, zero when it has no record.
pub fn counts_of(per_runbook: &BTreeMap<String, Counts>, runbook: &str) -> Counts {
    per_runbook.get(runbook).copied().unwrap_or_default()
}

/// A record's Markdown body as HTML: its first `# Title` line is dropped (the page's header
/// shows the title), the rest rendered with the runbooks' rules.
pub fn body_html(incident: &Incident) -> String {
    let body = &incident.source.text[incident.record.body_start..];
    let trimmed = body.trim_start();
    let body = match trimmed.strip_prefix("# ") {
        Some(rest) => rest.split_once('\n').map_or("", |(_, after)| after),
        None => body,
    };
    super::markdown::document(body, "r-")
}
