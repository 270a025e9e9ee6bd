//! Progress on long runs (`check` with more than a handful of checks, `build` of a large book):
//! an indicatif bar on standard error, fitted to the terminal's width, updated at most 20 times
//! a second. Nothing at all when standard error is not a terminal or with `--quiet`, so logs
//! and pipes get only the report.

use std::io::IsTerminal;

use indicatif::{ProgressBar, ProgressDrawTarget, ProgressStyle};

/// A bar, or nothing where none is shown.
pub struct Progress(Option<ProgressBar>);

impl Progress {
    /// A bar counting `total` `unit`s (`checks`, `runbooks`), shown only when there are at least
    /// `at_least` of them, on a terminal, without `--quiet`.
    pub fn new(total: usize, unit: &str, at_least: usize, quiet: bool) -> Progress {
        if quiet || total < at_least || !std::io::stderr().is_terminal() {
            return Progress(None);
        }
        let total = u64::try_from(total).unwrap_or(u64::MAX);
        // `wide_msg` takes what the counter and bar leave of the line and is cut to it, so a long
        // check name never wraps (a wrapped line could not be redrawn in place).
        let template = format!(
            "{{pos:>{w}}}/{{len}} {unit} [{{bar:24}}] {{wide_msg}}",
            w = digits(total)
        );
        let style = ProgressStyle::with_template(&template)
            .unwrap_or_else(|_| ProgressStyle::default_bar())
            .progress_chars("=> ");
        let bar = ProgressBar::with_draw_target(Some(total), ProgressDrawTarget::stderr());
        bar.set_style(style);
        Progress(Some(bar))
    }

    /// One more done; `message` says which (already escaped for a terminal).
    pub fn tick(&self, message: &str) {
        if let Some(bar) = &self.0 {
            bar.set_message(message.to_owned());
            bar.inc(1);
        }
    }

    /// Removes the bar, leaving the terminal as it was for the report that follows.
    pub fn finish(&self) {
        if let Some(bar) = &self.0 {
            bar.finish_and_clear();
        }
    }
}

fn digits(n: u64) -> usize {
    n.to_string().len()
}
