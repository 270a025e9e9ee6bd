//! Hostile servers: each check must end within its timeout with a readable result of its own,
//! memory stays bounded, other checks still run and nothing panics (secrets: check_secrets.rs).

mod support;

use std::io::Write;
use std::net::{SocketAddr, TcpStream};
use std::sync::Arc;
use std::thread::sleep;
use std::time::{Duration, Instant};

use support::Project;
use support::net::{closed_port, read_head, respond, runbook, serve};
use support::xml::assert_well_formed_xml;

fn never_answers() -> SocketAddr {
    serve(|s| {
        read_head(&s);
        sleep(Duration::from_secs(20));
    })
}

fn slowloris() -> SocketAddr {
    serve(|mut s| {
        read_head(&s);
        let _ = s.write_all(b"HTTP/1.1 200 OK\r\nX-Slow: ");
        for _ in 0..200 {
            if s.write_all(b"a").is_err() {
                return;
            }
            sleep(Duration::from_millis(50));
        }
    })
}

/// Headers at once, then the body a byte at a time: the total timeout covers the body too.
fn slow_body() -> SocketAddr {
    serve(|mut s| {
        read_head(&s);
        let _ = s.write_all(b"HTTP/1.1 200 OK\r\nContent-Length: 1000\r\n\r\n");
        for _ in 0..1000 {
            if s.write_all(b"a").is_err() {
                return;
            }
            sleep(Duration::from_millis(50));
        }
    })
}

/// 300 MB announced and streamed: the client must stop after 1 MiB.
fn huge_body() -> SocketAddr {
    serve(|mut s| {
        read_head(&s);
        let _ = s.write_all(b"HTTP/1.1 200 OK\r\nContent-Length: 314572800\r\n\r\n");
        let chunk = vec![b'a'; 64 * 1024];
        for _ in 0..(300 * 16) {
            if s.write_all(&chunk).is_err() {
                return;
            }
        }
    })
}

fn gzip_bomb() -> SocketAddr {
    use flate2::{Compression, write::GzEncoder};
    let mut gz = GzEncoder::new(Vec::new(), Compression::fast());
    let zeros = vec![0u8; 1024 * 1024];
    for _ in 0..64 {
        gz.write_all(&zeros).unwrap();
    }
    let bomb = Arc::new(gz.finish().unwrap());
    serve(move |mut s| {
        read_head(&s);
        let head = format!(
            "HTTP/1.1 200 OK\r\nContent-Encoding: gzip\r\nContent-Length: {}\r\n\r\n",
            bomb.len()
        );
        let _ = s.write_all(head.as_bytes());
        let _ = s.write_all(&bomb);
    })
}

fn redirect_loop() -> SocketAddr {
    respond(b"HTTP/1.1 302 Found\r\nLocation: /loop\r\nContent-Length: 0\r\n\r\n")
}

fn reset() -> SocketAddr {
    // Closing with unread data in the receive buffer makes the kernel send RST.
    serve(|s| {
        sleep(Duration::from_millis(100));
        drop(s);
    })
}

fn big_header() -> SocketAddr {
    serve(|mut s| {
        read_head(&s);
        let mut head = b"HTTP/1.1 200 OK\r\nX-Big: ".to_vec();
        head.extend(std::iter::repeat_n(b'a', 1024 * 1024));
        head.extend_from_slice(b"\r\nContent-Length: 0\r\n\r\n");
        let _ = s.write_all(&head);
    })
}

