//! A request's head, gathered as its bytes arrive and refused as soon as it breaks a limit: a
//! client cannot make the server hold more than [`MAX_LINE`] of request line and [`MAX_HEADERS`]
//! of headers, however it sends them.

use super::status;

/// The longest request line (method, path and version); beyond it, 414.
pub const MAX_LINE: usize = 8 * 1024;
/// The longest single header line; beyond it, 431.
pub const MAX_HEADER: usize = 8 * 1024;
/// All header lines together; beyond it, 431.
pub const MAX_HEADERS: usize = 32 * 1024;
/// How many header lines; beyond it, 431.
pub const MAX_HEADER_COUNT: usize = 100;

/// What a handler needs from a request.
#[derive(Debug, PartialEq, Eq)]
pub struct Request {
    pub method: String,
    /// The path and query, as sent.
    pub target: String,
    /// HTTP/1.0 may leave out `Host`.
    pub http10: bool,
    pub host: Option<String>,
    /// `Origin`, which a browser sends with a WebSocket's opening request.
    pub origin: Option<String>,
    /// `Sec-WebSocket-Key`, when the request asks to become a WebSocket (`Upgrade: websocket`,
    /// `Connection: upgrade`, version 13): the live-reload channel ([`super::live`]).
    pub websocket_key: Option<String>,
}

/// The head of one request, fed with the bytes as they arrive.
#[derive(Debug, Default)]
pub struct Head {
    bytes: Vec<u8>,
    /// Where the line being received starts.
    line_start: usize,
    /// Complete lines so far, the request line included.
    lines: usize,
    /// Where the headers start (after the request line).
    headers_start: usize,
}

impl Head {
    /// Takes `chunk`; `Ok(true)` once the blank line that ends the head has arrived (bytes
    /// after it, a body, are ignored), `Err(status)` when a limit is broken. Each byte is looked
    /// at once, so a head sent a byte at a time costs no more than one sent at once.
    pub fn push(&mut self, chunk: &[u8]) -> Result<bool, &'static str> {
        for &byte in chunk {
            self.bytes.push(byte);
            if byte == b'\n' {
                if self.end_line()? {
                    return Ok(true);
                }
            } else {
                self.check_length()?;
            }
        }
        Ok(false)
    }

    /// Nothing has arrived yet.
    pub fn is_empty(&self) -> bool {
        self.bytes.is_empty()
    }

    /// Closes the line just received; `Ok(true)` when it was the blank line ending the head.
    fn end_line(&mut self) -> Result<bool, &'static str> {
        let line = &self.bytes[self.line_start..];
        let blank = line == b"\n" || line == b"\r\n";
        if blank && self.lines == 0 {
            return Err(status::BAD_REQUEST);
        }
        self.lines += 1;
        self.line_start = self.bytes.len();
        if self.lines == 1 {
            self.headers_start = self.line_start;
        }
        if self.lines > MAX_HEADER_COUNT + 1 {
            return Err(status::HEADERS_TOO_LARGE);
        }
        Ok(blank)
    }

    fn check_length(&self) -> Result<(), &'static str> {
        let line = self.bytes.len() - self.line_start;
        if self.lines == 0 {
            return if line > MAX_LINE {
                Err(status::URI_TOO_LONG)
            } else {
                Ok(())
            };
        }
        let headers = self.bytes.len() - self.headers_start;
        if line > MAX_HEADER || headers > MAX_HEADERS {
            return Err(status::HEADERS_TOO_LARGE);
        }
        Ok(())
    }

    /// The request a complete head carries, or the status that refuses it.
    pub fn request(&self) -> Result<Request, &'static str> {
        let mut lines = self.bytes.split(|&b| b == b'\n').map(trim_cr);
        let first = lines.next().ok_or(status::BAD_REQUEST)?;
        let first = std::str::from_utf8(first).map_err(|_| status::BAD_REQUEST)?;
        let mut parts = first.split(' ');
        let (Some(method), Some(target), Some(version), None) =
            (parts.next(), parts.next(), parts.next(), parts.next())
        else {
            return Err(status::BAD_REQUEST);
        };
        let http10 = match version {
            "HTTP/1.1" => false,
            "HTTP/1.0" => true,
            _ => return Err(status::BAD_REQUEST),
        };
        let mut host = None;
        let mut upgrade = Upgrade::default();
        for line in lines.take_while(|l| !l.is_empty()) {
            let text = String::from_utf8_lossy(line);
            let (name, value) = text.split_once(':').ok_or(status::BAD_REQUEST)?;
            let value = value.trim();
            if name.eq_ignore_ascii_case("host") && host.replace(value.to_owned()).is_some() {
                // Two Host headers: which one a proxy saw is anyone's guess.
                return Err(status::BAD_REQUEST);
            }
            upgrade.read(name, value);
        }
        Ok(Request {
            method: method.to_owned(),
            target: target.to_owned(),
            http10,
            host,
            origin: upgrade.origin.clone(),
            websocket_key: upgrade.key(),
        })
    }
}

