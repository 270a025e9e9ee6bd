//! The bundled Kubernetes runbook's checks ask Prometheus through its HTTP API: run against a
//! Prometheus-shaped loopback server, every query arrives decoded as the PromQL a person would
//! type, with the alert's labels (`--param`) filled in, and the answers are verified.

mod support;

use std::sync::{Arc, Mutex};

use support::{Project, net};

/// A server answering every `/api/v1/query` with one sample of `value`, remembering each
/// decoded query.
fn prometheus(value: &'static str) -> (String, Arc<Mutex<Vec<String>>>) {
    let seen = Arc::new(Mutex::new(Vec::new()));
    let log = Arc::clone(&seen);
    let addr = net::serve(move |mut stream| {
        let head = net::read_head(&stream);
        let target = head.split(' ').nth(1).unwrap_or("/").to_owned();
        let url = url::Url::parse(&format!("http://prometheus{target}")).expect("request target");
        if let Some((_, query)) = url.query_pairs().find(|(k, _)| k == "query") {
            log.lock().expect("lock").push(query.into_owned());
        }
        let body = format!(
            r#"{{"status":"success","data":{{"resultType":"vector","result":[{{"metric":{{}},"value":[1764144000,"{value}"]}}]}}}}"#
        );
        let reply = format!(
            "HTTP/1.1 200 OK\r\ncontent-type: application/json\r\ncontent-length: {}\r\nconnection: close\r\n\r\n{body}",
            body.len()
        );
        let _ = std::io::Write::write_all(&mut stream, reply.as_bytes());
    });
    (format!("http://{addr}"), seen)
}

/// `opsbook check` of the repository's runbooks with `--target url`: the local target's
/// `{{ prometheus }}` (`/prom` under it) moves along.
fn check(url: &str, args: &[&str]) -> support::Run {
    let mut all = args.to_vec();
    all.extend(["--target", url]);
    Project::repo().run(&all)
}

#[test]
fn queries_arrive_as_promql_with_the_labels_filled_in() {
    let (url, seen) = prometheus("0");
    let args = [
        "check",
        "kubernetes#crash-looping",
        "--param",
        "namespace=shop",
        "--param",
        "pod=api-7f9c",
        "--param",
        "deployment=api",
    ];
    let out = check(&url, &args);
    let text = out.stdout();
    // Every Prometheus check passes (`healthz` goes to the service itself, not asked here).
    assert!(text.contains("PASS   kubernetes#pod-restarts"), "{text}");
    assert!(text.contains("PASS   kubernetes#restarts"), "{text}");
    let seen = seen.lock().expect("lock").clone();
    assert!(
        seen.contains(&r#"increase(kube_pod_container_status_restarts_total{namespace="shop",pod="api-7f9c"}[15m])"#.to_owned()),
        "{seen:#?}"
    );
    assert!(
        seen.contains(&r#"max(kube_pod_container_status_last_terminated_reason{namespace="shop",pod="api-7f9c",reason="OOMKilled"}) or vector(0)"#.to_owned()),
        "{seen:#?}"
    );
    assert!(
        seen.contains(&r#"sum(kube_deployment_status_replicas_unavailable{namespace="shop",deployment="api"})"#.to_owned()),
        "{seen:#?}"
    );
}

#[test]
fn a_value_over_the_limit_fails_the_check() {
    let (url, _) = prometheus("3");
    let args = [
        "check",
        "kubernetes#pod-restarts",
        "--param",
        "pod=api-7f9c",
    ];
    let out = check(&url, &args);
    assert_eq!(out.code(), 1, "{}", out.stdout());
    assert!(
        out.stdout().contains("FAIL   kubernetes#pod-restarts"),
        "{}",
        out.stdout()
    );
}
