//! The curl flags people paste, run against a real loopback server that records what it
//! received: `-G`/`--data-urlencode`, `-I`, `--url`, `--fail-with-body`, short-flag bundles,
//! `--resolve`, `--compressed`, lines continued with `\`, and raw PromQL in a URL.

mod support;

use std::io::Write;
use std::time::{Duration, Instant};

use support::Project;
use support::net::{Received, recording, runbook};

const OK: &[u8] = b"HTTP/1.1 200 OK\r\nContent-Length: 2\r\n\r\nok";

fn ok(_: &Received) -> Vec<u8> {
    OK.to_vec()
}

/// Runs `opsbook check` on one runbook with `checks` against a recording server.
fn check(checks: &str, vars: &[(&str, String)]) -> (support::Run, Vec<Received>) {
    check_with(checks, vars, ok)
}

fn check_with(
    checks: &str,
    vars: &[(&str, String)],
    reply: fn(&Received) -> Vec<u8>,
) -> (support::Run, Vec<Received>) {
    let (server, log) = recording(reply);
    let rb = runbook(&format!("http://{server}"), vars, checks);
    let out = Project::new()
        .runbook("flags", &rb)
        // These tests are about what is sent; a check that writes says so and is allowed.
        .run_with(
            &["check", "--allow-mutating", "--env", "JOB"],
            &[("JOB", "api server")],
        );
    let seen = log.lock().expect("log").clone();
    (out, seen)
}

/// `PASS`, `FAIL` or `ERROR`: the outcome of check `id` in text output.
fn outcome<'a>(stdout: &'a str, id: &str) -> &'a str {
    let name = format!("flags#{id} ");
    stdout
        .lines()
        .find(|l| l.contains(&name))
        .and_then(|l| l.split_whitespace().next())
        .unwrap_or("missing")
}

#[test]
fn get_puts_urlencoded_and_plain_data_in_the_query() {
    let checks = r#"
  - id: promql
    curl: >-
      curl -sSG {{ target }}/api/v1/query
      --data-urlencode 'query=sum(rate(x{code=~"5.."}[5m])) + 1'
      --data-urlencode "job={{ env }} $JOB" -d time=5 --data-urlencode '=a&b'
    expect: { status: 200 }
"#;
    let (out, seen) = check(checks, &[("env", "prod/eu".into())]);
    assert_eq!(out.code(), 0, "{out:?}");
    assert_eq!(
        seen[0].request_line(),
        "GET /api/v1/query?query=sum%28rate%28x%7Bcode%3D~%225..%22%7D%5B5m%5D%29%29%20%2B%201\
         &job=prod%2Feu%20api%20server&time=5&a%26b HTTP/1.1"
    );
    assert!(seen[0].body.is_empty());
    assert_eq!(seen[0].header("content-type"), None);
}

#[test]
fn urlencode_without_get_is_a_form_body() {
    let checks = r#"
  - id: form
    curl: curl -s --data-urlencode 'query=up == 1' -d a=1 {{ target }}/api/v1/query
    mutating: true
    expect: { status: 200 }
"#;
    let (out, seen) = check(checks, &[]);
    assert_eq!(out.code(), 0, "{out:?}");
    assert_eq!(seen[0].request_line(), "POST /api/v1/query HTTP/1.1");
    assert_eq!(seen[0].body, b"query=up%20%3D%3D%201&a=1");
    assert_eq!(
        seen[0].header("content-type"),
        Some("application/x-www-form-urlencoded")
    );
}

#[test]
fn head_sends_head_and_reads_no_body() {
    fn reply(_: &Received) -> Vec<u8> {
        // A HEAD answer announces a body it does not send.
        b"HTTP/1.1 200 OK\r\nContent-Length: 5000\r\nX-Up: yes\r\n\r\n".to_vec()
    }
    let checks = r#"
  - id: head
    curl: curl -sI -m 3 {{ target }}/healthz
    expect: { status: 200, headers: { x-up: "yes" } }
"#;
    let started = Instant::now();
    let (out, seen) = check_with(checks, &[], reply);
    assert_eq!(out.code(), 0, "{out:?}");
    assert!(started.elapsed() < Duration::from_secs(3));
    assert_eq!(seen[0].request_line(), "HEAD /healthz HTTP/1.1");
}

