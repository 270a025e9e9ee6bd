//! The postmortem workbook: every record under `incidents:`, read once, with what a team
//! reports about each (durations, open and overdue action items, the hypotheses confirmed, the
//! action that mitigated) and, in one pass over them all, each failure mode's history.
//!
//! The site, `opsbook lint` and `opsbook incident list` all start from [`Workbook::load`], so
//! the numbers a page shows are the numbers the list prints.

use std::collections::BTreeMap;
use std::path::{Path, PathBuf};

use chrono::{DateTime, NaiveDate, NaiveTime, Utc};
use serde::Serialize;

use super::parse::{self, Record, Row};
use crate::compile::CompiledRunbook;
use crate::diagnostic::Diagnostic;
use crate::source::SourceFile;

/// The statuses (any case) that close an action item; anything else is open.
pub const DONE_STATUSES: [&str; 8] = [
    "done",
    "closed",
    "complete",
    "completed",
    "fixed",
    "resolved",
    "cancelled",
    "wontfix",
];

/// Every record of the incidents folder, newest first, and the files that could not be read.
#[derive(Debug, Default)]
pub struct Workbook {
    pub incidents: Vec<Incident>,
    pub unreadable: Vec<Unreadable>,
}

/// A record that could not be read, and why. Its source is kept when there is one, to show
/// the line in a diagnostic.
#[derive(Debug)]
pub struct Unreadable {
    pub slug: String,
    pub diagnostic: Diagnostic,
    pub source: Option<SourceFile>,
}

impl Unreadable {
    /// `incidents/x.md:2:8: unclosed quote` (without the position when there is none).
    pub fn located(&self) -> String {
        let d = &self.diagnostic;
        let file = crate::source::display_path(&d.file);
        if d.pos.is_known() {
            format!("{file}:{}:{}: {}", d.pos.line, d.pos.column, d.message)
        } else {
            format!("{file}: {}", d.message)
        }
    }
}

#[derive(Debug)]
pub struct Incident {
    /// The file's name without `.md`: the record's page is `incidents/<slug>.html`.
    pub slug: String,
    pub source: SourceFile,
    pub record: Record,
    pub facts: Facts,
}

/// What a team reports about one incident: plain values, ready for the list and the pages.
#[derive(Clone, Debug, Default, Serialize)]
pub struct Facts {
    pub title: String,
    pub severity: String,
    pub status: String,
    pub runbook: String,
    pub failure_mode: String,
    /// The runbook's service; empty when the runbook does not exist.
    pub service: String,
    /// Whether `runbook#failure_mode` is a page of the book.
    #[serde(skip)]
    pub linked: bool,
    pub started_at: Option<DateTime<Utc>>,
    pub detected_at: Option<DateTime<Utc>>,
    pub mitigated_at: Option<DateTime<Utc>>,
    pub resolved_at: Option<DateTime<Utc>>,
    /// Seconds from start to detection, mitigation and resolution.
    pub time_to_detect: Option<i64>,
    pub time_to_mitigate: Option<i64>,
    pub time_to_resolve: Option<i64>,
    pub action_items: Vec<ActionItem>,
    /// The hypotheses ticked (and not struck through): the causes found.
    pub confirmed: Vec<String>,
    /// The hypotheses struck through: ruled out.
    pub ruled_out: Vec<String>,
    pub actions: Vec<TakenAction>,
}

#[derive(Clone, Debug, Serialize)]
pub struct ActionItem {
    pub item: String,
    pub owner: String,
    /// As written (`2026-12-01`); `due_date` when it is a date.
    pub due: String,
    #[serde(skip)]
    pub due_date: Option<NaiveDate>,
    pub status: String,
    pub done: bool,
    pub overdue: bool,
    #[serde(skip)]
    pub line: u32,
}

/// A row of "Actions taken" that was taken (it has a time or a result).
#[derive(Clone, Debug, Serialize)]
pub struct TakenAction {
    /// The runbook's action id, when the row names one (`Roll back (`roll-back`)`).
    pub id: Option<String>,
    /// The runbook's title for it, else the row's text.
    pub title: String,
    pub taken_at: String,
    pub result: String,
    /// The action that mitigated: the last one taken before `mitigated_at`.
    pub mitigation: bool,
}

impl Incident {
    pub fn open_items(&self) -> impl Iterator<Item = &ActionItem> {
        self.facts.action_items.iter().filter(|i| !i.done)
    }

    /// The action that mitigated, by the runbook's title for it.
    pub fn mitigation(&self) -> Option<&str> {
        let actions = &self.facts.actions;
        actions
            .iter()
            .find(|a| a.mitigation)
            .map(|a| a.title.as_str())
    }
}

