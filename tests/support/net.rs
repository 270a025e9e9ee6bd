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
