//! Options every command shares: colour, quiet, the project folder and "today".

use std::io::Write;
use std::path::PathBuf;

use opsbook::report::View;

use super::{Cli, ColorWhen};

pub struct Global {
    pub color: anstream::ColorChoice,
    pub quiet: bool,
    pub project: PathBuf,
}

impl Global {
    pub fn new(cli: &Cli) -> Self {
        let color = match cli.color {
            ColorWhen::Always => anstream::ColorChoice::Always,
            ColorWhen::Never => anstream::ColorChoice::Never,
            // anstream's own choice: NO_COLOR, then CLICOLOR_FORCE, then CLICOLOR=0, then a
            // terminal with a colour-capable TERM. Written by hand, these drift from what every
            // other anstream-based tool on the machine does.
            ColorWhen::Auto => anstream::AutoStream::choice(&std::io::stdout()),
        };
        Global {
            color,
            quiet: cli.quiet,
            project: cli.project.clone().unwrap_or_else(|| PathBuf::from(".")),
        }
    }

    pub fn styled(&self) -> bool {
        self.color != anstream::ColorChoice::Never
    }

    /// How reports on the terminal look: `--quiet`, and colour as chosen above.
    pub fn view(&self) -> View {
        View {
            quiet: self.quiet,
            styled: self.styled(),
        }
    }

    /// Standard output, with styling stripped unless colour was chosen.
    pub fn stdout(&self) -> anstream::AutoStream<std::io::Stdout> {
        anstream::AutoStream::new(std::io::stdout(), self.color)
    }

    /// Today's date. `OPSBOOK_TODAY=YYYY-MM-DD` pins it, so that snapshots and CI runs of old
    /// fixtures do not change as the calendar moves.
    pub fn today(&self) -> chrono::NaiveDate {
        std::env::var("OPSBOOK_TODAY")
            .ok()
            .and_then(|d| chrono::NaiveDate::parse_from_str(&d, "%Y-%m-%d").ok())
            .unwrap_or_else(|| chrono::Utc::now().date_naive())
    }
}

/// What `say` returns when standard output was closed by the reader (`opsbook explain all |
/// head`): not a failure, the reader has what it wanted. `main` exits quietly on it.
pub const STDOUT_CLOSED: &str = "standard output was closed";

/// Writes a line to standard output; a closed pipe is [`STDOUT_CLOSED`], not a panic.
pub fn say(text: impl std::fmt::Display) -> Result<(), String> {
    emit(|out| writeln!(out, "{text}"))
}

/// Runs a writer over standard output; a closed pipe is [`STDOUT_CLOSED`], not a panic.
pub fn emit(write: impl FnOnce(&mut dyn Write) -> std::io::Result<()>) -> Result<(), String> {
    let mut out = std::io::stdout().lock();
    write(&mut out).map_err(|e| match e.kind() {
        std::io::ErrorKind::BrokenPipe => STDOUT_CLOSED.to_owned(),
        _ => format!("cannot write to standard output: {e}"),
    })
}