impl Workbook {
    /// Reads every `*.md` directly in `dir` except a `README.md`, in name order, then sorts the
    /// records newest first. A folder that does not exist is an empty workbook.
    pub fn load(dir: &Path, runbooks: &[CompiledRunbook], today: NaiveDate) -> Workbook {
        if dir.is_dir() {
            Workbook::load_paths(&[dir.to_path_buf()], runbooks, today)
        } else {
            Workbook::default()
        }
    }

    /// [`Workbook::load`] of the records named: files, or folders of records.
    pub fn load_paths(
        paths: &[PathBuf],
        runbooks: &[CompiledRunbook],
        today: NaiveDate,
    ) -> Workbook {
        let mut book = Workbook::default();
        for path in paths {
            let (files, problems) = if path.is_dir() {
                record_files(path)
            } else {
                (vec![path.clone()], Vec::new())
            };
            for diagnostic in problems {
                book.unreadable.push(Unreadable {
                    slug: slug_of(&diagnostic.file),
                    diagnostic,
                    source: None,
                });
            }
            for read in read_all(&files, runbooks, today) {
                match read {
                    Read::Incident(incident) => book.incidents.push(*incident),
                    Read::Unreadable(unreadable) => book.unreadable.push(*unreadable),
                }
            }
        }
        book.unreadable.sort_by(|a, b| a.slug.cmp(&b.slug));
        book.incidents.sort_by(|a, b| {
            let key = |i: &Incident| std::cmp::Reverse(i.facts.started_at);
            key(a).cmp(&key(b)).then_with(|| a.slug.cmp(&b.slug))
        });
        book
    }

    /// The source of a record, by path, for diagnostics.
    pub fn source(&self, path: &Path) -> Option<&SourceFile> {
        let read = self.incidents.iter().map(|i| &i.source);
        let unread = self.unreadable.iter().filter_map(|u| u.source.as_ref());
        read.chain(unread).find(|s| s.path == path)
    }

    /// How many files were looked at.
    pub fn files(&self) -> usize {
        self.incidents.len() + self.unreadable.len()
    }

    /// Each failure mode's history, keyed by `(runbook, failure_mode)`: one pass over the
    /// records, however many pages then show it.
    pub fn history(&self) -> BTreeMap<(String, String), History> {
        let mut out: BTreeMap<(String, String), History> = BTreeMap::new();
        // Newest first, so `incidents[0]` is the last one.
        for (index, incident) in self.incidents.iter().enumerate() {
            let f = &incident.facts;
            let key = (f.runbook.clone(), f.failure_mode.clone());
            out.entry(key).or_default().add(index, incident);
        }
        for history in out.values_mut() {
            history.finish(&self.incidents);
        }
        out
    }

    /// Per runbook: how many incidents, and how many action items are still open.
    pub fn per_runbook(&self) -> BTreeMap<String, Counts> {
        let mut out: BTreeMap<String, Counts> = BTreeMap::new();
        for incident in &self.incidents {
            let counts = out.entry(incident.facts.runbook.clone()).or_default();
            counts.incidents += 1;
            counts.open_items += incident.open_items().count();
        }
        out
    }

    /// Across the whole book.
    pub fn totals(&self) -> Counts {
        Counts {
            incidents: self.incidents.len(),
            open_items: self.incidents.iter().map(|i| i.open_items().count()).sum(),
        }
    }
}

#[derive(Clone, Copy, Debug, Default, Serialize, PartialEq, Eq, Hash)]
pub struct Counts {
    pub incidents: usize,
    pub open_items: usize,
}

/// What a failure mode's page says under "Seen before".
#[derive(Clone, Debug, Default, Serialize)]
pub struct History {
    /// Indexes into [`Workbook::incidents`], newest first.
    #[serde(skip)]
    pub incidents: Vec<usize>,
    pub count: usize,
    /// Median seconds from start to mitigation, over the incidents that were mitigated.
    pub median_time_to_mitigate: Option<i64>,
    /// The confirmed hypotheses, most often first.
    pub hypotheses: Vec<Tally>,
    /// The actions taken, most often the mitigation first.
    pub actions: Vec<Tally>,
    pub open_items: usize,
}

/// A hypothesis or an action and the incidents it appeared in.
#[derive(Clone, Debug, Default, Serialize)]
pub struct Tally {
    pub label: String,
    /// How many incidents it appeared in (confirmed, or taken).
    pub count: usize,
    /// For actions: how many times it was the mitigation.
    pub mitigations: usize,
    /// Indexes into [`Workbook::incidents`], newest first.
    #[serde(skip)]
    pub incidents: Vec<usize>,
}

