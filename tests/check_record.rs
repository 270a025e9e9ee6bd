//! `opsbook check --record`: one timeline row per result lands in the incident record, the rest
//! of the file stays byte for byte, and an edit saved during the run is kept.

mod support;

use std::path::{Path, PathBuf};
use std::time::Duration;

use support::demo::Demo;
use support::{Project, Run};

fn new_record(dir: &Path) -> PathBuf {
    Project::repo()
        .incident_new(dir, "slow hello", &[])
        .assert_ok();
    dir.join("2026-11-26-slow-hello.md")
}

/// The record with what opsbook added taken out: its timeline rows, and the request ids in the
/// front matter.
fn without_check_rows(text: &str) -> String {
    text.lines()
        .filter(|l| !l.contains("| check `api#"))
        .map(|l| match l.starts_with("request_ids:") {
            true => "request_ids: []\n".to_owned(),
            false => format!("{l}\n"),
        })
        .collect()
}

/// The request ids of the front matter, and those of the timeline's rows.
fn ids(text: &str) -> (Vec<String>, Vec<String>) {
    let quoted = |line: &str| -> Vec<String> {
        line.split('"')
            .skip(1)
            .step_by(2)
            .map(str::to_owned)
            .collect()
    };
    let front = text
        .lines()
        .find(|l| l.starts_with("request_ids:"))
        .map(quoted)
        .unwrap_or_default();
    let rows = text
        .lines()
        .filter(|l| l.contains("| check `api#"))
        .filter_map(|l| l.split("request id `").nth(1)?.split('`').next())
        .map(str::to_owned)
        .collect();
    (front, rows)
}

#[test]
fn results_are_appended_to_the_timeline_and_nothing_else_changes() {
    let demo = Demo::start("127.0.0.1:0").expect("demo");
    let dir = Project::new();
    let record = new_record(dir.path());
    let before = std::fs::read_to_string(&record).expect("read");
    let url = demo.url();
    let args = [
        "check",
        "api#increased-latency",
        "--target",
        &url,
        "--record",
        record.to_str().expect("utf-8"),
    ];
    Project::repo().run(&args).assert_ok();
    let after = std::fs::read_to_string(&record).expect("read");
    assert_eq!(without_check_rows(&after), before);
    let rows: Vec<&str> = after
        .lines()
        .filter(|l| l.contains("| check `api#"))
        .collect();
    assert!(rows.len() >= 4, "{after}");
    assert!(
        rows.iter()
            .any(|r| r.contains("check `api#hello` PASS: status 200")
                && r.contains("request id `ob-")),
        "{rows:?}"
    );
    // Every request id the checks sent is in `request_ids`, once, in the order sent.
    let (front, rows) = ids(&after);
    assert_eq!(front, rows, "{after}");
    assert!(front.iter().all(|id| id.starts_with("ob-2")), "{front:?}");
    let timeline = after.find("## Timeline").expect("timeline");
    let hypotheses = after.find("## Hypotheses").expect("hypotheses");
    let first_row = after.find("| check `api#").expect("a row");
    assert!(
        timeline < first_row && first_row < hypotheses,
        "rows are inside the timeline table"
    );
}

#[test]
fn an_edit_saved_during_the_run_is_kept() {
    let demo = Demo::start("127.0.0.1:0").expect("demo");
    assert!(
        demo.set("latency"),
        "the demo answers slowly, so the run takes a while"
    );
    let dir = Project::new();
    let record = new_record(dir.path());
    let url = demo.url();
    let record_for_run = record.clone();
    let run = std::thread::spawn(move || {
        Project::repo().run(&[
            "check",
            "api#increased-latency",
            "--target",
            &url,
            "--jobs",
            "1",
            "--record",
            record_for_run.to_str().expect("utf-8"),
        ])
    });
    std::thread::sleep(Duration::from_millis(300));
    let text = std::fs::read_to_string(&record).expect("read");
    let edited = text.replacen(
        "## Summary\n\n_Not answered yet._",
        "## Summary\n\nThe p95 of /hello rose after deploy 412.",
        1,
    );
    std::fs::write(&record, &edited).expect("edit");
    let out: Run = run.join().expect("thread");
    assert_eq!(out.code(), 1, "the latency fault fails checks: {out:?}");
    let after = std::fs::read_to_string(&record).expect("read");
    assert!(
        after.contains("The p95 of /hello rose after deploy 412."),
        "the edit survived:\n{after}"
    );
    assert!(
        after.contains("check `api#hello` FAIL"),
        "the rows were added:\n{after}"
    );
}

#[test]
fn a_missing_record_is_refused_before_anything_runs() {
    let out = Project::repo().run(&["check", "api", "--record", "no-such-incident.md"]);
    assert_eq!(out.code(), 2);
    assert!(out.stderr().contains("no-such-incident.md"));
}

/// `check api#increased-latency --record RECORD -q` against the demo, as one responder runs it.
fn record_run(url: &str, record: &Path) -> Run {
    Project::repo().run(&[
        "check",
        "api#increased-latency",
        "--target",
        url,
        "-q",
        "--record",
        record.to_str().expect("utf-8"),
    ])
}

fn rows_of(text: &str, check: &str) -> usize {
    text.lines()
        .filter(|l| l.contains(&format!("| check `{check}` ")))
        .count()
}

