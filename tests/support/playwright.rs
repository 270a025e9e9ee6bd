//! The browser tests written for playwright-core (`tests/browser/*.mjs`): Node and the npm
//! packages they need, installed once per test binary from `tests/browser/package-lock.json`.
//! Without Node, or when the npm registry cannot be reached, each test prints why and passes;
//! `.ci/run` installs Node so that CI runs them.

use std::path::{Path, PathBuf};
use std::process::{Command, Output};
use std::sync::OnceLock;

/// `tests/browser`, ready to run its scripts; `None` after printing why the test skips.
pub fn scripts() -> Option<&'static Path> {
    static READY: OnceLock<Result<PathBuf, String>> = OnceLock::new();
    match READY.get_or_init(install) {
        Ok(dir) => Some(dir.as_path()),
        Err(why) => {
            println!("note: {why}; playwright browser test skipped");
            None
        }
    }
}

fn install() -> Result<PathBuf, String> {
    let dir = Path::new(env!("CARGO_MANIFEST_DIR")).join("tests/browser");
    let node = Command::new("node").arg("--version").output();
    if !node.is_ok_and(|o| o.status.success()) {
        return Err("node was not found (install nodejs and npm, as .ci/run does)".into());
    }
    if dir.join("node_modules/playwright-core").is_dir()
        && dir.join("node_modules/@axe-core/playwright").is_dir()
    {
        return Ok(dir);
    }
    let out = Command::new("npm")
        .args(["ci", "--no-audit", "--no-fund", "--loglevel=error"])
        .current_dir(&dir)
        .output()
        .map_err(|e| format!("npm could not be started ({e}); install nodejs and npm"))?;
    if !out.status.success() {
        return Err(format!(
            "`npm ci` in tests/browser failed (is the npm registry reachable?): {}",
            String::from_utf8_lossy(&out.stderr).trim()
        ));
    }
    Ok(dir)
}

/// Runs `node SCRIPT ARGS...` in `dir`, with its output.
pub fn node(dir: &Path, script: &str, args: &[&str]) -> Output {
    Command::new("node")
        .arg(script)
        .args(args)
        .current_dir(dir)
        .output()
        .expect("run node")
}

/// The script's output, for a failure message.
pub fn shown(out: &Output) -> String {
    format!(
        "{}{}",
        String::from_utf8_lossy(&out.stdout),
        String::from_utf8_lossy(&out.stderr)
    )
}
