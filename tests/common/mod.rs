//! Helpers shared by the integration tests: run the real binary against a project on disk.

use std::path::{Path, PathBuf};
use std::process::{Command, Output};

pub fn repo() -> PathBuf {
    PathBuf::from(env!("CARGO_MANIFEST_DIR"))
}

/// `opsbook -C PROJECT build --out OUT`, with "today" pinned so staleness never drifts.
pub fn build(project: &Path, out: &Path) -> Output {
    Command::new(env!("CARGO_BIN_EXE_opsbook"))
        .args(["--color", "never", "-C"])
        .arg(project)
        .arg("build")
        .arg("--out")
        .arg(out)
        .env("OPSBOOK_TODAY", "2026-11-26")
        .output()
        .expect("run opsbook")
}

pub fn ok(output: &Output) {
    assert!(
        output.status.success(),
        "status {:?}\nstdout:\n{}\nstderr:\n{}",
        output.status.code(),
        String::from_utf8_lossy(&output.stdout),
        String::from_utf8_lossy(&output.stderr)
    );
}
