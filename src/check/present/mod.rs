//! Presenters of check results: text, JSON and JUnit views of the same values, each writing to
//! `impl Write`.

mod json;
mod junit;
mod text;

use std::io::{self, Write};

use super::CheckResult;

#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Format {
    Text,
    Json,
    Junit,
}

/// `quiet` leaves passing checks out of the text view (the summary still counts them).
pub fn write(
    format: Format,
    results: &[CheckResult],
    quiet: bool,
    out: &mut dyn Write,
) -> io::Result<()> {
    match format {
        Format::Text => text::write(results, quiet, out),
        Format::Json => json::write(results, out),
        Format::Junit => junit::write(results, out),
    }
}

pub use text::{line, summary_line};
