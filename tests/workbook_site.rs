//! The postmortem workbook in the built book, from the fixture project's records (open,
//! mitigated and resolved; ticked and struck hypotheses; action items done, open and overdue;
//! hostile Markdown; one record being written that cannot be read). Runs see 2026-11-26 as
//! today (`support::TODAY`).

use std::path::Path;

mod support;

use support::Project;

fn built() -> (tempfile::TempDir, std::path::PathBuf, support::Run) {
    let tmp = tempfile::tempdir().expect("tempdir");
    let out = tmp.path().join("book");
    let run = Project::fixture("workbook").build(&out);
    (tmp, out, run)
}

fn read(out: &Path, page: &str) -> String {
    std::fs::read_to_string(out.join(page)).unwrap_or_else(|e| panic!("{page}: {e}"))
}

/// The page's `<main>` element.
fn main_of(html: &str) -> &str {
    let start = html.find("<main").expect("<main>");
    let end = html.find("</main>").expect("</main>") + "</main>".len();
    &html[start..end]
}

/// The part of `html` from the element with `id` to the end of its section.
fn section<'a>(html: &'a str, id: &str) -> &'a str {
    let at = html.find(&format!("id=\"{id}\"")).expect(id);
    let start = html[..at].rfind("<section").expect("<section");
    let end = at + html[at..].find("</section>").expect("</section>") + "</section>".len();
    &html[start..end]
}

#[test]
fn an_unreadable_record_is_a_warning_and_everything_else_is_published() {
    let (_tmp, out, run) = built();
    run.assert_ok();
    let stderr = run.stderr();
    assert!(
        stderr.contains("warning: incidents/2026-11-27-being-written.md:2:8: unclosed quote"),
        "{stderr}"
    );
    let index = read(&out, "incidents/index.html");
    assert_eq!(index.matches("<tr data-status=").count(), 5, "{index}");
    assert!(index.contains("<code>2026-11-27-being-written.md</code>: 2:8: unclosed quote"));
    // Newest first.
    let order: Vec<usize> = [
        "2026-11-26-errors-spike",
        "2026-11-24-latency-again",
        "2026-11-20-p95-above-slo",
        "2026-11-10-pool-exhausted",
        "2026-11-05-hostile",
    ]
    .iter()
    .map(|slug| index.find(&format!("{slug}.html")).expect(slug))
    .collect();
    assert!(order.windows(2).all(|w| w[0] < w[1]), "{order:?}");
    for slug in ["2026-11-20-p95-above-slo", "2026-11-05-hostile"] {
        assert!(out.join(format!("incidents/{slug}.html")).is_file());
    }
}

#[test]
fn the_incident_page() {
    let (_tmp, out, run) = built();
    run.assert_ok();
    let page = read(&out, "incidents/2026-11-20-p95-above-slo.html");
    insta::assert_snapshot!(main_of(&page));
}

#[test]
fn seen_before_on_the_failure_mode_page() {
    let (_tmp, out, run) = built();
    run.assert_ok();
    let page = read(&out, "api/increased-latency.html");
    insta::assert_snapshot!(section(&page, "seen-before"));
    let never = read(&out, "api/error-spike.html");
    assert!(
        section(&never, "seen-before").contains("1 incident recorded"),
        "the open error spike counts"
    );
}

#[test]
fn action_items_put_the_overdue_first_and_mark_them() {
    let (_tmp, out, run) = built();
    run.assert_ok();
    let page = read(&out, "action-items.html");
    let rows: Vec<&str> = page.split("<tr class=").skip(1).collect();
    assert_eq!(rows.len(), 7, "{page}");
    assert!(rows[0].starts_with("\"is-overdue\""), "{}", rows[0]);
    assert!(rows[0].contains("Load-test deploys") && rows[0].contains(">overdue<"));
    assert!(rows[1..].iter().all(|r| !r.contains(">overdue<")));
    // Then open by due date, undated last, then done.
    let open: Vec<&str> = rows[1..4]
        .iter()
        .map(|r| r.split("<td>").nth(1).unwrap_or(""))
        .collect();
    assert!(open[0].starts_with("Query plan check in CI"), "{open:?}");
    assert!(open[1].starts_with("&lt;b&gt;bold"), "{open:?}");
    assert!(open[2].starts_with("Page the payments team"), "{open:?}");
    assert!(rows[4..].iter().all(|r| r.starts_with("\"is-done\"")));
}

#[test]
fn runbook_pages_and_the_index_count_incidents_and_open_items() {
    let (_tmp, out, run) = built();
    run.assert_ok();
    let runbook = read(&out, "api/index.html");
    assert!(
        runbook.contains(">5 incidents</a>, <a"),
        "{}",
        main_of(&runbook)
    );
    assert!(runbook.contains(">4 open action items</a>"));
    let index = read(&out, "index.html");
    assert!(
        index.contains(">5 incidents</a> recorded"),
        "{}",
        main_of(&index)
    );
    assert!(index.contains(">4 action items open</a>"));
}

#[test]
fn hostile_markdown_in_a_record_renders_inert() {
    let (_tmp, out, run) = built();
    run.assert_ok();
    for page in [
        "incidents/2026-11-05-hostile.html",
        "incidents/index.html",
        "action-items.html",
    ] {
        let html = read(&out, page);
        let main = main_of(&html);
        // An `onerror=` survives only inside escaped text, where it is no attribute.
        for bad in ["<script", "<iframe", "<img", "<b>", "<i>", "javascript:"] {
            assert!(!main.contains(bad), "{page} holds {bad}:\n{main}");
        }
    }
    let record = read(&out, "incidents/2026-11-05-hostile.html");
    assert!(record.contains("&lt;script&gt;alert("), "shown as text");
    assert!(record.contains("{{ request_id }}") && record.contains("{{ target }}"));
    assert!(
        !record.contains("data-template"),
        "no record text is filled in by the page"
    );
}

#[test]
fn a_book_without_records_still_has_the_workbook_pages() {
    let tmp = tempfile::tempdir().expect("tempdir");
    let out = tmp.path().join("book");
    let project = Project::new().copy(
        "tests/fixtures/workbook/runbooks/api.yaml",
        "runbooks/api.yaml",
    );
    project.build(&out).assert_ok();
    assert!(read(&out, "incidents/index.html").contains("No incident recorded yet"));
    assert!(read(&out, "action-items.html").contains("No action item recorded yet"));
    let page = read(&out, "api/increased-latency.html");
    assert!(page.contains("No incident recorded for this failure mode yet."));
}