impl History {
    fn add(&mut self, index: usize, incident: &Incident) {
        self.incidents.push(index);
        self.count += 1;
        self.open_items += incident.open_items().count();
        for cause in &incident.facts.confirmed {
            tally(&mut self.hypotheses, cause, index).count += 1;
        }
        let mut seen = Vec::new();
        for action in &incident.facts.actions {
            if seen.contains(&&action.title) {
                continue;
            }
            seen.push(&action.title);
            let t = tally(&mut self.actions, &action.title, index);
            t.count += 1;
            t.mitigations += usize::from(
                incident
                    .facts
                    .actions
                    .iter()
                    .any(|a| a.mitigation && a.title == action.title),
            );
        }
    }

    fn finish(&mut self, incidents: &[Incident]) {
        let mut times: Vec<i64> = self
            .incidents
            .iter()
            .filter_map(|&i| incidents[i].facts.time_to_mitigate)
            .collect();
        times.sort_unstable();
        self.median_time_to_mitigate = median(&times);
        // Stable sorts: ties keep the order of first appearance, newest first.
        self.hypotheses.sort_by_key(|t| std::cmp::Reverse(t.count));
        self.actions
            .sort_by_key(|t| std::cmp::Reverse((t.mitigations, t.count)));
    }
}

fn tally<'a>(list: &'a mut Vec<Tally>, label: &str, index: usize) -> &'a mut Tally {
    let at = match list.iter().position(|t| t.label == label) {
        Some(at) => at,
        None => {
            list.push(Tally {
                label: label.to_owned(),
                ..Tally::default()
            });
            list.len() - 1
        }
    };
    let t = &mut list[at];
    if t.incidents.last() != Some(&index) {
        t.incidents.push(index);
    }
    t
}

fn median(sorted: &[i64]) -> Option<i64> {
    let n = sorted.len();
    match n {
        0 => None,
        _ if n % 2 == 1 => Some(sorted[n / 2]),
        _ => Some((sorted[n / 2 - 1] + sorted[n / 2]) / 2),
    }
}

/// One file read: an incident, or why it cannot be one.
enum Read {
    Incident(Box<Incident>),
    Unreadable(Box<Unreadable>),
}

/// Reads one record.
fn read(path: &Path, runbooks: &[CompiledRunbook], today: NaiveDate) -> Read {
    let slug = slug_of(path);
    let source = match crate::load::read_source(path) {
        Ok(source) => source,
        Err(diagnostic) => {
            let source = None;
            return Read::Unreadable(Box::new(Unreadable {
                slug,
                diagnostic,
                source,
            }));
        }
    };
    match parse::parse(&source) {
        Ok(record) => {
            let facts = facts(&record, runbooks, today);
            Read::Incident(Box::new(Incident {
                slug,
                source,
                record,
                facts,
            }))
        }
        Err(diagnostic) => Read::Unreadable(Box::new(Unreadable {
            slug,
            diagnostic,
            source: Some(source),
        })),
    }
}

/// [`read`] of every file, on every core (records are independent, and a thousand of them
/// take a tenth of a second on one), in the order given.
fn read_all(files: &[PathBuf], runbooks: &[CompiledRunbook], today: NaiveDate) -> Vec<Read> {
    crate::parallel::map(files, |f| read(f, runbooks, today))
}

/// `*.md` entries directly in `dir`, without `README.md`, in name order: the regular files,
/// and the entries that cannot be records (a symbolic link, which opsbook never follows; a
/// pipe; a name that is not UTF-8) as diagnostics.
fn record_files(dir: &Path) -> (Vec<PathBuf>, Vec<Diagnostic>) {
    let mut files = Vec::new();
    let mut problems = Vec::new();
    let walk = walkdir::WalkDir::new(dir)
        .min_depth(1)
        .max_depth(1)
        .sort_by_file_name();
    for entry in walk.into_iter().filter_map(Result::ok) {
        let name = entry.file_name().to_string_lossy();
        if !name.ends_with(".md") || name.eq_ignore_ascii_case("README.md") {
            continue;
        }
        match crate::load::classify(&entry) {
            None if entry.file_type().is_file() => files.push(entry.into_path()),
            None => {}
            Some(problem) => problems.push(problem),
        }
    }
    (files, problems)
}

