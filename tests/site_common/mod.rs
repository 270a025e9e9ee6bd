//! Helpers of the site's tests (`site.rs`, `browser.rs`): build a project into a folder.

use std::path::{Path, PathBuf};
use std::process::Output;

use crate::common;

pub fn repo() -> PathBuf {
    PathBuf::from(env!("CARGO_MANIFEST_DIR"))
}

/// `opsbook build --out OUT` in `project`.
pub fn build(project: &Path, out: &Path) -> Output {
    let out = out.to_str().expect("a UTF-8 temporary path");
    common::opsbook(project, &["--color", "never", "build", "--out", out])
}

pub fn ok(output: &Output) {
    assert!(
        output.status.success(),
        "status {:?}\nstdout:\n{}\nstderr:\n{}",
        output.status.code(),
        common::stdout(output),
        String::from_utf8_lossy(&output.stderr)
    );
}
