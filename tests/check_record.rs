//! `opsbook check --record`: one timeline row per result lands in the incident record, the rest
//! of the file stays byte for byte, and an edit saved during the run is kept.

mod support;

use std::path::{Path, PathBuf};
use std::time::Duration;

use support::demo::Demo;
use support::{Project, Run};

fn new_record(dir: &Path) -> PathBuf {
    let args = [
        "incident",
        "new",
        "api#increased-latency",
        "--title",
        "slow hello",
        "--started-at",
        "2026-11-26T08:00:00Z",
        "--dir",
        dir.to_str().expect("utf-8"),
    ];
    Project::repo().run(&args).assert_ok();
    dir.join("2026-11-26-slow-hello.md")
}

/// The record with the lines opsbook added removed.
fn without_check_rows(text: &str) -> String {
    text.lines()
        .filter(|l| !l.contains("| check `api#"))
        .map(|l| format!("{l}\n"))
        .collect()
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

/// `check --record` on `record`, quiet; the command, not yet started.
fn record_run(url: &str, record: &Path) -> std::process::Command {
    Project::repo().command(&[
        "check",
        "api#increased-latency",
        "--target",
        url,
        "-q",
        "--record",
        record.to_str().expect("utf-8"),
    ])
}

fn check_rows(text: &str) -> usize {
    text.lines().filter(|l| l.contains("| check `api#")).count()
}

/// How many rows one run adds, measured on a record of its own.
fn rows_per_run(url: &str) -> usize {
    let dir = Project::new();
    let record = new_record(dir.path());
    Run::of(&mut record_run(url, &record)).assert_ok();
    let rows = check_rows(&std::fs::read_to_string(&record).expect("read"));
    assert!(rows > 0);
    rows
}

#[test]
fn twenty_parallel_runs_lose_no_row() {
    let demo = Demo::start("127.0.0.1:0").expect("demo");
    let url = demo.url();
    let per_run = rows_per_run(&url);
    let dir = Project::new();
    let record = new_record(dir.path());
    let children: Vec<_> = (0..20)
        .map(|_| {
            record_run(&url, &record)
                .stdout(std::process::Stdio::piped())
                .stderr(std::process::Stdio::piped())
                .spawn()
                .expect("spawn")
        })
        .collect();
    for child in children {
        let out = child.wait_with_output().expect("wait");
        assert!(out.status.success(), "{out:?}");
    }
    let after = std::fs::read_to_string(&record).expect("read");
    assert_eq!(check_rows(&after), 20 * per_run, "{after}");
}

/// Saves the record as editors do: the whole text with one more line, written to a temporary
/// file and renamed over it. Like an editor that notices the file changed on disk, it saves again
/// from the new text when the record moved under it; its own check-then-rename is done under
/// opsbook's lock file so that the editor's window, which opsbook cannot close, does not drop
/// rows. Its read and write stay unlocked, so saves land between opsbook's read and rename.
fn editor_save(record: &Path, line: &str) {
    let temp = record.with_extension("md.swp");
    let lock_path = record.with_file_name(format!(
        ".{}.lock",
        record.file_name().expect("name").to_string_lossy()
    ));
    loop {
        let text = std::fs::read_to_string(record).expect("read");
        std::fs::write(&temp, format!("{text}{line}\n")).expect("write");
        let lock = std::fs::File::options()
            .create(true)
            .truncate(false)
            .write(true)
            .open(&lock_path)
            .expect("lock file");
        lock.lock().expect("lock");
        if std::fs::read_to_string(record).expect("read") == text {
            std::fs::rename(&temp, record).expect("rename");
            return;
        }
    }
}

#[test]
fn an_editor_saving_throughout_the_runs_loses_no_edit_and_no_row() {
    let demo = Demo::start("127.0.0.1:0").expect("demo");
    let url = demo.url();
    let per_run = rows_per_run(&url);
    let dir = Project::new();
    let record = new_record(dir.path());
    let done = std::sync::Arc::new(std::sync::atomic::AtomicBool::new(false));
    let editor = {
        let (record, done) = (record.clone(), done.clone());
        std::thread::spawn(move || {
            let mut saves = 0;
            while saves < 400 && !done.load(std::sync::atomic::Ordering::Relaxed) {
                editor_save(&record, &format!("editor edit {saves}"));
                saves += 1;
                std::thread::sleep(Duration::from_millis(2));
            }
            saves
        })
    };
    let runs = 8;
    for _ in 0..runs {
        Run::of(&mut record_run(&url, &record)).assert_ok();
    }
    done.store(true, std::sync::atomic::Ordering::Relaxed);
    let saves = editor.join().expect("editor");
    let after = std::fs::read_to_string(&record).expect("read");
    assert!(saves > runs, "the editor saved during the runs ({saves})");
    for n in 0..saves {
        assert!(
            after.contains(&format!("editor edit {n}\n")),
            "edit {n} lost:\n{after}"
        );
    }
    assert_eq!(check_rows(&after), runs * per_run, "{after}");
}

/// Runs `check --record target` and asserts it is refused with `reason` and `target` untouched.
fn assert_refused(project: &Project, target: &Path, reason: &str) {
    let before = std::fs::symlink_metadata(target).expect("stat");
    let bytes = std::fs::read(target).expect("read");
    let out = project.run(&["check", "api", "--record", target.to_str().expect("utf-8")]);
    assert_eq!(out.code(), 2, "{out:?}");
    assert!(out.stderr().contains(reason), "{out:?}");
    assert!(
        out.stderr().contains(target.to_str().expect("utf-8")),
        "names the file: {out:?}"
    );
    let after = std::fs::symlink_metadata(target).expect("stat");
    assert_eq!(std::fs::read(target).expect("read"), bytes);
    assert_eq!(before.file_type(), after.file_type(), "a link stays a link");
}

#[test]
fn a_runbook_is_not_a_record_and_is_left_byte_for_byte() {
    let repo = Project::repo();
    assert_refused(
        &repo,
        &repo.join("runbooks/api.yaml"),
        "is not an incident record",
    );
}

#[test]
fn a_file_without_front_matter_is_refused() {
    let dir = Project::new().file("notes.md", "# notes\n\n## Timeline\n");
    let project = Project::repo();
    assert_refused(&project, &dir.join("notes.md"), "is not an incident record");
}

#[cfg(unix)]
#[test]
fn a_symlinked_record_is_refused_and_the_link_kept() {
    let dir = Project::new();
    let record = new_record(dir.path());
    let link = dir.join("link.md");
    std::os::unix::fs::symlink(&record, &link).expect("symlink");
    assert_refused(&Project::repo(), &link, "symbolic link");
}

#[cfg(unix)]
#[test]
fn a_rewritten_record_keeps_its_mode() {
    use std::os::unix::fs::PermissionsExt;
    let demo = Demo::start("127.0.0.1:0").expect("demo");
    let dir = Project::new();
    let record = new_record(dir.path());
    std::fs::set_permissions(&record, std::fs::Permissions::from_mode(0o640)).expect("chmod");
    Run::of(&mut record_run(&demo.url(), &record)).assert_ok();
    let mode = std::fs::metadata(&record)
        .expect("stat")
        .permissions()
        .mode();
    assert_eq!(mode & 0o777, 0o640);
}
