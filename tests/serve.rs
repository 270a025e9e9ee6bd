//! `opsbook serve` over real loopback HTTP: pages with the reload script, GET and HEAD only,
//! `--host` and `--open`, traversal refused, a rebuild on change, and the lint errors shown while an edit is broken.

use std::time::{Duration, Instant};

mod support;

use support::Project;
use support::site::{differing, exchange, status_of, tree};

fn request(addr: &str, method: &str, path: &str) -> (u16, String) {
    let answer = exchange(
        addr,
        format!("{method} {path} HTTP/1.1\r\nHost: {addr}\r\n\r\n").as_bytes(),
    );
    let body = answer.split_once("\r\n\r\n").map_or("", |(_, b)| b);
    (status_of(&answer), body.to_owned())
}

fn wait_for_version_after(addr: &str, old: &str) -> String {
    let start = Instant::now();
    loop {
        let (_, version) = request(addr, "GET", "/__opsbook/version");
        if version != old {
            return version;
        }
        assert!(start.elapsed() < Duration::from_secs(20), "no rebuild");
        std::thread::sleep(Duration::from_millis(100));
    }
}

#[test]
fn serves_rebuilds_and_shows_errors() {
    let project = Project::new().bundled("api.yaml");
    let server = project.serve();
    let addr = server.addr.as_str();

    let (status, page) = request(addr, "GET", "/api/increased-latency.html?target=staging");
    assert_eq!(status, 200);
    let (_, version) = request(addr, "GET", "/__opsbook/version");
    let tag = format!(
        "<script src=\"/__opsbook/reload.js\" data-version=\"{}\"></script></body>",
        version.trim()
    );
    assert!(page.contains(&tag), "{page}");
    let on_disk = project.read("book/api/increased-latency.html");
    assert!(
        !on_disk.contains("__opsbook"),
        "the reload script is served, not built"
    );
    assert_eq!(request(addr, "GET", "/").0, 200);
    assert_eq!(request(addr, "GET", "/__opsbook/reload.js").0, 200);
    assert_eq!(request(addr, "GET", "/../opsbook.yaml").0, 403);
    assert_eq!(request(addr, "GET", "/%2e%2e/runbooks/api.yaml").0, 403);
    assert_eq!(request(addr, "POST", "/").0, 405);
    assert_eq!(request(addr, "GET", "/nope.html").0, 404);

    let (_, v1) = request(addr, "GET", "/__opsbook/version");
    let good = project.read("runbooks/api.yaml");
    project.write(
        "runbooks/api.yaml",
        good.replace("severity: sev2", "severity: sev9"),
    );
    let v2 = wait_for_version_after(addr, &v1);
    let (status, page) = request(addr, "GET", "/api/index.html");
    assert_eq!(status, 500);
    assert!(page.contains("sev9"), "{page}");
    assert!(page.contains("/__opsbook/reload.js"));
    assert!(
        project.join("book/api/index.html").is_file(),
        "the last good build is kept"
    );

    // A syntax error is named as one, in the parser's words, with its place: not a type
    // error with a schema hint.
    project.write(
        "runbooks/api.yaml",
        good.replacen("\nlinks:\n", "\n bad: 1\nlinks:\n", 1),
    );
    let v3 = wait_for_version_after(addr, &v2);
    let (status, page) = request(addr, "GET", "/api/index.html");
    assert_eq!(status, 500);
    assert!(
        page.contains(
            "error[invalid-yaml]: while parsing a block mapping, did not find expected key"
        ),
        "{page}"
    );
    assert!(page.contains("runbooks/api.yaml:28:2"), "{page}");
    assert!(
        !page.contains("wrong-type") && !page.contains("opsbook schema"),
        "{page}"
    );

    project.write(
        "runbooks/api.yaml",
        good.replace("API service (Rust, axum)", "API service (edited)"),
    );
    wait_for_version_after(addr, &v3);
    let (status, page) = request(addr, "GET", "/api/index.html");
    assert_eq!(status, 200);
    assert!(page.contains("API service (edited)"));
}

#[test]
fn a_record_saved_during_an_incident_reaches_the_served_book() {
    let project = Project::new().bundled("api.yaml").dir("incidents");
    let server = project.serve();
    let addr = server.addr.as_str();
    let (_, v1) = request(addr, "GET", "/__opsbook/version");
    let record =
        std::fs::read_to_string("tests/fixtures/workbook/incidents/2026-11-20-p95-above-slo.md")
            .expect("fixture");
    project.write("incidents/2026-11-20-p95-above-slo.md", record);
    wait_for_version_after(addr, &v1);
    let (status, page) = request(addr, "GET", "/incidents/2026-11-20-p95-above-slo.html");
    assert_eq!(status, 200);
    assert!(page.contains("p95 above SLO on &#x2f;hello"), "{page}");
    let (_, fm) = request(addr, "GET", "/api/increased-latency.html");
    assert!(
        fm.contains("1 incident recorded"),
        "Seen before is rebuilt too"
    );
}

