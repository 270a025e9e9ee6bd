//! `opsbook check --record FILE`: appends one timeline row per check result to an incident
//! record and adds the request ids the checks sent to its `request_ids`, leaving every other
//! byte as the person wrote it.
//!
//! Nothing is lost, whoever else writes the record:
//! - two `opsbook check --record` runs take turns: each holds an exclusive lock on the record
//!   for its whole read-modify-write;
//! - an editor, which takes no lock, may save at any moment: the new text replaces the record
//!   only if the record still holds the text the rows were added to (see
//!   [`Staged::swap_in`]); otherwise the rows are applied to the saved text and tried again;
//! - only an incident record is written (never a runbook passed by mistake), and never through
//!   a symbolic link, which an atomic rename would replace with a plain file.

use std::fs::File;
use std::path::Path;
use std::time::{Duration, Instant};

use super::fields::cell;
use crate::atomic::{Staged, Swap};
use crate::source::SourceFile;

/// One row of the timeline: what a check run found.
#[derive(Clone, Debug, PartialEq)]
pub struct TimelineRow {
    /// RFC 3339, UTC.
    pub time: String,
    pub check: String,
    /// `PASS`, `FAIL` (an expectation did not hold) or `ERROR` (no response to judge), as
    /// `opsbook check` prints them.
    pub outcome: &'static str,
    pub status: Option<u16>,
    pub time_ms: u64,
    pub request_id: String,
    /// The error, for a check that could not run.
    pub note: Option<String>,
}

impl TimelineRow {
    fn markdown(&self) -> String {
        let outcome = self.outcome;
        let status = self
            .status
            .map_or_else(|| "no response".to_owned(), |s| s.to_string());
        let mut event = format!(
            "check `{}` {outcome}: status {status}, {} ms, request id `{}`",
            self.check, self.time_ms, self.request_id
        );
        if let Some(note) = &self.note {
            event.push_str(&format!(" ({note})"));
        }
        format!("| {} | {} |", cell(&self.time), cell(&event))
    }
}

/// Inserts the rows after the last row of the `## Timeline` table (or adds the section).
pub fn with_rows(text: &str, rows: &[TimelineRow]) -> String {
    let newline = if text.contains("\r\n") { "\r\n" } else { "\n" };
    let added: String = rows
        .iter()
        .map(|r| format!("{}{newline}", r.markdown()))
        .collect();
    let Some(insert_at) = insertion_point(text) else {
        let mut out = text.to_owned();
        if !out.is_empty() && !out.ends_with('\n') {
            out.push_str(newline);
        }
        out.push_str(&format!("{newline}## Timeline{newline}{newline}| time (UTC) | event |{newline}|---|---|{newline}{added}"));
        return out;
    };
    let mut out = String::with_capacity(text.len() + added.len());
    out.push_str(&text[..insert_at]);
    if insert_at > 0 && !text[..insert_at].ends_with('\n') {
        out.push_str(newline);
    }
    out.push_str(&added);
    out.push_str(&text[insert_at..]);
    out
}

/// The byte offset just after the last row of the Timeline's table, as the record's parser
/// finds it (a `~~~` fence or a table without outer pipes included).
fn insertion_point(text: &str) -> Option<usize> {
    super::parse::timeline_end(text)
}

/// Refuses what `--record` must not write: a missing file, a symbolic link, or a file that is
/// not an incident record. Called before the checks run, so a mistake costs nothing.
pub fn refuse_unless_record(path: &Path) -> Result<(), String> {
    let shown = path.display();
    let meta = std::fs::symlink_metadata(path).map_err(|_| {
        format!("{shown}: no such incident record (start one with `opsbook incident new`)")
    })?;
    if meta.file_type().is_symlink() {
        let target =
            std::fs::read_link(path).map_or_else(|_| "?".into(), |t| t.display().to_string());
        return Err(format!(
            "{shown}: is a symbolic link (to {target}); opsbook replaces a record atomically, \
             which would replace the link with a file: pass the record itself"
        ));
    }
    if !meta.is_file() {
        return Err(format!("{shown}: not a file; pass an incident record"));
    }
    let file = SourceFile::new(path, read(path)?);
    super::parse::parse(&file).map(drop).map_err(|d| {
        format!(
            "{shown}:{}:{}: not an incident record ({}); --record appends only to a record \
             started with `opsbook incident new`",
            d.pos.line, d.pos.column, d.message
        )
    })
}

/// How long `--record` keeps re-applying its rows while an editor keeps saving. Bounded by
/// time, not by tries: each try writes and syncs a file, which takes milliseconds on a slow
/// disk, and an editor saving faster than that must delay the rows, not lose them.
const KEEP_TRYING: Duration = Duration::from_secs(60);

