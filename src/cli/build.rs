//! `opsbook build [--out DIR]`: lint, then render the site atomically into `book/`.

use std::path::PathBuf;

use opsbook::render::{self, BuildOptions};
use opsbook::report::Format;
use opsbook::workspace::Workspace;

use super::output::Global;
use super::{CliResult, Outcome, lint};

#[derive(clap::Args, Debug)]
pub struct Args {
    /// The output folder. Default: `out` of opsbook.yaml, else `book` beside it.
    #[arg(long, value_name = "DIR")]
    pub out: Option<PathBuf>,
}

pub fn run(global: &Global, args: Args) -> CliResult {
    let workspace = Workspace::load(&global.project, &[]);
    let out = out_dir(global, &workspace, args.out);
    if let Some(outcome) = lint_first(global, &workspace)? {
        return Ok(outcome);
    }
    let options = options(global, &workspace, out);
    let summary = render::build(&workspace, &options).map_err(|e| e.0)?;
    if !global.quiet {
        println!(
            "built {} pages from {} runbooks into {}",
            summary.pages,
            summary.runbooks,
            options.out.display()
        );
    }
    Ok(Outcome::Ok)
}

/// Prints the lint findings if there are any; returns the lint's outcome when errors stop the
/// build. Warnings are printed and the build goes on.
pub fn lint_first(global: &Global, workspace: &Workspace) -> Result<Option<Outcome>, String> {
    let diagnostics = workspace.lint(global.today());
    if !diagnostics.is_empty() {
        let files = lint::files_read(workspace);
        lint::print(global, workspace, &diagnostics, files, Format::Text)?;
    }
    match lint::outcome(&diagnostics) {
        Outcome::Ok => Ok(None),
        stop => Ok(Some(stop)),
    }
}

pub fn out_dir(global: &Global, workspace: &Workspace, out: Option<PathBuf>) -> PathBuf {
    match out {
        Some(out) => out,
        None => global
            .project
            .join(workspace.config.out.as_deref().unwrap_or("book")),
    }
}

pub fn options(global: &Global, workspace: &Workspace, out: PathBuf) -> BuildOptions {
    BuildOptions {
        out,
        today: global.today(),
        templates: Some(workspace.root.join("templates")),
    }
}
