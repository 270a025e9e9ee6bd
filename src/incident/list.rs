//! `opsbook incident list`: every record with its durations and open action items, as a table
//! for people, JSON for trackers and CSV for spreadsheets. The numbers are the workbook's, the
//! same the site shows.

use chrono::{DateTime, SecondsFormat, Utc};
use serde_json::{Value, json};

use super::workbook::{Incident, Workbook, duration};
use crate::source::display_path;

/// Which records to list.
#[derive(Clone, Debug, Default)]
pub struct Filter {
    /// Only records started at or after this instant.
    pub since: Option<DateTime<Utc>>,
    /// Only records of this service (the runbook's `service`).
    pub service: Option<String>,
}

impl Filter {
    fn keeps(&self, incident: &Incident) -> bool {
        let f = &incident.facts;
        let recent = match self.since {
            Some(since) => f.started_at.is_some_and(|t| t >= since),
            None => true,
        };
        recent && self.service.as_ref().is_none_or(|s| *s == f.service)
    }
}

/// The records `filter` keeps, newest first.
pub fn select<'a>(book: &'a Workbook, filter: &Filter) -> Vec<&'a Incident> {
    book.incidents.iter().filter(|i| filter.keeps(i)).collect()
}

fn stamp(t: Option<DateTime<Utc>>) -> Option<String> {
    t.map(|t| t.to_rfc3339_opts(SecondsFormat::Secs, true))
}

fn open_items(incident: &Incident) -> (usize, usize) {
    let open = incident.open_items().count();
    let overdue = incident.open_items().filter(|i| i.overdue).count();
    (open, overdue)
}

/// One JSON object per record, and the records that could not be read.
pub fn json(book: &Workbook, rows: &[&Incident]) -> String {
    let incidents: Vec<Value> = rows.iter().map(|i| incident_json(i)).collect();
    let unreadable: Vec<Value> = book
        .unreadable
        .iter()
        .map(|u| {
            let d = &u.diagnostic;
            json!({
                "file": display_path(&d.file),
                "line": d.pos.line,
                "column": d.pos.column,
                "message": d.message,
            })
        })
        .collect();
    let out = json!({ "incidents": incidents, "unreadable": unreadable });
    let mut text = serde_json::to_string_pretty(&out).unwrap_or_default();
    text.push('\n');
    text
}

fn incident_json(incident: &Incident) -> Value {
    let f = &incident.facts;
    let (open, overdue) = open_items(incident);
    let items: Vec<Value> = f
        .action_items
        .iter()
        .map(|i| {
            json!({
                "item": i.item, "owner": i.owner, "due": i.due, "status": i.status,
                "done": i.done, "overdue": i.overdue,
            })
        })
        .collect();
    json!({
        "file": display_path(&incident.source.path),
        "title": f.title,
        "severity": f.severity,
        "status": f.status,
        "service": f.service,
        "runbook": f.runbook,
        "failure_mode": f.failure_mode,
        "started_at": stamp(f.started_at),
        "detected_at": stamp(f.detected_at),
        "mitigated_at": stamp(f.mitigated_at),
        "resolved_at": stamp(f.resolved_at),
        "time_to_detect_s": f.time_to_detect,
        "time_to_mitigate_s": f.time_to_mitigate,
        "time_to_resolve_s": f.time_to_resolve,
        "open_action_items": open,
        "overdue_action_items": overdue,
        "confirmed_hypotheses": f.confirmed,
        "mitigation": incident.mitigation(),
        "action_items": items,
    })
}

/// The CSV columns, in order.
pub const CSV_COLUMNS: [&str; 17] = [
    "file",
    "started_at",
    "title",
    "severity",
    "status",
    "service",
    "runbook",
    "failure_mode",
    "detected_at",
    "mitigated_at",
    "resolved_at",
    "time_to_detect_s",
    "time_to_mitigate_s",
    "time_to_resolve_s",
    "open_action_items",
    "overdue_action_items",
    "mitigation",
];

