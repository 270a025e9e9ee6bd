//! Options every command shares: colour, quiet, the project folder and "today".

use std::io::IsTerminal;
use std::path::PathBuf;

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
            ColorWhen::Auto => {
                let no_color = std::env::var_os("NO_COLOR").is_some_and(|v| !v.is_empty());
                if no_color || !std::io::stdout().is_terminal() {
                    anstream::ColorChoice::Never
                } else {
                    anstream::ColorChoice::Always
                }
            }
        };
        Global {
            color,
            quiet: cli.quiet,
            project: cli.project.clone().unwrap_or_else(|| PathBuf::from(".")),
        }
    }

    pub fn styled(&self) -> bool {
        self.color == anstream::ColorChoice::Always
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
