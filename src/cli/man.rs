//! `opsbook man --out DIR`: one man page per command (`opsbook.1`, `opsbook-lint.1`,
//! `opsbook-incident-new.1`, …), generated from the same clap definitions as `--help` and the
//! shell completions, so the three never disagree.

use std::path::{Path, PathBuf};

use clap::CommandFactory;

use super::output::{Global, say};
use super::{Cli, CliResult, Outcome};

#[derive(clap::Args, Debug)]
pub struct Args {
    /// The folder to write the pages into (created if missing; pages already there are
    /// replaced).
    #[arg(long, value_name = "DIR")]
    pub out: PathBuf,
}

pub fn run(global: &Global, args: Args) -> CliResult {
    let written = write(&args.out)?;
    if !global.quiet {
        say(format!(
            "wrote {} man pages into {} (read one with `man -l {}`)",
            written.len(),
            args.out.display(),
            args.out.join("opsbook.1").display()
        ))?;
    }
    Ok(Outcome::Ok)
}

/// Writes every page into `out`, each replaced whole; returns their paths, the top command's
/// first.
pub fn write(out: &Path) -> Result<Vec<PathBuf>, String> {
    std::fs::create_dir_all(out)
        .map_err(|e| format!("{}: cannot create the folder: {e}", out.display()))?;
    let mut cmd = Cli::command().disable_help_subcommand(true);
    cmd.build();
    let mut pages = Vec::new();
    collect(cmd, &mut pages);
    pages
        .into_iter()
        .map(|man| {
            let path = out.join(man.get_filename());
            let mut roff = Vec::new();
            man.render(&mut roff)
                .map_err(|e| format!("{}: cannot render: {e}", path.display()))?;
            opsbook::atomic::Staged::bytes(&path, &roff)
                .and_then(|staged| staged.replace(&path))
                .map_err(|e| format!("{e}: cannot write the man page"))?;
            Ok(path)
        })
        .collect()
}

/// `cmd`'s page, then those of its subcommands, depth first.
fn collect(cmd: clap::Command, pages: &mut Vec<clap_mangen::Man>) {
    let subcommands: Vec<clap::Command> = cmd
        .get_subcommands()
        .filter(|s| !s.is_hide_set())
        .cloned()
        .collect();
    // Every page's footer names the release, subcommands' too (clap gives them no version).
    let source = format!("opsbook {}", env!("CARGO_PKG_VERSION"));
    pages.push(
        clap_mangen::Man::new(cmd)
            .source(source)
            .manual("opsbook manual"),
    );
    for sub in subcommands {
        collect(sub, pages);
    }
}
