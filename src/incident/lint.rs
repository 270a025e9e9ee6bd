//! `opsbook incident lint`: is this record valid, and complete for its status? Completeness
//! findings are warnings while an incident is open and errors once it is resolved.

use crate::rule::Rule;

use chrono::{DateTime, FixedOffset, NaiveDate};

/// A parsed timestamp and where it was written.
type Stamp = Option<(DateTime<FixedOffset>, Pos)>;

use super::parse::{Record, Row};
use crate::compile::CompiledRunbook;
use crate::diagnostic::{Diagnostic, Severity};
use crate::model::Sp;
use crate::source::{Pos, SourceFile};

struct Lint<'a> {
    file: &'a SourceFile,
    resolved: bool,
    out: Vec<Diagnostic>,
}

impl Lint<'_> {
    /// A finding at its rule's own level.
    fn report(&mut self, rule: Rule, pos: Pos, message: String, help: &str) {
        self.out
            .push(Diagnostic::new(rule, &self.file.path, pos, message).help(help));
    }

    /// A completeness finding: an error once resolved, a warning before.
    fn gap(&mut self, rule: Rule, pos: Pos, message: String, help: &str) {
        let mut d = Diagnostic::new(rule, &self.file.path, pos, message).help(help);
        d.severity = if self.resolved {
            Severity::Error
        } else {
            Severity::Warning
        };
        self.out.push(d);
    }
}

/// Lints a parsed record against the runbooks it refers to; `today` decides what is overdue.
pub fn lint(
    file: &SourceFile,
    record: &Record,
    runbooks: &[CompiledRunbook],
    today: NaiveDate,
) -> Vec<Diagnostic> {
    let status = record.front.status.as_ref();
    let resolved = status.is_some_and(|s| s.value == "resolved");
    let mut l = Lint {
        file,
        resolved,
        out: Vec::new(),
    };
    fields(&mut l, record, runbooks);
    timestamps(&mut l, record);
    answers(&mut l, record);
    sections(&mut l, record);
    action_items(&mut l, record);
    overdue(&mut l, record, today);
    timeline(&mut l, record);
    l.out
}

fn fields(l: &mut Lint, record: &Record, runbooks: &[CompiledRunbook]) {
    let f = &record.front;
    match &f.status {
        Some(s) if !super::schema::STATUSES.contains(&s.value.as_str()) => {
            l.report(
                Rule::UnknownStatus,
                s.pos,
                format!("status `{}` is not open, mitigated or resolved", s.value),
                "write `status: open`, `mitigated` or `resolved`",
            );
        }
        None => l.report(
            Rule::IncidentFrontMatter,
            Pos::new(1, 1),
            "the record has no `status`".into(),
            "add `status: open`",
        ),
        _ => {}
    }
    match &f.severity {
        Some(s) if !crate::model::Severity::ALL.contains(&s.value.as_str()) => {
            l.report(
                Rule::UnknownSeverity,
                s.pos,
                format!("severity `{}` is not sev1, sev2, sev3 or sev4", s.value),
                "sev1 is the worst",
            );
        }
        None => l.report(
            Rule::UnknownSeverity,
            Pos::new(1, 1),
            "the record has no `severity`".into(),
            "add `severity: sev2`",
        ),
        _ => {}
    }
    let Some(rb_id) = &f.runbook else {
        return l.report(
            Rule::UnknownRunbook,
            Pos::new(1, 1),
            "the record names no `runbook`".into(),
            "add `runbook: <id>`",
        );
    };
    let Some(rb) = runbooks.iter().find(|r| r.id == rb_id.value) else {
        let message = format!("runbook `{}` does not exist", rb_id.value);
        return l.report(
            Rule::UnknownRunbook,
            rb_id.pos,
            message,
            "use a runbook id: its path below the runbooks folder, without `.yaml`",
        );
    };
    match &f.failure_mode {
        Some(fm)
            if !rb
                .runbook
                .failure_modes
                .iter()
                .any(|m| m.id.value == fm.value) =>
        {
            l.report(
                Rule::UnknownRunbook,
                fm.pos,
                format!(
                    "runbook `{}` has no failure mode `{}`",
                    rb_id.value, fm.value
                ),
                "use one of the failure mode ids of that runbook",
            );
        }
        None => l.report(
            Rule::UnknownRunbook,
            rb_id.pos,
            "the record names no `failure_mode`".into(),
            "add `failure_mode: <id>`",
        ),
        _ => {}
    }
}

fn timestamp(
    l: &mut Lint,
    field: &Option<Sp<String>>,
    name: &str,
) -> Option<(DateTime<FixedOffset>, Pos)> {
    let value = field.as_ref().filter(|v| !v.value.trim().is_empty())?;
    match DateTime::parse_from_rfc3339(value.value.trim()) {
        Ok(t) => Some((t, value.pos)),
        Err(_) => {
            l.report(
                Rule::InvalidTimestamp,
                value.pos,
                format!("`{name}: {}` is not an RFC 3339 timestamp", value.value),
                "write it like `2026-11-26T08:15:00Z`",
            );
            None
        }
    }
}

