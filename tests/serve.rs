//! `opsbook serve` over real loopback HTTP: pages with the reload script, GET only, traversal
//! refused, a rebuild on change, and the lint errors shown while an edit is broken.

use std::io::{Read, Write};
use std::net::TcpStream;
use std::path::PathBuf;
use std::time::{Duration, Instant};

mod common;
mod site_common;

use site_common::start;

fn request(addr: &str, method: &str, path: &str) -> (u16, String) {
    let mut stream = TcpStream::connect(addr).expect("connect");
    write!(stream, "{method} {path} HTTP/1.1\r\nHost: {addr}\r\n\r\n").expect("send");
    let mut response = String::new();
    stream.read_to_string(&mut response).expect("read");
    let status = response
        .split_whitespace()
        .nth(1)
        .and_then(|s| s.parse().ok())
        .unwrap_or(0);
    let body = response
        .split_once("\r\n\r\n")
        .map_or("", |(_, b)| b)
        .to_owned();
    (status, body)
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

fn project() -> (tempfile::TempDir, PathBuf) {
    let tmp = tempfile::tempdir().expect("tempdir");
    let project = tmp.path().join("p");
    std::fs::create_dir_all(project.join("runbooks")).expect("mkdir");
    let repo = PathBuf::from(env!("CARGO_MANIFEST_DIR"));
    std::fs::copy(
        repo.join("runbooks/api.yaml"),
        project.join("runbooks/api.yaml"),
    )
    .expect("cp");
    (tmp, project)
}

#[test]
fn serves_rebuilds_and_shows_errors() {
    let (_tmp, project) = project();
    let server = start(&project);
    let addr = server.addr.as_str();

    let (status, page) = request(addr, "GET", "/api/increased-latency.html?target=staging");
    assert_eq!(status, 200);
    assert!(page.contains("<script src=\"/__opsbook/reload.js\"></script></body>"));
    let on_disk = std::fs::read_to_string(project.join("book/api/increased-latency.html"))
        .expect("built page");
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
    let api = project.join("runbooks/api.yaml");
    let good = std::fs::read_to_string(&api).expect("read");
    std::fs::write(&api, good.replace("severity: sev2", "severity: sev9")).expect("break");
    let v2 = wait_for_version_after(addr, &v1);
    let (status, page) = request(addr, "GET", "/api/index.html");
    assert_eq!(status, 500);
    assert!(page.contains("sev9"), "{page}");
    assert!(page.contains("/__opsbook/reload.js"));
    assert!(
        project.join("book/api/index.html").is_file(),
        "the last good build is kept"
    );

    std::fs::write(
        &api,
        good.replace("API service (Rust, axum)", "API service (edited)"),
    )
    .expect("fix");
    wait_for_version_after(addr, &v2);
    let (status, page) = request(addr, "GET", "/api/index.html");
    assert_eq!(status, 200);
    assert!(page.contains("API service (edited)"));
}
