//! The HTTP side of `opsbook serve`: GET only, files from the output folder, path traversal
//! refused, the live-reload script injected into HTML pages as they are sent.

use std::io::{BufRead, BufReader, Write};
use std::net::TcpStream;
use std::path::{Component, Path, PathBuf};
use std::sync::Mutex;
use std::time::Duration;

use super::{State, lock};

const RELOAD_JS: &str = include_str!("../../../templates/reload.js");
const RELOAD_TAG: &str = "<script src=\"/__opsbook/reload.js\"></script>";

struct Response {
    status: &'static str,
    content_type: &'static str,
    body: Vec<u8>,
}

impl Response {
    fn text(status: &'static str, body: &str) -> Response {
        Response {
            status,
            content_type: "text/plain; charset=utf-8",
            body: body.as_bytes().to_vec(),
        }
    }
}

pub fn handle(stream: TcpStream, state: &Mutex<State>) {
    let _ = stream.set_read_timeout(Some(Duration::from_secs(10)));
    let mut reader = BufReader::new(&stream);
    let mut first = String::new();
    if reader.read_line(&mut first).is_err() {
        return;
    }
    // Drain the headers; none of them change the answer.
    let mut line = String::new();
    while reader.read_line(&mut line).is_ok_and(|n| n > 2) && line.len() < 64 * 1024 {
        line.clear();
    }
    let response = respond(&first, state);
    let head = format!(
        "HTTP/1.1 {}\r\nContent-Type: {}\r\nContent-Length: {}\r\nCache-Control: no-store\r\n\
         X-Content-Type-Options: nosniff\r\nConnection: close\r\n\r\n",
        response.status,
        response.content_type,
        response.body.len()
    );
    let mut stream = &stream;
    let _ = stream.write_all(head.as_bytes());
    let _ = stream.write_all(&response.body);
}

fn respond(request_line: &str, state: &Mutex<State>) -> Response {
    let mut parts = request_line.split_whitespace();
    let (Some(method), Some(target)) = (parts.next(), parts.next()) else {
        return Response::text("400 Bad Request", "bad request\n");
    };
    if method != "GET" {
        return Response::text("405 Method Not Allowed", "only GET is served\n");
    }
    let path = target.split(['?', '#']).next().unwrap_or("/");
    let (version, error, out) = {
        let s = lock(state);
        (s.version, s.error.clone(), s.out.clone())
    };
    match path {
        "/__opsbook/version" => return Response::text("200 OK", &format!("{version}\n")),
        "/__opsbook/version.js" => {
            return Response {
                status: "200 OK",
                content_type: "text/javascript; charset=utf-8",
                body: format!(
                    "window.__opsbookVersion && window.__opsbookVersion(\"{version}\");\n"
                )
                .into_bytes(),
            };
        }
        "/__opsbook/reload.js" => {
            return Response {
                status: "200 OK",
                content_type: "text/javascript; charset=utf-8",
                body: RELOAD_JS.as_bytes().to_vec(),
            };
        }
        _ => {}
    }
    if let Some(page) = error {
        return Response {
            status: "500 Internal Server Error",
            content_type: "text/html; charset=utf-8",
            body: page.into_bytes(),
        };
    }
    let Some(file) = resolve(&out, path) else {
        return Response::text("403 Forbidden", "path refused\n");
    };
    match std::fs::read(&file) {
        Ok(bytes) => file_response(&file, bytes),
        Err(_) => Response::text("404 Not Found", "not found\n"),
    }
}

/// Maps a URL path to a file inside `out`, or `None` when it would leave it.
pub fn resolve(out: &Path, url_path: &str) -> Option<PathBuf> {
    let decoded = percent_decode(url_path)?;
    if decoded.contains(['\\', '\0']) {
        return None;
    }
    let rel = Path::new(decoded.trim_start_matches('/'));
    if rel.components().any(|c| !matches!(c, Component::Normal(_))) {
        return None;
    }
    let mut path = out.join(rel);
    if path.is_dir() {
        path.push("index.html");
    }
    Some(path)
}

fn percent_decode(s: &str) -> Option<String> {
    let bytes = s.as_bytes();
    let mut out = Vec::with_capacity(bytes.len());
    let mut i = 0;
    while i < bytes.len() {
        if bytes[i] == b'%' {
            let hex = s.get(i + 1..i + 3)?;
            out.push(u8::from_str_radix(hex, 16).ok()?);
            i += 3;
        } else {
            out.push(bytes[i]);
            i += 1;
        }
    }
    String::from_utf8(out).ok()
}

fn file_response(file: &Path, bytes: Vec<u8>) -> Response {
    let ext = file.extension().and_then(|e| e.to_str()).unwrap_or("");
    let content_type = match ext {
        "html" => "text/html; charset=utf-8",
        "css" => "text/css; charset=utf-8",
        "js" => "text/javascript; charset=utf-8",
        "json" => "application/json",
        "svg" => "image/svg+xml",
        "png" => "image/png",
        _ => "application/octet-stream",
    };
    let body = if ext == "html" {
        inject_reload(bytes)
    } else {
        bytes
    };
    Response {
        status: "200 OK",
        content_type,
        body,
    }
}

/// Adds the reload script before the last `</body>`; the file on disk stays as built.
fn inject_reload(bytes: Vec<u8>) -> Vec<u8> {
    let Ok(mut html) = String::from_utf8(bytes) else {
        return Vec::new();
    };
    match html.rfind("</body>") {
        Some(at) => html.insert_str(at, RELOAD_TAG),
        None => html.push_str(RELOAD_TAG),
    }
    html.into_bytes()
}

/// The page shown for every path while the latest edit does not lint or build.
pub fn error_page(text: &str) -> String {
    let escaped = text
        .replace('&', "&amp;")
        .replace('<', "&lt;")
        .replace('>', "&gt;");
    format!(
        "<!doctype html><html lang=\"en\"><head><meta charset=\"utf-8\">\
         <meta http-equiv=\"Content-Security-Policy\" content=\"default-src 'none'; script-src 'self'\">\
         <title>opsbook: build failed</title></head><body>\
         <main><h1>The latest edit does not build</h1>\
         <p>The last good site is kept; this page reloads when the errors are fixed.</p>\
         <pre>{escaped}</pre></main>{RELOAD_TAG}</body></html>"
    )
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn traversal_is_refused() {
        let out = Path::new("/srv/book");
        for bad in [
            "/../etc/passwd",
            "/%2e%2e/etc/passwd",
            "/a/../../b",
            "/a%5c..",
            "/%00",
        ] {
            assert_eq!(resolve(out, bad), None, "{bad}");
        }
        assert_eq!(
            resolve(out, "/api/increased-latency.html"),
            Some(PathBuf::from("/srv/book/api/increased-latency.html"))
        );
    }
}
