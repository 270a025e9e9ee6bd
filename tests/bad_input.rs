//! Hostile and odd files in the runbooks folder: each gives a diagnostic naming the file (and
//! the line and column where there is one), exits non-zero, and finishes quickly. Nothing panics.

mod support;

use std::fs;
use std::time::{Duration, Instant};

use support::Project;

/// Generous bound: the work takes milliseconds; this only catches a hang or a blow-up.
const QUICK: Duration = Duration::from_secs(2);

fn project() -> Project {
    Project::new().dir("runbooks")
}

fn lint_project(project: &Project) -> (i32, String) {
    let start = Instant::now();
    let run = project.run(&["lint", "--color", "never"]);
    assert!(start.elapsed() < QUICK, "took {:?}", start.elapsed());
    assert!(!run.stderr().contains("panicked"), "panic: {run:?}");
    (run.code(), run.stdout())
}

#[test]
fn a_file_over_the_size_limit_is_refused_without_reading_it() {
    let dir = project();
    let big = dir.join("runbooks/big.yaml");
    let file = fs::File::create(&big).expect("create");
    file.set_len(50 * 1024 * 1024).expect("50 MB sparse file");
    let (exit, text) = lint_project(&dir);
    assert_eq!(exit, 1, "{text}");
    assert!(
        text.contains("runbooks/big.yaml")
            && text.contains("unreadable-file")
            && text.contains("limit"),
        "{text}"
    );
}

#[cfg(unix)]
#[test]
fn links_pipes_and_odd_names_are_reported_not_followed() {
    use std::os::unix::ffi::OsStrExt;
    let dir = project();
    let rb = dir.join("runbooks");
    std::os::unix::fs::symlink(rb.join("loop-b.yaml"), rb.join("loop-a.yaml")).expect("link");
    std::os::unix::fs::symlink(rb.join("loop-a.yaml"), rb.join("loop-b.yaml")).expect("link");
    std::os::unix::fs::symlink(rb.join("missing.yaml"), rb.join("dangling.yaml")).expect("link");
    std::os::unix::fs::symlink(&rb, rb.join("self")).expect("dir link");
    let fifo = rb.join("pipe.yaml");
    let made = std::process::Command::new("mkfifo")
        .arg(&fifo)
        .status()
        .expect("mkfifo runs");
    assert!(made.success());
    let odd = rb.join(std::ffi::OsStr::from_bytes(b"caf\xe9.yaml"));
    fs::write(&odd, "title: x\n").expect("odd name");
    let (exit, text) = lint_project(&dir);
    assert_eq!(exit, 1, "{text}");
    for name in [
        "loop-a.yaml",
        "loop-b.yaml",
        "dangling.yaml",
        "pipe.yaml",
        "caf\u{fffd}.yaml",
    ] {
        assert!(text.contains(name), "{name} not named in:\n{text}");
    }
    assert!(
        text.contains("symbolic link")
            && text.contains("not a regular file")
            && text.contains("not valid UTF-8"),
        "{text}"
    );
}

#[test]
fn bombs_and_deep_nesting_in_a_project_are_quick_errors() {
    let fixtures = Project::fixtures();
    let dir = project()
        .copy(
            fixtures.join("lint/yaml-limit-bomb.yaml"),
            "runbooks/yaml-limit-bomb.yaml",
        )
        .copy(
            fixtures.join("lint/yaml-limit-deep.yaml"),
            "runbooks/yaml-limit-deep.yaml",
        );
    let (exit, text) = lint_project(&dir);
    assert_eq!(exit, 1, "{text}");
    assert!(
        text.contains("runbooks/yaml-limit-bomb.yaml:")
            && text.contains("runbooks/yaml-limit-deep.yaml:1:"),
        "{text}"
    );
}

#[test]
fn ids_collide_across_files_ignoring_case() {
    let clean = Project::fixtures().read("lint/clean.yaml");
    let dir = project()
        .file("runbooks/api.yaml", &clean)
        .file("runbooks/API.yml", &clean);
    let (exit, text) = lint_project(&dir);
    assert_eq!(exit, 1, "{text}");
    assert!(
        text.contains("duplicate-id") && text.contains("collides"),
        "{text}"
    );
}

#[test]
fn a_missing_path_is_a_usage_error() {
    let run = project().run(&["lint", "nope.yaml"]);
    assert_eq!(run.code(), 2);
    assert!(run.stderr().contains("nope.yaml"));
}

#[test]
fn a_reader_that_closes_the_pipe_early_is_not_a_crash() {
    // `opsbook explain all | head -1`: the reader goes away before opsbook writes.
    for args in [&["explain", "all"][..], &["schema"][..]] {
        let mut child = project()
            .command(args)
            .stdout(std::process::Stdio::piped())
            .stderr(std::process::Stdio::piped())
            .spawn()
            .expect("spawn");
        drop(child.stdout.take());
        let out = child.wait_with_output().expect("wait");
        let stderr = String::from_utf8_lossy(&out.stderr);
        assert!(!stderr.contains("panicked"), "{args:?}: {stderr}");
        assert_eq!(out.status.code(), Some(0), "{args:?}: {stderr}");
    }
}
