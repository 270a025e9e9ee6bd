//! Checks that opsbook does not simply send: a command run by hand (`run:`) is shown, listed as
//! manual and recorded in the incident skeleton but never executed; a request that changes state
//! (`mutating: true`) is skipped unless `--allow-mutating`. And the lint thresholds that go with
//! them: `max_hypotheses`, `no-executable-check`.

mod support;

use std::sync::atomic::{AtomicUsize, Ordering};
use std::sync::{Arc, Mutex};

use support::{Project, net};

/// A loopback service answering 204 to everything, remembering each request's line.
fn service() -> (String, Arc<Mutex<Vec<String>>>) {
    let seen = Arc::new(Mutex::new(Vec::new()));
    let log = Arc::clone(&seen);
    let addr = net::serve(move |mut stream| {
        let head = net::read_head(&stream);
        let line = head.lines().next().unwrap_or("").to_owned();
        log.lock().expect("lock").push(line);
        let reply = "HTTP/1.1 204 No Content\r\nconnection: close\r\n\r\n";
        let _ = std::io::Write::write_all(&mut stream, reply.as_bytes());
    });
    (format!("http://{addr}"), seen)
}

const CHECKS: &str = r#"
  - id: alive
    curl: curl -i {{ target }}/healthz
    expect: { status: 204 }
  - id: describe-pod
    title: What does Kubernetes say about the pod?
    run: kubectl -n {{ namespace }} describe pod {{ pod }}
    look_for: "`Last State: Terminated` and its `Reason`"
  - id: flush
    title: Flush the cache
    curl: curl -X POST {{ target }}/admin/flush
    mutating: true
    expect: { status: 204 }
failure_modes:
  - id: crash-looping
    title: Pods restart in a loop
    severity: sev2
    symptoms: [restarts climb]
    hypotheses:
      - cause: The new release exits at startup
        checks: [describe-pod]
    checks: [alive, describe-pod]
    actions:
      - id: flush-cache
        title: Flush the cache
        risk: low
        confirm: [flush, describe-pod]
"#;

fn project(url: &str) -> Project {
    let runbook = net::runbook(url, &[], CHECKS).replace(
        "targets:",
        "params:\n  namespace: { description: Namespace, default: shop }\n  pod: { description: Pod }\ntargets:",
    );
    Project::new().runbook("k8s", &runbook)
}

#[test]
fn a_manual_check_is_listed_never_run_and_does_not_change_the_exit_code() {
    let (url, seen) = service();
    let p = project(&url);
    p.run(&["lint"]).assert_ok();
    let out = p.run_with(
        &["check", "k8s", "--param", "pod=api-0"],
        &[("NO_COLOR", "1")],
    );
    assert_eq!(out.code(), 0, "{out:?}");
    let text = out.stdout();
    assert!(text.contains("MANUAL  k8s#describe-pod"), "{text}");
    assert!(
        text.contains("run by hand: kubectl -n shop describe pod api-0"),
        "params filled: {text}"
    );
    assert!(
        text.contains("look for: `Last State: Terminated` and its `Reason`"),
        "{text}"
    );
    assert!(
        text.ends_with("1 passed, 0 failed, 1 to run by hand, 1 skipped (mutating)\n"),
        "{text}"
    );
    let seen = seen.lock().expect("lock").clone();
    assert_eq!(
        seen,
        ["GET /healthz HTTP/1.1"],
        "only the curl check was sent"
    );
    let json = p.run(&["check", "k8s", "--param", "pod=api-0", "--format", "json"]);
    let value: serde_json::Value = serde_json::from_str(&json.stdout()).expect("json");
    assert_eq!(value["summary"]["manual"], 1);
    let manual = &value["results"][1];
    assert_eq!(manual["outcome"], "manual");
    assert_eq!(manual["command"], "kubectl -n shop describe pod api-0");
}