/// The page name of a record: its file name without `.md`, made safe for a URL.
fn slug_of(path: &Path) -> String {
    let stem = path
        .file_stem()
        .map_or_else(String::new, |s| s.to_string_lossy().into_owned());
    let slug: String = stem
        .chars()
        .map(|c| {
            if c.is_alphanumeric() || matches!(c, '-' | '_' | '.') {
                c
            } else {
                '-'
            }
        })
        .collect();
    if slug.is_empty() || slug.starts_with('.') {
        format!("record-{slug}")
    } else {
        slug
    }
}

fn text(field: &Option<crate::model::Sp<String>>) -> String {
    field
        .as_ref()
        .map_or_else(String::new, |v| v.value.trim().to_owned())
}

fn time(field: &Option<crate::model::Sp<String>>) -> Option<DateTime<Utc>> {
    let value = field.as_ref()?.value.trim();
    DateTime::parse_from_rfc3339(value)
        .ok()
        .map(|t| t.with_timezone(&Utc))
}

/// Computes the facts of one record.
pub fn facts(record: &Record, runbooks: &[CompiledRunbook], today: NaiveDate) -> Facts {
    let f = &record.front;
    let (runbook, failure_mode) = (text(&f.runbook), text(&f.failure_mode));
    let found = runbooks.iter().find(|r| r.id == runbook);
    let mode = found.and_then(|r| {
        r.runbook
            .failure_modes
            .iter()
            .find(|m| m.id.value == failure_mode)
    });
    let started_at = time(&f.started_at);
    let since = |t: Option<DateTime<Utc>>| Some((t? - started_at?).num_seconds());
    let (detected_at, mitigated_at, resolved_at) = (
        time(&f.detected_at),
        time(&f.mitigated_at),
        time(&f.resolved_at),
    );
    let mut facts = Facts {
        title: text(&f.title),
        severity: text(&f.severity),
        status: text(&f.status),
        service: found.map_or_else(String::new, |r| r.runbook.service.value.clone()),
        linked: mode.is_some(),
        started_at,
        detected_at,
        mitigated_at,
        resolved_at,
        time_to_detect: since(detected_at),
        time_to_mitigate: since(mitigated_at),
        time_to_resolve: since(resolved_at),
        action_items: record
            .action_items
            .iter()
            .filter(|r| r.cells.iter().any(|c| !c.is_empty()))
            .map(|r| action_item(r, today))
            .collect(),
        runbook,
        failure_mode,
        ..Facts::default()
    };
    let known: Vec<&str> = mode.map_or_else(Vec::new, |m| {
        m.hypotheses
            .iter()
            .map(|h| h.value.cause.value.as_str())
            .collect()
    });
    for h in &record.hypotheses {
        let label = canonical(&h.cause, &known);
        if h.struck {
            facts.ruled_out.push(label);
        } else if h.ticked {
            facts.confirmed.push(label);
        }
    }
    facts.actions = taken_actions(record, mode, &facts);
    facts
}

/// The runbook's own words for a hypothesis a record names (the skeleton copies them; a person
/// may have changed the case or the ending), else the record's.
fn canonical(cause: &str, known: &[&str]) -> String {
    let squash = |s: &str| s.trim().trim_end_matches('.').to_lowercase();
    known
        .iter()
        .find(|k| squash(k) == squash(cause))
        .map_or_else(|| cause.to_owned(), |k| (*k).to_owned())
}

/// An action item row as a team reports it: done by its status, overdue against `today`.
pub fn action_item(row: &Row, today: NaiveDate) -> ActionItem {
    let due = row.cell(2).to_owned();
    let due_date = NaiveDate::parse_from_str(due.trim(), "%Y-%m-%d").ok();
    let status = row.cell(3).to_owned();
    let done = is_done(&status);
    ActionItem {
        item: row.cell(0).to_owned(),
        owner: row.cell(1).to_owned(),
        overdue: !done && due_date.is_some_and(|d| d < today),
        due,
        due_date,
        status,
        done,
        line: row.line,
    }
}

/// Whether an action item's status closes it ([`DONE_STATUSES`], any case, `won't fix` too).
pub fn is_done(status: &str) -> bool {
    let squashed: String = status
        .chars()
        .filter(|c| c.is_alphanumeric())
        .collect::<String>()
        .to_lowercase();
    DONE_STATUSES.contains(&squashed.as_str())
}

