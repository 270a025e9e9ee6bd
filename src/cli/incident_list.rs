//! `opsbook incident list [--format text|json|csv] [--since DATE] [--service S]`.

use chrono::{DateTime, NaiveDate, Utc};
use clap::ValueEnum;
use opsbook::incident::list::{self, Filter};
use opsbook::workspace::Workspace;

use super::output::{Global, emit};
use super::{CliResult, Outcome};

#[derive(Clone, Copy, Debug, ValueEnum)]
pub enum ListFormat {
    Text,
    Json,
    Csv,
}

#[derive(clap::Args, Debug)]
pub struct ListArgs {
    /// Output format: a table, JSON for trackers, CSV for spreadsheets.
    #[arg(long, value_enum, default_value_t = ListFormat::Text)]
    pub format: ListFormat,
    /// Only incidents started on or after this date (YYYY-MM-DD, UTC) or instant (RFC 3339).
    #[arg(long, value_name = "DATE", value_parser = parse_since)]
    pub since: Option<DateTime<Utc>>,
    /// Only incidents of this service (the `service` of their runbook).
    #[arg(long, value_name = "SERVICE")]
    pub service: Option<String>,
}

/// `2026-11-01` (midnight UTC) or `2026-11-01T08:00:00Z`.
fn parse_since(text: &str) -> Result<DateTime<Utc>, String> {
    if let Ok(day) = NaiveDate::parse_from_str(text, "%Y-%m-%d") {
        return Ok(day.and_time(chrono::NaiveTime::MIN).and_utc());
    }
    DateTime::parse_from_rfc3339(text)
        .map(|t| t.with_timezone(&Utc))
        .map_err(|_| format!("`{text}` is not a date (YYYY-MM-DD) or an RFC 3339 time"))
}

/// Lists the records of the project's `incidents` folder. A record that cannot be read is
/// named on standard error (and under `unreadable` in JSON); the others are still listed.
pub fn run(global: &Global, args: ListArgs) -> CliResult {
    let ws = Workspace::load(&global.project, &[]);
    let dir = ws.incidents_dir();
    if !dir.is_dir() {
        return Err(format!(
            "no incidents folder `{}`; start a record with `opsbook incident new`, or set `incidents:` in opsbook.yaml",
            opsbook::source::display_path(&dir)
        ));
    }
    let book = ws.workbook(global.today());
    let filter = Filter {
        since: args.since,
        service: args.service,
    };
    let rows = list::select(&book, &filter);
    for u in &book.unreadable {
        eprintln!(
            "warning: {}; this record is not listed (run `opsbook lint`)",
            opsbook::terminal::escape(&u.located())
        );
    }
    let out = match args.format {
        ListFormat::Text => list::text(&rows),
        ListFormat::Json => list::json(&book, &rows),
        ListFormat::Csv => list::csv(&rows),
    };
    emit(|o| o.write_all(out.as_bytes()))?;
    Ok(Outcome::Ok)
}
