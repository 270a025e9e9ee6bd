//! Helpers of the site's tests (`site.rs`, `browser.rs`, `serve.rs`): build a project into a
//! folder, or serve it.

#![allow(dead_code)]

use std::io::{BufRead, BufReader};
use std::path::{Path, PathBuf};
use std::process::{Child, Command, Output, Stdio};

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

/// A running `opsbook serve`, stopped when dropped.
pub struct Server {
    child: Child,
    pub addr: String,
}

impl Drop for Server {
    fn drop(&mut self) {
        let _ = self.child.kill();
        let _ = self.child.wait();
    }
}

/// Starts `opsbook serve --port 0` in `project` and waits for the address it prints.
pub fn start(project: &Path) -> Server {
    let mut child = Command::new(env!("CARGO_BIN_EXE_opsbook"))
        .args(["--color", "never", "-C"])
        .arg(project)
        .args(["serve", "--port", "0"])
        .env("OPSBOOK_TODAY", "2026-11-26")
        .stdout(Stdio::piped())
        .stderr(Stdio::null())
        .spawn()
        .expect("start opsbook serve");
    let stdout = child.stdout.take().expect("stdout");
    let mut lines = BufReader::new(stdout).lines();
    let addr = loop {
        let line = lines
            .next()
            .expect("serve printed its address")
            .expect("line");
        if let Some(rest) = line.split("http://").nth(1) {
            break rest
                .trim_end_matches(|c| c != '/')
                .trim_end_matches('/')
                .to_owned();
        }
    };
    // Keep draining stdout so the server never blocks on a full pipe.
    std::thread::spawn(move || for _ in lines {});
    Server { child, addr }
}

/// A project in a temporary folder: the repository's `runbooks` (by file name) and
/// `templates/NAME` files with the given text. Returns the folder and the project inside it.
pub fn project(runbooks: &[&str], templates: &[(&str, &str)]) -> (tempfile::TempDir, PathBuf) {
    let tmp = tempfile::tempdir().expect("tempdir");
    let project = tmp.path().join("p");
    std::fs::create_dir_all(project.join("runbooks")).expect("mkdir");
    std::fs::create_dir_all(project.join("templates")).expect("mkdir");
    for name in runbooks {
        std::fs::copy(
            repo().join("runbooks").join(name),
            project.join("runbooks").join(name),
        )
        .expect("copy a runbook");
    }
    for (name, text) in templates {
        std::fs::write(project.join("templates").join(name), text).expect("write a template");
    }
    (tmp, project)
}
