//! `opsbook check --record FILE`: appends one timeline row per check result to an incident
//! record, leaving every other byte as the person wrote it.
//!
//! The new text goes to a temporary file beside the record and is renamed over it. Just before
//! the rename the record is read again; if someone saved an edit meanwhile, the rows are applied
//! to the new text instead, so an edit is never lost.

use std::path::Path;

use super::fields::cell;
use crate::atomic::Staged;

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

/// The byte offset just after the last table line of the Timeline section.
fn insertion_point(text: &str) -> Option<usize> {
    let mut offset = 0;
    let mut in_timeline = false;
    let mut last_row_end = None;
    for line in text.split_inclusive('\n') {
        let trimmed = line.trim();
        if let Some(title) = super::parse::heading(trimmed, 2) {
            if in_timeline {
                break;
            }
            // The same sections the lint sees: `##timeline` is the Timeline too.
            in_timeline = super::parse::section_name(title) == "Timeline";
        } else if in_timeline && trimmed.starts_with('|') {
            last_row_end = Some(offset + line.len());
        }
        offset += line.len();
    }
    last_row_end
}

/// Refuses what is not an incident record, before a check runs and again under the lock: a
/// symlink (renaming over it would replace the link and the real record would get nothing) and a
/// file without valid front matter (a runbook, a README).
pub fn check_target(path: &Path) -> Result<(), String> {
    let meta = std::fs::symlink_metadata(path).map_err(|_| {
        format!(
            "{}: no such incident record (start one with `opsbook incident new`)",
            path.display()
        )
    })?;
    if meta.file_type().is_symlink() {
        return Err(format!(
            "{}: is a symbolic link; opsbook writes only to the record itself (pass the path it points to)",
            path.display()
        ));
    }
    if !meta.is_file() {
        return Err(format!(
            "{}: is not a file; pass an incident record",
            path.display()
        ));
    }
    is_record(path, &read(path)?)
}

/// A record starts with valid front matter; anything else is refused untouched.
fn is_record(path: &Path, text: &str) -> Result<(), String> {
    let file = crate::source::SourceFile::new(path, text.to_owned());
    super::parse::parse(&file).map(drop).map_err(|d| {
        format!(
            "{}:{}: is not an incident record ({}); `--record` only appends to a record from `opsbook incident new`",
            path.display(),
            d.pos.line,
            d.message
        )
    })
}

/// Appends rows to the record at `path`, atomically, retrying when the file changes under us.
///
/// Two `--record` runs are kept apart by an exclusive lock held for the whole
/// read-modify-rename. An editor does not take the lock, so just before the rename the record
/// is compared with what was read; a save in between means the rows are applied again to the
/// new text.
pub fn append(path: &Path, rows: &[TimelineRow]) -> Result<(), String> {
    let _lock = super::lock::RecordLock::acquire(path)?;
    check_target(path)?;
    for _ in 0..50 {
        let before = Snapshot::take(path)?;
        let updated = with_rows(&before.text, rows);
        let staged = Staged::bytes(path, updated.as_bytes()).map_err(|e| {
            format!(
                "{}: cannot write beside the record: {}",
                e.path.display(),
                e.error
            )
        })?;
        // A rewrite keeps the record's own permissions, whatever the umask says now.
        staged
            .set_permissions(before.permissions.clone())
            .map_err(|e| format!("{}: cannot set permissions: {}", path.display(), e.error))?;
        if Snapshot::take(path)? != before {
            continue; // saved by an editor meanwhile: apply the rows to the new text
        }
        staged
            .replace(path)
            .map_err(|e| format!("{}: cannot replace the record: {}", path.display(), e.error))?;
        return Ok(());
    }
    Err(format!(
        "{} kept changing while opsbook tried to add the check results; try again",
        path.display()
    ))
}

/// What a save would change: the file's identity (an editor's rename gives a new inode), its
/// modification time and its bytes. The bytes alone would miss nothing, the rest is cheap.
#[derive(PartialEq)]
struct Snapshot {
    text: String,
    identity: Option<(u64, u64)>,
    modified: Option<std::time::SystemTime>,
    permissions: std::fs::Permissions,
}

impl Snapshot {
    fn take(path: &Path) -> Result<Snapshot, String> {
        let meta = std::fs::metadata(path)
            .map_err(|e| format!("{}: cannot read the incident record: {e}", path.display()))?;
        #[cfg(unix)]
        let identity = {
            use std::os::unix::fs::MetadataExt;
            Some((meta.dev(), meta.ino()))
        };
        #[cfg(not(unix))]
        let identity = None;
        Ok(Snapshot {
            text: read(path)?,
            identity,
            modified: meta.modified().ok(),
            permissions: meta.permissions(),
        })
    }
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
