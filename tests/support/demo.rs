//! The demo service that the bundled runbooks' checks run against: a tiny HTTP/1.1 server on
//! `std::net` with a thread per connection (no async runtime, so CI builds stay fast). Shared by
//! `examples/demo.rs` and the integration tests, which start it on an ephemeral port.
//!
//! Routes: `/healthz`, `/readyz` (503 when not ready), `/hello` (echoes `x-request-id`),
//! `/prom/api/v1/query?query=PROMQL` (a Prometheus-shaped answer, by the metric the decoded
//! query reads: the error ratio from `http_requests_total`, p95 latency from
//! `http_request_duration_seconds`, `pg_pool_wait_seconds`; restart and unavailable-replica
//! queries answer 4 while `crash-loop` is on, every other `kube_`/`container_` query 0), and
//! `POST /fault/latency`, `/fault/errors`, `/fault/not-ready`, `/fault/crash-loop`,
//! `/fault/clear`.

use std::io::{self, BufRead, BufReader, Read, Write};
use std::net::{SocketAddr, TcpListener, TcpStream};
use std::sync::Arc;
use std::sync::atomic::{AtomicBool, Ordering};
use std::thread;
use std::time::Duration;

/// Which faults are switched on.
#[derive(Default)]
pub struct Faults {
    pub latency: AtomicBool,
    pub errors: AtomicBool,
    pub not_ready: AtomicBool,
    pub crash_loop: AtomicBool,
}

/// A running demo service.
pub struct Demo {
    pub addr: SocketAddr,
    pub faults: Arc<Faults>,
}

impl Demo {
    /// Binds `addr` (`127.0.0.1:0` for an ephemeral port) and serves in the background.
    pub fn start(addr: &str) -> io::Result<Demo> {
        let listener = TcpListener::bind(addr)?;
        let faults = Arc::new(Faults::default());
        let demo = Demo {
            addr: listener.local_addr()?,
            faults: Arc::clone(&faults),
        };
        thread::spawn(move || {
            for stream in listener.incoming().flatten() {
                let faults = Arc::clone(&faults);
                thread::spawn(move || {
                    let _ = serve(stream, &faults);
                });
            }
        });
        Ok(demo)
    }

    pub fn url(&self) -> String {
        format!("http://{}", self.addr)
    }

    /// Switches a fault on (`latency`, `errors`, `not-ready`) or all off (`clear`).
    pub fn set(&self, fault: &str) -> bool {
        switch(&self.faults, fault)
    }
}

fn switch(faults: &Faults, fault: &str) -> bool {
    let flag = match fault {
        "latency" => &faults.latency,
        "errors" => &faults.errors,
        "not-ready" => &faults.not_ready,
        "crash-loop" => &faults.crash_loop,
        "clear" => {
            let all = [
                &faults.latency,
                &faults.errors,
                &faults.not_ready,
                &faults.crash_loop,
            ];
            for f in all {
                f.store(false, Ordering::SeqCst);
            }
            return true;
        }
        _ => return false,
    };
    flag.store(true, Ordering::SeqCst);
    true
}

struct Request {
    method: String,
    target: String,
    request_id: Option<String>,
}

/// Serves requests on one connection until the client closes it (keep-alive).
fn serve(stream: TcpStream, faults: &Faults) -> io::Result<()> {
    stream.set_read_timeout(Some(Duration::from_secs(30)))?;
    stream.set_nodelay(true)?;
    let mut reader = BufReader::new(stream.try_clone()?);
    let mut writer = stream;
    while let Some(request) = read_request(&mut reader)? {
        let (status, headers, body) = route(&request, faults);
        let mut head = format!(
            "HTTP/1.1 {status}\r\ncontent-length: {}\r\nconnection: keep-alive\r\n",
            body.len()
        );
        for (name, value) in headers {
            head.push_str(&format!("{name}: {value}\r\n"));
        }
        if let Some(id) = &request.request_id {
            head.push_str(&format!("x-request-id: {id}\r\n"));
        }
        head.push_str("\r\n");
        head.push_str(&body);
        writer.write_all(head.as_bytes())?;
        writer.flush()?;
    }
    Ok(())
}

