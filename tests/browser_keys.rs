//! The site under a reader's hands: headless Chromium driven over WebDriver presses real keys
//! and clicks (`--dump-dom` in `browser.rs` can do neither), on pages built from runbooks
//! written here. Every test fails on a CSP violation or an uncaught error in the console.
//!
//! Runs only when `OPSBOOK_CHROMIUM` names a Chromium and chromedriver is installed; otherwise
//! each test prints a note and passes (under `CI=true` a missing chromedriver fails).

use std::path::PathBuf;

use serde_json::{Value, json};

mod support;

use support::Project;
use support::chromium::file_url;
use support::webdriver::{ARROW_DOWN, Browser, ENTER, wait};

/// A runbook with two failure modes and two targets; the word `backlog` is in both failure
/// modes, but only one has it in its title, so that one is the first search result.
const SHOP: &str = r#"
title: Shop
service: shop
owner: team-shop
last_reviewed: 2026-11-20
targets:
  local: http://127.0.0.1:3000
  staging: https://shop.staging.example.com
checks:
  - id: healthz
    title: Is the process up?
    curl: curl -i {{ target }}/healthz
    expect: { status: 200 }
failure_modes:
  - id: card-declines
    title: Card declines spike
    severity: sev2
    symptoms: [A backlog of payment retries builds up]
    hypotheses:
      - cause: The card processor rejects requests
        checks: [healthz]
    checks: [healthz]
    actions:
      - id: fail-over
        title: Fail over to the second processor
        risk: low
        confirm: [healthz]
  - id: webhook-backlog
    title: Webhook backlog
    severity: sev3
    symptoms: [Payment webhooks arrive late]
    hypotheses:
      - cause: The queue consumer stopped
        checks: [healthz]
    checks: [healthz]
    actions:
      - id: restart-consumer
        title: Restart the consumer
        risk: low
        confirm: [healthz]
"#;

/// A runbook for the alert pages: alert labels as params, used in a check's URL, and a failure
/// mode an alert leads to. Nothing but the alert's name says `crashloop`.
const K8S: &str = r#"
title: Kubernetes workloads
service: cluster
owner: team-platform
last_reviewed: 2026-11-20
params:
  namespace: { description: Kubernetes namespace, default: default }
  pod: { description: Pod name }
targets:
  local: http://127.0.0.1:8001
checks:
  - id: pod
    title: Is the pod there?
    curl: curl -i {{ target }}/pods/{{ namespace }}/{{ pod }}
    expect: { status: 200 }
failure_modes:
  - id: pods-restart
    title: Pods restart in a loop
    severity: sev2
    alerts: [{ name: KubePodCrashLooping, severity: warning }]
    symptoms: [Requests fail while pods come and go]
    hypotheses:
      - cause: The new image fails its liveness probe
        checks: [pod]
    checks: [pod]
    actions:
      - id: roll-back
        title: Roll back the last deploy
        risk: low
        confirm: [pod]
"#;

/// A project of `runbooks` (name, YAML) and the `book/` built beside it.
fn book(runbooks: &[(&str, &str)]) -> (Project, PathBuf) {
    let project = runbooks
        .iter()
        .fold(Project::new(), |p, (name, yaml)| p.runbook(name, yaml));
    let out = project.beside("book");
    project.build(&out).assert_ok();
    (project, out)
}

/// The console check every test ends with must see what it is there to catch.
#[test]
fn console_check_sees_csp_violations_and_uncaught_errors() {
    let Some(browser) = Browser::start() else {
        return;
    };
    let (_project, out) = book(&[("shop", SHOP)]);
    browser.goto(&file_url(&out.join("index.html"), ""));
    browser.assert_no_problems();
    browser.script(
        "var s = document.createElement('script'); s.textContent = '1'; \
         document.body.appendChild(s); setTimeout(function () { throw new Error('boom'); });",
        json!([]),
    );
    let problems = wait("two console problems", || {
        let seen = browser.problems();
        if seen.len() >= 2 {
            Ok(seen)
        } else {
            Err(format!("{seen:?}"))
        }
    });
    assert!(
        problems[0].contains("Content Security Policy"),
        "{problems:?}"
    );
    assert!(problems[1].contains("Uncaught Error: boom"), "{problems:?}");
}

/// The theme the page shows: the one set on `<html>`, else the system's.
fn theme(browser: &Browser) -> String {
    let shown = browser.script(
        "var html = document.documentElement; return html.getAttribute('data-theme') || \
         (matchMedia('(prefers-color-scheme: dark)').matches ? 'dark' : 'light');",
        json!([]),
    );
    shown.as_str().unwrap_or_default().to_owned()
}

#[test]
fn theme_choice_survives_reloads_and_other_pages() {
    let Some(browser) = Browser::start() else {
        return;
    };
    let (_project, out) = book(&[("shop", SHOP)]);
    let index = file_url(&out.join("index.html"), "");
    let page = file_url(&out.join("shop/webhook-backlog.html"), "");
    browser.goto(&index);
    let system = theme(&browser);
    browser.find("#theme-toggle").click();
    let chosen = theme(&browser);
    assert_ne!(chosen, system, "the toggle flips the theme");
    browser.refresh();
    assert_eq!(theme(&browser), chosen, "after a reload");
    browser.goto(&page);
    assert_eq!(theme(&browser), chosen, "on another page of the book");
    browser.find("#theme-toggle").click();
    assert_eq!(theme(&browser), system, "the second click flips it back");
    browser.goto(&index);
    assert_eq!(theme(&browser), system, "and that choice is remembered too");
    browser.assert_no_problems();
}