const CHECKS: &str = r#"
  - id: healthy
    curl: curl -m 1 {{ target }}/ok
    expect: { status: 200, body: { contains: fine } }
  - id: never-answers
    curl: curl -m 1 {{ silent }}/
    expect: { status: 200 }
  - id: slowloris
    curl: curl -m 1 {{ slowloris }}/
    expect: { status: 200 }
  - id: slow-body
    curl: curl -m 1 {{ slowbody }}/
    expect: { status: 200 }
  - id: huge-body
    curl: curl -m 3 {{ huge }}/
    expect: { status: 200, body: { contains: never-there } }
  - id: gzip-bomb
    curl: curl -m 3 {{ bomb }}/
    expect: { status: 200, body: { contains: never-there } }
  - id: redirect-loop
    curl: curl -L -m 2 {{ loop }}/loop
    expect: { status: 200 }
  - id: reset
    curl: curl -m 1 {{ reset }}/
    expect: { status: 200 }
  - id: garbage
    curl: curl -m 1 {{ garbage }}/
    expect: { status: 200 }
  - id: short-body
    curl: curl -m 1 {{ short }}/
    expect: { status: 200, body: { contains: x } }
  - id: big-header
    curl: curl -m 2 {{ bigheader }}/
    expect: { status: 200 }
  - id: not-utf8
    curl: curl -m 1 {{ binary }}/
    expect: { status: 200, body: { contains: ok } }
  - id: script
    curl: curl -m 1 {{ script }}/
    expect: { status: 200, headers: { x-evil: safe }, body: { contains: safe } }
  - id: refused
    curl: curl -m 1 {{ refused }}/
    expect: { status: 200 }
  - id: not-a-target
    curl: curl -m 1 http://example.invalid/
    expect: { status: 200 }
"#;

fn hostile_project() -> Project {
    let u = |a: SocketAddr| format!("http://{a}");
    let vars = vec![
        ("silent", u(never_answers())),
        ("slowloris", u(slowloris())),
        ("slowbody", u(slow_body())),
        ("huge", u(huge_body())),
        ("bomb", u(gzip_bomb())),
        ("loop", u(redirect_loop())),
        ("reset", u(reset())),
        ("garbage", u(respond(b"HELLO WORLD\r\n\r\n"))),
        ("short", u(respond(b"HTTP/1.1 200 OK\r\nContent-Length: 100\r\n\r\nonly ten b"))),
        ("bigheader", u(big_header())),
        ("binary", u(respond(b"HTTP/1.1 200 OK\r\nContent-Length: 6\r\n\r\n\xff\xfe\x00\xc3(z"))),
        ("script", u(respond(
            b"HTTP/1.1 200 OK\r\nX-Evil: <script>alert(1)</script>\"&\r\nContent-Length: 38\r\n\r\n<script>alert('x')</script>]]>&amp;\x01\x02\x03",
        ))),
        ("refused", format!("http://127.0.0.1:{}", closed_port())),
    ];
    let ok = respond(b"HTTP/1.1 200 OK\r\nContent-Length: 4\r\n\r\nfine");
    Project::new().runbook("hostile", &runbook(&u(ok), &vars, CHECKS))
}

fn outcome<'a>(json: &'a serde_json::Value, id: &str) -> &'a serde_json::Value {
    json["results"]
        .as_array()
        .unwrap()
        .iter()
        .find(|r| r["id"] == id)
        .unwrap_or_else(|| panic!("no result for {id}"))
}

#[test]
fn every_hostile_server_ends_in_a_readable_result_of_its_own() {
    let dir = hostile_project();
    let started = Instant::now();
    let out = dir.run(&["check", "--jobs", "4", "--format", "json"]);
    let elapsed = started.elapsed();
    let text = out.stdout();
    assert_eq!(out.code(), 1, "{text}\n{}", out.stderr());
    assert!(elapsed < Duration::from_secs(15), "took {elapsed:?}");
    let json: serde_json::Value = serde_json::from_str(&text).expect("well-formed JSON");
    assert_eq!(outcome(&json, "healthy")["outcome"], "pass");
    let expect = [
        ("never-answers", "error", "timed out after 1 s"),
        ("slowloris", "error", "timed out after 1 s"),
        ("slow-body", "error", "timed out after 1 s"),
        ("redirect-loop", "error", "more than 10 redirects"),
        ("reset", "error", "conn"),
        ("garbage", "error", "invalid HTTP response"),
        ("short-body", "error", "body"),
        ("big-header", "error", "headers too large"),
        ("refused", "error", "connection refused"),
        (
            "not-a-target",
            "error",
            "origin `http://example.invalid` is not one of the runbook's targets",
        ),
        ("huge-body", "fail", "body cut at 1 MiB"),
        ("gzip-bomb", "fail", "body cut at 1 MiB"),
        ("not-utf8", "fail", "z"),
        ("script", "fail", "<script>"),
    ];
    for (id, want, says) in expect {
        let r = outcome(&json, id);
        assert_eq!(r["outcome"], want, "{id}: {r}");
        let shown = format!("{} {}", r["error"], r["failures"]);
        assert!(shown.contains(says), "{id}: {shown}");
    }
    for id in ["huge-body", "gzip-bomb"] {
        assert_eq!(outcome(&json, id)["truncated"], true, "{id}");
    }
    assert_bounded_memory();
}

