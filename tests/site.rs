//! `opsbook build` end to end: the real binary over fixtures on disk. Snapshots of each page
//! kind's `<main>`, the XSS fixture, and the atomic swap of `book/`.

use std::fs;
use std::path::{Path, PathBuf};

mod support;

use support::Project;
use support::site::tree;

fn read(path: &Path) -> String {
    fs::read_to_string(path).unwrap_or_else(|e| panic!("{}: {e}", path.display()))
}

fn main_of(html: &str) -> &str {
    let start = html.find("<main").expect("<main>");
    let end = html.find("</main>").expect("</main>") + "</main>".len();
    &html[start..end]
}

fn walk(dir: &Path) -> Vec<PathBuf> {
    let mut out = Vec::new();
    for entry in fs::read_dir(dir).expect("read_dir").flatten() {
        let path = entry.path();
        if path.is_dir() {
            out.extend(walk(&path));
        } else {
            out.push(path);
        }
    }
    out
}

#[test]
fn bundled_pages_snapshot() {
    let tmp = tempfile::tempdir().expect("tempdir");
    let out = tmp.path().join("book");
    Project::repo().build(&out).assert_ok();
    for (name, page) in [
        ("index", "index.html"),
        ("runbook", "api/index.html"),
        ("failure_mode", "api/increased-latency.html"),
        ("incident", "incident.html"),
    ] {
        let html = read(&out.join(page));
        insta::assert_snapshot!(format!("main_{name}"), main_of(&html));
    }
    for page in walk(&out)
        .iter()
        .filter(|p| p.extension().is_some_and(|e| e == "html"))
    {
        let html = read(page);
        assert!(
            html.contains("http-equiv=\"Content-Security-Policy\""),
            "{}",
            page.display()
        );
        assert!(
            !html.contains("http://") || !html.contains("<link rel=\"stylesheet\" href=\"http")
        );
        // A favicon that costs no request (no 404 over HTTP), and a description.
        assert!(
            html.contains("<link rel=\"icon\" href=\"data:image/svg+xml,"),
            "{}",
            page.display()
        );
        assert!(
            html.contains("<meta name=\"description\" content=\""),
            "{}",
            page.display()
        );
    }
    let fm = read(&out.join("api/increased-latency.html"));
    assert!(
        fm.contains("<meta name=\"description\" content=\"Increased latency (sev2), API service (Rust, axum): symptoms,"),
        "{fm}"
    );
    let rb = read(&out.join("api/index.html"));
    assert!(
        rb.contains("<meta name=\"description\" content=\"The public HTTP API, a Rust service built on axum."),
        "the runbook's summary"
    );
    let schema: serde_json::Value =
        serde_json::from_str(&read(&out.join("incident.schema.json"))).expect("incident schema");
    assert_eq!(schema["properties"]["status"]["enum"][2], "resolved");
    assert!(out.join("runbook.schema.json").is_file());
    assert!(out.join(".opsbook-site").is_file());
}

#[test]
fn failure_mode_page_is_under_budget() {
    let tmp = tempfile::tempdir().expect("tempdir");
    let out = tmp.path().join("book");
    Project::repo().build(&out).assert_ok();
    let mut largest = 0;
    for page in walk(&out.join("api")) {
        largest = largest.max(fs::metadata(page).expect("stat").len());
    }
    let assets: u64 = ["site.css", "site.js", "theme.js"]
        .iter()
        .map(|a| fs::metadata(out.join(a)).expect("asset").len())
        .sum();
    assert!(largest + assets < 60 * 1024, "{largest} + {assets} bytes");
}

#[test]
fn nested_runbook_ids_link_back_to_the_root() {
    let project = Project::new().copy(
        Project::repo().join("runbooks/api.yaml"),
        "runbooks/payments/eu/api.yaml",
    );
    let out = project.beside("book");
    project.build(&out).assert_ok();
    let html = read(&out.join("payments/eu/api/increased-latency.html"));
    assert!(
        html.contains("href=\"..&#x2f;..&#x2f;..&#x2f;site.css\""),
        "root prefix"
    );
    assert!(html.contains(
        "incident.html?runbook=payments&#x2f;eu&#x2f;api&amp;failure_mode=increased-latency"
    ));
    let index = read(&out.join("index.html"));
    assert!(index.contains("href=\"payments&#x2f;eu&#x2f;api&#x2f;increased-latency.html\""));
}

