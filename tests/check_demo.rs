//! The bundled runbooks' checks against the demo service: healthy, with each fault, and
//! `--until-pass` recovering when a fault is cleared mid-run.

mod support;

use std::collections::BTreeSet;
use std::time::{Duration, Instant};

use support::Project;
use support::demo::Demo;

/// Runs `opsbook check` on the bundled runbooks against `demo`; returns (exit code, failing).
fn check(demo: &Demo, extra: &[&str]) -> (i32, BTreeSet<String>, serde_json::Value) {
    let url = demo.url();
    let mut args = vec!["check", "--target", &url, "--format", "json"];
    args.extend_from_slice(extra);
    if extra.is_empty() {
        // `pod` is the alert's label for the Kubernetes runbook's pod-level checks.
        args.extend(["--param", "pod=api-0"]);
    }
    let out = Project::repo().run(&args);
    let json: serde_json::Value = serde_json::from_str(&out.stdout())
        .unwrap_or_else(|e| panic!("json output: {e}\n{}", out.stderr()));
    let failing = json["results"]
        .as_array()
        .expect("results")
        .iter()
        .filter(|r| r["outcome"] == "fail" || r["outcome"] == "error")
        .map(|r| {
            format!(
                "{}#{}",
                r["runbook"].as_str().unwrap(),
                r["id"].as_str().unwrap()
            )
        })
        .collect();
    (out.code(), failing, json)
}

fn set(names: &[&str]) -> BTreeSet<String> {
    names.iter().map(|s| s.to_string()).collect()
}

#[test]
fn healthy_service_passes_every_check() {
    let demo = Demo::start("127.0.0.1:0").unwrap();
    let (code, failing, json) = check(&demo, &[]);
    assert_eq!((code, failing), (0, set(&[])));
    assert_eq!(json["summary"]["passed"], 15);
    assert_eq!(
        json["summary"]["manual"], 2,
        "the kubectl commands run by hand"
    );
    let text = Project::repo()
        .run(&["check", "--target", &demo.url(), "--param", "pod=api-0"])
        .stdout();
    assert!(
        text.ends_with("15 passed, 0 failed, 2 to run by hand\n"),
        "{text}"
    );
    assert!(text.contains("PASS   api#hello  200  "), "{text}");
}

#[test]
fn each_fault_fails_the_right_checks() {
    let demo = Demo::start("127.0.0.1:0").unwrap();
    let cases: [(&str, &[&str]); 4] = [
        ("errors", &["api#hello", "api#error-rate"]),
        (
            "latency",
            &["api#hello", "api#p95-latency", "postgres#pool-wait"],
        ),
        ("not-ready", &["api#readyz", "postgres#readyz"]),
        (
            "crash-loop",
            &[
                "kubernetes#pod-restarts",
                "kubernetes#restarts",
                "kubernetes#replicas-available",
            ],
        ),
    ];
    for (fault, expected) in cases {
        demo.set("clear");
        demo.set(fault);
        let (code, failing, _) = check(&demo, &[]);
        assert_eq!((code, failing), (1, set(expected)), "fault {fault}");
    }
}

#[test]
fn a_failure_mode_runs_its_checks_and_says_why_they_fail() {
    let demo = Demo::start("127.0.0.1:0").unwrap();
    demo.set("errors");
    let out = Project::repo().run(&["check", "api#error-spike", "--target", &demo.url()]);
    let text = out.stdout();
    assert_eq!(out.code(), 1);
    assert!(text.contains("FAIL   api#hello  500  "), "{text}");
    assert!(text.contains("status: expected 200"), "{text}");
    assert!(text.contains("got 500, body: internal error"), "{text}");
    assert!(
        text.contains("value: expected every sample < 0.01"),
        "{text}"
    );
    assert!(text.ends_with("2 passed, 2 failed\n"), "{text}");
}

#[test]
fn until_pass_recovers_when_the_fault_is_cleared() {
    let demo = Demo::start("127.0.0.1:0").unwrap();
    demo.set("errors");
    let faults = std::sync::Arc::clone(&demo.faults);
    let clearer = std::thread::spawn(move || {
        std::thread::sleep(Duration::from_millis(1500));
        faults
            .errors
            .store(false, std::sync::atomic::Ordering::SeqCst);
    });
    let started = Instant::now();
    let (code, failing, json) = check(&demo, &["api#error-spike", "--until-pass", "20s"]);
    clearer.join().unwrap();
    assert_eq!((code, failing), (0, set(&[])));
    assert!(started.elapsed() < Duration::from_secs(15));
    let attempts = json["results"][2]["attempts"].as_u64().unwrap();
    assert!(attempts > 1, "{json}");
}

#[test]
fn until_pass_gives_up_when_time_is_up() {
    let demo = Demo::start("127.0.0.1:0").unwrap();
    demo.set("not-ready");
    let started = Instant::now();
    let (code, failing, _) = check(&demo, &["api#healthz", "--until-pass", "2s"]);
    assert_eq!((code, failing), (0, set(&[])));
    let (code, failing, _) = check(&demo, &["postgres", "--until-pass", "2s"]);
    assert_eq!((code, failing), (1, set(&["postgres#readyz"])));
    assert!(started.elapsed() < Duration::from_secs(10));
}

#[test]
fn dry_run_prints_the_commands_and_sends_nothing() {
    let out = Project::repo().run(&[
        "check",
        "api",
        "--dry-run",
        "--target",
        "http://127.0.0.1:9",
    ]);
    let text = out.stdout();
    assert_eq!(out.code(), 0);
    assert!(
        text.contains("api#healthz  curl -i http://127.0.0.1:9/healthz"),
        "{text}"
    );
    assert!(
        text.contains("api#error-rate  curl -sG 'http://127.0.0.1:9/prom/api/v1/query' --data-urlencode 'query=sum(rate(http_requests_total{service=\"api\",code=~\"5..\"}[5m]))"),
        "{text}"
    );
    let args = ["check", "api#error-spike", "--dry-run", "--format", "json"];
    let json: serde_json::Value =
        serde_json::from_str(&Project::repo().run(&args).stdout()).expect("JSON");
    assert_eq!(json["checks"][0]["runbook"], "api");
    assert_eq!(
        json["checks"][0]["command"],
        "curl -i http://127.0.0.1:3000/healthz"
    );
    let junit = Project::repo().run(&["check", "api", "--dry-run", "--format", "junit"]);
    assert_eq!(junit.code(), 2, "{}", junit.stdout());
    assert!(junit.stderr().contains("`--dry-run` prints text or json"));
}

#[test]
fn usage_errors_exit_2() {
    for args in [
        &["check", "nope"][..],
        &["check", "api#nope"],
        &["check", "--target", "prod"],
        &["check", "--until-pass", "soon"],
    ] {
        assert_eq!(Project::repo().run(args).code(), 2, "{args:?}");
    }
}
