//! `opsbook alerts lint [RULES...]`: Prometheus rule files' `runbook_url` cross-checked with the
//! book, with the lint's formats and exit codes; `opsbook alerts urls`: the `runbook_url` each
//! alert should carry.

use std::path::{Path, PathBuf};

use clap::ValueEnum;
use opsbook::alerts::{self, urls};
use opsbook::report::LintReport;
use opsbook::rule::Rule;
use opsbook::workspace::Workspace;

use super::CliResult;
use super::lint::{outcome, print, require};
use super::output::{Global, emit};
use super::reports::{FormatArg, ReportArgs};

#[derive(clap::Subcommand, Debug)]
pub enum Command {
    /// Cross-check Prometheus rule files' runbook_url with the book's pages and runbooks.
    Lint(LintArgs),
    /// Print the runbook_url each alert a runbook lists should carry.
    Urls(UrlsArgs),
}

#[derive(clap::Args, Debug)]
pub struct LintArgs {
    /// Prometheus rule files or folders. Default: `alert_rules` of opsbook.yaml.
    pub rules: Vec<PathBuf>,
    /// Output format.
    #[arg(long, value_enum, default_value_t = FormatArg::Text)]
    pub format: FormatArg,
    #[command(flatten)]
    pub reports: ReportArgs,
}

#[derive(clap::Args, Debug)]
pub struct UrlsArgs {
    /// `text`: `Name<TAB>URL` lines; `json`: `{"Name": "URL"}`.
    #[arg(long, value_enum, default_value_t = UrlsFormat::Text)]
    pub format: UrlsFormat,
}

#[derive(Clone, Copy, Debug, ValueEnum)]
pub enum UrlsFormat {
    Text,
    Json,
}

pub fn run(global: &Global, command: Command) -> CliResult {
    match command {
        Command::Lint(args) => lint(global, args),
        Command::Urls(args) => urls(global, args),
    }
}

fn lint(global: &Global, args: LintArgs) -> CliResult {
    require(&args.rules)?;
    let workspace = Workspace::load(&global.project, &[]);
    let config_broken = workspace
        .diagnostics
        .iter()
        .any(|d| d.rule == Rule::InvalidConfig);
    if args.rules.is_empty() && workspace.config.alert_rules.is_empty() && !config_broken {
        return Err(
            "no rule files to check: name them (`opsbook alerts lint monitoring/rules/`) or set `alert_rules:` in opsbook.yaml"
                .to_owned(),
        );
    }
    let alerts = alerts::lint(&workspace, &args.rules, global.today());
    // What could not be loaded (opsbook.yaml, a runbook) changes which pages the book has, so
    // it is shown beside the alert findings.
    let diagnostics = alerts.merged_with(workspace.diagnostics.clone());
    let sources = |path: &Path| workspace.source(path).or_else(|| alerts.source(path));
    let report = LintReport {
        diagnostics: &diagnostics,
        sources: &sources,
        files: alerts.files,
    };
    print(global, &report, args.format.into(), &args.reports.reports)?;
    Ok(outcome(&diagnostics))
}

fn urls(global: &Global, args: UrlsArgs) -> CliResult {
    let workspace = Workspace::load(&global.project, &[]);
    if let Some(d) = workspace
        .diagnostics
        .iter()
        .find(|d| d.rule == Rule::InvalidConfig)
    {
        return Err(format!("{}: {}", opsbook::report::location(d), d.message));
    }
    let urls = urls::runbook_urls(&workspace)?;
    emit(|out| match args.format {
        UrlsFormat::Text => urls::write_text(&urls, out),
        UrlsFormat::Json => urls::write_json(&urls, out),
    })?;
    Ok(super::Outcome::Ok)
}
