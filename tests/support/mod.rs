//! Shared by the integration tests: fixture projects on disk, the real binary, raw TCP servers
//! and a small XML well-formedness check.

#![allow(dead_code)]

pub mod demo;

use std::io::{BufRead, BufReader, Read};
use std::net::{SocketAddr, TcpListener, TcpStream};
use std::path::Path;
use std::process::{Command, Output};
use std::thread;

/// A project folder with `runbooks/<name>.yaml` for each `(name, yaml)`.
pub fn project(runbooks: &[(&str, &str)]) -> tempfile::TempDir {
    let dir = tempfile::tempdir().expect("tempdir");
    std::fs::create_dir_all(dir.path().join("runbooks")).expect("mkdir");
    for (name, yaml) in runbooks {
        std::fs::write(dir.path().join(format!("runbooks/{name}.yaml")), yaml).expect("write");
    }
    dir
}

/// A runbook holding `checks` (YAML list items, indented by two spaces) and targets.
pub fn runbook(target: &str, vars: &[(&str, String)], checks: &str) -> String {
    let vars: Vec<String> = vars.iter().map(|(k, v)| format!("{k}: \"{v}\"")).collect();
    format!(
        "title: Fixture\nservice: fixture\nowner: team\nlast_reviewed: 2026-11-20\n\
         targets:\n  local:\n    url: {target}\n    vars: {{ {} }}\nchecks:\n{checks}",
        vars.join(", ")
    )
}

/// Runs `opsbook` with `args` in the project `dir`, with `env` added to its environment.
pub fn opsbook(dir: &Path, args: &[&str], env: &[(&str, &str)]) -> Output {
    let mut cmd = Command::new(env!("CARGO_BIN_EXE_opsbook"));
    cmd.arg("-C")
        .arg(dir)
        .args(args)
        .env("OPSBOOK_TODAY", "2026-11-26");
    for (k, v) in env {
        cmd.env(k, v);
    }
    cmd.output().expect("run opsbook")
}

pub fn stdout(o: &Output) -> String {
    String::from_utf8_lossy(&o.stdout).into_owned()
}

pub fn stderr(o: &Output) -> String {
    String::from_utf8_lossy(&o.stderr).into_owned()
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

/// Checks that `xml` is well-formed: balanced tags, quoted attributes, escaped text.
pub fn assert_well_formed_xml(xml: &str) {
    let mut stack: Vec<String> = Vec::new();
    let mut rest = xml;
    while let Some(open) = rest.find('<') {
        assert_text(&rest[..open]);
        rest = &rest[open..];
        let close = rest.find('>').expect("unclosed tag");
        let tag = &rest[1..close];
        rest = &rest[close + 1..];
        if tag.starts_with('?') {
            continue;
        }
        if let Some(name) = tag.strip_prefix('/') {
            assert_eq!(stack.pop().as_deref(), Some(name), "mismatched </{name}>");
            continue;
        }
        let self_closing = tag.ends_with('/');
        let tag = tag.trim_end_matches('/');
        let name = tag.split_whitespace().next().expect("tag name").to_owned();
        assert_attributes(&tag[name.len()..]);
        if !self_closing {
            stack.push(name);
        }
    }
    assert_text(rest);
    assert!(stack.is_empty(), "unclosed: {stack:?}");
}

fn assert_attributes(mut attrs: &str) {
    loop {
        attrs = attrs.trim_start();
        if attrs.is_empty() {
            return;
        }
        let eq = attrs.find("=\"").expect("attribute without a quoted value");
        let end = attrs[eq + 2..].find('"').expect("unterminated attribute") + eq + 2;
        assert_text(&attrs[eq + 2..end]);
        attrs = &attrs[end + 1..];
    }
}

fn assert_text(text: &str) {
    assert!(!text.contains('<'), "raw < in {text:?}");
    for (i, _) in text.match_indices('&') {
        let entity = &text[i..];
        let ok = ["&amp;", "&lt;", "&gt;", "&quot;", "&apos;", "&#"]
            .iter()
            .any(|e| entity.starts_with(e));
        assert!(ok, "raw & in {text:?}");
    }
}
