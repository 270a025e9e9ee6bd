//! The site's side of the harness (`site.rs`, `serve.rs`, `browser.rs`, `browser_keys.rs`,
//! `incident_template.rs`): build a project into an out folder, or serve it and wait for the
//! address it prints.

use std::io::{BufRead, BufReader, ErrorKind, Read, Write};
use std::marker::PhantomData;
use std::net::TcpStream;
use std::path::{Path, PathBuf};
use std::process::{Child, Stdio};
use std::time::Duration;

use super::{Project, Run};

/// Every file of a folder (a site), by relative path, with its bytes.
pub fn tree(dir: &Path) -> std::collections::BTreeMap<String, Vec<u8>> {
    walkdir::WalkDir::new(dir)
        .into_iter()
        .filter_map(Result::ok)
        .filter(|e| e.file_type().is_file())
        .map(|e| {
            let rel = e.path().strip_prefix(dir).expect("inside");
            let bytes = std::fs::read(e.path()).expect("read");
            (rel.display().to_string(), bytes)
        })
        .collect()
}

/// The files two [`tree`]s do not have alike: missing from one, or with other bytes.
pub fn differing<'a>(
    a: &'a std::collections::BTreeMap<String, Vec<u8>>,
    b: &'a std::collections::BTreeMap<String, Vec<u8>>,
) -> std::collections::BTreeSet<&'a str> {
    a.keys()
        .chain(b.keys())
        .filter(|k| a.get(*k) != b.get(*k))
        .map(String::as_str)
        .collect()
}

impl Project {
    /// `opsbook --color never build --out OUT` in this project.
    pub fn build(&self, out: &Path) -> Run {
        let out = out.to_str().expect("a UTF-8 temporary path");
        self.run(&["--color", "never", "build", "--out", out])
    }

    /// This project built into `book/` of a fresh temporary folder, which holds it while it
    /// lives; for projects used in place (the repository), which must not be written into.
    pub fn build_book(&self) -> (tempfile::TempDir, PathBuf) {
        let tmp = tempfile::tempdir().expect("tempdir");
        let out = tmp.path().join("book");
        self.build(&out).assert_ok();
        (tmp, out)
    }

    /// Starts `opsbook serve --port 0` in this project and waits for the address it prints.
    /// The server borrows the project, so its folder outlives it.
    pub fn serve(&self) -> Server<'_> {
        self.serve_with(&[], &[])
    }

    /// [`Project::serve`] with more arguments and environment variables; its standard error is
    /// gathered in [`Server::stderr`].
    pub fn serve_with(&self, args: &[&str], env: &[(&str, &str)]) -> Server<'_> {
        let mut all = vec!["--color", "never", "serve", "--port", "0"];
        all.extend_from_slice(args);
        let mut child = self
            .command(&all)
            .envs(env.iter().copied())
            .stdout(Stdio::piped())
            .stderr(Stdio::piped())
            .spawn()
            .expect("start opsbook serve");
        let stderr = std::sync::Arc::new(std::sync::Mutex::new(String::new()));
        let mut err = child.stderr.take().expect("stderr");
        let gathered = std::sync::Arc::clone(&stderr);
        std::thread::spawn(move || {
            let mut buf = [0u8; 4096];
            while let Ok(n) = err.read(&mut buf) {
                if n == 0 {
                    break;
                }
                let text = String::from_utf8_lossy(&buf[..n]).into_owned();
                gathered.lock().expect("stderr").push_str(&text);
            }
        });
        let stdout = child.stdout.take().expect("stdout");
        let mut lines = BufReader::new(stdout).lines();
        let addr = loop {
            let line = lines
                .next()
                .expect("serve printed its address")
                .expect("line");
            if let Some(rest) = line.split("http://").nth(1) {
                break rest
                    .trim_end_matches(|c| c != '/')
                    .trim_end_matches('/')
                    .to_owned();
            }
        };
        // Keep draining stdout so the server never blocks on a full pipe.
        std::thread::spawn(move || for _ in lines {});
        Server {
            child,
            addr,
            stderr,
            project: PhantomData,
        }
    }
}

/// A running `opsbook serve`, stopped when dropped.
pub struct Server<'p> {
    child: Child,
    /// `127.0.0.1:PORT` (the address printed)
    pub addr: String,
    stderr: std::sync::Arc<std::sync::Mutex<String>>,
    project: PhantomData<&'p Project>,
}

impl Server<'_> {
    /// The server's process id, to read its memory from `/proc`.
    pub fn pid(&self) -> u32 {
        self.child.id()
    }

    /// What the server wrote to standard error so far.
    pub fn stderr(&self) -> String {
        self.stderr.lock().expect("stderr").clone()
    }
}

impl Drop for Server<'_> {
    fn drop(&mut self) {
        let _ = self.child.kill();
        let _ = self.child.wait();
    }
}

/// Sends the raw request `raw` to `addr` and reads the answer until the server closes.
pub fn exchange(addr: &str, raw: &[u8]) -> String {
    let mut stream = TcpStream::connect(addr).expect("connect");
    stream
        .set_read_timeout(Some(Duration::from_secs(20)))
        .expect("timeout");
    stream.write_all(raw).expect("send");
    read_answer(&mut stream)
}

/// Reads until the server closes; a reset counts as closed (a server that closes a connection
/// with unread bytes resets it, and the answer may be lost).
pub fn read_answer(stream: &mut TcpStream) -> String {
    let mut bytes = Vec::new();
    let mut buf = [0u8; 8192];
    loop {
        match stream.read(&mut buf) {
            Ok(0) => break,
            Ok(n) => bytes.extend_from_slice(&buf[..n]),
            Err(e) if e.kind() == ErrorKind::ConnectionReset => break,
            Err(e) => panic!("reading the answer: {e}"),
        }
    }
    String::from_utf8_lossy(&bytes).into_owned()
}

/// The status code of an answer; 0 when there is none.
pub fn status_of(answer: &str) -> u16 {
    answer
        .split_whitespace()
        .nth(1)
        .and_then(|s| s.parse().ok())
        .unwrap_or(0)
}