#[test]
fn a_mutating_check_is_skipped_unless_allowed() {
    let (url, seen) = service();
    let p = project(&url);
    let skipped = p.run(&["check", "k8s#flush"]);
    assert_eq!(skipped.code(), 0, "{skipped:?}");
    assert!(skipped.stdout().contains("SKIP   k8s#flush"), "{skipped:?}");
    assert!(
        skipped
            .stdout()
            .contains("pass --allow-mutating to send it"),
        "{skipped:?}"
    );
    assert!(seen.lock().expect("lock").is_empty(), "nothing was sent");
    let sent = p.run(&["check", "k8s#flush", "--allow-mutating"]);
    assert_eq!(sent.code(), 0, "{sent:?}");
    assert!(sent.stdout().contains("PASS   k8s#flush"), "{sent:?}");
    assert_eq!(
        seen.lock().expect("lock").clone(),
        ["POST /admin/flush HTTP/1.1"]
    );
}

#[test]
fn an_unmarked_write_fails_lint_and_is_never_sent() {
    let hits = Arc::new(AtomicUsize::new(0));
    let count = Arc::clone(&hits);
    let addr = net::serve(move |mut stream| {
        net::read_head(&stream);
        count.fetch_add(1, Ordering::SeqCst);
        let _ = std::io::Write::write_all(&mut stream, b"HTTP/1.1 204 No Content\r\n\r\n");
    });
    let checks = "  - id: purge\n    curl: curl --request DELETE {{ target }}/admin/users\n    expect: { status: 204 }\n";
    let p = Project::new().runbook(
        "admin",
        &net::runbook(&format!("http://{addr}"), &[], checks),
    );
    let lint = p.run(&["lint", "--color", "never"]);
    assert_eq!(lint.code(), 1, "{lint:?}");
    assert!(
        lint.stdout()
            .contains("error[mutating-check]: the check sends a DELETE request but does not say `mutating: true`"),
        "{lint:?}"
    );
    let check = p.run(&["check"]);
    assert_eq!(check.code(), 2, "lint errors stop the run: {check:?}");
    assert_eq!(hits.load(Ordering::SeqCst), 0);
}

