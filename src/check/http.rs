//! One HTTP exchange behind a small trait, so tests (and a later transport) can swap it, and its
//! ureq 3 implementation: TLS verified unless asked otherwise, no automatic redirects, bounded
//! headers, at most [`MAX_BODY`] bytes of (decoded) body read.

use std::io::Read;
use std::time::Duration;

use ureq::RequestExt;

/// At most this much body is read; the rest is never downloaded.
pub const MAX_BODY: usize = 1024 * 1024;
/// Response headers larger than this end the exchange with an error.
pub const MAX_HEADER_BYTES: usize = 64 * 1024;

/// A request as opsbook sends it: everything already substituted.
#[derive(Clone, Debug, PartialEq)]
pub struct HttpRequest {
    pub method: String,
    pub url: String,
    pub headers: Vec<(String, String)>,
    pub body: Option<Vec<u8>>,
    pub connect_timeout: Duration,
    /// The whole exchange, body included.
    pub timeout: Duration,
    /// Skip TLS verification (only with `-k` and `--insecure`).
    pub insecure: bool,
}

/// What came back. Header names are lowercase.
#[derive(Clone, Debug, Default, PartialEq)]
pub struct HttpResponse {
    pub status: u16,
    pub headers: Vec<(String, String)>,
    pub body: Vec<u8>,
    /// The body was longer than [`MAX_BODY`] and was cut there.
    pub truncated: bool,
}

impl HttpResponse {
    /// All values of a header, joined with `, ` as HTTP allows.
    pub fn header(&self, name: &str) -> Option<String> {
        let values: Vec<&str> = self
            .headers
            .iter()
            .filter(|(n, _)| n.eq_ignore_ascii_case(name))
            .map(|(_, v)| v.as_str())
            .collect();
        (!values.is_empty()).then(|| values.join(", "))
    }
}

/// Sends one request and reads its response; never follows redirects.
pub trait Transport: Sync {
    /// `Err` is a readable message: the exchange did not produce a response.
    fn send(&self, request: &HttpRequest) -> Result<HttpResponse, String>;
}

/// The ureq 3 transport. Holds a verifying agent and, only when `--insecure` was given, a
/// non-verifying one.
pub struct UreqTransport {
    secure: ureq::Agent,
    insecure: Option<ureq::Agent>,
}

impl UreqTransport {
    /// `proxy` is read by the caller (the CLI reads the environment, the library does not).
    pub fn new(proxy: Option<ureq::Proxy>, allow_insecure: bool) -> UreqTransport {
        UreqTransport {
            secure: agent(proxy.clone(), false),
            insecure: allow_insecure.then(|| agent(proxy, true)),
        }
    }
}

fn agent(proxy: Option<ureq::Proxy>, insecure: bool) -> ureq::Agent {
    let tls = ureq::tls::TlsConfig::builder()
        .disable_verification(insecure)
        .build();
    ureq::Agent::config_builder()
        .http_status_as_error(false)
        .max_redirects(0)
        .max_response_header_size(MAX_HEADER_BYTES)
        .user_agent(concat!("opsbook/", env!("CARGO_PKG_VERSION")))
        .proxy(proxy)
        .tls_config(tls)
        // No pooling: each check gets its own connection, so a server that half-closed one
        // cannot fail the next check that would reuse it, and checks stay independent.
        .max_idle_connections(0)
        .max_idle_connections_per_host(0)
        .build()
        .new_agent()
}

impl Transport for UreqTransport {
    fn send(&self, request: &HttpRequest) -> Result<HttpResponse, String> {
        let agent = match (&self.insecure, request.insecure) {
            (Some(insecure), true) => insecure,
            _ => &self.secure,
        };
        let mut builder = ureq::http::Request::builder()
            .method(request.method.as_str())
            .uri(request.url.as_str());
        for (name, value) in &request.headers {
            builder = builder.header(name.as_str(), value.as_str());
        }
        let built = builder
            .body(request.body.clone().unwrap_or_default())
            .map_err(|e| format!("cannot build the request: {e}"))?;
        let response = built
            .with_agent(agent)
            .configure()
            .timeout_global(Some(request.timeout))
            .timeout_connect(Some(request.connect_timeout.min(request.timeout)))
            .run()
            .map_err(|e| describe(&e, request.timeout))?;
        read(response, request.timeout)
    }
}

fn read(
    response: ureq::http::Response<ureq::Body>,
    timeout: Duration,
) -> Result<HttpResponse, String> {
    let (parts, mut body) = response.into_parts();
    let headers = parts
        .headers
        .iter()
        .map(|(n, v)| {
            let value = String::from_utf8_lossy(v.as_bytes()).into_owned();
            (n.as_str().to_ascii_lowercase(), value)
        })
        .collect();
    let mut bytes = Vec::new();
    body.as_reader()
        .take(MAX_BODY as u64 + 1)
        .read_to_end(&mut bytes)
        .map_err(|e| describe_io(&e, timeout))?;
    let truncated = bytes.len() > MAX_BODY;
    bytes.truncate(MAX_BODY);
    Ok(HttpResponse {
        status: parts.status.as_u16(),
        headers,
        body: bytes,
        truncated,
    })
}

fn describe(e: &ureq::Error, timeout: Duration) -> String {
    use std::io::ErrorKind;
    match e {
        ureq::Error::Timeout(which) => timed_out(*which, timeout),
        ureq::Error::Io(io) if io.kind() == ErrorKind::ConnectionRefused => {
            "connection refused".into()
        }
        ureq::Error::Io(io) if io.kind() == ErrorKind::ConnectionReset => {
            "connection reset by the server".into()
        }
        ureq::Error::Io(io) if io.kind() == ErrorKind::UnexpectedEof => {
            "the server closed the connection before a complete response".into()
        }
        ureq::Error::Io(io) => format!("connection failed: {io}"),
        ureq::Error::HostNotFound => "host not found".into(),
        ureq::Error::LargeResponseHeader(got, limit) => {
            format!("response headers too large ({got} bytes, limit {limit})")
        }
        ureq::Error::Protocol(p) => format!("invalid HTTP response: {p}"),
        other => other.to_string(),
    }
}

fn describe_io(e: &std::io::Error, timeout: Duration) -> String {
    let inner = e
        .get_ref()
        .and_then(|inner| inner.downcast_ref::<ureq::Error>());
    match inner {
        Some(ureq_error) => format!("reading the body: {}", describe(ureq_error, timeout)),
        None if e.kind() == std::io::ErrorKind::UnexpectedEof => {
            "the body ended before its Content-Length".into()
        }
        None => format!("reading the body: {e}"),
    }
}

fn timed_out(which: ureq::Timeout, total: Duration) -> String {
    match which {
        ureq::Timeout::Connect => "timed out connecting".into(),
        _ => format!("timed out after {}", seconds(total)),
    }
}

/// `1 s`, `0.5 s`.
pub fn seconds(d: Duration) -> String {
    let s = d.as_secs_f64();
    if s.fract() == 0.0 {
        format!("{s:.0} s")
    } else {
        format!("{s} s")
    }
}
