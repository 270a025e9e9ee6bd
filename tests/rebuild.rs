//! `opsbook build` into a folder it built before: pages of unchanged runbooks are linked from
//! the previous site instead of rendered again (`book/.opsbook-build.json` says what each was
//! made from), and the result is byte for byte a fresh build of the same project whatever
//! changed in between: a runbook, the config, a template, a record, a runbook removed.

use std::collections::BTreeMap;
use std::fs;
use std::time::{Duration, SystemTime};

mod support;

use support::Project;
use support::site::{differing, tree};

const MANIFEST: &str = ".opsbook-build.json";

fn two_runbooks() -> Project {
    Project::new().bundled("api.yaml").bundled("postgres.yaml")
}

/// Every file of the site but the manifest, whose key names the folder it was built from.
fn site(dir: &std::path::Path) -> BTreeMap<String, Vec<u8>> {
    let mut files = tree(dir);
    assert!(
        files.remove(MANIFEST).is_some(),
        "a build writes its manifest"
    );
    files
}

/// Builds `project` into `book` twice (the second leaves the first's folders as a spare),
/// applies `change`, builds again, and compares the result with a build of the changed project
/// into a folder of its own.
fn rebuilt_equals_fresh(project: &Project, change: impl FnOnce(&Project), what: &str) {
    let out = project.beside("book");
    project.build(&out).assert_ok();
    project.build(&out).assert_ok();
    assert!(project.beside(".book.spare").is_dir());
    change(project);
    project.build(&out).assert_ok();
    let fresh = project.beside(&format!("fresh-{what}"));
    project.build(&fresh).assert_ok();
    let (rebuilt, built) = (site(&out), site(&fresh));
    let differ = differing(&rebuilt, &built);
    assert!(
        differ.is_empty(),
        "{what}: rebuilt and fresh differ in {differ:?}"
    );
    // Staged into the folders of the site before (`.book.spare`): none left empty.
    let empty: Vec<_> = walkdir::WalkDir::new(&out)
        .into_iter()
        .flatten()
        .filter(|e| e.file_type().is_dir())
        .filter(|e| fs::read_dir(e.path()).unwrap().next().is_none())
        .map(|e| e.path().display().to_string())
        .collect();
    assert!(empty.is_empty(), "{what}: empty folders {empty:?}");
}

fn edit_api(project: &Project) {
    let api = project.read("runbooks/api.yaml");
    assert!(api.contains("Increased latency"));
    project.write(
        "runbooks/api.yaml",
        api.replace("Increased latency", "Slower answers"),
    );
}

#[test]
fn a_rebuild_after_a_runbook_edit_equals_a_fresh_build() {
    rebuilt_equals_fresh(&two_runbooks(), edit_api, "runbook");
}

#[test]
fn a_rebuild_after_a_config_change_equals_a_fresh_build() {
    let change = |p: &Project| p.write("opsbook.yaml", "title: Payments on-call\n");
    rebuilt_equals_fresh(&two_runbooks(), change, "config");
}

#[test]
fn a_rebuild_after_a_template_override_equals_a_fresh_build() {
    let change = |p: &Project| {
        let page = fs::read_to_string(Project::repo().join("templates/failure_mode.html"))
            .expect("the default template");
        p.write(
            "templates/failure_mode.html",
            page.replacen(
                "{% block main %}",
                "{% block main %}<p>Our house style</p>",
                1,
            ),
        );
    };
    rebuilt_equals_fresh(&two_runbooks(), change, "template");
    let project = two_runbooks();
    let asset = |p: &Project| p.write("templates/site.css", "body { color: teal }\n");
    rebuilt_equals_fresh(&project, asset, "asset");
}

#[test]
fn a_rebuild_after_a_new_record_equals_a_fresh_build() {
    let record = "incidents/2026-10-14-hello-latency-after-deploy.md";
    let change = |p: &Project| p.write(record, fs::read(Project::repo().join(record)).unwrap());
    rebuilt_equals_fresh(&two_runbooks(), change, "record");
}

#[test]
fn a_rebuild_after_a_runbook_is_removed_equals_a_fresh_build() {
    let change = |p: &Project| fs::remove_file(p.join("runbooks/postgres.yaml")).unwrap();
    rebuilt_equals_fresh(&two_runbooks(), change, "removed");
}

