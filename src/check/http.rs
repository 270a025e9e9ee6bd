//! One HTTP exchange behind a small trait, so tests (and a later transport) can swap it, and its
//! ureq 3 implementation: TLS verified unless asked otherwise, no automatic redirects, bounded
//! headers, at most [`MAX_BODY`] bytes of (decoded) body read.

use std::io::Read;
use std::time::Duration;

use ureq::RequestExt;

use super::agents::{Agents, Pooling};
use super::tls::{FileRef, TrustSources};
use crate::compile::curl::Pin;

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
    /// How to connect, when the command says (`--cacert`, `--cert`, `--key`, `--resolve`).
    pub connect: Connect,
}

/// A check's own connection settings; the default is none, and such checks share one agent.
#[derive(Clone, Debug, Default, PartialEq, Eq, Hash)]
pub struct Connect {
    pub cacert: Option<FileRef>,
    pub cert: Option<FileRef>,
    pub key: Option<FileRef>,
    pub resolve: Vec<Pin>,
}

impl Connect {
    pub fn is_default(&self) -> bool {
        *self == Connect::default()
    }
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

/// The ureq 3 transport: TLS trusted as [`Trust`] says, `-k` honoured only when made with
/// `allow_insecure`.
pub struct UreqTransport {
    agents: Agents,
}

impl UreqTransport {
    /// `proxy` and `trust` come from the caller (the CLI reads the environment, the library
    /// does not).
    pub fn new(
        proxy: Option<ureq::Proxy>,
        allow_insecure: bool,
        trust: TrustSources,
    ) -> UreqTransport {
        UreqTransport {
            agents: Agents::new(proxy, allow_insecure, trust),
        }
    }
}

impl Transport for UreqTransport {
    fn send(&self, request: &HttpRequest) -> Result<HttpResponse, String> {
        let https = is_https(&request.url);
        if https && let Some(problem) = self.agents.trust_problem() {
            return Err(problem.to_owned());
        }
        let agent = |pooling| {
            self.agents
                .get(&request.connect, request.insecure, https, pooling)
        };
        // A request that must not be sent twice gets a connection of its own.
        if !can_resend(&request.method) {
            return exchange(&agent(Pooling::Fresh)?, request).map_err(Failure::into_message);
        }
        match exchange(&agent(Pooling::KeepAlive)?, request) {
            // The kept connection may have been closed by the server while idle, a race no
            // probe can rule out; like curl, send once more on a new connection.
            Err(Failure::Dropped(_)) => exchange(&agent(Pooling::Fresh)?, request),
            other => other,
        }
        .map_err(Failure::into_message)
    }
}

/// Why an exchange produced no response.
enum Failure {
    /// The connection ended before any response came back.
    Dropped(String),
    Other(String),
}

impl Failure {
    fn into_message(self) -> String {
        match self {
            Failure::Dropped(message) | Failure::Other(message) => message,
        }
    }
}

impl From<String> for Failure {
    fn from(message: String) -> Self {
        Failure::Other(message)
    }
}

/// Methods HTTP defines as safe to repeat (RFC 9110 §9.2.2) that a check can send again on a
/// new connection when a kept one turned out dead.
fn can_resend(method: &str) -> bool {
    ["GET", "HEAD", "OPTIONS"]
        .iter()
        .any(|m| method.eq_ignore_ascii_case(m))
}

fn exchange(agent: &ureq::Agent, request: &HttpRequest) -> Result<HttpResponse, Failure> {
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
        .map_err(|e| {
            let message = describe(&e, request.timeout);
            if dropped(&e) {
                Failure::Dropped(message)
            } else {
                Failure::Other(message)
            }
        })?;
    let head = request.method.eq_ignore_ascii_case("HEAD");
    Ok(read(response, request.timeout, head)?)
}

/// The connection was there and went away before a response: what a kept connection the server
/// closed looks like.
fn dropped(e: &ureq::Error) -> bool {
    use std::io::ErrorKind;
    matches!(e, ureq::Error::Io(io) if matches!(
        io.kind(),
        ErrorKind::ConnectionReset
            | ErrorKind::ConnectionAborted
            | ErrorKind::BrokenPipe
            | ErrorKind::UnexpectedEof
    ))
}

fn is_https(url: &str) -> bool {
    url.get(..8)
        .is_some_and(|s| s.eq_ignore_ascii_case("https://"))
}

/// Reads the status, headers and at most [`MAX_BODY`] bytes of decoded body (none for HEAD).
/// ureq decodes gzip and br; deflate is decoded here, so `--compressed` can take all three.
fn read(
    response: ureq::http::Response<ureq::Body>,
    timeout: Duration,
    head: bool,
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
    let deflate = parts
        .headers
        .get("content-encoding")
        .is_some_and(|v| v.as_bytes().eq_ignore_ascii_case(b"deflate"));
    let mut bytes = Vec::new();
    if !head {
        // The cap counts decoded bytes: a compression bomb stops at `MAX_BODY`.
        decoded(body.as_reader(), deflate)
            .take(MAX_BODY as u64 + 1)
            .read_to_end(&mut bytes)
            .map_err(|e| describe_io(&e, timeout))?;
    }
    let truncated = bytes.len() > MAX_BODY;
    bytes.truncate(MAX_BODY);
    Ok(HttpResponse {
        status: parts.status.as_u16(),
        headers,
        body: bytes,
        truncated,
    })
}

/// `deflate` is zlib-wrapped by the standard, but some servers send raw deflate; like curl,
/// take either (a zlib stream starts with a header whose check bits make it a multiple of 31).
fn decoded<'a>(reader: impl Read + 'a, deflate: bool) -> Box<dyn Read + 'a> {
    if !deflate {
        return Box::new(reader);
    }
    let mut reader = std::io::BufReader::new(reader);
    let zlib = match std::io::BufRead::fill_buf(&mut reader) {
        Ok([cmf, flg, ..]) => cmf & 0x0f == 8 && (u16::from(*cmf) << 8 | u16::from(*flg)) % 31 == 0,
        _ => true,
    };
    if zlib {
        Box::new(flate2::bufread::ZlibDecoder::new(reader))
    } else {
        Box::new(flate2::bufread::DeflateDecoder::new(reader))
    }
}

