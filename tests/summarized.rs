//! `build` loads each runbook, lints it and cuts it down to what the site-wide pages read, then
//! renders each runbook's pages from its file read again (`CompiledRunbook::summarize`): the
//! memory of a 5,000-runbook build. These tests hold that to the site a build from whole
//! runbooks writes, byte for byte, and to the same findings; a file changed in between stops the
//! build and keeps the last site.

#[path = "support/corpus.rs"]
mod corpus;
mod support;

use std::collections::BTreeMap;
use std::path::{Path, PathBuf};

use chrono::NaiveDate;
use opsbook::render::{self, BuildOptions};
use opsbook::workspace::Workspace;
use support::Project;

fn today() -> NaiveDate {
    NaiveDate::from_ymd_opt(2026, 11, 27).expect("date")
}

fn options(root: &Path, out: PathBuf) -> BuildOptions {
    BuildOptions {
        out,
        today: today(),
        templates: Some(root.join("templates")),
        progress: None,
    }
}

/// Every file below `dir` by its path, the build's manifest too (it lists each part's files
/// sorted, however the threads happened to write them).
fn files(dir: &Path) -> BTreeMap<PathBuf, Vec<u8>> {
    walk(dir)
        .into_iter()
        .map(|p| {
            let bytes = std::fs::read(&p).expect("read");
            (p.strip_prefix(dir).expect("below").to_path_buf(), bytes)
        })
        .collect()
}

fn walk(dir: &Path) -> Vec<PathBuf> {
    let mut out = Vec::new();
    for entry in std::fs::read_dir(dir).expect("read_dir") {
        let path = entry.expect("entry").path();
        if path.is_dir() {
            out.extend(walk(&path));
        } else {
            out.push(path);
        }
    }
    out
}

/// Builds `root` twice, from whole runbooks and from summarized ones, and compares the sites.
fn assert_same_site(root: &Path, outs: (PathBuf, PathBuf)) {
    let whole = Workspace::load(root, &[]);
    render::build(&whole, &options(root, outs.0.clone())).expect("whole build");
    let summarized = Workspace::load_summarized(root, today(), 0);
    assert!(
        summarized.runbooks.iter().all(|r| r.is_summary()),
        "every runbook summarized"
    );
    render::build(&summarized, &options(root, outs.1.clone())).expect("summarized build");
    let (a, b) = (files(&outs.0), files(&outs.1));
    assert!(a.len() > 10, "{} files", a.len());
    assert_eq!(
        a.keys().collect::<Vec<_>>(),
        b.keys().collect::<Vec<_>>(),
        "the same files"
    );
    for (path, bytes) in &a {
        assert!(
            bytes == &b[path],
            "{} differs between the whole and the summarized build",
            path.display()
        );
    }
}

#[test]
fn the_bundled_book_with_its_records_is_the_same_built_from_summaries() {
    let project = Project::new();
    assert_same_site(
        Project::repo().path(),
        (project.beside("whole"), project.beside("summarized")),
    );
}

#[test]
fn a_generated_book_with_records_is_the_same_built_from_summaries() {
    let project = Project::new();
    corpus::write(60, project.path()).expect("corpus");
    corpus::write_records(40, 60, project.path()).expect("records");
    assert_same_site(
        project.path(),
        (project.beside("whole"), project.beside("summarized")),
    );
}

#[test]
fn a_summary_keeps_no_text_but_that_of_a_file_with_findings() {
    let project = Project::new().bundled("api.yaml").bundled("postgres.yaml");
    // A stale review: a warning, so its lines are shown and the text must stay.
    let stale = project.read("runbooks/postgres.yaml").replacen(
        "last_reviewed: 2026-",
        "last_reviewed: 2019-",
        1,
    );
    assert_ne!(
        stale,
        project.read("runbooks/postgres.yaml"),
        "date replaced"
    );
    // Findings made while compiling, which a reload for the pages leaves out: a target URL
    // that does not parse and a placeholder no target defines.
    let stale = stale
        .replacen("url: http://127.0.0.1:3000", "url: http//127.0.0.1:3000", 1)
        .replacen("service=\"api\"", "service=\"{{ nosuch }}\"", 1);
    assert_eq!(stale.matches("http//").count(), 1, "target replaced");
    assert!(stale.contains("{{ nosuch }}"), "placeholder added");
    project.write("runbooks/postgres.yaml", &stale);
    let whole = Workspace::load(project.path(), &[]);
    let summarized = Workspace::load_summarized(project.path(), today(), 0);
    let shown = |ws: &Workspace| format!("{:?}", ws.lint(today()));
    assert_eq!(shown(&whole), shown(&summarized), "the same findings");
    assert!(
        shown(&summarized).contains("StaleReview"),
        "{}",
        shown(&summarized)
    );
    for runbook in &summarized.runbooks {
        assert!(runbook.checks.is_empty() && runbook.targets.is_empty());
        let modes = &runbook.runbook.failure_modes;
        assert!(
            modes
                .iter()
                .all(|m| m.symptoms.is_empty() && m.impact.is_none())
        );
        let kept = !runbook.source.text.is_empty();
        assert_eq!(kept, runbook.id == "postgres", "{}: text kept", runbook.id);
    }
    // Other options than those it was linted with: read whole again, the same findings.
    let declared = |ws: &Workspace| format!("{:?}", ws.lint_declaring(today(), &["X".into()]));
    assert_eq!(declared(&whole), declared(&summarized));
    for rule in ["InvalidCurl", "UndefinedPlaceholder"] {
        assert!(
            shown(&summarized).contains(rule),
            "{rule}: {}",
            shown(&summarized)
        );
        assert!(
            declared(&summarized).contains(rule),
            "{rule} after a reload"
        );
    }
    // Fewer runbooks than `from`: loaded whole.
    let small = Workspace::load_summarized(project.path(), today(), 3);
    assert!(small.runbooks.iter().all(|r| !r.is_summary()));
    assert!(small.runbooks.iter().all(|r| !r.source.text.is_empty()));
}

#[test]
fn a_runbook_changed_while_building_stops_the_build_and_keeps_the_last_site() {
    let project = Project::new().bundled("api.yaml").bundled("postgres.yaml");
    let out = project.join("book");
    let first = Workspace::load_summarized(project.path(), today(), 0);
    render::build(&first, &options(project.path(), out.clone())).expect("first build");
    let before = files(&out);
    // Saved once before the load (so its pages are rendered, not kept), once after.
    let text = project.read("runbooks/api.yaml");
    project.write("runbooks/api.yaml", format!("{text}\n# saved\n"));
    let summarized = Workspace::load_summarized(project.path(), today(), 0);
    project.write("runbooks/api.yaml", format!("{text}\n# saved meanwhile\n"));
    let error = render::build(&summarized, &options(project.path(), out.clone()))
        .expect_err("the file changed after it was loaded");
    assert!(
        error.0.contains(
            "api.yaml: changed while the site was being built; run `opsbook build` again"
        ),
        "{}",
        error.0
    );
    assert_eq!(files(&out), before, "the last site is whole");
    // Built again, it renders the saved text.
    let again = Workspace::load_summarized(project.path(), today(), 0);
    render::build(&again, &options(project.path(), out)).expect("built again");
}
