//! Keep-alive against real loopback servers: checks share kept connections, a kept connection
//! the server dropped is replaced by a new one for a request safe to send twice, and a request
//! that is not safe to repeat always gets a connection of its own.

mod support;

use std::io::Write;
use std::net::TcpStream;
use std::sync::Arc;
use std::sync::atomic::{AtomicUsize, Ordering};

use support::Project;
use support::net::{read_request, runbook, serve};

const OK: &[u8] = b"HTTP/1.1 200 OK\r\nContent-Length: 2\r\n\r\nok";

/// A server that counts its connections and answers up to `answers` requests on each, then
/// reads one more request and closes without a word (what a server's idle timeout does to a
/// kept connection, at the worst moment).
fn server(answers: usize) -> (std::net::SocketAddr, Arc<AtomicUsize>) {
    let connections = Arc::new(AtomicUsize::new(0));
    let count = Arc::clone(&connections);
    let addr = serve(move |mut s: TcpStream| {
        count.fetch_add(1, Ordering::SeqCst);
        for _ in 0..answers {
            if read_request(&s).head.is_empty() {
                return;
            }
            if s.write_all(OK).is_err() {
                return;
            }
        }
        read_request(&s);
    });
    (addr, connections)
}

fn checks(n: usize, curl: &str, extra: &str) -> String {
    (0..n)
        .map(|i| {
            format!(
                "  - id: c{i}\n    curl: '{curl}'\n{extra}    expect: {{ status: 200, body: {{ contains: ok }} }}\n"
            )
        })
        .collect()
}

#[test]
fn checks_share_kept_connections() {
    let (addr, connections) = server(usize::MAX);
    let rb = runbook(
        &format!("http://{addr}"),
        &[],
        &checks(20, "curl -s -m 5 {{ target }}/healthz", ""),
    );
    let out = Project::new()
        .runbook("keep", &rb)
        .run(&["check", "--jobs", "2"]);
    assert_eq!(out.code(), 0, "{}{}", out.stdout(), out.stderr());
    assert!(out.stdout().contains("20 passed"), "{}", out.stdout());
    let opened = connections.load(Ordering::SeqCst);
    assert!(
        opened <= 4,
        "20 checks on 2 workers opened {opened} connections"
    );
}

#[test]
fn a_dropped_kept_connection_is_replaced_for_a_get() {
    let (addr, connections) = server(1);
    let rb = runbook(
        &format!("http://{addr}"),
        &[],
        &checks(5, "curl -s -m 5 {{ target }}/healthz", ""),
    );
    let out = Project::new()
        .runbook("stale", &rb)
        .run(&["check", "--jobs", "1"]);
    assert_eq!(out.code(), 0, "{}{}", out.stdout(), out.stderr());
    assert!(out.stdout().contains("5 passed"), "{}", out.stdout());
    // The first on a new connection, each later one tried on the kept (dropped) one, then new.
    assert_eq!(connections.load(Ordering::SeqCst), 5);
}

#[test]
fn a_post_never_rides_a_kept_connection() {
    let (addr, connections) = server(1);
    let rb = runbook(
        &format!("http://{addr}"),
        &[],
        &checks(
            3,
            "curl -s -m 5 -X POST -d abc {{ target }}/jobs",
            "    mutating: true\n",
        ),
    );
    let out =
        Project::new()
            .runbook("post", &rb)
            .run(&["check", "--jobs", "1", "--allow-mutating"]);
    assert_eq!(out.code(), 0, "{}{}", out.stdout(), out.stderr());
    assert!(out.stdout().contains("3 passed"), "{}", out.stdout());
    assert_eq!(connections.load(Ordering::SeqCst), 3);
}