/// The served `book/` is byte for byte what `build` makes of the project now (`when` names the
/// step in the message).
fn assert_served_as_built(project: &Project, when: &str) {
    let fresh = project.beside(&format!("fresh-{when}"));
    project.build(&fresh).assert_ok();
    let (served, mut built) = (tree(&project.join("book")), tree(&fresh));
    // `build` leaves a manifest for the next build; `serve` keeps its own in memory.
    built.remove(".opsbook-build.json");
    let differ = differing(&served, &built);
    assert!(
        differ.is_empty(),
        "{when}: served and built differ in {differ:?}"
    );
}

/// The served book after each edit is byte for byte what `build` makes of the same project,
/// although only the pages an edit touches were rendered again: a page of another runbook is the
/// same file as before (its inode), a removed runbook's pages are gone, and the search index and
/// the form's list carry the new text.
#[cfg(unix)]
#[test]
fn an_edit_rerenders_only_what_it_touches_and_matches_a_full_build() {
    use std::os::unix::fs::MetadataExt;
    let project = Project::new().bundled("api.yaml").bundled("postgres.yaml");
    let server = project.serve();
    let addr = server.addr.as_str();
    let inode = |rel: &str| std::fs::metadata(project.join(rel)).expect(rel).ino();
    let same_as_build = |when: &str| assert_served_as_built(&project, when);
    let other = inode("book/postgres/index.html");
    // A full build swaps in a new folder; an incremental one writes into the live one.
    let live = (inode("book"), inode("book/postgres"));

    let (_, v1) = request(addr, "GET", "/__opsbook/version");
    let api = project.read("runbooks/api.yaml");
    project.write(
        "runbooks/api.yaml",
        api.replace("Increased latency", "Slower answers"),
    );
    let v2 = wait_for_version_after(addr, &v1);
    let (_, page) = request(addr, "GET", "/api/increased-latency.html");
    assert!(page.contains("Slower answers"), "{page}");
    for patched in [
        "book/search-index.js",
        "book/incident-data.js",
        "book/index.html",
    ] {
        assert!(
            project.read(patched).contains("Slower answers"),
            "{patched}"
        );
    }
    assert_eq!(
        inode("book/postgres/index.html"),
        other,
        "another runbook's page was rewritten"
    );
    assert_eq!(
        (inode("book"), inode("book/postgres")),
        live,
        "the site was rebuilt whole"
    );
    same_as_build("edit");

    let postgres = project.read("runbooks/postgres.yaml");
    std::fs::remove_file(project.join("runbooks/postgres.yaml")).expect("rm");
    let v3 = wait_for_version_after(addr, &v2);
    assert!(
        !project.join("book/postgres").exists(),
        "a removed runbook's pages stay"
    );
    assert_eq!(request(addr, "GET", "/postgres/index.html").0, 404);
    same_as_build("removal");

    project.write("runbooks/postgres.yaml", postgres);
    let v4 = wait_for_version_after(addr, &v3);
    assert_eq!(request(addr, "GET", "/postgres/index.html").0, 200);
    same_as_build("return");

    // A template can change every page: the whole site is rendered and swapped in.
    project.write("templates/site.css", "body { color: black }\n");
    wait_for_version_after(addr, &v4);
    assert_eq!(project.read("book/site.css"), "body { color: black }\n");
    assert_ne!(
        inode("book"),
        live.0,
        "a template change rebuilds the whole site"
    );
    same_as_build("template");
}

