//! `opsbook schema [runbook|config|incident] [--write]`: print a file kind's JSON Schema, or
//! write the schemas into the project's `.opsbook/` folder, where the modelines `opsbook init`
//! writes point (so editors validate before any build).

use std::path::Path;

use opsbook::schema::{Kind, PROJECT_DIR};

use super::output::{Global, say};
use super::{CliResult, Outcome};

#[derive(clap::Args, Debug)]
pub struct Args {
    /// Which file's schema: a runbook, `opsbook.yaml`, or an incident record's front matter.
    /// With `--write` and no kind, all three.
    #[arg(value_enum)]
    pub kind: Option<Which>,
    /// Write the schema (all three without a kind) into the project's `.opsbook/` folder,
    /// replacing the copies there, instead of printing it.
    #[arg(long)]
    pub write: bool,
}

#[derive(Clone, Copy, Debug, clap::ValueEnum)]
pub enum Which {
    Runbook,
    Config,
    Incident,
}

impl From<Which> for Kind {
    fn from(which: Which) -> Kind {
        match which {
            Which::Runbook => Kind::Runbook,
            Which::Config => Kind::Config,
            Which::Incident => Kind::Incident,
        }
    }
}

pub fn run(global: &Global, args: Args) -> CliResult {
    if !args.write {
        let kind = args.kind.map_or(Kind::Runbook, Kind::from);
        say(kind.json().trim_end())?;
        return Ok(Outcome::Ok);
    }
    let kinds = match args.kind {
        Some(which) => vec![Kind::from(which)],
        None => Kind::ALL.to_vec(),
    };
    for path in write(&global.project, &kinds)? {
        if !global.quiet {
            say(format!("wrote {}", path.display()))?;
        }
    }
    Ok(Outcome::Ok)
}

/// Writes each kind's schema into `<root>/.opsbook/`, each file replaced whole (a reader never
/// sees half of one); returns the paths written. Used by `opsbook init` too.
pub fn write(root: &Path, kinds: &[Kind]) -> Result<Vec<std::path::PathBuf>, String> {
    let dir = root.join(PROJECT_DIR);
    std::fs::create_dir_all(&dir)
        .map_err(|e| format!("{}: cannot create the folder: {e}", dir.display()))?;
    let mut written = Vec::new();
    for kind in kinds {
        let path = dir.join(kind.file_name());
        opsbook::atomic::Staged::bytes(&path, kind.json().as_bytes())
            .and_then(|staged| staged.replace(&path))
            .map_err(|e| format!("{e}: cannot write the schema"))?;
        written.push(path);
    }
    Ok(written)
}