#[test]
fn xss_payloads_stay_text() {
    let tmp = tempfile::tempdir().expect("tempdir");
    let out = tmp.path().join("book");
    let xss = Project::at(Project::fixtures().join("xss"));
    xss.build(&out).assert_ok();
    let own_scripts = [
        "<script src=\"..&#x2f;theme.js\">",
        "<script src=\"theme.js\">",
        "<script src=\"..&#x2f;site.js\">",
        "<script src=\"site.js\">",
        "<script type=\"application/json\" id=\"targets\">",
        "<script src=\"incident-data.js\">",
        "<script src=\"incident.js\">",
        "<script src=\"..&#x2f;incidents.js\">",
    ];
    // The incident form's data carries runbook text into scripts: no `<` may survive in them.
    let data_files: Vec<_> = walk(&out)
        .into_iter()
        .filter(|p| p.ends_with("incident-data.js"))
        .collect();
    assert!(data_files.len() >= 2, "the list and one file per runbook");
    let all: String = data_files.iter().map(|p| read(p)).collect();
    assert!(all.contains("\\u003c"), "the fixture's `<` is escaped");
    assert!(!all.contains('<'), "raw `<` in incident data");
    let tag = regex::Regex::new(r"(?i)<[a-z][^>]*>").expect("regex");
    let handler = regex::Regex::new(r"(?i)\son[a-z]+\s*=").expect("regex");
    let quoted = regex::Regex::new(r#""[^"]*""#).expect("regex");
    for page in walk(&out)
        .iter()
        .filter(|p| p.extension().is_some_and(|e| e == "html"))
    {
        let html = read(page);
        let name = page.display();
        for m in tag.find_iter(&html) {
            let t = m.as_str();
            let lower = t.to_ascii_lowercase();
            if lower.starts_with("<script") {
                assert!(own_scripts.contains(&t), "{name}: foreign script tag {t}");
            }
            // An attribute, not text inside a quoted value (a meta description may quote a
            // runbook title that holds `onload=`, escaped).
            let attributes = quoted.replace_all(t, "\"\"");
            assert!(
                !handler.is_match(&attributes),
                "{name}: event handler in {t}"
            );
            assert!(!lower.contains("javascript:"), "{name}: script URL in {t}");
            // A Markdown image is allowed, with its unsafe URL replaced by `#`.
            let neutral_image = lower.starts_with("<img src=\"#\"");
            for bad in ["<img", "<svg", "<set", "<iframe", "<b "] {
                let injected = lower.starts_with(bad) && !neutral_image;
                assert!(!injected, "{name}: injected element {t}");
            }
        }
        assert!(
            html.contains("{{ 7*7 }}"),
            "{name}: template syntax must stay literal"
        );
        assert!(
            !html.contains("49"),
            "{name}: template syntax was evaluated"
        );
    }
    let boom = read(&out.join("evil/boom.html"));
    assert!(boom.contains("{% for x in range(3) %}{{ x }}{% endfor %}"));
    let data = boom.split("id=\"targets\">").nth(1).expect("targets block");
    let data = data.split("</script>").next().expect("end of block");
    assert!(!data.contains('<'), "targets JSON must escape <: {data}");
    let index = read(&out.join("search-index.js"));
    assert!(!index.contains('<'), "search index must escape <");
    assert!(index.contains("\\u003c/script\\u003e"));
}

#[test]
fn invalid_ids_never_reach_the_site() {
    let project = Project::new().copy(
        Project::repo().join("runbooks/api.yaml"),
        "runbooks/Evil<script>.yaml",
    );
    let out = project.beside("book");
    let output = project.build(&out);
    assert_eq!(output.code(), 1, "lint errors stop the build");
    assert!(output.stdout().contains("invalid-id"));
    assert!(!out.exists());
}

/// A project of the bundled `api.yaml`, built into `book` beside it, and that site's files.
fn built_api() -> (
    Project,
    std::path::PathBuf,
    std::collections::BTreeMap<String, Vec<u8>>,
) {
    let project = Project::new().bundled("api.yaml");
    let out = project.beside("book");
    project.build(&out).assert_ok();
    let before = tree(&out);
    (project, out, before)
}

/// Builds `project` into `out`, expects the build to fail (exit 2) with `out` still the tree
/// `before`, and returns what it printed on stderr.
fn failed_build_keeps_the_site(
    project: &Project,
    out: &Path,
    before: &std::collections::BTreeMap<String, Vec<u8>>,
) -> String {
    let output = project.build(out);
    assert_eq!(output.code(), 2);
    assert_eq!(&tree(out), before, "the previous site must be untouched");
    output.stderr()
}

#[test]
fn a_failed_build_leaves_the_previous_site_byte_identical() {
    let (project, out, before) = built_api();

    // Fails on the third page it renders, after others were written to the staging folder.
    project.write(
        "templates/failure_mode.html",
        "{% extends \"base.html\" %}{% block main %}{{ title }}\n{% if id == \"rollout-instability\" %}{{ no_such_variable }}{% endif %}{% endblock %}",
    );
    let api = project.read("runbooks/api.yaml");
    project.write(
        "runbooks/api.yaml",
        api.replace("Increased latency", "Slower"),
    );
    let stderr = failed_build_keeps_the_site(&project, &out, &before);
    assert!(stderr.contains("failure_mode.html:2"), "{stderr}");
    assert!(stderr.contains("undefined"), "{stderr}");
    let names: Vec<String> = fs::read_dir(project.path().parent().expect("the temporary folder"))
        .expect("ls")
        .flatten()
        .map(|e| e.file_name().to_string_lossy().into_owned())
        .collect();
    assert_eq!(names.len(), 2, "no staging folder left behind: {names:?}");
}

/// The index is written as it renders (never whole in memory): a template error half way
/// still fails the build with the template's file and line, and leaves the last site whole.
#[test]
fn a_failing_streamed_index_leaves_the_previous_site_byte_identical() {
    let (project, out, before) = built_api();
    project.write(
        "templates/index.html",
        "{% extends \"base.html\" %}{% block main %}{% for g in groups %}<h2>{{ g.service }}</h2>\n{{ g.no_such_field }}{% endfor %}{% endblock %}",
    );
    let stderr = failed_build_keeps_the_site(&project, &out, &before);
    assert!(stderr.contains("index.html:2"), "{stderr}");
    assert!(stderr.contains("undefined"), "{stderr}");
}

#[test]
fn a_folder_without_the_marker_is_refused() {
    let tmp = tempfile::tempdir().expect("tempdir");
    let out = tmp.path().join("docs");
    fs::create_dir_all(&out).expect("mkdir");
    fs::write(out.join("notes.md"), "precious").expect("write");
    let output = Project::repo().build(&out);
    assert_eq!(output.code(), 2);
    let stderr = output.stderr();
    assert!(
        stderr.contains("refusing to replace a folder that opsbook did not build"),
        "{stderr}"
    );
    assert_eq!(read(&out.join("notes.md")), "precious");
}

#[test]
fn an_unwritable_parent_is_a_clear_error() {
    // /proc refuses new folders even to root, so this runs everywhere on Linux.
    if Path::new("/proc/self").is_dir() {
        let output = Project::repo().build(Path::new("/proc/self/book"));
        assert_eq!(output.code(), 2);
        let stderr = output.stderr();
        assert!(
            stderr.contains("/proc/self: cannot create a staging folder"),
            "{stderr}"
        );
    }
    read_only_parent();
}

#[cfg(unix)]
fn read_only_parent() {
    use std::os::unix::fs::PermissionsExt;
    let tmp = tempfile::tempdir().expect("tempdir");
    let parent = tmp.path().join("ro");
    let out = parent.join("book");
    Project::repo().build(&out).assert_ok();
    let before = tree(&out);
    fs::set_permissions(&parent, fs::Permissions::from_mode(0o555)).expect("chmod");
    if fs::write(parent.join("probe"), "x").is_ok() {
        println!("note: running as root, a read-only folder is still writable; skipped");
        return;
    }
    let output = Project::repo().build(&out);
    fs::set_permissions(&parent, fs::Permissions::from_mode(0o755)).expect("chmod");
    assert_eq!(output.code(), 2);
    let stderr = output.stderr();
    assert!(
        stderr.contains("cannot create a staging folder"),
        "{stderr}"
    );
    assert_eq!(tree(&out), before);
}

#[cfg(not(unix))]
fn read_only_parent() {}

#[test]
fn lint_warnings_are_printed_and_the_build_goes_on() {
    let old = Project::repo()
        .read("runbooks/api.yaml")
        .replace("2026-11-20", "2020-01-01");
    let project = Project::new().file("runbooks/api.yaml", old);
    let out = project.beside("book");
    let output = project.build(&out);
    output.assert_ok();
    assert!(output.stdout().contains("stale-review"));
    assert!(read(&out.join("index.html")).contains("stale: reviewed 2020-01-01"));
}

#[test]
fn templates_and_assets_are_overridden_by_name() {
    let project = Project::new()
        .bundled("api.yaml")
        .file(
            "templates/incident.html",
            "{% extends \"base.html\" %}{% block main %}<p>Our own form for {{ site.title }}</p>{% endblock %}",
        )
        .file("templates/site.css", "body { color: teal; }");
    let out = project.beside("book");
    project.build(&out).assert_ok();
    let incident = read(&out.join("incident.html"));
    assert!(
        incident.contains("<p>Our own form for On-call book</p>"),
        "{incident}"
    );
    assert!(
        incident.contains("Content-Security-Policy"),
        "the default base.html is kept"
    );
    assert_eq!(read(&out.join("site.css")), "body { color: teal; }");
    assert!(
        read(&out.join("site.js")).contains("OPSBOOK_INDEX"),
        "other assets keep their default"
    );
}

/// The shared pieces are templates of their own: overriding one changes every page that shows
/// it. A `macros.html` left from when they were macros stops the build, naming where its pieces
/// went, instead of being ignored.
#[test]
fn a_piece_is_overridden_by_name_and_a_retired_macros_html_is_refused() {
    let project = Project::new().bundled("api.yaml").file(
        "templates/severity.html",
        "<b class=\"sev\">{{ sev|upper }}</b>",
    );
    let out = project.beside("book");
    project.build(&out).assert_ok();
    let page = read(&out.join("api/error-spike.html"));
    assert!(page.contains("<b class=\"sev\">SEV1</b>"), "{page}");
    assert!(read(&out.join("api/index.html")).contains("<b class=\"sev\">"));
    assert!(read(&out.join("index.html")).contains("<b class=\"sev\">"));
    let before = tree(&out);

    project.write(
        "templates/macros.html",
        "{% macro severity(sev) %}{{ sev }}{% endmacro %}",
    );
    let stderr = failed_build_keeps_the_site(&project, &out, &before);
    assert!(
        stderr.contains("macros.html: opsbook no longer reads this template"),
        "{stderr}"
    );
    assert!(
        stderr.contains("severity.html") && stderr.contains("then delete macros.html"),
        "{stderr}"
    );
}

#[test]
fn staging_folders_of_killed_builds_are_removed_and_nothing_else() {
    let project = Project::new().bundled("api.yaml");
    let out = project.beside("book");
    let parent = out.parent().expect("the temporary folder");
    // What `kill -9` during a build leaves: a staging folder whose marker nobody holds.
    let killed = parent.join(".book.killed");
    // A build still running (this test holds its marker's lock), and someone's own folder.
    let running = parent.join(".book.running");
    let foreign = parent.join(".book.notes");
    for dir in [&killed, &running, &foreign] {
        fs::create_dir_all(dir.join("api")).expect("mkdir");
        fs::write(dir.join("api/index.html"), "half a site").expect("write");
    }
    fs::write(killed.join(".opsbook-build"), "").expect("marker");
    fs::write(running.join(".opsbook-build"), "").expect("marker");
    let holder = fs::File::open(running.join(".opsbook-build")).expect("open marker");
    holder.lock().expect("lock marker");

    project.build(&out).assert_ok();
    assert!(!killed.exists(), "an abandoned staging folder is removed");
    assert!(
        running.join("api/index.html").is_file(),
        "a live build's folder is kept"
    );
    assert!(
        foreign.join("api/index.html").is_file(),
        "no marker, never removed"
    );

    drop(holder);
    project.build(&out).assert_ok();
    assert!(!running.exists(), "removed once its build has ended");
    assert!(foreign.join("api/index.html").is_file());
    assert!(
        !out.join(".opsbook-build").exists(),
        "the site carries no build marker"
    );
}

/// A page whose bytes did not change is the previous site's file, linked into the new site
/// rather than written again (the same inode); a changed page is a new file; a file of the old
/// site turned into a link to elsewhere is never pulled in.
#[cfg(unix)]
#[test]
fn a_rebuild_keeps_unchanged_pages_and_rewrites_the_rest() {
    use std::os::unix::fs::MetadataExt;
    let project = Project::new().bundled("api.yaml").bundled("postgres.yaml");
    let out = project.beside("book");
    project.build(&out).assert_ok();
    let inode = |rel: &str| fs::metadata(out.join(rel)).expect(rel).ino();
    let kept = "postgres/index.html";
    let changed = "api/increased-latency.html";
    let (kept_before, changed_before) = (inode(kept), inode(changed));
    // A page someone replaced by a link to a file with the same bytes elsewhere.
    let css = out.join("site.css");
    let elsewhere = project.beside("site.css");
    fs::copy(&css, &elsewhere).expect("copy");
    fs::remove_file(&css).expect("rm");
    std::os::unix::fs::symlink(&elsewhere, &css).expect("symlink");

    let api = project.read("runbooks/api.yaml");
    project.write(
        "runbooks/api.yaml",
        api.replace("Increased latency", "Slower answers"),
    );
    project.build(&out).assert_ok();
    assert_eq!(inode(kept), kept_before, "{kept} was written again");
    assert_ne!(
        inode(changed),
        changed_before,
        "{changed} was not rewritten"
    );
    assert!(read(&out.join(changed)).contains("Slower answers"));
    let css_meta = fs::symlink_metadata(&css).expect("site.css");
    assert!(css_meta.file_type().is_file(), "site.css is a file again");
    assert_ne!(
        css_meta.ino(),
        fs::metadata(&elsewhere).expect("copy").ino()
    );
    assert_eq!(css_meta.nlink(), 1, "shares nothing with the old site");
    assert_eq!(fs::metadata(out.join(kept)).expect(kept).nlink(), 1);
}
