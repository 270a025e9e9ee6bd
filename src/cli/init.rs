//! `opsbook init [DIR]`: scaffold opsbook.yaml and an example runbook that lints clean, with
//! the schemas their `yaml-language-server` modelines point at in `.opsbook/`.

use std::fs;
use std::path::{Path, PathBuf};

use super::output::{Global, say};
use super::{CliResult, Outcome};

const CONFIG: &str = include_str!("init/opsbook.yaml");
const EXAMPLE: &str = include_str!("init/example.yaml");

#[derive(clap::Args, Debug)]
pub struct Args {
    /// Where to create the project. Default: the current folder.
    pub dir: Option<PathBuf>,
}

pub fn run(global: &Global, args: Args) -> CliResult {
    let dir = args.dir.unwrap_or_else(|| global.project.clone());
    let config = dir.join("opsbook.yaml");
    let example = dir.join("runbooks").join("example.yaml");
    for path in [&config, &example] {
        if fs::symlink_metadata(path).is_ok() {
            return Err(format!(
                "{} already exists; opsbook init never overwrites a file",
                path.display()
            ));
        }
    }
    let today = global.today().format("%Y-%m-%d").to_string();
    write_new(&config, CONFIG)?;
    write_new(&example, &EXAMPLE.replace("LAST_REVIEWED", &today))?;
    // The modelines of both files point here, so an editor validates them from the start.
    let schemas = super::schema::write(&dir, &opsbook::schema::Kind::ALL)?;
    if !global.quiet {
        let mut created: Vec<String> = vec![config.display().to_string()];
        created.push(example.display().to_string());
        created.extend(schemas.iter().map(|p| p.display().to_string()));
        for path in created {
            say(format!("created {path}"))?;
        }
        say("next: opsbook lint, then opsbook build")?;
    }
    Ok(Outcome::Ok)
}

/// Creates a file that must not exist yet (`create_new`), so a race never clobbers one.
fn write_new(path: &Path, text: &str) -> Result<(), String> {
    if let Some(parent) = path.parent() {
        fs::create_dir_all(parent)
            .map_err(|e| format!("{}: cannot create the folder: {e}", parent.display()))?;
    }
    let mut file = fs::OpenOptions::new()
        .write(true)
        .create_new(true)
        .open(path)
        .map_err(|e| format!("{}: cannot create the file: {e}", path.display()))?;
    std::io::Write::write_all(&mut file, text.as_bytes())
        .map_err(|e| format!("{}: cannot write: {e}", path.display()))
}
