//! `opsbook build [--out DIR]`: lint, then render the site atomically into `book/`.

use std::path::{Path, PathBuf};
use std::sync::Arc;

use opsbook::diagnostic::Diagnostic;
use opsbook::render::{self, BuildOptions, Tick};
use opsbook::report::{self, Format, LintReport, View};
use opsbook::workspace::Workspace;

use super::output::{Global, say};
use super::progress::Progress;
use super::reports::{self, ReportArgs, ReportSpec};
use super::{CliResult, Outcome, lint};

#[derive(clap::Args, Debug)]
pub struct Args {
    /// The output folder. Default: `out` of opsbook.yaml, else `book` beside it.
    #[arg(long, value_name = "DIR")]
    pub out: Option<PathBuf>,
    /// Reports of the lint step (`--report sarif=opsbook.sarif`).
    #[command(flatten)]
    pub reports: ReportArgs,
}

pub fn run(global: &Global, args: Args) -> CliResult {
    // Never freed: the process ends right after, and dropping the model of thousands of
    // runbooks piece by piece costs more than writing the last page.
    let workspace = std::mem::ManuallyDrop::new(if Workspace::is_empty_project(&global.project) {
        // Said even with --quiet: what gets built is not the user's own runbooks.
        eprintln!(
            "note: no opsbook.yaml here or in any folder above, and no runbooks/ here; building the bundled example runbooks (`opsbook init` starts your own)"
        );
        Workspace::bundled(&global.project)
    } else {
        Workspace::load_summarized(&global.project, global.today(), SUMMARIZE_FROM)
    });
    let out = out_dir(global, &workspace, args.out);
    if let Some(outcome) = lint_first(global, &workspace, &args.reports.reports)? {
        return Ok(outcome);
    }
    let mut options = options(global, &workspace, out);
    let total = workspace.runbooks.len();
    let progress = Arc::new(Progress::new(
        total,
        "runbooks",
        PROGRESS_FROM,
        global.quiet,
    ));
    let shown = Arc::clone(&progress);
    options.progress = Some(Tick(Arc::new(move |id| {
        shown.tick(&opsbook::terminal::escape(id))
    })));
    let built = render::build(&workspace, &options);
    progress.finish();
    let summary = built.map_err(|e| e.0)?;
    // Said even with --quiet: a record missing from the book is worth knowing about.
    for warning in &summary.unreadable {
        eprintln!(
            "warning: {}; listed as unreadable in incidents/index.html (run `opsbook lint`)",
            opsbook::terminal::escape(warning)
        );
    }
    if !global.quiet {
        say(format!(
            "built {} pages from {} runbooks into {}",
            summary.pages,
            summary.runbooks,
            options.out.display()
        ))?;
    }
    Ok(Outcome::Ok)
}

/// Prints the lint findings if there are any and writes the `--report` files; returns the
/// lint's outcome when errors stop the build. Warnings are printed and the build goes on; with
/// `--quiet` a run with warnings only prints nothing.
pub fn lint_first(
    global: &Global,
    workspace: &Workspace,
    extra: &[ReportSpec],
) -> Result<Option<Outcome>, String> {
    let diagnostics = workspace.lint(global.today());
    let sources = |path: &Path| workspace.source(path);
    let report = LintReport {
        diagnostics: &diagnostics,
        sources: &sources,
        files: workspace.files_checked(),
    };
    let shown = diagnostics.iter().any(|d| !global.quiet || d.is_error());
    if shown {
        lint::print(global, &report, Format::Text, extra)?;
    } else {
        reports::write_all(extra, &|format, out| {
            report::write_lint(format, &report, View::default(), out)
        })?;
    }
    match lint::outcome(&diagnostics) {
        Outcome::Ok => Ok(None),
        stop => Ok(Some(stop)),
    }
}

/// The lint report as text, shown by `serve` while an edit is broken.
pub fn lint_text(workspace: &Workspace, diagnostics: &[Diagnostic], styled: bool) -> String {
    let sources = |path: &Path| workspace.source(path);
    let report = LintReport {
        diagnostics,
        sources: &sources,
        files: workspace.files_checked(),
    };
    let view = View {
        quiet: false,
        styled,
    };
    let mut out = Vec::new();
    let _ = report::write_lint(Format::Text, &report, view, &mut out);
    String::from_utf8_lossy(&out).into_owned()
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
        progress: None,
    }
}

/// Books of at least this many runbooks are loaded summarized, each runbook read again when
/// its pages are rendered ([`Workspace::load_summarized`]): 5,000 runbooks built in 95 MiB
/// instead of 280. Reading each file twice costs a tenth of a build from nothing (300 ms
/// instead of 270 for 500 runbooks), which a book of hundreds does without: it fits in 35 MiB.
const SUMMARIZE_FROM: usize = 1_000;

/// Books of at least this many runbooks show a progress bar while they render (a smaller one
/// is done before a bar would be seen).
const PROGRESS_FROM: usize = 200;