/// The reason of an I/O error, without the OS error number: `no such file or directory`.
pub fn io_reason(e: &std::io::Error) -> String {
    use std::io::ErrorKind;
    match e.kind() {
        ErrorKind::NotFound => "no such file".into(),
        ErrorKind::PermissionDenied => "permission denied".into(),
        _ => {
            let text = e.to_string();
            let text = text.split(" (os error").next().unwrap_or(&text);
            text.to_lowercase()
        }
    }
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
        ureq::Error::Io(io) => match io.get_ref().and_then(|i| i.downcast_ref::<rustls::Error>()) {
            Some(tls) => describe_tls(tls),
            None => format!("connection failed: {io}"),
        },
        ureq::Error::Rustls(tls) => describe_tls(tls),
        ureq::Error::HostNotFound => "host not found".into(),
        ureq::Error::LargeResponseHeader(got, limit) => {
            format!("response headers too large ({got} bytes, limit {limit})")
        }
        ureq::Error::Protocol(p) => format!("invalid HTTP response: {p}"),
        other => other.to_string(),
    }
}

/// TLS failures, with what to do about the usual ones.
fn describe_tls(e: &rustls::Error) -> String {
    use rustls::{AlertDescription as A, CertificateError as C, Error as E};
    match e {
        E::InvalidCertificate(C::UnknownIssuer) => "TLS: the server's certificate is signed by an \
            unknown issuer; if the server uses a private CA, add `--cacert ca.pem` to the command \
            (relative to the folder of opsbook.yaml), or set SSL_CERT_FILE or SSL_CERT_DIR for \
            `opsbook check`"
            .into(),
        E::InvalidCertificate(C::NotValidForName | C::NotValidForNameContext { .. }) => {
            "TLS: the server's certificate is not valid for the host in the URL; use the name \
             the certificate was issued for (and `--resolve HOST:PORT:ADDRESS` to reach it by IP)"
                .into()
        }
        E::InvalidCertificate(C::Expired | C::ExpiredContext { .. }) => {
            "TLS: the server's certificate has expired".into()
        }
        E::AlertReceived(A::CertificateRequired | A::HandshakeFailure) => {
            "TLS: the server refused the handshake; it may require a client certificate: add \
             `--cert client.pem --key client-key.pem`"
                .into()
        }
        E::AlertReceived(A::BadCertificate | A::UnknownCA) => {
            "TLS: the server refused the client certificate (`--cert`)".into()
        }
        other => format!("TLS: {other}"),
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