/// RFC 4180 CSV, one line per record, with a header line.
pub fn csv(rows: &[&Incident]) -> String {
    let mut out = CSV_COLUMNS.join(",");
    out.push_str("\r\n");
    for incident in rows {
        let f = &incident.facts;
        let (open, overdue) = open_items(incident);
        let number = |n: Option<i64>| n.map_or_else(String::new, |n| n.to_string());
        let time = |t| stamp(t).unwrap_or_default();
        let cells = [
            text_cell(&display_path(&incident.source.path)),
            time(f.started_at),
            text_cell(&f.title),
            text_cell(&f.severity),
            text_cell(&f.status),
            text_cell(&f.service),
            text_cell(&f.runbook),
            text_cell(&f.failure_mode),
            time(f.detected_at),
            time(f.mitigated_at),
            time(f.resolved_at),
            number(f.time_to_detect),
            number(f.time_to_mitigate),
            number(f.time_to_resolve),
            open.to_string(),
            overdue.to_string(),
            text_cell(incident.mitigation().unwrap_or("")),
        ];
        let quoted: Vec<String> = cells.iter().map(|c| quote(c)).collect();
        out.push_str(&quoted.join(","));
        out.push_str("\r\n");
    }
    out
}

/// Text a person wrote, made safe for a spreadsheet: one starting with `=`, `+`, `-`, `@` or a
/// tab would be run as a formula when the file is opened, so it gets a leading `'`.
fn text_cell(text: &str) -> String {
    if text.starts_with(['=', '+', '-', '@', '\t', '\r']) {
        format!("'{text}")
    } else {
        text.to_owned()
    }
}

/// A CSV field: quoted when it holds a comma, a quote or a line break.
fn quote(cell: &str) -> String {
    if cell.contains([',', '"', '\n', '\r']) {
        format!("\"{}\"", cell.replace('"', "\"\""))
    } else {
        cell.to_owned()
    }
}

/// An aligned table for a terminal, then a summary line.
pub fn text(rows: &[&Incident]) -> String {
    let header = [
        "STARTED (UTC)",
        "SEV",
        "STATUS",
        "SERVICE",
        "FAILURE MODE",
        "DETECT",
        "MITIGATE",
        "RESOLVE",
        "OPEN ITEMS",
        "TITLE",
    ];
    let mut lines: Vec<Vec<String>> = vec![header.iter().map(|h| (*h).to_owned()).collect()];
    for incident in rows {
        lines.push(text_row(incident));
    }
    let widths: Vec<usize> = (0..header.len())
        .map(|c| {
            lines
                .iter()
                .map(|l| l[c].chars().count())
                .max()
                .unwrap_or(0)
        })
        .collect();
    let mut out = String::new();
    for line in &lines {
        let mut row = String::new();
        for (c, cell) in line.iter().enumerate() {
            if c + 1 == line.len() {
                row.push_str(cell);
            } else {
                let pad = widths[c] - cell.chars().count();
                row.push_str(&format!("{cell}{}  ", " ".repeat(pad)));
            }
        }
        out.push_str(row.trim_end());
        out.push('\n');
    }
    out.push_str(&summary(rows));
    out
}

fn text_row(incident: &Incident) -> Vec<String> {
    let f = &incident.facts;
    let took = |s: Option<i64>| s.map_or_else(|| "-".to_owned(), duration);
    let (open, overdue) = open_items(incident);
    let items = match overdue {
        0 => open.to_string(),
        n => format!("{open} ({n} overdue)"),
    };
    let started = f.started_at.map_or_else(
        || "-".to_owned(),
        |t| t.format("%Y-%m-%d %H:%M").to_string(),
    );
    let clean = |s: &str| crate::terminal::escape(s).into_owned();
    vec![
        started,
        clean(&f.severity),
        clean(&f.status),
        clean(if f.service.is_empty() {
            "-"
        } else {
            &f.service
        }),
        clean(&format!("{}#{}", f.runbook, f.failure_mode)),
        took(f.time_to_detect),
        took(f.time_to_mitigate),
        took(f.time_to_resolve),
        items,
        clean(&f.title),
    ]
}

fn summary(rows: &[&Incident]) -> String {
    let open: usize = rows.iter().map(|i| open_items(i).0).sum();
    let overdue: usize = rows.iter().map(|i| open_items(i).1).sum();
    let plural = |n: usize, word: &str| {
        if n == 1 {
            format!("{n} {word}")
        } else {
            format!("{n} {word}s")
        }
    };
    format!(
        "{}, {} ({overdue} overdue)\n",
        plural(rows.len(), "incident"),
        plural(open, "open action item"),
    )
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn csv_fields_are_quoted_and_formulas_defused() {
        assert_eq!(quote("a,b"), "\"a,b\"");
        assert_eq!(quote("say \"hi\""), "\"say \"\"hi\"\"\"");
        assert_eq!(text_cell("=HYPERLINK(\"x\")"), "'=HYPERLINK(\"x\")");
        assert_eq!(text_cell("-1"), "'-1");
        assert_eq!(text_cell("p95 above SLO"), "p95 above SLO");
    }
}