/// The rows of "Actions taken" that were taken, the mitigation marked: the last taken at or
/// before `mitigated_at` (by its time when it has one), else, once the incident is mitigated,
/// the last row taken.
fn taken_actions(
    record: &Record,
    mode: Option<&crate::model::runbook::FailureMode>,
    facts: &Facts,
) -> Vec<TakenAction> {
    let mut out: Vec<(TakenAction, Option<DateTime<Utc>>)> = Vec::new();
    for row in &record.actions_taken {
        let (taken_at, result) = (row.cell(2), row.cell(3));
        if taken_at.is_empty() && result.is_empty() {
            continue;
        }
        let (id, title) = action_name(row.cell(0), mode);
        let when = clock(taken_at, facts.started_at);
        out.push((
            TakenAction {
                id,
                title,
                taken_at: taken_at.to_owned(),
                result: result.to_owned(),
                mitigation: false,
            },
            when,
        ));
    }
    let mitigated =
        facts.mitigated_at.is_some() || matches!(facts.status.as_str(), "mitigated" | "resolved");
    let by_time = facts.mitigated_at.and_then(|m| {
        out.iter()
            .enumerate()
            .filter(|(_, (_, t))| t.is_some_and(|t| t <= m))
            .max_by_key(|(i, (_, t))| (*t, *i))
            .map(|(i, _)| i)
    });
    let untimed = out.iter().all(|(_, t)| t.is_none());
    let chosen = by_time.or_else(|| {
        (mitigated && untimed)
            .then(|| out.len().checked_sub(1))
            .flatten()
    });
    if let Some(i) = chosen {
        out[i].0.mitigation = true;
    }
    out.into_iter().map(|(a, _)| a).collect()
}

/// `Roll back the last deploy (roll-back-slow-deploy)` → the runbook's id and title for it.
fn action_name(
    cell: &str,
    mode: Option<&crate::model::runbook::FailureMode>,
) -> (Option<String>, String) {
    let id = cell
        .trim()
        .strip_suffix(')')
        .and_then(|s| s.rsplit_once('('))
        .map(|(_, id)| id.trim().trim_matches('`').to_owned());
    let action = mode.and_then(|m| {
        m.actions.iter().find(|a| {
            Some(&a.value.id.value) == id.as_ref()
                || a.value.title.value.eq_ignore_ascii_case(cell.trim())
        })
    });
    match action {
        Some(a) => (Some(a.value.id.value.clone()), a.value.title.value.clone()),
        None => (None, cell.trim().to_owned()),
    }
}

/// A time written in a table: RFC 3339, or `HH:MM` / `HH:MM:SS` in UTC on the day the
/// incident started (the next day when that would be before the start).
pub fn clock(cell: &str, started: Option<DateTime<Utc>>) -> Option<DateTime<Utc>> {
    let cell = cell.trim();
    if let Ok(t) = DateTime::parse_from_rfc3339(cell) {
        return Some(t.with_timezone(&Utc));
    }
    let started = started?;
    let time = NaiveTime::parse_from_str(cell, "%H:%M")
        .or_else(|_| NaiveTime::parse_from_str(cell, "%H:%M:%S"))
        .ok()?;
    let at = started.date_naive().and_time(time).and_utc();
    Some(if at < started {
        at + chrono::Duration::days(1)
    } else {
        at
    })
}

/// `17 min`, `1 h 02 min`, `3 d 4 h`: a duration as a responder reads it.
pub fn duration(seconds: i64) -> String {
    let minutes = seconds.max(0) / 60;
    match minutes {
        m if m < 60 => format!("{m} min"),
        m if m < 24 * 60 => format!("{} h {:02} min", m / 60, m % 60),
        m => format!("{} d {} h", m / (24 * 60), m % (24 * 60) / 60),
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn durations_read_as_a_responder_says_them() {
        assert_eq!(duration(17 * 60 + 30), "17 min");
        assert_eq!(duration(62 * 60), "1 h 02 min");
        assert_eq!(duration(3 * 86400 + 4 * 3600 + 59), "3 d 4 h");
    }

    #[test]
    fn clock_times_are_on_the_start_day_or_the_next() {
        let start = DateTime::parse_from_rfc3339("2026-11-20T23:50:00Z")
            .unwrap()
            .with_timezone(&Utc);
        let t = clock("00:10", Some(start)).unwrap();
        assert_eq!(t.to_rfc3339(), "2026-11-21T00:10:00+00:00");
        assert!(clock("soon", Some(start)).is_none());
    }

    #[test]
    fn done_statuses_whatever_the_case_and_punctuation() {
        for s in ["done", "Done", "DONE", "won't fix", "Closed", "cancelled"] {
            assert!(is_done(s), "{s}");
        }
        for s in ["open", "in progress", "", "todo"] {
            assert!(!is_done(s), "{s}");
        }
    }

    #[test]
    fn medians() {
        assert_eq!(median(&[]), None);
        assert_eq!(median(&[5]), Some(5));
        assert_eq!(median(&[1, 3, 10]), Some(3));
        assert_eq!(median(&[1, 3, 10, 20]), Some(6));
    }
}
