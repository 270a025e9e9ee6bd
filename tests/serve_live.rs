//! `opsbook serve`'s live reload in Chromium, driven by playwright-core
//! (`tests/browser/live.mjs`): an edit appears in the open page in place, the page still works,
//! an edit of the page's frame reloads it, a broken edit shows its errors and the fix the page.
//!
//! Runs when `OPSBOOK_CHROMIUM` names a Chromium binary and Node can install the scripts'
//! packages (`.ci/run` sees to both); otherwise it prints why and passes.

mod support;

use support::chromium::chromium;
use support::{Project, playwright};

#[test]
fn an_edit_shows_in_the_open_page_which_keeps_working() {
    let Some(chromium) = chromium() else { return };
    let Some(dir) = playwright::scripts() else {
        return;
    };
    let project = Project::new()
        .file("opsbook.yaml", "title: opsbook example on-call book\n")
        .bundled("api.yaml");
    let server = project.serve();
    let page = format!(
        "http://{}/api/increased-latency.html?target=staging",
        server.addr
    );
    let run = playwright::node(
        dir,
        "live.mjs",
        &[&page, project.path().to_str().unwrap(), &chromium],
    );
    assert!(run.status.success(), "{}", playwright::shown(&run));
}
