//! The one harness of the integration tests: a [`Project`] folder (a fresh temporary one built
//! file by file, or the repository and its fixtures used in place), the real binary run in it
//! with the date pinned and the colour variables cleared, and its [`Run`] to assert on.
//! Submodules hold the specialised parts: loopback servers (`net`), the demo service (`demo`),
//! building and serving a site (`site`), the browser to open it in (`chromium`, `webdriver`),
//! XML (`xml`) and SARIF (`sarif`) validation.

#![allow(dead_code)]

/// Under CI (`CI=true`, which `.ci/run` sets), a tool a test needs must be there: a skipped
/// test passes, so a lost package would silently turn tests off.
pub fn in_ci() -> bool {
    std::env::var("CI").is_ok_and(|v| v.eq_ignore_ascii_case("true") || v == "1")
}

pub mod chromium;
pub mod demo;
pub mod net;
pub mod playwright;
pub mod python;
pub mod sarif;
pub mod site;
pub mod webdriver;
pub mod xml;

use std::fmt;
use std::path::{Path, PathBuf};
use std::process::{Command, Output};

/// The date every run sees as today (`OPSBOOK_TODAY`), so `stale-review` and skeletons are stable.
pub const TODAY: &str = "2026-11-26";

/// Variables that change colour: cleared for every run unless the test passes them.
const COLOUR_VARS: [&str; 3] = ["NO_COLOR", "CLICOLOR", "CLICOLOR_FORCE"];

/// A folder the binary runs in: its current directory for every [`Project::run`].
pub struct Project {
    root: PathBuf,
    /// Holds a temporary project (in `p/`, so outputs can go [`Project::beside`] it).
    tmp: Option<tempfile::TempDir>,
}

impl Default for Project {
    fn default() -> Self {
        Self::new()
    }
}

impl Project {
    /// An empty project in a fresh temporary folder (`<tmp>/p`), removed when dropped.
    pub fn new() -> Self {
        let tmp = tempfile::tempdir().expect("tempdir");
        let root = tmp.path().join("p");
        std::fs::create_dir(&root).expect("project folder");
        Project {
            root,
            tmp: Some(tmp),
        }
    }

    /// An existing folder, used in place (never written to by the harness).
    pub fn at(dir: impl Into<PathBuf>) -> Self {
        Project {
            root: dir.into(),
            tmp: None,
        }
    }

    /// The repository with its bundled runbooks, `opsbook.yaml` and `tests/fixtures`.
    pub fn repo() -> Self {
        Self::at(env!("CARGO_MANIFEST_DIR"))
    }

    /// `tests/fixtures`, where paths such as `lint/unknown-check.yaml` are named as written.
    pub fn fixtures() -> Self {
        Self::at(Path::new(env!("CARGO_MANIFEST_DIR")).join("tests/fixtures"))
    }

    /// A project of its own inside `tests/fixtures` (`alerts`, `alerts/clean`), used in place.
    pub fn fixture(name: &str) -> Self {
        Self::at(Self::fixtures().join(name))
    }

    /// Writes `rel` (creating its folders).
    pub fn file(self, rel: &str, text: impl AsRef<[u8]>) -> Self {
        self.write(rel, text);
        self
    }

    /// Writes `runbooks/NAME.yaml`.
    pub fn runbook(self, name: &str, yaml: &str) -> Self {
        self.file(&format!("runbooks/{name}.yaml"), yaml)
    }

    /// Writes `opsbook.yaml`.
    pub fn config(self, yaml: &str) -> Self {
        self.file("opsbook.yaml", yaml)
    }

    /// Creates the (empty) folder `rel`.
    pub fn dir(self, rel: &str) -> Self {
        std::fs::create_dir_all(self.join(rel)).expect("mkdir");
        self
    }

    /// Copies the file `from` (any path) to `rel`.
    pub fn copy(self, from: impl AsRef<Path>, rel: &str) -> Self {
        let from = from.as_ref();
        let text = std::fs::read(from).unwrap_or_else(|e| panic!("{}: {e}", from.display()));
        self.file(rel, text)
    }

