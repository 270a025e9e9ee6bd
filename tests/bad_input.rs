//! Hostile and odd files in the runbooks folder: each gives a diagnostic naming the file (and
//! the line and column where there is one), exits non-zero, and finishes quickly. Nothing panics.

mod common;

use std::fs;
use std::path::Path;
use std::time::{Duration, Instant};

use common::{code, opsbook, stdout};

/// Generous bound: the work takes milliseconds; this only catches a hang or a blow-up.
const QUICK: Duration = Duration::from_secs(2);

fn project() -> tempfile::TempDir {
    let dir = tempfile::tempdir().expect("tempdir");
    fs::create_dir(dir.path().join("runbooks")).expect("runbooks dir");
    dir
}

fn lint_project(dir: &Path) -> (i32, String) {
    let start = Instant::now();
    let output = opsbook(dir, &["lint", "--color", "never"]);
    assert!(start.elapsed() < QUICK, "took {:?}", start.elapsed());
    let text = stdout(&output);
    assert!(
        !String::from_utf8_lossy(&output.stderr).contains("panicked"),
        "panic: {:?}",
        output
    );
    (code(&output), text)
}

#[test]
fn a_file_over_the_size_limit_is_refused_without_reading_it() {
    let dir = project();
    let big = dir.path().join("runbooks/big.yaml");
    let file = fs::File::create(&big).expect("create");
    file.set_len(50 * 1024 * 1024).expect("50 MB sparse file");
    let (exit, text) = lint_project(dir.path());
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
    let rb = dir.path().join("runbooks");
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
    let (exit, text) = lint_project(dir.path());
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
    let dir = project();
    let fixtures = common::fixtures().join("lint");
    for name in ["yaml-limit-bomb.yaml", "yaml-limit-deep.yaml"] {
        fs::copy(fixtures.join(name), dir.path().join("runbooks").join(name)).expect("copy");
    }
    let (exit, text) = lint_project(dir.path());
    assert_eq!(exit, 1, "{text}");
    assert!(
        text.contains("runbooks/yaml-limit-bomb.yaml:")
            && text.contains("runbooks/yaml-limit-deep.yaml:1:"),
        "{text}"
    );
}

#[test]
fn ids_collide_across_files_ignoring_case() {
    let dir = project();
    let clean = fs::read_to_string(common::fixtures().join("lint/clean.yaml")).expect("fixture");
    fs::write(dir.path().join("runbooks/api.yaml"), &clean).expect("write");
    fs::write(dir.path().join("runbooks/API.yml"), &clean).expect("write");
    let (exit, text) = lint_project(dir.path());
    assert_eq!(exit, 1, "{text}");
    assert!(
        text.contains("duplicate-id") && text.contains("collides"),
        "{text}"
    );
}

#[test]
fn a_missing_path_is_a_usage_error() {
    let dir = project();
    let output = opsbook(dir.path(), &["lint", "nope.yaml"]);
    assert_eq!(code(&output), 2);
    assert!(String::from_utf8_lossy(&output.stderr).contains("nope.yaml"));
}
