//! `opsbook lint [PATH...]`: validate runbooks and incident records, for CI.

use std::path::{Path, PathBuf};

use chrono::NaiveDate;
use opsbook::alerts::AlertLint;
use opsbook::diagnostic::Diagnostic;
use opsbook::incident::lint::lint as incident_lint;
use opsbook::incident::workbook::Workbook;
use opsbook::lint::apply_levels;
use opsbook::report::{self, Format, LintReport};
use opsbook::rule::Rule;
use opsbook::workspace::Workspace;

use super::output::Global;
use super::reports::{self, FormatArg, ReportArgs, ReportSpec};
use super::{CliResult, Outcome};

#[derive(clap::Args, Debug)]
pub struct Args {
    /// Runbook files or folders, incident records (`.md`) or the incidents folder. Default:
    /// the runbooks folder of opsbook.yaml (`runbooks/`) and the records of its `incidents`.
    pub paths: Vec<PathBuf>,
    /// Output format.
    #[arg(long, value_enum, default_value_t = FormatArg::Text)]
    pub format: FormatArg,
    #[command(flatten)]
    pub reports: ReportArgs,
}

pub fn run(global: &Global, args: Args) -> CliResult {
    require(&args.paths)?;
    // Records named (a `.md` file, or the incidents folder) are linted as records, never read
    // as YAML; the rest are runbooks.
    let incidents = Workspace::incidents_dir_of(&global.project);
    let (named_records, paths): (Vec<PathBuf>, Vec<PathBuf>) = args
        .paths
        .iter()
        .cloned()
        .partition(|p| is_record_path(p, &incidents));
    if !named_records.is_empty() && paths.is_empty() {
        return lint_records(global, &named_records, args.format, &args.reports);
    }
    let args = Args { paths, ..args };
    // Never freed: the process ends right after, and dropping the model of thousands of
    // runbooks piece by piece costs more than the last finding takes to print.
    let workspace = std::mem::ManuallyDrop::new(Workspace::load(&global.project, &args.paths));
    let config_broken = workspace
        .diagnostics
        .iter()
        .any(|d| d.rule == Rule::InvalidConfig);
    if args.paths.is_empty() && !workspace.runbooks_dir.is_dir() && !config_broken {
        // Nothing to lint is a usage error, not a finding: a CI job pointed at the wrong folder
        // must not look like a runbook problem.
        return Err(format!(
            "no runbooks folder `{}`; run `opsbook init` to start a project, set `runbooks:` in opsbook.yaml, or name the files to lint",
            opsbook::source::display_path(&workspace.runbooks_dir)
        ));
    }
    // With `alert_rules` set, the project's lint includes the alert cross-check, so CI fails
    // on a broken runbook_url; it needs every runbook, so not for a few named files.
    let alerts =
        if workspace.config.alert_rules.is_empty() || !workspace.covers_project(&args.paths) {
            AlertLint::default()
        } else {
            opsbook::alerts::lint(&workspace, &[], global.today())
        };
    // The project's lint is also its records' lint; a few named runbooks are just those (and
    // the records named beside them, checked against every runbook).
    let workbook = if workspace.covers_project(&args.paths) {
        workspace.workbook(global.today())
    } else if named_records.is_empty() {
        Workbook::default()
    } else {
        let all = Workspace::load(&global.project, &[]);
        Workbook::load_paths(&named_records, &all.runbooks, global.today())
    };
    let mut diagnostics = workspace.lint(global.today());
    diagnostics.extend(records(&workspace, &workbook, global.today()));
    let diagnostics = alerts.merged_with(diagnostics);
    let sources = |path: &Path| {
        let found = workspace.source(path).or_else(|| alerts.source(path));
        found.or_else(|| workbook.source(path))
    };
    let report = LintReport {
        diagnostics: &diagnostics,
        sources: &sources,
        files: workspace.files_checked() + alerts.files + workbook.files(),
    };
    print(global, &report, args.format.into(), &args.reports.reports)?;
    Ok(outcome(&diagnostics))
}

/// Whether a named path is an incident record, or the folder of them.
fn is_record_path(path: &Path, incidents: &Path) -> bool {
    let markdown = path.extension().is_some_and(|e| e == "md");
    markdown || (path.is_dir() && opsbook::workspace::same_file(path, incidents))
}

/// `opsbook lint incidents/x.md` and `opsbook incident lint FILE...`: the records named (files,
/// or folders of them), against every runbook, with the project's levels; an invalid
/// `opsbook.yaml` is reported as it is by the project's lint.
pub fn lint_records(
    global: &Global,
    named: &[PathBuf],
    format: FormatArg,
    reports: &ReportArgs,
) -> CliResult {
    let workspace = Workspace::load(&global.project, &[]);
    let workbook = Workbook::load_paths(named, &workspace.runbooks, global.today());
    let mut diagnostics: Vec<Diagnostic> = workspace
        .diagnostics
        .iter()
        .filter(|d| d.rule == Rule::InvalidConfig)
        .cloned()
        .collect();
    diagnostics.extend(records(&workspace, &workbook, global.today()));
    let diagnostics = apply_levels(diagnostics, &workspace.lint_options(global.today()));
    let sources = |path: &Path| workspace.source(path).or_else(|| workbook.source(path));
    let report = LintReport {
        diagnostics: &diagnostics,
        sources: &sources,
        files: workbook.files(),
    };
    print(global, &report, format.into(), &reports.reports)?;
    Ok(outcome(&diagnostics))
}

/// The findings of every record of the workbook, at the levels `opsbook.yaml` sets: an
/// unreadable record is an error at its position, never a silent skip.
pub fn records(workspace: &Workspace, workbook: &Workbook, today: NaiveDate) -> Vec<Diagnostic> {
    let mut out: Vec<Diagnostic> = workbook
        .unreadable
        .iter()
        .map(|u| u.diagnostic.clone())
        .collect();
    for incident in &workbook.incidents {
        let found = incident_lint(
            &incident.source,
            &incident.record,
            &workspace.runbooks,
            today,
        );
        out.extend(found);
    }
    apply_levels(out, &workspace.lint_options(today))
}

/// Paths named on the command line must exist: a typo is a usage error (exit 2).
pub fn require(paths: &[std::path::PathBuf]) -> Result<(), String> {
    match paths.iter().find(|p| std::fs::symlink_metadata(p).is_err()) {
        Some(path) => Err(format!("{}: no such file or folder", path.display())),
        None => Ok(()),
    }
}

/// Prints the report on standard output in `format`, then writes each `--report` file.
pub fn print(
    global: &Global,
    report: &LintReport,
    format: Format,
    extra: &[ReportSpec],
) -> Result<(), String> {
    reports::present(global, format, extra, &|format, view, out| {
        report::write_lint(format, report, view, out)
    })
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