/// The headers of a WebSocket's opening request (RFC 6455, 4.2.1).
#[derive(Default)]
struct Upgrade {
    websocket: bool,
    connection: bool,
    version_13: bool,
    key: Option<String>,
    origin: Option<String>,
}

impl Upgrade {
    fn read(&mut self, name: &str, value: &str) {
        let has_token = |token: &str| {
            value
                .split(',')
                .any(|t| t.trim().eq_ignore_ascii_case(token))
        };
        match name.to_ascii_lowercase().as_str() {
            "upgrade" => self.websocket = has_token("websocket"),
            "connection" => self.connection = has_token("upgrade"),
            "sec-websocket-version" => self.version_13 = value == "13",
            "sec-websocket-key" => self.key = Some(value.to_owned()),
            "origin" => self.origin = Some(value.to_owned()),
            _ => {}
        }
    }

    /// The key, only when every header of an opening request is there.
    fn key(&self) -> Option<String> {
        let asked = self.websocket && self.connection && self.version_13;
        self.key.clone().filter(|_| asked)
    }
}

fn trim_cr(line: &[u8]) -> &[u8] {
    line.strip_suffix(b"\r").unwrap_or(line)
}

#[cfg(test)]
mod tests {
    use super::*;

    fn head(bytes: &[u8]) -> Result<bool, &'static str> {
        Head::default().push(bytes)
    }

    #[test]
    fn a_head_in_pieces_is_one_request() {
        let mut h = Head::default();
        assert_eq!(h.push(b"GET /a?b HTTP/1.1\r\nHo"), Ok(false));
        assert_eq!(h.push(b"st: localhost:8000\r\nAccept: */*\r\n"), Ok(false));
        assert_eq!(h.push(b"\r\nbody"), Ok(true));
        let request = h.request().unwrap();
        assert_eq!(request.target, "/a?b");
        assert_eq!(request.host.as_deref(), Some("localhost:8000"));
        assert!(!request.http10);
        assert_eq!(request.websocket_key, None);
    }

    #[test]
    fn a_websocket_opening_needs_every_header() {
        let opening = "GET /__opsbook/live HTTP/1.1\r\nHost: 127.0.0.1:8000\r\nUpgrade: websocket\r\n\
                       Connection: keep-alive, Upgrade\r\nSec-WebSocket-Version: 13\r\n\
                       Sec-WebSocket-Key: dGhlIHNhbXBsZSBub25jZQ==\r\nOrigin: http://127.0.0.1:8000\r\n\r\n";
        let mut h = Head::default();
        assert_eq!(h.push(opening.as_bytes()), Ok(true));
        let request = h.request().unwrap();
        assert_eq!(
            request.websocket_key.as_deref(),
            Some("dGhlIHNhbXBsZSBub25jZQ==")
        );
        assert_eq!(request.origin.as_deref(), Some("http://127.0.0.1:8000"));
        for missing in ["Upgrade: websocket", "Sec-WebSocket-Version: 13"] {
            let mut h = Head::default();
            assert_eq!(
                h.push(opening.replace(missing, "X: y").as_bytes()),
                Ok(true)
            );
            assert_eq!(h.request().unwrap().websocket_key, None, "{missing}");
        }
    }

    #[test]
    fn limits_refuse_early() {
        let long_line = vec![b'a'; MAX_LINE + 1];
        assert_eq!(head(&long_line), Err(status::URI_TOO_LONG));
        let mut long_header = b"GET / HTTP/1.1\r\nX: ".to_vec();
        long_header.resize(long_header.len() + MAX_HEADER, b'a');
        assert_eq!(head(&long_header), Err(status::HEADERS_TOO_LARGE));
        let many = format!(
            "GET / HTTP/1.1\r\n{}",
            "X: y\r\n".repeat(MAX_HEADER_COUNT + 1)
        );
        assert_eq!(head(many.as_bytes()), Err(status::HEADERS_TOO_LARGE));
        let big = format!("GET / HTTP/1.1\r\n{}", "X: yyyyyyyy\r\n".repeat(3000));
        assert_eq!(head(big.as_bytes()), Err(status::HEADERS_TOO_LARGE));
        assert_eq!(head(b"\r\n"), Err(status::BAD_REQUEST));
    }

    #[test]
    fn malformed_heads_are_bad_requests() {
        for bad in [
            "GET /\r\n\r\n",
            "GET / HTTP/2.0\r\n\r\n",
            "GET  / HTTP/1.1\r\n\r\n",
            "GET / HTTP/1.1\r\nno colon\r\n\r\n",
            "GET / HTTP/1.1\r\nHost: a\r\nhost: b\r\n\r\n",
        ] {
            let mut h = Head::default();
            assert_eq!(h.push(bad.as_bytes()), Ok(true), "{bad}");
            assert_eq!(h.request(), Err(status::BAD_REQUEST), "{bad}");
        }
    }
}
