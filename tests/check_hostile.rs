//! Hostile servers: each check must end within its timeout with a readable result of its own,
//! memory stays bounded, other checks still run, nothing panics and no secret is printed.

mod support;

use std::io::{Read, Write};
use std::net::{SocketAddr, TcpStream};
use std::sync::{Arc, Mutex};
use std::thread::sleep;
use std::time::{Duration, Instant};

use support::{assert_well_formed_xml, closed_port, opsbook, project, read_head, runbook, serve};

fn respond(raw: &'static [u8]) -> SocketAddr {
    serve(move |mut s| {
        read_head(&s);
        let _ = s.write_all(raw);
    })
}

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

fn hostile_project() -> tempfile::TempDir {
    let u = |a: SocketAddr| format!("http://{a}");
    let vars = vec![
        ("silent", u(never_answers())),
        ("slowloris", u(slowloris())),
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
    project(&[("hostile", &runbook(&u(ok), &vars, CHECKS))])
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
    let out = opsbook(
        dir.path(),
        &["check", "--jobs", "4", "--format", "json"],
        &[],
    );
    let elapsed = started.elapsed();
    let text = String::from_utf8_lossy(&out.stdout);
    assert_eq!(
        out.status.code(),
        Some(1),
        "{text}\n{}",
        support::stderr(&out)
    );
    assert!(elapsed < Duration::from_secs(15), "took {elapsed:?}");
    let json: serde_json::Value = serde_json::from_str(&text).expect("well-formed JSON");
    assert_eq!(outcome(&json, "healthy")["outcome"], "pass");
    let expect = [
        ("never-answers", "error", "timed out after 1 s"),
        ("slowloris", "error", "timed out after 1 s"),
        ("redirect-loop", "error", "more than 10 redirects"),
        ("reset", "error", "conn"),
        ("garbage", "error", "invalid HTTP response"),
        ("short-body", "error", "body"),
        ("big-header", "error", "headers too large"),
        ("refused", "error", "connection refused"),
        (
            "not-a-target",
            "error",
            "host `example.invalid` is not one of the runbook's targets",
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
}

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
    let out = opsbook(dir.path(), &args, &[]);
    let xml = String::from_utf8(out.stdout).expect("UTF-8 JUnit");
    assert_well_formed_xml(&xml);
    assert!(xml.contains("&lt;script&gt;"), "{xml}");
    let args = ["check", "--jobs", "4", "--format", "junit"];
    let out = opsbook(dir.path(), &args, &[]);
    assert_well_formed_xml(&String::from_utf8(out.stdout).expect("UTF-8 JUnit"));
    let out = opsbook(dir.path(), &["check", "hostile#not-utf8"], &[]);
    let text = String::from_utf8(out.stdout).expect("UTF-8 text");
    assert!(text.contains("FAIL   hostile#not-utf8  200"), "{text}");
    assert!(
        !text.contains('\u{1}') && text.ends_with("0 passed, 1 failed\n"),
        "{text}"
    );
}

/// What the second origin of a redirect saw.
type Seen = Arc<Mutex<Vec<String>>>;

fn recorder() -> (SocketAddr, Seen) {
    let seen: Seen = Arc::default();
    let log = Arc::clone(&seen);
    let addr = serve(move |mut s| {
        let head = read_head(&s);
        log.lock().unwrap().push(head);
        let _ = s.write_all(b"HTTP/1.1 200 OK\r\nContent-Length: 6\r\n\r\nlanded");
    });
    (addr, seen)
}

#[test]
fn a_cross_origin_redirect_drops_secret_headers() {
    let (landing, seen) = recorder();
    let first_seen: Seen = Arc::default();
    let log = Arc::clone(&first_seen);
    let redirector = serve(move |mut s| {
        log.lock().unwrap().push(read_head(&s));
        let reply = format!(
            "HTTP/1.1 302 Found\r\nLocation: http://{landing}/landing\r\nContent-Length: 0\r\n\r\n"
        );
        let _ = s.write_all(reply.as_bytes());
    });
    let checks = r#"
  - id: hop
    curl: 'curl -L -m 2 -H "Authorization: Bearer $OB_TOKEN" -H "x-api-key: ${OB_KEY}" -H "x-plain: kept" {{ target }}/start'
    expect: { status: 200, body: { contains: landed } }
"#;
    let rb = runbook(&format!("http://{redirector}"), &[], checks);
    let dir = project(&[("hop", &rb)]);
    let env = [("OB_TOKEN", "tok-3f9a7c1b2e"), ("OB_KEY", "key-8d7e6f5a4b")];
    let out = opsbook(dir.path(), &["check"], &env);
    assert_eq!(out.status.code(), Some(0), "{}", support::stdout(&out));
    let first = first_seen.lock().unwrap().join("");
    assert!(first.contains("tok-3f9a7c1b2e") && first.contains("key-8d7e6f5a4b"));
    let second = seen.lock().unwrap().join("");
    assert!(second.contains("x-plain: kept"), "{second}");
    assert!(!second.contains("tok-3f9a7c1b2e"), "{second}");
    assert!(!second.contains("key-8d7e6f5a4b"), "{second}");
}

#[test]
fn an_unset_variable_is_an_error_for_that_check_only() {
    let ok = respond(b"HTTP/1.1 200 OK\r\nContent-Length: 2\r\n\r\nok");
    let checks = r#"
  - id: needs-token
    curl: 'curl -H "Authorization: Bearer $OB_UNSET_TOKEN" {{ target }}/'
    expect: { status: 200 }
  - id: fine
    curl: curl {{ target }}/
    expect: { status: 200 }
"#;
    let dir = project(&[("env", &runbook(&format!("http://{ok}"), &[], checks))]);
    let out = opsbook(dir.path(), &["check"], &[]);
    let text = support::stdout(&out);
    assert_eq!(out.status.code(), Some(1));
    assert!(
        text.contains("environment variable `$OB_UNSET_TOKEN` is not set"),
        "{text}"
    );
    assert!(text.contains("PASS   env#fine"), "{text}");
    assert!(text.ends_with("1 passed, 0 failed, 1 errors\n"), "{text}");
}

/// Echoes the request's secrets back in every form a server might.
fn echo_server() -> SocketAddr {
    use base64::Engine;
    serve(|mut s| {
        let head = read_head(&s);
        let header = |name: &str| {
            head.lines()
                .find_map(|l| {
                    let (n, v) = l.split_once(':')?;
                    n.eq_ignore_ascii_case(name).then(|| v.trim().to_owned())
                })
                .unwrap_or_default()
        };
        let token = header("authorization")
            .trim_start_matches("Bearer ")
            .to_owned();
        let b64 = base64::engine::general_purpose::STANDARD.encode(&token);
        let url = percent_encoding::utf8_percent_encode(&token, percent_encoding::NON_ALPHANUMERIC);
        let body = serde_json::json!({
            "token": token, "b64": b64, "url": url.to_string(),
            "basic": header("x-basic"), "key": header("x-api-key"),
            "escaped": serde_json::to_string(&token).unwrap(),
        })
        .to_string();
        let reply = format!(
            "HTTP/1.1 401 Unauthorized\r\nX-Echo: {token}\r\nX-Echo-B64: {b64}\r\nContent-Length: {}\r\n\r\n{body}",
            body.len()
        );
        let _ = s.write_all(reply.as_bytes());
        let _ = s.read(&mut [0u8; 16]);
    })
}

#[test]
fn secrets_never_appear_in_any_output() {
    use base64::Engine;
    let token = r#"tok"3n/s3cr3t+v4l&ue=xyz"#;
    let password = "pa55-w0rd-9q8r";
    let addr = echo_server();
    let checks = r#"
  - id: echo
    curl: 'curl -m 1 -H "Authorization: Bearer $OB_TOKEN" -H "x-api-key: ${OB_TOKEN}" {{ target }}/echo?t=$OB_TOKEN'
    expect:
      status: 200
      headers: { x-echo: nope, x-echo-b64: nope }
      body: { contains: nope, json: { "/token": "nope", "/b64": "nope", "/url": "nope" } }
  - id: basic
    curl: 'curl -m 1 -u admin:$OB_PASSWORD {{ target }}/echo'
    expect: { status: 200, body: { contains: nope } }
  - id: refused-host
    curl: 'curl -m 1 -H "x: $OB_TOKEN" http://$OB_PASSWORD.invalid/'
    expect: { status: 200 }
"#;
    let dir = project(&[("sec", &runbook(&format!("http://{addr}"), &[], checks))]);
    let env = [("OB_TOKEN", token), ("OB_PASSWORD", password)];
    let b64 = |s: &str| base64::engine::general_purpose::STANDARD.encode(s);
    let url = |s: &str| {
        percent_encoding::utf8_percent_encode(s, percent_encoding::NON_ALPHANUMERIC).to_string()
    };
    let forbidden = [
        token.to_owned(),
        b64(token),
        url(token),
        serde_json::to_string(token)
            .unwrap()
            .trim_matches('"')
            .to_owned(),
        password.to_owned(),
        b64(&format!("admin:{password}")),
    ];
    for args in [
        &["check"][..],
        &["check", "--format", "json"],
        &["check", "--format", "junit"],
        &["check", "--dry-run"],
        &["check", "--retries", "1"],
    ] {
        let out = opsbook(dir.path(), args, &env);
        let all = format!("{}{}", support::stdout(&out), support::stderr(&out));
        assert!(
            all.contains("***") || args.contains(&"--dry-run"),
            "{args:?}: {all}"
        );
        for secret in &forbidden {
            assert!(
                !all.contains(secret.as_str()),
                "{args:?} leaks {secret}: {all}"
            );
        }
        if args.contains(&"json") {
            serde_json::from_str::<serde_json::Value>(&support::stdout(&out)).expect("JSON");
        }
    }
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
    let dir = project(&[("mix", &runbook(&format!("http://{ok}"), &vars, &checks))]);
    let started = Instant::now();
    let out = opsbook(dir.path(), &["check", "--jobs", "2"], &[]);
    let text = support::stdout(&out);
    assert!(started.elapsed() < Duration::from_secs(6));
    assert!(text.ends_with("8 passed, 0 failed, 1 errors\n"), "{text}");
    let _ = TcpStream::connect(silent);
}

#[test]
#[ignore = "prints the outputs for a person to read"]
fn show_outputs() {
    let dir = hostile_project();
    let out = opsbook(dir.path(), &["check", "--jobs", "4"], &[]);
    println!("{}", support::stdout(&out));
}