/// Appends rows to the record at `path`, atomically, under the record's lock, re-applying them
/// when an editor saves meanwhile.
pub fn append(path: &Path, rows: &[TimelineRow]) -> Result<(), String> {
    let _lock = lock(path)?;
    refuse_unless_record(path)?;
    let permissions = std::fs::metadata(path).map(|m| m.permissions()).ok();
    // `base` is the text the rows go into; `at_path` what the record holds as far as we know.
    let mut base = read(path)?;
    let mut at_path = base.clone();
    let started = Instant::now();
    let ids: Vec<String> = rows.iter().map(|r| r.request_id.clone()).collect();
    while started.elapsed() < KEEP_TRYING {
        let with_rows = with_rows(&base, rows);
        let updated = super::front_ids::with_request_ids(&with_rows, &ids).unwrap_or(with_rows);
        let staged = Staged::bytes(path, updated.as_bytes()).map_err(|e| {
            format!(
                "{}: cannot write beside the record: {}",
                e.path.display(),
                e.error
            )
        })?;
        if let Some(p) = &permissions {
            let _ = staged.set_permissions(p.clone());
        }
        let swapped = staged
            .swap_in(path, at_path.as_bytes())
            .map_err(|e| format!("{}: cannot replace the record: {}", path.display(), e.error))?;
        (base, at_path) = match swapped {
            Swap::Done => return Ok(()),
            // Saved by someone else since we read it: theirs is the text to add the rows to.
            Swap::Changed(newer) => {
                let newer = utf8(path, newer)?;
                (newer.clone(), newer)
            }
            // Saved in the instant before our exchange: ours is in place, theirs came back.
            Swap::Displaced(newer) => (utf8(path, newer)?, updated),
        };
    }
    Err(format!(
        "{} kept changing for {} s while opsbook tried to add the check results; \
         save it less often, or run the checks again",
        path.display(),
        KEEP_TRYING.as_secs()
    ))
}

fn utf8(path: &Path, bytes: Vec<u8>) -> Result<String, String> {
    String::from_utf8(bytes).map_err(|_| {
        format!(
            "{}: an edit saved meanwhile is not UTF-8 text",
            path.display()
        )
    })
}

/// Takes the record's exclusive lock, waiting for another `--record` run to finish. The lock is
/// on the record itself (no lock file left beside it); since every rewrite puts a new file at
/// the path, a lock won on a file that has meanwhile been replaced is let go and taken again.
fn lock(path: &Path) -> Result<File, String> {
    let fail = |e: std::io::Error| format!("{}: cannot lock the record: {e}", path.display());
    for _ in 0..1000 {
        let file = File::open(path).map_err(fail)?;
        file.lock().map_err(fail)?;
        if still_at(&file, path) {
            return Ok(file);
        }
    }
    Err(format!(
        "{}: the record kept being replaced while opsbook waited for it; try again",
        path.display()
    ))
}

/// Whether `file` is the one at `path` now.
#[cfg(unix)]
fn still_at(file: &File, path: &Path) -> bool {
    use std::os::unix::fs::MetadataExt;
    match (file.metadata(), std::fs::metadata(path)) {
        (Ok(a), Ok(b)) => (a.dev(), a.ino()) == (b.dev(), b.ino()),
        _ => false,
    }
}

#[cfg(not(unix))]
fn still_at(_: &File, _: &Path) -> bool {
    true
}

fn read(path: &Path) -> Result<String, String> {
    std::fs::read_to_string(path)
        .map_err(|e| format!("{}: cannot read the incident record: {e}", path.display()))
}

#[cfg(test)]
mod tests {
    use super::*;

    fn row(check: &str) -> TimelineRow {
        TimelineRow {
            time: "2026-11-26T08:01:00Z".into(),
            check: check.into(),
            outcome: "PASS",
            status: Some(200),
            time_ms: 12,
            request_id: "ob-1".into(),
            note: None,
        }
    }

    #[test]
    fn rows_go_after_the_last_timeline_row_and_nothing_else_moves() {
        let text = "# X\n\n## Timeline\n\n| time (UTC) | event |\n|---|---|\n| t0 | started |\n\n## Hypotheses\n\n- [ ] a\n";
        let out = with_rows(text, &[row("healthz")]);
        assert_eq!(
            out,
            "# X\n\n## Timeline\n\n| time (UTC) | event |\n|---|---|\n| t0 | started |\n| 2026-11-26T08:01:00Z | check `healthz` PASS: status 200, 12 ms, request id `ob-1` |\n\n## Hypotheses\n\n- [ ] a\n"
        );
    }

    #[test]
    fn a_record_without_a_timeline_gets_one_and_crlf_is_kept() {
        let out = with_rows("# X\r\n", &[row("a")]);
        assert!(out.starts_with("# X\r\n\r\n## Timeline\r\n"));
        assert!(out.ends_with("`ob-1` |\r\n"));
    }

    #[test]
    fn a_check_that_could_not_run_is_an_error_not_a_failure() {
        let mut r = row("a");
        r.outcome = "ERROR";
        r.status = None;
        r.note = Some("connection refused".into());
        assert!(
            r.markdown().contains("`a` ERROR: status no response"),
            "{}",
            r.markdown()
        );
    }

    #[test]
    fn pipes_in_values_do_not_break_the_table() {
        let mut r = row("a");
        r.note = Some("x | y".into());
        assert!(r.markdown().contains("x \\| y"));
    }
}