#[test]
fn the_page_marks_manual_and_mutating_checks() {
    let p = project("http://127.0.0.1:9");
    p.run(&["build"]).assert_ok();
    let page = p.read("book/k8s/crash-looping.html");
    assert!(page.contains(r#"<span class="tag tag-manual">run by hand</span>"#));
    assert!(page.contains(
        r#"data-template="kubectl -n {{ namespace }} describe pod {{ pod }}">kubectl -n shop describe pod {{ pod }}</code>"#
    ), "the default param is filled, the missing one left visible");
    assert!(page.contains("look for: <code>Last State: Terminated</code>"));
    assert!(page.contains("changes state</span>"));
}

#[test]
fn the_incident_skeleton_records_the_manual_check() {
    let p = project("http://127.0.0.1:9");
    let out = p.run(&[
        "incident",
        "new",
        "k8s#crash-looping",
        "--title",
        "api restarts",
        "--severity",
        "sev2",
    ]);
    out.assert_ok();
    let path = std::fs::read_dir(p.join("incidents"))
        .expect("incidents")
        .flatten()
        .next()
        .expect("a record")
        .path();
    let record = std::fs::read_to_string(&path).expect("record");
    assert!(
        record.contains(
            "- `describe-pod`: What does Kubernetes say about the pod? (run by hand; look for: `Last State: Terminated` and its `Reason`)\n\n  ```sh\n  kubectl -n shop describe pod {{ pod }}\n  ```"
        ),
        "{record}"
    );
    assert!(
        record.contains("- `flush`: Flush the cache (changes state)"),
        "{record}"
    );
    let path = path.to_str().expect("utf-8");
    let lint = p.run(&["incident", "lint", "--color", "never", path]);
    assert!(lint.stdout().contains("0 errors"), "{lint:?}");
}

#[test]
fn hypotheses_up_to_max_hypotheses_are_fine() {
    let hypotheses: String = (1..=5)
        .map(|n| format!("      - cause: Cause {n}\n"))
        .collect();
    let runbook = net::runbook("http://127.0.0.1:9", &[], CHECKS).replace(
        "      - cause: The new release exits at startup\n        checks: [describe-pod]\n",
        &hypotheses,
    );
    let runbook = runbook.replace(
        "targets:",
        "params:\n  namespace: { description: N, default: shop }\n  pod: { description: P }\ntargets:",
    );
    let p = Project::new()
        .runbook("k8s", &runbook)
        .config("lint: { deny_warnings: true }\n");
    p.run(&["lint"]).assert_ok();
    let strict = Project::new()
        .runbook("k8s", &runbook)
        .config("lint: { deny_warnings: true }\nmax_hypotheses: 3\n");
    let out = strict.run(&["lint", "--color", "never"]);
    assert_eq!(out.code(), 1, "{out:?}");
    assert!(
        out.stdout()
            .contains("failure mode `crash-looping` has 5 hypotheses, over `max_hypotheses` (3)"),
        "{out:?}"
    );
}

#[test]
fn a_book_of_manual_commands_can_turn_the_warning_off() {
    let checks = "  - id: pods\n    run: kubectl get pods\n    look_for: pods not ready\nfailure_modes:\n  - id: down\n    title: Down\n    severity: sev1\n    symptoms: [x]\n    hypotheses:\n      - cause: y\n    checks: [pods]\n    actions:\n      - { id: a, title: A, risk: low, confirm: [pods] }\n";
    let runbook =
        "title: T\nservice: s\nowner: o\nlast_reviewed: 2026-11-20\nchecks:\n".to_owned() + checks;
    let warned = Project::new().runbook("manual", &runbook);
    let out = warned.run(&["lint", "--color", "never"]);
    assert_eq!(
        out.code(),
        0,
        "a warning, and no `no-targets` without executable checks: {out:?}"
    );
    assert!(
        out.stdout().contains("warning[no-executable-check]"),
        "{out:?}"
    );
    let off = Project::new()
        .runbook("manual", &runbook)
        .config("lint: { deny_warnings: true, rules: { no-executable-check: off } }\n");
    off.run(&["lint"]).assert_ok();
}

#[test]
fn a_write_is_skipped_even_with_mutating_check_turned_off() {
    let (url, seen) = service();
    let checks = "  - id: purge\n    curl: curl -d all=1 {{ target }}/admin/purge\n    expect: { status: 204 }\n";
    let p = Project::new()
        .config("lint:\n  rules: { mutating-check: off }\n")
        .runbook("admin", &net::runbook(&url, &[], checks));
    let skipped = p.run(&["check"]);
    assert_eq!(skipped.code(), 0, "{skipped:?}");
    assert!(
        skipped
            .stdout()
            .contains("changes state (a POST request); pass --allow-mutating to send it"),
        "{skipped:?}"
    );
    assert!(seen.lock().expect("lock").is_empty(), "nothing was sent");
    let sent = p.run(&["check", "--allow-mutating"]);
    assert_eq!(sent.code(), 0, "{sent:?}");
    assert_eq!(
        seen.lock().expect("lock").clone(),
        ["POST /admin/purge HTTP/1.1"]
    );
}

#[test]
fn a_dry_run_says_which_commands_a_real_run_would_not_send() {
    let (url, seen) = service();
    let p = project(&url);
    let out = p.run(&["check", "--dry-run", "--param", "pod=api-0"]);
    assert_eq!(out.code(), 0, "{out:?}");
    let text = out.stdout();
    assert!(
        text.contains("k8s#describe-pod  kubectl -n shop describe pod api-0  # run by hand\n"),
        "{text}"
    );
    assert!(
        text.contains(
            "/admin/flush  # changes state (`mutating: true`); pass --allow-mutating to send it\n"
        ),
        "{text}"
    );
    assert!(
        text.contains("/healthz\n"),
        "a check that would be sent has no note: {text}"
    );
    let allowed = p.run(&["check", "--dry-run", "--allow-mutating", "--format", "json"]);
    let json: serde_json::Value = serde_json::from_str(&allowed.stdout()).expect("json");
    let notes: Vec<&serde_json::Value> = json["checks"]
        .as_array()
        .expect("checks")
        .iter()
        .map(|c| &c["not_sent"])
        .collect();
    assert_eq!(
        notes,
        [
            &serde_json::Value::Null,
            &"run by hand".into(),
            &serde_json::Value::Null
        ]
    );
    assert!(
        seen.lock().expect("lock").is_empty(),
        "a dry run sends nothing"
    );
}
