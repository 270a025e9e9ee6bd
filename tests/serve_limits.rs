//! `opsbook serve` against a hostile client, over real loopback connections to the real binary:
//! an endless request line, oversized headers, hundreds of idle connections, a foreign `Host`,
//! links out of `book/`, and a port already taken.

use std::io::Write;
use std::net::{TcpListener, TcpStream};
use std::time::{Duration, Instant};

mod support;

use support::Project;
use support::site::{exchange, read_answer, status_of};

fn get(addr: &str, path: &str, host: &str) -> String {
    exchange(
        addr,
        format!("GET {path} HTTP/1.1\r\nHost: {host}\r\n\r\n").as_bytes(),
    )
}

/// A number from `/proc/PID/status`: `VmRSS` (resident memory, KiB), `Threads`.
fn proc_status(pid: u32, field: &str) -> u64 {
    let status = std::fs::read_to_string(format!("/proc/{pid}/status")).expect("/proc status");
    status
        .lines()
        .find_map(|l| l.strip_prefix(field)?.strip_prefix(':'))
        .and_then(|v| v.trim().trim_end_matches("kB").trim().parse().ok())
        .unwrap_or_else(|| panic!("{field} in /proc/{pid}/status"))
}

fn rss_kib(pid: u32) -> u64 {
    proc_status(pid, "VmRSS")
}

#[test]
fn an_endless_request_line_is_refused_and_memory_stays_bounded() {
    let project = Project::new().bundled("api.yaml");
    let server = project.serve();
    let addr = server.addr.as_str();
    assert_eq!(status_of(&get(addr, "/", addr)), 200);
    let before = rss_kib(server.pid());

    let mut stream = TcpStream::connect(addr).expect("connect");
    stream
        .set_write_timeout(Some(Duration::from_secs(20)))
        .expect("timeout");
    let chunk = vec![b'a'; 64 * 1024];
    let mut sent = stream.write_all(b"GET /").map_or(0, |()| 5);
    while sent < 64 << 20 {
        if stream.write_all(&chunk).is_err() {
            break;
        }
        sent += chunk.len();
    }
    let after = rss_kib(server.pid());
    assert!(
        sent < 64 << 20,
        "the server read the whole 64 MiB line instead of closing"
    );
    stream
        .set_read_timeout(Some(Duration::from_secs(5)))
        .expect("timeout");
    // The answer may be lost to the reset that closing an unread connection sends.
    let answer = read_answer(&mut stream);
    assert!(
        answer.is_empty() || answer.starts_with("HTTP/1.1 414 "),
        "{answer}"
    );
    assert!(
        after < before + 50 * 1024,
        "memory grew from {before} KiB to {after} KiB"
    );
    assert_eq!(status_of(&get(addr, "/", addr)), 200, "still serving");
}

#[test]
fn oversized_heads_are_refused() {
    let project = Project::new().bundled("api.yaml");
    let server = project.serve();
    let addr = server.addr.as_str();
    let long_path = format!("/{}", "a".repeat(9 * 1024));
    assert_eq!(status_of(&get(addr, &long_path, addr)), 414);
    let long_header = format!(
        "GET / HTTP/1.1\r\nHost: {addr}\r\nX-Big: {}\r\n\r\n",
        "b".repeat(9 * 1024)
    );
    assert_eq!(status_of(&exchange(addr, long_header.as_bytes())), 431);
    let many = format!(
        "GET / HTTP/1.1\r\nHost: {addr}\r\n{}\r\n",
        "X-Many: yes\r\n".repeat(200)
    );
    assert_eq!(status_of(&exchange(addr, many.as_bytes())), 431);
}

#[test]
fn idle_connections_neither_starve_the_server_nor_stay_open() {
    let project = Project::new().bundled("api.yaml");
    let server = project.serve();
    let addr = server.addr.as_str();
    let threads = proc_status(server.pid(), "Threads");
    // Half send nothing, half the start of a head and then nothing (slow-loris).
    let mut idle: Vec<TcpStream> = (0..500)
        .map(|n| {
            let mut stream = TcpStream::connect(addr).expect("connect");
            if n % 2 == 1 {
                stream.write_all(b"GET / HTTP/1.1\r\n").expect("send");
            }
            stream
        })
        .collect();

    let start = Instant::now();
    let answer = get(addr, "/api/index.html", addr);
    assert_eq!(status_of(&answer), 200, "{answer}");
    assert!(
        start.elapsed() < Duration::from_secs(2),
        "the page took {:?}",
        start.elapsed()
    );
    assert_eq!(
        proc_status(server.pid(), "Threads"),
        threads,
        "no thread per connection"
    );

    // The deadline for a whole head is 10 s: the slow ones are told so and closed.
    let slow = idle.last_mut().expect("an idle connection");
    slow.set_read_timeout(Some(Duration::from_secs(20)))
        .expect("timeout");
    let answer = read_answer(slow);
    assert_eq!(status_of(&answer), 408, "{answer}");
    // One that never sent a byte (a browser's spare connection) is closed without an answer.
    let silent = idle.first_mut().expect("an idle connection");
    silent
        .set_read_timeout(Some(Duration::from_secs(5)))
        .expect("timeout");
    assert_eq!(read_answer(silent), "", "closed, not answered");
}

