//! The status lines `opsbook serve` answers with, and the short plain-text answer that refuses a
//! request, written the same way by the front door and by the workers.

pub const OK: &str = "200 OK";
pub const BAD_REQUEST: &str = "400 Bad Request";
pub const FORBIDDEN: &str = "403 Forbidden";
pub const NOT_FOUND: &str = "404 Not Found";
pub const METHOD_NOT_ALLOWED: &str = "405 Method Not Allowed";
pub const TIMEOUT: &str = "408 Request Timeout";
pub const URI_TOO_LONG: &str = "414 URI Too Long";
pub const MISDIRECTED: &str = "421 Misdirected Request";
pub const HEADERS_TOO_LARGE: &str = "431 Request Header Fields Too Large";
pub const SERVER_ERROR: &str = "500 Internal Server Error";
pub const BUSY: &str = "503 Service Unavailable";

/// The head of every answer: nothing cached, nothing sniffed, one request per connection.
pub fn head(status: &str, content_type: &str, length: usize) -> String {
    format!(
        "HTTP/1.1 {status}\r\nContent-Type: {content_type}\r\nContent-Length: {length}\r\n\
         Cache-Control: no-store\r\nX-Content-Type-Options: nosniff\r\nConnection: close\r\n\r\n"
    )
}

/// A whole answer that refuses a request: the head and a one-line body saying why.
pub fn refusal(status: &str) -> Vec<u8> {
    let body = format!("{}\n", reason(status));
    let mut bytes = head(status, "text/plain; charset=utf-8", body.len()).into_bytes();
    bytes.extend_from_slice(body.as_bytes());
    bytes
}

/// Why a request was refused, in a few words.
pub fn reason(status: &str) -> &'static str {
    match status {
        BAD_REQUEST => "bad request",
        TIMEOUT => "the request took too long to arrive",
        URI_TOO_LONG => "the request line is too long",
        HEADERS_TOO_LARGE => "the request headers are too large",
        MISDIRECTED => "this server answers only to 127.0.0.1 and localhost on its own port",
        BUSY => "too many connections; try again",
        METHOD_NOT_ALLOWED => "only GET is served",
        FORBIDDEN => "path refused",
        NOT_FOUND => "not found",
        _ => "error",
    }
}
