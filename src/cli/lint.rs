//! `opsbook lint [PATH...]`: validate runbooks, for CI.

use std::path::PathBuf;

use clap::ValueEnum;
use opsbook::diagnostic::Diagnostic;
use opsbook::report::{self, Format, LintReport};
use opsbook::rule::Rule;
use opsbook::source::SourceFile;
use opsbook::workspace::Workspace;

use super::output::Global;
use super::{CliResult, Outcome};

#[derive(clap::Args, Debug)]
pub struct Args {
    /// Runbook files or folders. Default: the runbooks folder of opsbook.yaml (`runbooks/`).
    pub paths: Vec<PathBuf>,
    /// Output format.
    #[arg(long, value_enum, default_value_t = LintFormat::Text)]
    pub format: LintFormat,
}

#[derive(Clone, Copy, Debug, ValueEnum)]
pub enum LintFormat {
    Text,
    Json,
    Github,
    Sarif,
    Junit,
}

impl From<LintFormat> for Format {
    fn from(f: LintFormat) -> Self {
        match f {
            LintFormat::Text => Format::Text,
            LintFormat::Json => Format::Json,
            LintFormat::Github => Format::Github,
            LintFormat::Sarif => Format::Sarif,
            LintFormat::Junit => Format::Junit,
        }
    }
}

pub fn run(global: &Global, args: Args) -> CliResult {
    for path in &args.paths {
        if !path.exists() && std::fs::symlink_metadata(path).is_err() {
            return Err(format!("{}: no such file or folder", path.display()));
        }
    }
    let workspace = Workspace::load(&global.project, &args.paths);
    let diagnostics = workspace.lint(global.today());
    let files = workspace.files_checked();
    let sources = |path: &std::path::Path| workspace.source(path);
    print(global, &sources, &diagnostics, files, args.format.into())?;
    Ok(outcome(&diagnostics))
}

/// Prints diagnostics in `format`; `sources` finds the text of a file to show its lines.
pub fn print<'a>(
    global: &Global,
    sources: &'a dyn Fn(&std::path::Path) -> Option<&'a SourceFile>,
    diagnostics: &[Diagnostic],
    files: usize,
    format: Format,
) -> Result<(), String> {
    let shown: Vec<Diagnostic> = diagnostics
        .iter()
        .filter(|d| !global.quiet || d.is_error())
        .cloned()
        .collect();
    let report = LintReport {
        diagnostics: &shown,
        sources,
        files,
    };
    let mut out = global.stdout();
    report::write(format, &report, global.styled(), &mut out)
        .map_err(|e| format!("cannot write the report: {e}"))
}

/// 2 when `opsbook.yaml` is invalid (opsbook cannot do its job), 1 for any other error in the
/// user's files (invalid YAML included), 0 otherwise.
pub fn outcome(diagnostics: &[Diagnostic]) -> Outcome {
    let errors = diagnostics.iter().filter(|d| d.is_error());
    let mut outcome = Outcome::Ok;
    for d in errors {
        if d.rule == Rule::InvalidConfig {
            return Outcome::InputError;
        }
        outcome = Outcome::Findings;
    }
    outcome
}
