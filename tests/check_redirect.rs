//! Redirects against real loopback servers: a relative `Location` is resolved as RFC 3986 says
//! (dot segments removed, the query kept) before the next request is sent; a body goes along a
//! 307/308 only while the origin stays the same; only http(s) locations are followed.

mod support;

use std::io::Write;
use std::sync::{Arc, Mutex};

use support::Project;
use support::net::{Log, read_head, recording, runbook, serve};

#[test]
fn a_relative_location_is_resolved_and_normalised() {
    let seen: Arc<Mutex<Vec<String>>> = Arc::default();
    let log = Arc::clone(&seen);
    let server = serve(move |mut s| {
        let head = read_head(&s);
        let line = head.lines().next().unwrap_or_default().to_owned();
        let reply: &[u8] = if line.starts_with("GET /a/start ") {
            b"HTTP/1.1 302 Found\r\nLocation: ../b?x=1\r\nContent-Length: 0\r\n\r\n"
        } else {
            b"HTTP/1.1 200 OK\r\nContent-Length: 6\r\n\r\nlanded"
        };
        log.lock().expect("log").push(line);
        let _ = s.write_all(reply);
    });
    let checks = r#"
  - id: hop
    curl: 'curl -L -m 2 {{ target }}/a/start'
    expect: { status: 200, body: { contains: landed } }
"#;
    let rb = runbook(&format!("http://{server}"), &[], checks);
    let out = Project::new().runbook("hop", &rb).run(&["check"]);
    assert_eq!(out.code(), 0, "{}", out.stdout());
    let lines = seen.lock().expect("log").clone();
    assert_eq!(lines, ["GET /a/start HTTP/1.1", "GET /b?x=1 HTTP/1.1"]);
}

/// Answers `/start` with `status` and a `Location` to `next`, anything else with 200.
fn redirector(status: &'static str, next: String) -> (std::net::SocketAddr, Log) {
    recording(move |r| {
        if r.request_line().contains(" /start ") {
            format!("HTTP/1.1 {status}\r\nLocation: {next}\r\nContent-Length: 0\r\n\r\n")
                .into_bytes()
        } else {
            b"HTTP/1.1 200 OK\r\nContent-Length: 6\r\n\r\nlanded".to_vec()
        }
    })
}

const POST_WITH_SECRET: &str = r#"
  - id: hop
    curl: 'curl -L -m 2 -X POST -d "token=$OB_BODY_SECRET" {{ target }}/start'
    mutating: true
    expect: { status: 200, body: { contains: landed } }
"#;
const BODY_SECRET: (&str, &str) = ("OB_BODY_SECRET", "body-secret-0a9b8c7d");

fn post_through(first: &str) -> support::Run {
    let rb = runbook(first, &[], POST_WITH_SECRET);
    Project::new()
        .config("env: [OB_BODY_SECRET]\n")
        .runbook("hop", &rb)
        .run_with(&["check", "--allow-mutating"], &[BODY_SECRET])
}

#[test]
fn a_307_to_another_origin_drops_the_body_holding_a_var() {
    let (landing, landed) =
        recording(|_| b"HTTP/1.1 200 OK\r\nContent-Length: 6\r\n\r\nlanded".to_vec());
    for status in ["307 Temporary Redirect", "308 Permanent Redirect"] {
        let (first, _) = redirector(status, format!("http://{landing}/landing"));
        // The landing server is another origin of the same runbook: allowed, but not trusted
        // with what was meant for the first.
        let vars = [("landing", format!("http://{landing}"))];
        let rb = runbook(&format!("http://{first}"), &vars, POST_WITH_SECRET);
        let out = Project::new()
            .config("env: [OB_BODY_SECRET]\n")
            .runbook("hop", &rb)
            .run_with(&["check", "--allow-mutating"], &[BODY_SECRET]);
        assert_eq!(out.code(), 0, "{status}: {out:?}");
    }
    let seen = landed.lock().expect("log");
    assert_eq!(seen.len(), 2);
    for request in seen.iter() {
        assert!(
            request.request_line().starts_with("POST /landing "),
            "{request:?}"
        );
        assert!(request.body.is_empty(), "{request:?}");
        assert_eq!(request.header("content-type"), None, "{request:?}");
        assert!(!request.head.contains(BODY_SECRET.1), "{request:?}");
    }
}

#[test]
fn a_307_on_the_same_origin_keeps_the_body() {
    let (first, log) = redirector("307 Temporary Redirect", "/landing".into());
    let out = post_through(&format!("http://{first}"));
    assert_eq!(out.code(), 0, "{out:?}");
    let seen = log.lock().expect("log");
    assert_eq!(seen.len(), 2);
    let expected = format!("token={}", BODY_SECRET.1);
    assert_eq!(seen[1].request_line(), "POST /landing HTTP/1.1");
    assert_eq!(seen[1].body, expected.as_bytes());
}

#[test]
fn a_location_that_is_not_http_is_refused() {
    for location in [
        "file:///etc/passwd",
        "ftp://127.0.0.1/x",
        "javascript:alert(1)",
    ] {
        let (first, log) = redirector("302 Found", location.into());
        let checks = r#"
  - id: hop
    curl: 'curl -L -m 2 {{ target }}/start'
    expect: { status: 200 }
"#;
        let rb = runbook(&format!("http://{first}"), &[], checks);
        let out = Project::new().runbook("hop", &rb).run(&["check"]);
        assert_eq!(out.code(), 1, "{out:?}");
        let said = format!("redirect to `{location}` refused: only http:// and https://");
        assert!(out.stdout().contains(&said), "{location}: {out:?}");
        assert_eq!(
            log.lock().expect("log").len(),
            1,
            "{location}: one request only"
        );
    }
}