/// Alert pages follow every edit that touches them and no other: text elsewhere (the alert
/// pages' data is kept), an alert's severity, a second failure mode listing the same alert
/// (its page stops forwarding, and the first runbook's pages change with it), each time the
/// served book byte for byte what `build` makes.
#[test]
fn alert_pages_follow_the_edits_that_touch_them() {
    let fixture = Project::repo().join("tests/fixtures/alerts/runbooks");
    let project = Project::new()
        .config("title: Alerts\n")
        .copy(fixture.join("api.yaml"), "runbooks/api.yaml")
        .copy(fixture.join("postgres.yaml"), "runbooks/postgres.yaml");
    let server = project.serve();
    let addr = server.addr.as_str();
    let same_as_build = |when: &str| assert_served_as_built(&project, when);
    let (_, v1) = request(addr, "GET", "/__opsbook/version");
    let edit = |from: &str, to: &str| {
        let api = project.read("runbooks/api.yaml");
        assert!(api.contains(from), "{from}");
        project.write("runbooks/api.yaml", api.replacen(from, to, 1));
    };

    edit(
        "The restarts began with the rollout.",
        "Restarts began with the rollout.",
    );
    let v2 = wait_for_version_after(addr, &v1);
    same_as_build("text");

    edit(
        "{ name: ApiDown, severity: critical }",
        "{ name: ApiDown, severity: warning }",
    );
    let v3 = wait_for_version_after(addr, &v2);
    let (_, page) = request(addr, "GET", "/alerts/index.html");
    assert!(page.contains("warning"), "{page}");
    same_as_build("severity");

    let (_, before) = request(addr, "GET", "/alerts/ApiHighLatency.html");
    edit(
        "      - { name: ApiHighErrorRate }",
        "      - { name: ApiHighErrorRate }\n      - { name: ApiHighLatency }",
    );
    wait_for_version_after(addr, &v3);
    let (_, after) = request(addr, "GET", "/alerts/ApiHighLatency.html");
    assert_ne!(
        before, after,
        "the alert's page lists two failure modes now"
    );
    same_as_build("shared alert");
}

/// The head of `answer` and its body, split.
fn head_and_body(answer: &str) -> (&str, &str) {
    answer.split_once("\r\n\r\n").expect("a head")
}

#[test]
fn head_answers_like_get_without_the_body() {
    let project = Project::new().bundled("api.yaml");
    let server = project.serve();
    let addr = server.addr.as_str();
    let ask = |method: &str| {
        exchange(
            addr,
            format!("{method} /api/index.html HTTP/1.1\r\nHost: {addr}\r\n\r\n").as_bytes(),
        )
    };
    let get = ask("GET");
    let head = ask("HEAD");
    assert_eq!(status_of(&head), 200, "{head}");
    let (get_head, get_body) = head_and_body(&get);
    let (head_head, head_body) = head_and_body(&head);
    assert_eq!(head_body, "", "HEAD sends no body");
    assert_eq!(
        get_head, head_head,
        "HEAD sends GET's head, length included"
    );
    assert!(head_head.contains(&format!("Content-Length: {}", get_body.len())));
    assert!(
        server.stderr().is_empty(),
        "no warning on 127.0.0.1: {}",
        server.stderr()
    );
}

#[test]
fn host_every_address_warns_and_answers_ip_literals_only() {
    let project = Project::new().bundled("api.yaml");
    let server = project.serve_with(&["--host", "0.0.0.0"], &[]);
    let port = server.addr.rsplit(':').next().expect("port").to_owned();
    let local = format!("127.0.0.1:{port}");
    let with_host = |host: &str| {
        let raw = format!("GET / HTTP/1.1\r\nHost: {host}\r\n\r\n");
        status_of(&exchange(&local, raw.as_bytes()))
    };
    assert_eq!(with_host(&format!("10.1.2.3:{port}")), 200);
    assert_eq!(with_host(&format!("localhost:{port}")), 200);
    assert_eq!(with_host(&format!("evil.example:{port}")), 421);
    let warning = server.stderr();
    assert!(
        warning.contains("warning: listening on 0.0.0.0:")
            && warning.contains("visible to every machine"),
        "{warning}"
    );
}

#[test]
fn open_hands_the_url_to_the_browser() {
    let project = Project::new().bundled("api.yaml");
    let seen = project.beside("opened.txt");
    let script = project.beside("browser.sh");
    std::fs::write(
        &script,
        format!("#!/bin/sh\nprintf '%s' \"$1\" > '{}'\n", seen.display()),
    )
    .expect("script");
    let mut permissions = std::fs::metadata(&script).expect("meta").permissions();
    std::os::unix::fs::PermissionsExt::set_mode(&mut permissions, 0o755);
    std::fs::set_permissions(&script, permissions).expect("chmod");
    let browser = script.to_str().expect("utf-8");
    let server = project.serve_with(&["--open"], &[("BROWSER", browser)]);
    let start = Instant::now();
    while !seen.exists() || std::fs::read_to_string(&seen).expect("read").is_empty() {
        assert!(
            start.elapsed() < Duration::from_secs(20),
            "no browser opened"
        );
        std::thread::sleep(Duration::from_millis(50));
    }
    let url = std::fs::read_to_string(&seen).expect("read");
    assert_eq!(url, format!("http://{}/", server.addr));
    assert_eq!(request(&server.addr, "GET", "/").0, 200);
    // The opener, once it exits, is reaped: no zombie is left beside the server.
    let start = Instant::now();
    while !zombie_children(server.pid()).is_empty() {
        assert!(
            start.elapsed() < Duration::from_secs(10),
            "the browser opener was never reaped"
        );
        std::thread::sleep(Duration::from_millis(50));
    }
}