/// The site a build replaces is emptied of files but keeps its folders beside the new one,
/// for the next build to stage into (creating folders is a rebuild's costliest system call).
#[test]
fn the_replaced_site_leaves_only_empty_folders_for_the_next_build() {
    let project = two_runbooks();
    let out = project.beside("book");
    let spare = project.beside(".book.spare");
    project.build(&out).assert_ok();
    assert!(!spare.exists(), "nothing replaced yet");
    project.build(&out).assert_ok();
    let files: Vec<_> = walkdir::WalkDir::new(&spare)
        .into_iter()
        .flatten()
        .filter(|e| !e.file_type().is_dir())
        .map(|e| e.file_name().to_string_lossy().into_owned())
        .collect();
    assert_eq!(files, [".opsbook-build"], "only the claim's marker");
    assert!(spare.join("postgres").is_dir());
    // Whatever is put into the spare since is not published: only its folders are taken over.
    fs::write(spare.join("api/planted.html"), "not a page of this build").unwrap();
    edit_api(&project);
    project.build(&out).assert_ok();
    assert!(!out.join("api/planted.html").exists());
    assert!(
        spare.join("api").is_dir(),
        "the next build's spare in its place"
    );
    let names: Vec<String> = fs::read_dir(project.beside(""))
        .unwrap()
        .flatten()
        .map(|e| e.file_name().to_string_lossy().into_owned())
        .collect();
    assert_eq!(
        names.len(),
        3,
        "the project, the site, one spare: {names:?}"
    );
}

#[test]
fn a_manifest_that_cannot_be_read_means_a_full_build() {
    let change = |p: &Project| fs::write(p.beside("book").join(MANIFEST), "{ not json").unwrap();
    rebuilt_equals_fresh(&two_runbooks(), change, "garbage");
}

/// The proof that an unchanged runbook is not rendered again: a page of it altered behind the
/// build's back, but dated before the manifest, is carried over as it is, while the edited
/// runbook's pages are new. Altered after the manifest (a page edited by hand), it is rendered
/// again.
#[test]
fn unchanged_runbooks_are_linked_and_hand_edits_are_replaced() {
    let project = two_runbooks();
    let out = project.beside("book");
    project.build(&out).assert_ok();
    let page = out.join("postgres/index.html");
    let original = fs::read_to_string(&page).expect("page");
    let marked = original.replace("</main>", "<p>not rendered again</p></main>");
    // Written beside and renamed, like a build: the page keeps one name, dated an hour back.
    let aside = out.join("postgres/.aside");
    fs::write(&aside, &marked).unwrap();
    let an_hour_ago = SystemTime::now() - Duration::from_secs(3600);
    let file = fs::File::options().write(true).open(&aside).unwrap();
    file.set_modified(an_hour_ago).unwrap();
    fs::rename(&aside, &page).unwrap();

    edit_api(&project);
    project.build(&out).assert_ok();
    assert_eq!(
        fs::read_to_string(&page).unwrap(),
        marked,
        "kept, not rendered"
    );
    let api = fs::read_to_string(out.join("api/increased-latency.html")).unwrap();
    assert!(api.contains("Slower answers"), "the edited runbook is new");

    // A hand edit now is later than the manifest: the page is rendered again.
    fs::write(&page, "edited by hand").unwrap();
    project.build(&out).assert_ok();
    assert_eq!(fs::read_to_string(&page).unwrap(), original);
}

/// A page edited by hand costs one full build, not every build after it: the rebuild that
/// replaces it writes a manifest dated after it, although the manifest's bytes are the same.
#[test]
fn a_hand_edit_costs_one_full_build_not_every_build() {
    let project = two_runbooks();
    let out = project.beside("book");
    project.build(&out).assert_ok();
    fs::write(out.join("index.html"), "edited by hand").unwrap();
    project.build(&out).assert_ok();
    assert_ne!(
        fs::read_to_string(out.join("index.html")).unwrap(),
        "edited by hand"
    );
    // The next rebuild trusts the site again: a page dated in the past is kept as it is.
    let page = out.join("postgres/index.html");
    let aside = out.join("postgres/.aside");
    fs::write(&aside, "kept as it is").unwrap();
    let file = fs::File::options().write(true).open(&aside).unwrap();
    file.set_modified(SystemTime::now() - Duration::from_secs(3600))
        .unwrap();
    fs::rename(&aside, &page).unwrap();
    project.build(&out).assert_ok();
    assert_eq!(fs::read_to_string(&page).unwrap(), "kept as it is");
}