#[test]
fn twenty_parallel_runs_on_one_record_keep_all_twenty_rows() {
    let demo = Demo::start("127.0.0.1:0").expect("demo");
    let dir = Project::new();
    let record = new_record(dir.path());
    let runs: Vec<_> = (0..20)
        .map(|_| {
            let (url, record) = (demo.url(), record.clone());
            std::thread::spawn(move || record_run(&url, &record))
        })
        .collect();
    for run in runs {
        run.join().expect("thread").assert_ok();
    }
    let after = std::fs::read_to_string(&record).expect("read");
    assert_eq!(rows_of(&after, "api#hello"), 20, "{after}");
    // No run's request ids were lost to another's rewrite of the front matter.
    let (mut front, mut rows) = ids(&after);
    front.sort();
    rows.sort();
    assert_eq!(front, rows);
    let left: Vec<_> = std::fs::read_dir(dir.path().join("."))
        .expect("dir")
        .map(|e| e.expect("entry").file_name())
        .filter(|n| n.to_string_lossy().starts_with(".opsbook-"))
        .collect();
    assert!(left.is_empty(), "no temporary files left: {left:?}");
}

/// An editor: it loaded the record once and saves its buffer, with one more line each time,
/// as editors do (the whole text to a temporary file, renamed over the record).
struct Editor {
    buffer: String,
    saves: usize,
}

impl Editor {
    fn save(&mut self, record: &Path) {
        self.buffer
            .push_str(&format!("\nEditor note {}.\n", self.saves));
        self.saves += 1;
        let temp = record.with_extension("md.swp");
        std::fs::write(&temp, &self.buffer).expect("write");
        std::fs::rename(&temp, record).expect("rename");
    }
}

#[test]
fn an_editor_saving_again_and_again_during_record_runs_loses_no_edit() {
    let demo = Demo::start("127.0.0.1:0").expect("demo");
    let dir = Project::new();
    let record = new_record(dir.path());
    let done = std::sync::Arc::new(std::sync::atomic::AtomicBool::new(false));
    let editor = {
        let (record, done) = (record.clone(), done.clone());
        let buffer = std::fs::read_to_string(&record).expect("read");
        std::thread::spawn(move || {
            let mut editor = Editor { buffer, saves: 0 };
            // Bounded: at most 3,000 saves, however slow the runs are.
            while editor.saves < 3000 && !done.load(std::sync::atomic::Ordering::Relaxed) {
                editor.save(&record);
                std::thread::sleep(Duration::from_millis(2));
            }
            editor
        })
    };
    let runs: Vec<_> = (0..8)
        .map(|_| {
            let (url, record) = (demo.url(), record.clone());
            std::thread::spawn(move || {
                for _ in 0..3 {
                    record_run(&url, &record).assert_ok();
                }
            })
        })
        .collect();
    for run in runs {
        run.join().expect("run thread");
    }
    done.store(true, std::sync::atomic::Ordering::Relaxed);
    let editor = editor.join().expect("editor");
    // The runs that came after the editor's last save added rows to it; none replaced it.
    let after = std::fs::read_to_string(&record).expect("read");
    assert!(editor.saves > 0);
    assert_eq!(
        without_check_rows(&after),
        editor.buffer,
        "the editor's last save (of {}) is the record, with rows only added",
        editor.saves
    );
}

#[test]
fn what_is_not_an_incident_record_is_refused_and_left_byte_for_byte() {
    let dir = Project::new();
    let record = new_record(dir.path());
    let runbook = Project::repo().path().join("runbooks/api.yaml");
    let copy = dir.path().join("api.yaml");
    std::fs::copy(&runbook, &copy).expect("copy");
    let notes = dir.path().join("notes.md");
    std::fs::write(&notes, "# Notes\n\n## Timeline\n").expect("write");
    let link = dir.path().join("link.md");
    std::os::unix::fs::symlink(&record, &link).expect("symlink");
    let cases = [
        (&copy, "not an incident record"),
        (&notes, "not an incident record"),
        (&link, "is a symbolic link"),
    ];
    let record_before = std::fs::read(&record).expect("read");
    for (path, why) in cases {
        let before = std::fs::read(path).expect("read");
        let out = Project::repo().run(&["check", "api", "--record", path.to_str().expect("utf-8")]);
        assert_eq!(out.code(), 2, "{out:?}");
        assert!(out.stderr().contains(why), "{}", out.stderr());
        assert!(out.stderr().contains(&path.display().to_string()));
        assert_eq!(std::fs::read(path).expect("read"), before);
    }
    assert!(
        std::fs::symlink_metadata(&link)
            .expect("link")
            .file_type()
            .is_symlink()
    );
    assert_eq!(std::fs::read(&record).expect("read"), record_before);
}

#[test]
fn new_and_rewritten_records_take_their_mode_from_the_umask() {
    use std::os::unix::fs::PermissionsExt;
    let mode = |p: &Path| std::fs::metadata(p).expect("meta").permissions().mode() & 0o777;
    for (umask, expected) in [("022", 0o644), ("077", 0o600)] {
        let dir = Project::new();
        let script = format!(
            "umask {umask} && exec \"$0\" incident new api#increased-latency --title t \
             --started-at 2026-11-26T08:00:00Z --dir \"$1\""
        );
        let out = std::process::Command::new("sh")
            .args(["-c", &script, env!("CARGO_BIN_EXE_opsbook")])
            .arg(dir.path())
            .current_dir(Project::repo().path())
            .output()
            .expect("sh");
        assert!(out.status.success(), "{out:?}");
        let record = dir.path().join("2026-11-26-t.md");
        assert_eq!(mode(&record), expected, "umask {umask}");
    }
    // A rewrite keeps the mode the record has, whatever the umask of the run.
    let demo = Demo::start("127.0.0.1:0").expect("demo");
    let dir = Project::new();
    let record = new_record(dir.path());
    std::fs::set_permissions(&record, std::fs::Permissions::from_mode(0o640)).expect("chmod");
    record_run(&demo.url(), &record).assert_ok();
    assert_eq!(mode(&record), 0o640);
}