/// The process ids of `parent`'s children that have exited but not been waited for.
fn zombie_children(parent: u32) -> Vec<u32> {
    let Ok(entries) = std::fs::read_dir("/proc") else {
        return Vec::new();
    };
    entries
        .flatten()
        .filter_map(|e| e.file_name().to_str()?.parse::<u32>().ok())
        .filter(|pid| {
            let stat = std::fs::read_to_string(format!("/proc/{pid}/stat")).unwrap_or_default();
            // `pid (comm) state ppid ...`: the fields after the command's closing parenthesis.
            let rest = stat.rsplit_once(')').map_or("", |(_, r)| r);
            let mut fields = rest.split_whitespace();
            let state = fields.next();
            let ppid = fields.next().and_then(|p| p.parse::<u32>().ok());
            state == Some("Z") && ppid == Some(parent)
        })
        .collect()
}

/// Opens the live-reload socket as a browser would; returns the stream and the response head.
fn open_live(addr: &str, origin: &str) -> (std::net::TcpStream, String) {
    use std::io::{Read, Write};
    let mut stream = std::net::TcpStream::connect(addr).unwrap();
    stream
        .set_read_timeout(Some(Duration::from_secs(20)))
        .unwrap();
    let opening = format!(
        "GET /__opsbook/live HTTP/1.1\r\nHost: {addr}\r\nUpgrade: websocket\r\n\
         Connection: Upgrade\r\nSec-WebSocket-Version: 13\r\n\
         Sec-WebSocket-Key: dGhlIHNhbXBsZSBub25jZQ==\r\nOrigin: {origin}\r\n\r\n"
    );
    stream.write_all(opening.as_bytes()).unwrap();
    let mut head = Vec::new();
    let mut byte = [0u8];
    while !head.ends_with(b"\r\n\r\n") && stream.read(&mut byte).unwrap_or(0) == 1 {
        head.push(byte[0]);
    }
    (stream, String::from_utf8_lossy(&head).into_owned())
}

/// One text frame from the server: unmasked, short.
fn read_frame(stream: &mut std::net::TcpStream) -> String {
    use std::io::Read;
    let mut head = [0u8; 2];
    stream.read_exact(&mut head).expect("a frame");
    assert_eq!(head[0], 0x81, "a final text frame");
    assert!(head[1] < 126, "unmasked, short");
    let mut text = vec![0u8; head[1] as usize];
    stream.read_exact(&mut text).unwrap();
    String::from_utf8(text).unwrap()
}

#[test]
fn open_pages_are_told_of_each_rebuild_over_a_websocket() {
    let project = Project::new().bundled("api.yaml");
    let server = project.serve();
    let addr = server.addr.as_str();
    let (_, page) = request(addr, "GET", "/api/increased-latency.html");
    assert!(
        page.contains("default-src 'none'; connect-src 'self';"),
        "served pages may reach this server (the socket, the page fetched again): {page}"
    );
    assert!(
        !project
            .read("book/api/increased-latency.html")
            .contains("connect-src"),
        "the book itself keeps its policy"
    );

    let (mut socket, head) = open_live(addr, &format!("http://{addr}"));
    assert!(head.starts_with("HTTP/1.1 101 "), "{head}");
    // RFC 6455's example key and its answer.
    assert!(
        head.contains("Sec-WebSocket-Accept: s3pPLMBiTxaQ9kYGzzhZRbK+xOo=\r\n"),
        "{head}"
    );
    let (_, now) = request(addr, "GET", "/__opsbook/version");
    assert_eq!(
        read_frame(&mut socket),
        now.trim(),
        "the current version first"
    );

    let good = project.read("runbooks/api.yaml");
    project.write(
        "runbooks/api.yaml",
        good.replace("severity: sev2", "severity: sev3"),
    );
    let pushed = read_frame(&mut socket);
    let (_, after) = request(addr, "GET", "/__opsbook/version");
    assert_eq!(pushed, after.trim(), "told the new version, unasked");
    assert_ne!(pushed, now.trim());

    // Another site's page may open a WebSocket to any address: it is not answered.
    let (_, head) = open_live(addr, "http://evil.example");
    assert!(!head.starts_with("HTTP/1.1 101 "), "{head}");
    let (_, head) = open_live(addr, "null");
    assert!(!head.starts_with("HTTP/1.1 101 "), "{head}");
}