/// Reads the clipboard back; an error is returned as text so the assertion shows it.
const READ_CLIPBOARD: &str = "var done = arguments[arguments.length - 1];
navigator.clipboard.readText().then(done, function (e) { done('cannot read: ' + e); });";

#[test]
fn copy_button_copies_the_filled_command() {
    let Some(browser) = Browser::start() else {
        return;
    };
    let project = Project::new().runbook("shop", SHOP);
    // Served, not from file://: http://127.0.0.1 is a secure context, so the page copies with
    // the Clipboard API and the test can read it back.
    let server = project.serve();
    let url = format!(
        "http://{}/shop/webhook-backlog.html?target=staging",
        server.addr
    );
    browser.goto(&url);
    browser.grant("clipboard-read");
    browser.grant("clipboard-write");
    let check = "section[aria-labelledby=checks] .cmd";
    let shown = browser.find(&format!("{check} code[data-template]")).text();
    assert_eq!(shown, "curl -i https://shop.staging.example.com/healthz");
    let button = browser.find(&format!("{check} button.copy"));
    button.click();
    // The label goes back to `Copy` after 1.5 s; polling every 50 ms sees it change.
    wait("the button to say `Copied`", || {
        let label = button.text();
        (label == "Copied").then_some(()).ok_or(label)
    });
    let copied = browser.script_async(READ_CLIPBOARD, json!([]));
    assert_eq!(copied, Value::String(shown), "the clipboard");
    browser.assert_no_problems();
}

/// On the page open now: `/` to focus the search box, `query` typed key by key, ArrowDown to
/// select the first result, Enter to open it.
fn search_and_open_first(browser: &Browser, query: &str) {
    browser.press("/");
    wait("`/` to focus the search box `#q`", || {
        // With the document's state and address, should the key have reached another page.
        let focused = browser.script(
            "return [document.activeElement.id, document.readyState, location.href];",
            json!([]),
        );
        (focused[0] == "q")
            .then_some(())
            .ok_or_else(|| focused.to_string())
    });
    browser.press(query);
    assert_eq!(browser.find("#q").prop("value"), query, "what was typed");
    wait(&format!("a search result for `{query}`"), || {
        let results = browser.script(
            "return document.getElementById('results').textContent;",
            json!([]),
        );
        let found = browser.try_find("#results li[role=option]").is_some();
        found.then_some(()).ok_or_else(|| results.to_string())
    });
    browser.press(ARROW_DOWN);
    browser.wait_for("#results li[role=option][aria-selected=true]");
    browser.press(ENTER);
}

#[test]
fn keyboard_search_opens_the_failure_mode() {
    let Some(browser) = Browser::start() else {
        return;
    };
    let (_project, out) = book(&[("shop", SHOP)]);
    browser.goto(&file_url(&out.join("index.html"), ""));
    search_and_open_first(&browser, "backlog");
    let url = browser.wait_for_page("shop/webhook-backlog.html");
    assert!(url.ends_with("shop/webhook-backlog.html"), "{url}");
    browser.assert_no_problems();
}

/// `crashloop` matches only the alert's name, by its parts.
#[test]
fn keyboard_search_finds_a_failure_mode_by_its_alert() {
    let Some(browser) = Browser::start() else {
        return;
    };
    let (_project, out) = book(&[("shop", SHOP), ("k8s", K8S)]);
    browser.goto(&file_url(&out.join("index.html"), ""));
    search_and_open_first(&browser, "crashloop");
    // The result may lead through `alerts/KubePodCrashLooping.html`, which forwards here.
    browser.wait_for_page("k8s/pods-restart.html");
    browser.assert_no_problems();
}

/// Waits until one of the page's commands reads `expected`.
fn wait_for_command(browser: &Browser, expected: &str) {
    wait(&format!("a command reading `{expected}`"), || {
        let commands = browser.find_all("[data-template]");
        let shown: Vec<String> = commands.iter().map(|c| c.text()).collect();
        let found = shown.iter().any(|text| text == expected);
        found.then_some(()).ok_or_else(|| format!("{shown:?}"))
    });
}

/// An alert's link carries its labels in the query; the alert page forwards them to the
/// failure mode, whose commands fill them in and refill as an input is edited. A label the
/// alert does not have (`namespace=`) keeps the param's default.
#[test]
fn alert_page_forwards_its_labels_and_params_refill_commands() {
    let Some(browser) = Browser::start() else {
        return;
    };
    let (_project, out) = book(&[("k8s", K8S)]);
    let alert = out.join("alerts/KubePodCrashLooping.html");
    assert!(alert.is_file(), "no alert page: {}", alert.display());
    let labels = "?namespace=shop&pod=api-7f9c";
    browser.goto(&file_url(&alert, labels));
    let url = browser.wait_for_page("k8s/pods-restart.html");
    assert!(url.ends_with(labels), "the labels came along: {url}");
    wait_for_command(&browser, "curl -i http://127.0.0.1:8001/pods/shop/api-7f9c");
    let pod = browser.find("#param-pod");
    pod.clear();
    pod.send_keys("web-1");
    wait_for_command(&browser, "curl -i http://127.0.0.1:8001/pods/shop/web-1");
    browser.goto(&file_url(&alert, "?namespace=&pod=api-7f9c"));
    browser.wait_for_page("k8s/pods-restart.html");
    wait_for_command(
        &browser,
        "curl -i http://127.0.0.1:8001/pods/default/api-7f9c",
    );
    browser.assert_no_problems();
}
