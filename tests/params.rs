//! Params, the alert labels a runbook declares: `check --param` fills them into the request a
//! real loopback server receives, defaults apply, a missing one is named with the flag to pass,
//! and `incident new --param` records them as `labels:`.

mod support;

use std::sync::{Arc, Mutex};

use support::{Project, net};

const PARAMS: &str = "params:\n  namespace: { description: Kubernetes namespace, default: default }\n  pod: { description: Pod name }\n";

/// A project whose runbook `k8s` checks `/pods/{{ namespace }}/{{ pod }}` against `target`,
/// with one failure mode `crash-looping` for incident records.
fn project(target: &str) -> Project {
    let checks = "  - id: pod\n    title: Is the pod serving?\n    curl: curl -i {{ target }}/pods/{{ namespace }}/{{ pod }}\n    expect: { status: 200 }\n";
    let runbook = net::runbook(target, &[], checks).replacen(
        "targets:",
        &format!("{PARAMS}targets:"),
        1,
    ) + "failure_modes:\n  - id: crash-looping\n    title: Pods restart in a loop\n    severity: sev2\n    alerts: [{ name: KubePodCrashLooping, severity: warning }]\n    symptoms: [restarts climb]\n    hypotheses:\n      - cause: A bad config\n        verify: The logs say so.\n      - cause: Out of memory\n        verify: The last state is OOMKilled.\n    checks: [pod]\n    actions:\n      - id: rollback\n        title: Roll back\n        risk: low\n        confirm: [pod]\n";
    Project::new().runbook("k8s", &runbook)
}

/// A server that answers 200 and remembers each request line.
fn recording_server() -> (String, Arc<Mutex<Vec<String>>>) {
    let seen = Arc::new(Mutex::new(Vec::new()));
    let log = Arc::clone(&seen);
    let addr = net::serve(move |mut stream| {
        let head = net::read_head(&stream);
        let line = head.lines().next().unwrap_or_default().to_owned();
        log.lock().expect("lock").push(line);
        let reply = b"HTTP/1.1 200 OK\r\ncontent-length: 0\r\nconnection: close\r\n\r\n";
        let _ = std::io::Write::write_all(&mut stream, reply);
    });
    (format!("http://{addr}"), seen)
}

#[test]
fn check_sends_the_params_given_and_the_defaults() {
    let (url, seen) = recording_server();
    let project = project(&url);
    project.run(&["lint"]).assert_ok();
    let out = project.run(&["check", "k8s", "--param", "pod=api-7f9c"]);
    assert_eq!(out.code(), 0, "{}{}", out.stdout(), out.stderr());
    let seen = seen.lock().expect("lock").clone();
    assert_eq!(seen, ["GET /pods/default/api-7f9c HTTP/1.1"]);
    let json = project.run(&[
        "check",
        "k8s",
        "--param",
        "pod=api-7f9c",
        "--format",
        "json",
    ]);
    let report: serde_json::Value = serde_json::from_str(&json.stdout()).expect("json");
    let command = &report["results"][0]["command"];
    assert!(
        command
            .as_str()
            .is_some_and(|c| c.ends_with("/pods/default/api-7f9c")),
        "params are shown, not masked: {command}"
    );
}

#[test]
fn a_param_without_value_or_default_is_named_with_the_flag_to_pass() {
    let (url, seen) = recording_server();
    let out = project(&url).run(&["check", "k8s"]);
    assert_eq!(out.code(), 1, "{}", out.stdout());
    assert!(
        out.stdout()
            .contains("param `pod` has no value and no default: pass `--param pod=VALUE`"),
        "{}",
        out.stdout()
    );
    assert!(seen.lock().expect("lock").is_empty(), "nothing was sent");
}

#[test]
fn an_undeclared_param_is_a_usage_error_with_a_suggestion() {
    let (url, _) = recording_server();
    let out = project(&url).run(&["check", "k8s", "--param", "namespce=shop"]);
    assert_eq!(out.code(), 2);
    assert!(
        out.stderr()
            .contains("did you mean `--param namespace=...`?"),
        "{}",
        out.stderr()
    );
    let bad = project(&url).run(&["check", "k8s", "--param", "justtext"]);
    assert_eq!(bad.code(), 2);
    assert!(
        bad.stderr().contains("is not NAME=VALUE"),
        "{}",
        bad.stderr()
    );
}

/// `incident new k8s#crash-looping --title "Pods crash"` started at a fixed time, with `extra`;
/// returns the run and the record's text (empty when none was written).
fn incident_new(project: &Project, extra: &[&str]) -> (support::Run, String) {
    let mut args = vec![
        "incident",
        "new",
        "k8s#crash-looping",
        "--title",
        "Pods crash",
    ];
    args.extend(["--started-at", "2026-11-26T08:00:00Z"]);
    args.extend_from_slice(extra);
    let run = project.run(&args);
    let path = project.path().join("incidents/2026-11-26-pods-crash.md");
    (run, std::fs::read_to_string(path).unwrap_or_default())
}

#[test]
fn incident_new_records_the_labels_and_the_record_lints() {
    let project = project("http://127.0.0.1:9");
    let labels = [
        "--param",
        "pod=api-7f9c",
        "--param",
        "namespace=shop: \"quoted\"",
    ];
    let (run, record) = incident_new(&project, &labels);
    run.assert_ok();
    let front = "request_ids: []\nlabels:\n  namespace: \"shop: \\\"quoted\\\"\"\n  pod: \"api-7f9c\"\n---\n";
    assert!(record.contains(front), "{record}");
    let lint = project.run(&["incident", "lint", "incidents/2026-11-26-pods-crash.md"]);
    let text = lint.stdout();
    assert!(!text.contains("incident-front-matter"), "{text}");
    let (typo, _) = incident_new(&project, &["--param", "podd=a"]);
    assert_eq!(typo.code(), 2);
    let hint = "did you mean `--param pod=...`?";
    assert!(typo.stderr().contains(hint), "{}", typo.stderr());
}

#[test]
fn without_param_flags_the_defaults_are_recorded() {
    let (run, record) = incident_new(&project("http://127.0.0.1:9"), &[]);
    run.assert_ok();
    // The default `namespace` is still the alert's label: it is recorded; `pod` has no value.
    let front = "request_ids: []\nlabels:\n  namespace: \"default\"\n---\n";
    assert!(record.contains(front), "{record}");
}