#[test]
fn connections_beyond_the_limit_get_503_at_once() {
    let project = Project::new().bundled("api.yaml");
    let server = project.serve();
    let addr = server.addr.as_str();
    // 768 may wait for their head at once; these 832 come in one after the other.
    let mut streams: Vec<TcpStream> = (0..832)
        .map(|_| TcpStream::connect(addr).expect("connect"))
        .collect();
    let last = streams.last_mut().expect("a connection");
    last.set_read_timeout(Some(Duration::from_secs(5)))
        .expect("timeout");
    let start = Instant::now();
    let answer = read_answer(last);
    assert_eq!(status_of(&answer), 503, "{answer}");
    assert!(start.elapsed() < Duration::from_secs(3));
    drop(streams);
    let start = Instant::now();
    loop {
        if status_of(&get(addr, "/", addr)) == 200 {
            break;
        }
        assert!(start.elapsed() < Duration::from_secs(5), "never recovered");
        std::thread::sleep(Duration::from_millis(50));
    }
}

#[test]
fn only_this_machines_names_are_answered() {
    let project = Project::new().bundled("api.yaml");
    let server = project.serve();
    let addr = server.addr.as_str();
    let port = addr.rsplit_once(':').expect("a port").1;

    let foreign = get(addr, "/api/index.html", &format!("evil.example:{port}"));
    assert_eq!(status_of(&foreign), 421, "{foreign}");
    assert!(!foreign.contains("<html"), "no page to a foreign host");
    assert_eq!(
        status_of(&get(addr, "/", &format!("localhost:{port}"))),
        200
    );
    assert_eq!(
        status_of(&get(addr, "/", &format!("127.0.0.1:{port}"))),
        200
    );
    assert_eq!(
        status_of(&get(addr, "/", "127.0.0.1:1")),
        421,
        "another port"
    );
    let old = exchange(addr, b"GET / HTTP/1.0\r\n\r\n");
    assert_eq!(status_of(&old), 200, "HTTP/1.0 may leave Host out");
    let missing = exchange(addr, b"GET / HTTP/1.1\r\n\r\n");
    assert_eq!(status_of(&missing), 400, "HTTP/1.1 must send Host");
}

#[cfg(unix)]
#[test]
fn links_out_of_the_book_are_not_followed() {
    use std::os::unix::fs::symlink;
    let project = Project::new().bundled("api.yaml");
    let server = project.serve();
    let addr = server.addr.as_str();
    let secret = tempfile::tempdir().expect("tempdir");
    std::fs::write(secret.path().join("secret.txt"), "TOP-SECRET-VALUE").expect("write");
    let book = project.join("book");
    symlink(secret.path(), book.join("leak")).expect("symlink");
    symlink(secret.path().join("secret.txt"), book.join("leak.txt")).expect("symlink");
    symlink(book.join("api/index.html"), book.join("alias.html")).expect("symlink");
    std::fs::create_dir(book.join("empty")).expect("mkdir");

    for path in ["/leak/secret.txt", "/leak.txt", "/leak/", "/empty/"] {
        let answer = get(addr, path, addr);
        assert_eq!(status_of(&answer), 404, "{path}: {answer}");
        assert!(!answer.contains("TOP-SECRET"), "{path}: {answer}");
    }
    let inside = get(addr, "/alias.html", addr);
    assert_eq!(
        status_of(&inside),
        200,
        "a link that stays in the book is served"
    );
}

#[test]
fn a_taken_port_fails_before_building() {
    let taken = TcpListener::bind("127.0.0.1:0").expect("bind");
    let port = taken.local_addr().expect("addr").port().to_string();
    let project = Project::new().bundled("api.yaml");
    let output = project.run(&["--color", "never", "serve", "--port", &port]);
    assert_eq!(output.code(), 2, "{output:?}");
    let stderr = output.stderr();
    assert!(
        stderr.contains(&format!("127.0.0.1:{port}")) && stderr.contains("--port N"),
        "{stderr}"
    );
    assert!(!project.join("book").exists(), "nothing was built");
}
