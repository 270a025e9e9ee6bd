//! The postmortem workbook under a reader's hands, from `file://`: filtering the incidents
//! index by status, severity and service (and from the URL), following a record to its
//! failure-mode page, and coming back. Fails on a CSP violation or an uncaught error.
//!
//! Runs only when `OPSBOOK_CHROMIUM` names a Chromium and chromedriver is installed; otherwise
//! each test prints a note and passes (under `CI=true` a missing chromedriver fails).

use serde_json::json;

mod support;

use support::Project;
use support::chromium::file_url;
use support::webdriver::{Browser, wait};

/// Chooses the option showing `text` in the select `css`.
fn choose(browser: &Browser, css: &str, text: &str) {
    let options = browser.find_all(&format!("{css} option"));
    let option = options
        .iter()
        .find(|o| o.text() == text)
        .unwrap_or_else(|| panic!("no option {text} in {css}"));
    option.click();
}

/// The titles of the rows the filters leave visible.
fn visible(browser: &Browser) -> Vec<String> {
    let rows = browser.script(
        "return Array.prototype.filter.call(document.querySelectorAll('#incidents-table tbody tr'), \
         function (r) { return !r.hidden && r.offsetParent !== null; }) \
         .map(function (r) { return r.cells[1].textContent.trim(); });",
        json!([]),
    );
    serde_json::from_value(rows).expect("titles")
}

#[test]
fn the_incidents_index_filters_from_file_urls_and_records_lead_to_their_failure_mode() {
    let Some(browser) = Browser::start() else {
        return;
    };
    let tmp = tempfile::tempdir().expect("tempdir");
    let out = tmp.path().join("book");
    Project::fixture("workbook").build(&out).assert_ok();
    let index = out.join("incidents/index.html");
    browser.goto(&file_url(&index, ""));
    browser.wait_for("#incident-filters:not([hidden])");
    assert_eq!(visible(&browser).len(), 5);

    choose(&browser, "#f-status", "resolved");
    let shown = wait("two resolved incidents", || {
        let v = visible(&browser);
        if v.len() == 2 {
            Ok(v)
        } else {
            Err(format!("{v:?}"))
        }
    });
    assert_eq!(
        shown,
        ["p95 above SLO on /hello", "Connection pool exhausted"]
    );
    assert_eq!(browser.find("#f-count").text(), "2 of 5 shown");
    choose(&browser, "#f-severity", "sev1");
    wait("nothing resolved is sev1", || {
        let v = visible(&browser);
        if v.is_empty() {
            Ok(())
        } else {
            Err(format!("{v:?}"))
        }
    });
    choose(&browser, "#f-status", "all");
    wait("the sev1 incident", || {
        let v = visible(&browser);
        if v == ["500s on checkout"] {
            Ok(())
        } else {
            Err(format!("{v:?}"))
        }
    });
    choose(&browser, "#f-severity", "all");
    choose(&browser, "#f-service", "api");
    wait("every incident is of api", || {
        let v = visible(&browser);
        if v.len() == 5 {
            Ok(())
        } else {
            Err(format!("{v:?}"))
        }
    });

    // A filter in the URL, as a link from a dashboard would give it.
    browser.goto(&file_url(&index, "?status=open"));
    browser.wait_for("#incident-filters:not([hidden])");
    let open = visible(&browser);
    assert_eq!(open.len(), 2, "{open:?}");

    // From the index to a record, to its failure mode, to the record again through "Seen
    // before", and back.
    browser.goto(&file_url(&index, ""));
    browser
        .find("a[href$='2026-11-20-p95-above-slo.html']")
        .click();
    browser.wait_for_page("incidents/2026-11-20-p95-above-slo.html");
    browser.find("#record-failure-mode a").click();
    browser.wait_for_page("api/increased-latency.html");
    let seen = browser.find("#seen-before").text();
    assert_eq!(seen, "Seen before");
    browser
        .find("#seen-actions a[href$='2026-11-20-p95-above-slo.html']")
        .click();
    browser.wait_for_page("incidents/2026-11-20-p95-above-slo.html");
    browser.script("history.back();", json!([]));
    browser.wait_for_page("api/increased-latency.html");
    browser.assert_no_problems();
}