fn read_request(reader: &mut impl BufRead) -> io::Result<Option<Request>> {
    let mut line = String::new();
    if reader.read_line(&mut line)? == 0 {
        return Ok(None);
    }
    let mut parts = line.split_whitespace();
    let method = parts.next().unwrap_or_default().to_owned();
    let target = parts.next().unwrap_or("/").to_owned();
    let mut request_id = None;
    let mut length = 0usize;
    for _ in 0..100 {
        let mut header = String::new();
        if reader.by_ref().take(8192).read_line(&mut header)? == 0 {
            return Ok(None);
        }
        let header = header.trim_end();
        if header.is_empty() {
            break;
        }
        if let Some((name, value)) = header.split_once(':') {
            match name.trim().to_ascii_lowercase().as_str() {
                "x-request-id" => request_id = Some(value.trim().to_owned()),
                "content-length" => length = value.trim().parse().unwrap_or(0),
                _ => {}
            }
        }
    }
    io::copy(
        &mut reader.by_ref().take(length.min(1 << 20) as u64),
        &mut io::sink(),
    )?;
    Ok(Some(Request {
        method,
        target,
        request_id,
    }))
}

type Reply = (&'static str, Vec<(&'static str, &'static str)>, String);

fn route(request: &Request, faults: &Faults) -> Reply {
    let on = |f: &AtomicBool| f.load(Ordering::SeqCst);
    let text = vec![("content-type", "text/plain")];
    let (path, query) = request
        .target
        .split_once('?')
        .unwrap_or((request.target.as_str(), ""));
    match (request.method.as_str(), path) {
        ("GET", "/healthz") => ("200 OK", text, "ok\n".into()),
        ("GET", "/readyz") if on(&faults.not_ready) => {
            ("503 Service Unavailable", text, "not ready\n".into())
        }
        ("GET", "/readyz") => ("200 OK", text, "ready\n".into()),
        ("GET", "/hello") => {
            if on(&faults.latency) {
                thread::sleep(Duration::from_millis(800));
            }
            if on(&faults.errors) {
                ("500 Internal Server Error", text, "internal error\n".into())
            } else {
                ("200 OK", text, "hello\n".into())
            }
        }
        ("GET", "/prom/api/v1/query") => {
            let json = vec![("content-type", "application/json")];
            ("200 OK", json, prometheus(query, faults))
        }
        ("POST", fault) if fault.starts_with("/fault/") => {
            let name = &fault["/fault/".len()..];
            if switch(faults, name) {
                ("200 OK", text, format!("fault {name}\n"))
            } else {
                ("404 Not Found", text, format!("no fault `{name}`\n"))
            }
        }
        _ => ("404 Not Found", text, "not found\n".into()),
    }
}

/// The query is `name` itself, or reads `metric`.
fn is(promql: &str, name: &str, metric: &str) -> bool {
    promql == name || promql.contains(metric)
}

fn prometheus(query: &str, faults: &Faults) -> String {
    let on = |f: &AtomicBool| f.load(Ordering::SeqCst);
    let name = query
        .split('&')
        .find_map(|kv| kv.strip_prefix("query="))
        .unwrap_or_default();
    let promql: String = url::form_urlencoded::parse(format!("q={name}").as_bytes())
        .map(|(_, v)| v.into_owned())
        .collect();
    let value = match name {
        // The Kubernetes runbook's queries: restarts and unavailable replicas while a pod loops.
        _ if promql.contains("restarts_total") || promql.contains("replicas_unavailable") => {
            if on(&faults.crash_loop) { "4" } else { "0" }
        }
        _ if promql.contains("kube_") || promql.contains("container_") => "0",
        // The API runbook's queries, by the metric they read (or by name, for the benchmark).
        _ if is(&promql, "error_ratio", "http_requests_total") => {
            if on(&faults.errors) {
                "0.2"
            } else {
                "0.001"
            }
        }
        _ if is(
            &promql,
            "p95_latency_seconds",
            "http_request_duration_seconds",
        ) =>
        {
            if on(&faults.latency) {
                "0.85"
            } else {
                "0.12"
            }
        }
        _ if promql.contains("pg_pool_wait_seconds") => {
            if on(&faults.latency) {
                "0.35"
            } else {
                "0.004"
            }
        }
        _ => return r#"{"status":"success","data":{"resultType":"vector","result":[]}}"#.into(),
    };
    format!(
        r#"{{"status":"success","data":{{"resultType":"vector","result":[{{"metric":{{}},"value":[1700000000,"{value}"]}}]}}}}"#
    )
}
