//! Redirects against a real loopback server: a relative `Location` is resolved as RFC 3986 says
//! (dot segments removed, the query kept) before the next request is sent.

mod support;

use std::io::Write;
use std::sync::{Arc, Mutex};

use support::Project;
use support::net::{read_head, runbook, serve};

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
