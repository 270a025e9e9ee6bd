//! Raw loopback servers for the check tests: a thread per connection, the request head read,
//! whatever bytes the test wants written back; and a port nothing listens on.

use std::io::{BufRead, BufReader, Read};
use std::net::{SocketAddr, TcpListener, TcpStream};
use std::thread;

/// A runbook holding `checks` (YAML list items, indented by two spaces) against the target
/// `local` at `target`, with `vars` as its variables.
pub fn runbook(target: &str, vars: &[(&str, String)], checks: &str) -> String {
    let vars: Vec<String> = vars.iter().map(|(k, v)| format!("{k}: \"{v}\"")).collect();
    format!(
        "title: Fixture\nservice: fixture\nowner: team\nlast_reviewed: 2026-11-20\n\
         targets:\n  local:\n    url: {target}\n    vars: {{ {} }}\nchecks:\n{checks}",
        vars.join(", ")
    )
}

/// A raw server on 127.0.0.1:0: `handle` gets every connection, each on its own thread.
pub fn serve<F>(handle: F) -> SocketAddr
where
    F: Fn(TcpStream) + Send + Sync + 'static,
{
    let listener = TcpListener::bind("127.0.0.1:0").expect("bind");
    let addr = listener.local_addr().expect("addr");
    let handle = std::sync::Arc::new(handle);
    thread::spawn(move || {
        for stream in listener.incoming().flatten() {
            let handle = std::sync::Arc::clone(&handle);
            thread::spawn(move || handle(stream));
        }
    });
    addr
}

/// A server that answers every request with `raw`, then closes.
pub fn respond(raw: &'static [u8]) -> SocketAddr {
    serve(move |mut s| {
        read_head(&s);
        let _ = std::io::Write::write_all(&mut s, raw);
    })
}

/// Reads a request's head (up to the blank line) and returns it.
pub fn read_head(stream: &TcpStream) -> String {
    let mut reader = BufReader::new(stream.try_clone().expect("clone").take(64 * 1024));
    let mut head = String::new();
    loop {
        let mut line = String::new();
        match reader.read_line(&mut line) {
            Ok(0) | Err(_) => return head,
            Ok(_) => {}
        }
        head.push_str(&line);
        if line == "\r\n" || line == "\n" {
            return head;
        }
    }
}

/// A port nothing listens on.
pub fn closed_port() -> u16 {
    let listener = TcpListener::bind("127.0.0.1:0").expect("bind");
    listener.local_addr().expect("addr").port()
}

/// A request as a test server received it: the head (request line and headers) and the body
/// (as long as its `Content-Length` says).
#[derive(Clone, Debug, Default)]
pub struct Received {
    pub head: String,
    pub body: Vec<u8>,
}

impl Received {
    /// `GET /path?query HTTP/1.1`.
    pub fn request_line(&self) -> &str {
        self.head.lines().next().unwrap_or_default()
    }

    /// A header's value (name case-insensitive), as received.
    pub fn header(&self, name: &str) -> Option<&str> {
        self.head.lines().skip(1).find_map(|line| {
            let (n, v) = line.split_once(':')?;
            n.trim().eq_ignore_ascii_case(name).then(|| v.trim())
        })
    }
}

/// Reads one request (head and `Content-Length` body) from any stream, TLS ones included.
pub fn read_request(stream: impl Read) -> Received {
    let mut reader = BufReader::new(stream.take(1024 * 1024));
    let mut received = Received::default();
    loop {
        let mut line = String::new();
        match reader.read_line(&mut line) {
            Ok(0) | Err(_) => return received,
            Ok(_) => {}
        }
        received.head.push_str(&line);
        if line == "\r\n" || line == "\n" {
            break;
        }
    }
    let length: usize = received
        .header("content-length")
        .and_then(|v| v.parse().ok())
        .unwrap_or(0);
    received.body = vec![0; length];
    if reader.read_exact(&mut received.body).is_err() {
        received.body.clear();
    }
    received
}

/// Every request a [`recording`] server received, in order.
pub type Log = std::sync::Arc<std::sync::Mutex<Vec<Received>>>;

/// A server that records each request and answers it with `reply(&request)`.
pub fn recording<F>(reply: F) -> (SocketAddr, Log)
where
    F: Fn(&Received) -> Vec<u8> + Send + Sync + 'static,
{
    let log = Log::default();
    let seen = std::sync::Arc::clone(&log);
    let addr = serve(move |mut s| {
        let received = read_request(&s);
        let answer = reply(&received);
        seen.lock().expect("log").push(received);
        let _ = std::io::Write::write_all(&mut s, &answer);
    });
    (addr, log)
}