    /// Copies the repository's `runbooks/NAME` (file name with extension) to `runbooks/NAME`.
    pub fn bundled(self, name: &str) -> Self {
        let rel = format!("runbooks/{name}");
        self.copy(Project::repo().join(&rel), &rel)
    }

    pub fn path(&self) -> &Path {
        &self.root
    }

    pub fn join(&self, rel: impl AsRef<Path>) -> PathBuf {
        self.root.join(rel)
    }

    /// A path in the temporary folder next to the project, for outputs kept out of it.
    pub fn beside(&self, name: &str) -> PathBuf {
        let tmp = self
            .tmp
            .as_ref()
            .expect("only a temporary project has a folder beside it");
        tmp.path().join(name)
    }

    /// The text of `rel`.
    pub fn read(&self, rel: impl AsRef<Path>) -> String {
        let path = self.join(rel);
        std::fs::read_to_string(&path).unwrap_or_else(|e| panic!("{}: {e}", path.display()))
    }

    /// Writes `rel` now (creating its folders), for edits after the project was built.
    pub fn write(&self, rel: &str, text: impl AsRef<[u8]>) {
        let path = self.join(rel);
        if let Some(parent) = path.parent() {
            std::fs::create_dir_all(parent).expect("mkdir");
        }
        std::fs::write(&path, text).unwrap_or_else(|e| panic!("{}: {e}", path.display()));
    }

    /// `incident new api#increased-latency --title TITLE` in this project, started
    /// 2026-11-26T08:00:00Z and written into `dir`, with `extra` arguments.
    pub fn incident_new(&self, dir: &Path, title: &str, extra: &[&str]) -> Run {
        let dir = dir.to_str().expect("utf-8 temp path");
        let mut args = vec![
            "incident",
            "new",
            "api#increased-latency",
            "--title",
            title,
            "--started-at",
            "2026-11-26T08:00:00Z",
            "--dir",
            dir,
        ];
        args.extend_from_slice(extra);
        self.run(&args)
    }

    /// `opsbook ARGS` in this folder, with the date pinned and no colour variables.
    pub fn command(&self, args: &[&str]) -> Command {
        let mut cmd = Command::new(env!("CARGO_BIN_EXE_opsbook"));
        cmd.args(args)
            .current_dir(&self.root)
            .env("OPSBOOK_TODAY", TODAY);
        for name in COLOUR_VARS {
            cmd.env_remove(name);
        }
        cmd
    }

    /// Runs `opsbook ARGS` here and waits for it.
    pub fn run(&self, args: &[&str]) -> Run {
        self.run_with(args, &[])
    }

    /// Runs `opsbook ARGS` here with `env` added (after the colour variables were cleared).
    pub fn run_with(&self, args: &[&str], env: &[(&str, &str)]) -> Run {
        Run::of(self.command(args).envs(env.iter().copied()))
    }
}

/// A finished run of the binary.
pub struct Run {
    output: Output,
}

impl Run {
    /// Runs `cmd` to the end.
    pub fn of(cmd: &mut Command) -> Run {
        Run {
            output: cmd.output().expect("the opsbook binary runs"),
        }
    }

    /// The exit code; -1 when a signal ended the process.
    pub fn code(&self) -> i32 {
        self.output.status.code().unwrap_or(-1)
    }

    pub fn success(&self) -> bool {
        self.output.status.success()
    }

    pub fn stdout(&self) -> String {
        String::from_utf8_lossy(&self.output.stdout).into_owned()
    }

    pub fn stderr(&self) -> String {
        String::from_utf8_lossy(&self.output.stderr).into_owned()
    }

    /// The raw output, for tests that need the exact bytes.
    pub fn output(&self) -> &Output {
        &self.output
    }

    /// Asserts exit 0, showing both streams otherwise.
    #[track_caller]
    pub fn assert_ok(&self) -> &Run {
        assert!(self.success(), "{self:?}");
        self
    }
}

impl fmt::Debug for Run {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(
            f,
            "status {:?}\nstdout:\n{}\nstderr:\n{}",
            self.output.status.code(),
            self.stdout(),
            self.stderr()
        )
    }
}
