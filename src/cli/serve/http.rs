//! The answers of `opsbook serve`: GET and HEAD only, to a `Host` that names this server, files from the
//! output folder that stay inside it once links are resolved, the live-reload script injected
//! into HTML pages as they are sent.

use std::io::Write;
use std::net::TcpStream;
use std::path::{Component, Path, PathBuf};
use std::time::{Duration, Instant};

use super::request::Request;
use super::status;
use super::{Site, lock};

const RELOAD_JS: &str = include_str!("../../../templates/reload.js");
/// The reload script, told the version of the page it is in: a rebuild between the page being
/// sent and its socket opening is then a change it sees, not the version it starts from.
fn reload_tag(version: u64) -> String {
    format!("<script src=\"/__opsbook/reload.js\" data-version=\"{version}\"></script>")
}
/// The longest a worker spends writing one answer: a client that reads it a byte at a time
/// gives the worker back after this long.
const WRITE_DEADLINE: Duration = Duration::from_secs(10);

struct Response {
    status: &'static str,
    content_type: &'static str,
    body: Vec<u8>,
}

impl Response {
    /// A refusal, saying why in one line.
    fn refusal(status: &'static str) -> Response {
        let reason = format!("{}\n", status::reason(status));
        Response::text(status, reason, "text/plain; charset=utf-8")
    }

    fn text(status: &'static str, body: String, content_type: &'static str) -> Response {
        Response {
            status,
            content_type,
            body: body.into_bytes(),
        }
    }
}

/// Where open pages hold their live-reload WebSocket ([`super::live`]).
const LIVE_PATH: &str = "/__opsbook/live";

/// Answers `request` on `stream` and closes it, or hands it to the live-reload channel.
pub fn answer(stream: TcpStream, request: &Request, site: &Site) {
    if stream.set_nonblocking(false).is_err() {
        return;
    }
    if let Some(key) = live_key(request, site) {
        let version = lock(&site.state).version;
        site.live.join(stream, key, version);
        return;
    }
    let response = respond(request, site);
    let mut bytes =
        status::head(response.status, response.content_type, response.body.len()).into_bytes();
    // HEAD: the same head as GET, length included, and no body (RFC 9110, 9.3.2).
    if request.method != "HEAD" {
        bytes.extend_from_slice(&response.body);
    }
    write_within(&stream, &bytes, WRITE_DEADLINE);
}

/// Writes what it can of `bytes` within `limit` in all (a write timeout alone is per call, and
/// a client taking a byte every few seconds would never reach it).
fn write_within(stream: &TcpStream, bytes: &[u8], limit: Duration) {
    let start = Instant::now();
    let mut rest = bytes;
    while !rest.is_empty() {
        let left = limit.saturating_sub(start.elapsed());
        if left.is_zero() || stream.set_write_timeout(Some(left)).is_err() {
            return;
        }
        match (&*stream).write(rest) {
            Ok(0) => return,
            Ok(n) => rest = &rest[n..],
            Err(e) if e.kind() == std::io::ErrorKind::Interrupted => {}
            Err(_) => return,
        }
    }
}

/// The key of a request that opens the live-reload WebSocket from one of this server's pages.
/// A page of any other site may open a WebSocket to any address (they are not bound by the
/// same-origin rules of requests), so its `Origin` must be this server too.
fn live_key<'a>(request: &'a Request, site: &Site) -> Option<&'a str> {
    let path = request.target.split(['?', '#']).next()?;
    if path != LIVE_PATH
        || request.method != "GET"
        || !site.hosts.allows(request.host.as_deref(), request.http10)
    {
        return None;
    }
    if let Some(origin) = &request.origin {
        let host = origin.strip_prefix("http://")?;
        if !site.hosts.allows(Some(host), false) {
            return None;
        }
    }
    request.websocket_key.as_deref()
}

