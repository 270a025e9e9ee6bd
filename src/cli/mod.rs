//! The command line: clap types, turned into plain options for the library, and exit codes.

mod alerts;
mod build;
mod check;
mod completions;
mod explain;
mod incident;
mod incident_list;
mod init;
mod lint;
mod man;
mod output;
mod progress;
mod reports;
mod schema;
mod serve;

pub use output::STDOUT_CLOSED;

use std::path::PathBuf;

use clap::{Parser, Subcommand, ValueEnum};

/// What a command's result means for the process: 0 ok, 1 findings or failed checks, 2 usage or
/// input errors.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Outcome {
    Ok = 0,
    Findings = 1,
    InputError = 2,
}

/// A tool's own failure (a file it cannot write, a folder it cannot read), as a message.
pub type CliResult = Result<Outcome, String>;

#[derive(Parser, Debug)]
#[command(
    name = "opsbook",
    version,
    about = "Runbooks an on-call engineer can trust: lint, site, incident records, executable checks"
)]
pub struct Cli {
    #[command(subcommand)]
    pub command: Command,
    /// Colour: auto (a terminal; NO_COLOR, CLICOLOR and CLICOLOR_FORCE respected), always or
    /// never.
    #[arg(long, global = true, value_enum, default_value_t = ColorWhen::Auto)]
    pub color: ColorWhen,
    /// Text output shows only errors and failed checks; its summary still counts everything.
    #[arg(long, short, global = true)]
    pub quiet: bool,
    /// The project folder (holding opsbook.yaml). Default: the current folder.
    #[arg(long, short = 'C', global = true, value_name = "DIR")]
    pub project: Option<PathBuf>,
}

#[derive(Clone, Copy, Debug, ValueEnum, PartialEq, Eq)]
pub enum ColorWhen {
    Auto,
    Always,
    Never,
}

#[derive(Subcommand, Debug)]
pub enum Command {
    /// Run the runbooks' curl checks and verify their responses.
    Check(check::Args),
    /// Scaffold opsbook.yaml and runbooks/example.yaml.
    Init(init::Args),
    /// Validate runbooks, for CI.
    Lint(lint::Args),
    /// Lint, then render the incident site atomically into book/.
    Build(build::Args),
    /// Build, serve the site (on 127.0.0.1 unless --host says otherwise), rebuild and reload on
    /// change.
    Serve(serve::Args),
    /// Explain what a lint rule checks and how to fix it.
    Explain(explain::Args),
    /// Start or check incident records.
    #[command(subcommand)]
    Incident(incident::Command),
    /// Print the JSON Schema (draft-07) of a runbook, opsbook.yaml or a record's front matter.
    Schema(schema::Args),
    /// Print shell completions.
    Completions(completions::Args),
    /// Write a man page per command into a folder.
    Man(man::Args),
    /// Cross-check Prometheus alert rules with the book; print each alert's runbook_url.
    #[command(subcommand)]
    Alerts(alerts::Command),
}

pub fn run(cli: Cli) -> CliResult {
    if let Some(dir) = cli.project.as_ref().filter(|d| !d.is_dir()) {
        return Err(format!("-C {}: no such folder", dir.display()));
    }
    let mut global = output::Global::new(&cli);
    // Every command but `init` works on the project the folder belongs to, found upwards.
    if !matches!(cli.command, Command::Init(_))
        && let Some(root) = opsbook::workspace::discover(&global.project)
    {
        global.project = root;
    }
    match cli.command {
        Command::Check(args) => check::run(&global, args),
        Command::Init(args) => init::run(&global, args),
        Command::Lint(args) => lint::run(&global, args),
        Command::Build(args) => build::run(&global, args),
        Command::Serve(args) => serve::run(&global, args),
        Command::Explain(args) => explain::run(args),
        Command::Incident(command) => incident::run(&global, command),
        Command::Schema(args) => schema::run(&global, args),
        Command::Completions(args) => completions::run(args),
        Command::Man(args) => man::run(&global, args),
        Command::Alerts(command) => alerts::run(&global, command),
    }
}