#[test]
fn url_flag_bundles_and_fail_with_body() {
    fn reply(r: &Received) -> Vec<u8> {
        if r.request_line().starts_with("GET /broken") {
            b"HTTP/1.1 500 Oops\r\nContent-Length: 4\r\n\r\ndown".to_vec()
        } else {
            OK.to_vec()
        }
    }
    let checks = r#"
  - id: url-flag
    curl: curl -fsSL --url '{{ target }}/a?b=1'
    expect: { status: 200 }
  - id: bundle
    curl: curl -sSG -d x=1 {{ target }}/g
    expect: { status: 200 }
  - id: broken
    curl: curl --fail-with-body -sS {{ target }}/broken
    expect: { body: { contains: down } }
"#;
    let (out, seen) = check_with(checks, &[], reply);
    assert_eq!(out.code(), 1, "{out:?}");
    let lines: Vec<&str> = seen.iter().map(Received::request_line).collect();
    assert!(lines.contains(&"GET /a?b=1 HTTP/1.1"), "{lines:?}");
    assert!(lines.contains(&"GET /g?x=1 HTTP/1.1"), "{lines:?}");
    let stdout = out.stdout();
    assert_eq!(outcome(&stdout, "url-flag"), "PASS", "{stdout}");
    assert_eq!(outcome(&stdout, "bundle"), "PASS", "{stdout}");
    assert_eq!(outcome(&stdout, "broken"), "FAIL", "{stdout}");
    assert!(stdout.contains("got 500"), "{stdout}");
}

#[test]
fn resolve_connects_to_the_address_and_keeps_the_host() {
    let (server, log) = recording(ok);
    let port = server.port();
    let checks = format!(
        r#"
  - id: pinned
    curl: curl -s --resolve api.internal.test:{port}:127.0.0.1 {{{{ target }}}}/r
    expect: {{ status: 200 }}
"#
    );
    let rb = runbook(&format!("http://api.internal.test:{port}"), &[], &checks);
    let out = Project::new().runbook("flags", &rb).run(&["check"]);
    assert_eq!(out.code(), 0, "{out:?}");
    let seen = log.lock().expect("log").clone();
    assert_eq!(seen[0].request_line(), "GET /r HTTP/1.1");
    assert_eq!(
        seen[0].header("host"),
        Some(format!("api.internal.test:{port}").as_str())
    );
}

#[test]
fn the_allow_list_applies_to_the_url_host_not_the_resolved_address() {
    let (server, log) = recording(ok);
    let port = server.port();
    let checks = format!(
        r#"
  - id: elsewhere
    curl: curl -s --resolve other.test:{port}:127.0.0.1 http://other.test:{port}/r
    expect: {{ status: 200 }}
"#
    );
    let rb = runbook(&format!("http://127.0.0.1:{port}"), &[], &checks);
    let out = Project::new().runbook("flags", &rb).run(&["check"]);
    assert_eq!(out.code(), 1, "{out:?}");
    assert!(out.stdout().contains(&format!(
        "origin `http://other.test:{port}` is not one of the runbook's targets"
    )));
    assert!(log.lock().expect("log").is_empty());
}

fn compressed_reply(r: &Received) -> Vec<u8> {
    use flate2::Compression;
    let text = b"compressed hello";
    let (encoding, body) = match r.request_line() {
        l if l.contains("/gzip") => {
            let mut e = flate2::write::GzEncoder::new(Vec::new(), Compression::fast());
            e.write_all(text).expect("gzip");
            ("gzip", e.finish().expect("gzip"))
        }
        l if l.contains("/raw-deflate") => {
            let mut e = flate2::write::DeflateEncoder::new(Vec::new(), Compression::fast());
            e.write_all(text).expect("deflate");
            ("deflate", e.finish().expect("deflate"))
        }
        l if l.contains("/br") => ("br", brotli_stored(text)),
        l if l.contains("/bomb") => {
            let mut e = flate2::write::ZlibEncoder::new(Vec::new(), Compression::fast());
            let zeros = vec![b'0'; 1024 * 1024];
            for _ in 0..32 {
                e.write_all(&zeros).expect("zlib");
            }
            ("deflate", e.finish().expect("zlib"))
        }
        _ => {
            let mut e = flate2::write::ZlibEncoder::new(Vec::new(), Compression::fast());
            e.write_all(text).expect("zlib");
            ("deflate", e.finish().expect("zlib"))
        }
    };
    let head = format!(
        "HTTP/1.1 200 OK\r\nContent-Encoding: {encoding}\r\nContent-Length: {}\r\n\r\n",
        body.len()
    );
    [head.into_bytes(), body].concat()
}

/// `text` as a brotli stream of one stored (uncompressed) meta-block (the check matches the
/// whole body, since the raw stream holds the text too), written by hand: the
/// tree has a brotli decoder (ureq's) but no encoder. Bits, least significant first: WBITS `0`
/// (a 64 KiB window), ISLAST `0`, MNIBBLES `00` (four nibbles), MLEN-1 in 16 bits,
/// ISUNCOMPRESSED `1`, padding to the byte; the bytes; then ISLAST `1` and ISLASTEMPTY `1`.
fn brotli_stored(text: &[u8]) -> Vec<u8> {
    let len = u32::try_from(text.len() - 1).expect("short text");
    assert!(len < 1 << 16);
    let header: u32 = (len << 4) | (1 << 20);
    let mut out = header.to_le_bytes()[..3].to_vec();
    out.extend_from_slice(text);
    out.push(0b11);
    out
}