fn respond(request: &Request, site: &Site) -> Response {
    if !site.hosts.allows(request.host.as_deref(), request.http10) {
        return Response::refusal(match request.host {
            None => status::BAD_REQUEST,
            Some(_) => status::MISDIRECTED,
        });
    }
    if request.method != "GET" && request.method != "HEAD" {
        return Response::refusal(status::METHOD_NOT_ALLOWED);
    }
    let path = request.target.split(['?', '#']).next().unwrap_or("/");
    let (version, error, out) = {
        let s = lock(&site.state);
        (s.version, s.error.clone(), s.out.clone())
    };
    if let Some(response) = internal(path, version) {
        return response;
    }
    if let Some(page) = error {
        return Response::text(status::SERVER_ERROR, page, "text/html; charset=utf-8");
    }
    let Some(file) = resolve(&out, path) else {
        return Response::refusal(status::FORBIDDEN);
    };
    match contained(&out, &file).and_then(|real| std::fs::read(&real).ok().map(|b| (real, b))) {
        Some((real, bytes)) => file_response(&real, bytes, version),
        None => Response::refusal(status::NOT_FOUND),
    }
}

/// The live-reload endpoints, served whatever the state of the build.
fn internal(path: &str, version: u64) -> Option<Response> {
    let js = "text/javascript; charset=utf-8";
    Some(match path {
        "/__opsbook/version" => Response::text(
            status::OK,
            format!("{version}\n"),
            "text/plain; charset=utf-8",
        ),
        // The fallback where a page cannot hold the socket: it asks with script tags.
        "/__opsbook/version.js" => Response::text(
            status::OK,
            format!("window.__opsbookVersion && window.__opsbookVersion(\"{version}\");\n"),
            js,
        ),
        "/__opsbook/reload.js" => Response::text(status::OK, RELOAD_JS.to_owned(), js),
        _ => return None,
    })
}

/// The file to send for `file`, only if it is inside `out` once every link is resolved: a link
/// in `book/` to `/etc` must not make the server a window on the machine. A folder is sent as
/// its `index.html`, never as a listing.
fn contained(out: &Path, file: &Path) -> Option<PathBuf> {
    let root = out.canonicalize().ok()?;
    let mut real = file.canonicalize().ok()?;
    if real.is_dir() {
        real = real.join("index.html").canonicalize().ok()?;
    }
    (real.starts_with(&root) && real.is_file()).then_some(real)
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
    Some(out.join(rel))
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

fn file_response(file: &Path, bytes: Vec<u8>, version: u64) -> Response {
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
        inject_reload(bytes, version)
    } else {
        bytes
    };
    Response {
        status: status::OK,
        content_type,
        body,
    }
}

/// Adds the reload script before the last `</body>`, and lets the page's scripts reach this
/// server (`connect-src 'self'`: the live-reload socket, and the page fetched again to show an
/// edit in place); the file on disk stays as built.
fn inject_reload(bytes: Vec<u8>, version: u64) -> Vec<u8> {
    let Ok(mut html) = String::from_utf8(bytes) else {
        return Vec::new();
    };
    match html.rfind("</body>") {
        Some(at) => html.insert_str(at, &reload_tag(version)),
        None => html.push_str(&reload_tag(version)),
    }
    // Only in `<head>`: runbook text comes after it.
    let head = html.find("</head>").unwrap_or(0);
    if let Some(at) = html[..head].find(CSP_NONE) {
        html.insert_str(at + CSP_NONE.len(), CONNECT_SELF);
    }
    html.into_bytes()
}

/// How the pages' policy starts, and what `serve` adds to it.
const CSP_NONE: &str = "default-src 'none';";
const CONNECT_SELF: &str = " connect-src 'self';";

/// The page shown for every path while the latest edit does not lint or build (`version` is
/// the one it is shown at).
pub fn error_page(text: &str, version: u64) -> String {
    let escaped = text
        .replace('&', "&amp;")
        .replace('<', "&lt;")
        .replace('>', "&gt;");
    format!(
        "<!doctype html><html lang=\"en\"><head><meta charset=\"utf-8\">\
         <meta http-equiv=\"Content-Security-Policy\" content=\"default-src 'none'; connect-src 'self'; script-src 'self'\">\
         <title>opsbook: build failed</title></head><body>\
         <main><h1>The latest edit does not build</h1>\
         <p>The last good site is kept; this page reloads when the errors are fixed.</p>\
         <pre>{escaped}</pre></main>{}</body></html>",
        reload_tag(version)
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