/// The largest resident set of any child this test process waited for (every one of them ran
/// `opsbook check`), against 300 MB bodies and a 64 MB gzip bomb.
#[cfg(target_os = "linux")]
fn assert_bounded_memory() {
    // SAFETY: getrusage only writes the struct it is given.
    let usage = unsafe {
        let mut usage: libc::rusage = std::mem::zeroed();
        libc::getrusage(libc::RUSAGE_CHILDREN, &mut usage);
        usage
    };
    let max_kib = usage.ru_maxrss;
    assert!(max_kib > 0 && max_kib < 64 * 1024, "peak RSS {max_kib} KiB");
}

#[cfg(not(target_os = "linux"))]
fn assert_bounded_memory() {}

#[test]
fn junit_and_text_stay_well_formed_with_hostile_content() {
    let dir = hostile_project();
    let args = [
        "check",
        "--jobs",
        "4",
        "--format",
        "junit",
        "hostile#script",
    ];
    let out = dir.run(&args);
    let xml = String::from_utf8(out.output().stdout.clone()).expect("UTF-8 JUnit");
    assert_well_formed_xml(&xml);
    assert!(xml.contains("&lt;script&gt;"), "{xml}");
    let args = ["check", "--jobs", "4", "--format", "junit"];
    let out = dir.run(&args);
    assert_well_formed_xml(&String::from_utf8(out.output().stdout.clone()).expect("UTF-8 JUnit"));
    let out = dir.run(&["check", "hostile#not-utf8"]);
    let text = String::from_utf8(out.output().stdout.clone()).expect("UTF-8 text");
    assert!(text.contains("FAIL   hostile#not-utf8  200"), "{text}");
    assert!(
        !text.contains('\u{1}') && text.ends_with("0 passed, 1 failed\n"),
        "{text}"
    );
}

#[test]
fn a_stuck_server_does_not_hold_other_checks() {
    let silent = never_answers();
    let ok = respond(b"HTTP/1.1 200 OK\r\nContent-Length: 2\r\n\r\nok");
    let mut checks = String::from(
        "  - id: stuck\n    curl: curl --connect-timeout 1 -m 2 {{ silent }}/\n    expect: { status: 200 }\n",
    );
    for i in 0..8 {
        checks.push_str(&format!(
            "  - id: ok-{i}\n    curl: curl {{{{ target }}}}/\n    expect: {{ status: 200 }}\n"
        ));
    }
    let vars = [("silent", format!("http://{silent}"))];
    let dir = Project::new().runbook("mix", &runbook(&format!("http://{ok}"), &vars, &checks));
    let started = Instant::now();
    let text = dir.run(&["check", "--jobs", "2"]).stdout();
    assert!(started.elapsed() < Duration::from_secs(6));
    assert!(text.ends_with("8 passed, 0 failed, 1 errors\n"), "{text}");
    let _ = TcpStream::connect(silent);
}

#[test]
#[ignore = "prints the outputs for a person to read"]
fn show_outputs() {
    let dir = hostile_project();
    println!("{}", dir.run(&["check", "--jobs", "4"]).stdout());
}