#[test]
fn compressed_asks_for_and_decodes_gzip_and_deflate() {
    let checks = r#"
  - id: gzip
    curl: curl -s --compressed {{ target }}/gzip
    expect: { body: { contains: compressed hello } }
  - id: deflate
    curl: curl -s --compressed {{ target }}/deflate
    expect: { body: { contains: compressed hello } }
  - id: raw-deflate
    curl: curl -s --compressed {{ target }}/raw-deflate
    expect: { body: { contains: compressed hello } }
  - id: br
    curl: curl -s --compressed {{ target }}/br
    expect: { body: { matches: '\Acompressed hello\z' } }
  - id: plain
    curl: curl -s {{ target }}/gzip
    expect: { body: { contains: compressed hello } }
"#;
    let (out, seen) = check_with(checks, &[], compressed_reply);
    assert_eq!(out.code(), 0, "{out:?}");
    for r in &seen {
        let asked = r.header("accept-encoding");
        if r.request_line().starts_with("GET /gzip") && asked.is_none() {
            continue; // the check without --compressed: curl sends no Accept-Encoding.
        }
        assert_eq!(asked, Some("gzip, deflate, br"), "{}", r.head);
    }
    let without = seen
        .iter()
        .filter(|r| r.header("accept-encoding").is_none());
    assert_eq!(without.count(), 1, "only the check without --compressed");
}

#[test]
fn a_deflate_bomb_stops_at_the_body_cap() {
    let checks = r#"
  - id: bomb
    curl: curl -s --compressed -m 5 {{ target }}/bomb
    expect: { body: { contains: never-there } }
"#;
    let (out, _) = check_with(checks, &[], compressed_reply);
    assert_eq!(out.code(), 1, "{out:?}");
    let stdout = out.stdout();
    assert_eq!(outcome(&stdout, "bomb"), "FAIL", "{stdout}");
    assert!(stdout.contains("body cut at 1 MiB"), "{stdout}");
}

#[test]
fn a_command_continued_over_lines_runs_and_lints_where_written() {
    let checks = "
  - id: continued
    curl: |
      curl -sS \\
        -H 'x-a: 1' \\
        -G --data-urlencode 'q=a b' \\
        {{ target }}/c
    expect: { status: 200 }
";
    let (out, seen) = check(checks, &[]);
    assert_eq!(out.code(), 0, "{out:?}");
    assert_eq!(seen[0].request_line(), "GET /c?q=a%20b HTTP/1.1");
    assert_eq!(seen[0].header("x-a"), Some("1"));

    let broken = checks.replace("-H 'x-a: 1'", "-K cfg");
    let rb = runbook("http://127.0.0.1:1", &[], &broken);
    let out = Project::new().runbook("flags", &rb).run(&["lint"]);
    assert_eq!(out.code(), 1, "{out:?}");
    let line = rb.lines().position(|l| l.contains("-K cfg")).expect("line") + 1;
    let column = rb
        .lines()
        .nth(line - 1)
        .and_then(|l| l.find("-K"))
        .expect("col")
        + 1;
    let at = format!("runbooks/flags.yaml:{line}:{column}\n");
    assert!(out.stdout().contains(&at), "want {at}\n{out:?}");
}

#[test]
fn raw_promql_in_a_url_is_sent_encoded_and_a_plus_is_a_warning() {
    let checks = r#"
  - id: raw
    curl: curl -s '{{ target }}/api/v1/query?query=sum(rate(x{code=~"5.."}[5m]))'
    expect: { status: 200 }
"#;
    let (out, seen) = check(checks, &[]);
    assert_eq!(out.code(), 0, "{out:?}");
    assert_eq!(
        seen[0].request_line(),
        "GET /api/v1/query?query=sum(rate(x{code=~%225..%22}[5m])) HTTP/1.1"
    );

    let plus = checks.replace("[5m]))'", "[5m]))+1'");
    let rb = runbook("http://127.0.0.1:1", &[], &plus);
    let out = Project::new().runbook("flags", &rb).run(&["lint"]);
    let stdout = out.stdout();
    assert!(stdout.contains("warning[plus-in-query]"), "{out:?}");
    assert!(stdout.contains("--data-urlencode"), "{out:?}");
}

#[test]
fn a_url_that_cannot_be_sent_is_a_lint_error_with_its_position() {
    let checks = r#"
  - id: bad
    curl: curl -s '{{ target }}/a b'
    expect: { status: 200 }
"#;
    let rb = runbook("http://exa mple.test", &[], checks);
    let out = Project::new().runbook("flags", &rb).run(&["lint"]);
    assert_eq!(out.code(), 1, "{out:?}");
    let line = rb
        .lines()
        .position(|l| l.contains("curl -s"))
        .expect("line")
        + 1;
    let at = format!("flags.yaml:{line}:");
    assert!(out.stdout().contains(&at), "{out:?}");
    assert!(out.stdout().contains("error[invalid-curl]"), "{out:?}");
}