fn timestamps(l: &mut Lint, record: &Record) {
    let f = &record.front;
    // In the order of `schema::TIMESTAMPS`, the order they must hold.
    let fields = [
        &f.started_at,
        &f.detected_at,
        &f.mitigated_at,
        &f.resolved_at,
    ];
    let named: Vec<(&str, &Option<Sp<String>>)> =
        super::schema::TIMESTAMPS.into_iter().zip(fields).collect();
    let parsed: Vec<(&str, Stamp)> = named
        .iter()
        .map(|(n, v)| (*n, timestamp(l, v, n)))
        .collect();
    if parsed[0].1.is_none() && f.started_at.is_none() {
        l.report(
            Rule::InvalidTimestamp,
            Pos::new(1, 1),
            "the record has no `started_at`".into(),
            "add `started_at: 2026-11-26T08:15:00Z`",
        );
    }
    let mut last: Option<(&str, DateTime<FixedOffset>)> = None;
    for (name, value) in &parsed {
        let Some((time, pos)) = value else { continue };
        if let Some((before, earlier)) = last
            && *time < earlier
        {
            l.report(
                Rule::TimestampsOutOfOrder,
                *pos,
                format!("`{name}` is before `{before}`"),
                "it must hold that started ≤ detected ≤ mitigated ≤ resolved",
            );
        }
        last = Some((name, *time));
    }
    if l.resolved && parsed[3].1.is_none() {
        let pos = f.status.as_ref().map_or(Pos::new(1, 1), |s| s.pos);
        l.report(
            Rule::ResolvedWithoutTime,
            pos,
            "`status: resolved` without `resolved_at`".into(),
            "add `resolved_at:` with the time service was restored",
        );
    }
}

fn answers(l: &mut Lint, record: &Record) {
    for answer in record.answers.iter().filter(|a| !a.is_answered()) {
        l.gap(
            Rule::UnansweredQuestion,
            Pos::new(answer.line, 1),
            format!("postmortem question `{}` has no answer", answer.question),
            "write the answer under the heading, in place of the placeholder",
        );
    }
}

/// The sections a resolved record must keep: the ones read after the incident.
const REQUIRED: [&str; 3] = ["Summary", "Impact", "Postmortem"];

fn sections(l: &mut Lint, record: &Record) {
    for name in ["Summary", "Impact"] {
        if let Some(section) = record.section(name).filter(|s| !s.is_answered()) {
            l.gap(
                Rule::UnansweredSection,
                Pos::new(section.line, 1),
                format!("`## {name}` has no answer"),
                "write it under the heading, in place of the placeholder",
            );
        }
    }
    if !l.resolved {
        return;
    }
    for name in REQUIRED {
        if record.section(name).is_none() {
            l.report(
                Rule::MissingSection,
                Pos::new(1, 1),
                format!("the resolved record has no `## {name}` section"),
                "put the section back (see `opsbook incident new`) and fill it in",
            );
        }
    }
}

fn action_items(l: &mut Lint, record: &Record) {
    for row in &record.action_items {
        let cell = |i: usize| row.cells.get(i).map_or("", String::as_str);
        let missing: Vec<&str> = [("an owner", cell(1)), ("a due date", cell(2))]
            .into_iter()
            .filter(|(_, v)| v.is_empty())
            .map(|(n, _)| n)
            .collect();
        if !missing.is_empty() {
            let message = format!(
                "action item `{}` has no {}",
                cell(0),
                missing
                    .join(" and no ")
                    .trim_start_matches("an ")
                    .trim_start_matches("a ")
            );
            l.gap(
                Rule::IncompleteActionItem,
                Pos::new(row.line, 1),
                message,
                "every action item needs an owner and a due date (YYYY-MM-DD)",
            );
        }
    }
}

/// Open action items past their due date, read as the workbook reads them: a warning,
/// whatever the incident's status.
fn overdue(l: &mut Lint, record: &Record, today: NaiveDate) {
    for row in &record.action_items {
        let item = super::workbook::action_item(row, today);
        if !item.overdue {
            continue;
        }
        let status = if item.status.is_empty() {
            "none"
        } else {
            &item.status
        };
        l.report(
            Rule::OverdueActionItem,
            Pos::new(row.line, 1),
            format!(
                "action item `{}` was due {} and is not done (status: {status})",
                item.item, item.due
            ),
            "do it and set its status to `done`, or agree a new due date and write it",
        );
    }
}

fn timeline(l: &mut Lint, record: &Record) {
    let rows: Vec<&Row> = record
        .timeline
        .iter()
        .filter(|r| r.cells.iter().any(|c| !c.is_empty()))
        .collect();
    for row in &rows {
        if row.cell(1).trim().is_empty() {
            l.report(
                Rule::EmptyTimelineEvent,
                Pos::new(row.line, 1),
                format!("the timeline row at `{}` has no event", row.cell(0)),
                "write what happened in the event column, or delete the row",
            );
        }
    }
    if l.resolved && rows.len() < 2 {
        let line = record.section("Timeline").map_or(1, |s| s.line);
        l.gap(
            Rule::IncompleteTimeline,
            Pos::new(line, 1),
            "the timeline needs at least a start and an end entry".into(),
            "add a row for when service was restored",
        );
    }
}
