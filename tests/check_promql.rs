//! `promql:` checks against a fake Prometheus written here (std::net): each query arrives as the
//! PromQL written, with params filled, on `GET /api/v1/query`; the answer is judged by `result`,
//! `value` and `labels`; Prometheus' own error is an error outcome with its message. Outcomes and
//! messages are snapshot-tested in text and JSON.

mod support;

use std::sync::{Arc, Mutex};

use regex::Regex;
use support::{Project, net};

/// What the fake Prometheus answers for a query containing a key (the first that matches): an
/// HTTP status and a body.
type Answers = &'static [(&'static str, u16, &'static str)];

const ANSWERS: Answers = &[
    (
        "rate(",
        400,
        r#"{"status":"error","errorType":"bad_data","error":"invalid parameter \"query\": 1:6: parse error: expected type range vector in call to function \"rate\", got instant vector"}"#,
    ),
    (
        "nothing_here",
        200,
        r#"{"status":"success","data":{"resultType":"vector","result":[]}}"#,
    ),
    (
        "error_ratio",
        200,
        r#"{"status":"success","data":{"resultType":"vector","result":[{"metric":{"service":"api","code":"500"},"value":[1764144000,"0.2"]},{"metric":{"service":"web","code":"500"},"value":[1764144000,"0.001"]}]}}"#,
    ),
];

/// A fake Prometheus on loopback: answers `/api/v1/query` by the first key the decoded query
/// contains, and remembers each request's method and decoded query.
fn prometheus(answers: Answers) -> (String, Arc<Mutex<Vec<String>>>) {
    let seen = Arc::new(Mutex::new(Vec::new()));
    let log = Arc::clone(&seen);
    let addr = net::serve(move |mut stream| {
        let head = net::read_head(&stream);
        let mut words = head.split(' ');
        let method = words.next().unwrap_or("").to_owned();
        let target = words.next().unwrap_or("/").to_owned();
        let url = url::Url::parse(&format!("http://prometheus{target}")).expect("request target");
        let query = url
            .query_pairs()
            .find(|(k, _)| k == "query")
            .map(|(_, q)| q.into_owned())
            .unwrap_or_default();
        log.lock()
            .expect("lock")
            .push(format!("{method} {} {query}", url.path()));
        let (status, body) = answers
            .iter()
            .find(|(key, _, _)| query.contains(key))
            .map_or((404, "not found"), |(_, s, b)| (*s, *b));
        let reply = format!(
            "HTTP/1.1 {status} X\r\ncontent-type: application/json\r\ncontent-length: {}\r\nconnection: close\r\n\r\n{body}",
            body.len()
        );
        let _ = std::io::Write::write_all(&mut stream, reply.as_bytes());
    });
    (format!("http://{addr}"), seen)
}

/// A runbook of PromQL checks against `prometheus` (a target var), with a `service` param.
fn project(prometheus: &str) -> Project {
    let checks = r#"
  - id: empty-is-healthy
    promql: 'nothing_here{service="{{ service }}"}'
    prometheus: prometheus
    expect: { result: empty }
  - id: empty-is-not
    promql: 'nothing_here{service="{{ service }}"}'
    prometheus: prometheus
    expect: { result: non-empty }
  - id: below-bound
    promql: 'error_ratio{code=~"5.."} + 0'
    prometheus: prometheus
    expect: { value: { lt: 0.5 } }
  - id: above-bound
    promql: 'error_ratio{code=~"5.."}'
    prometheus: prometheus
    expect: { value: { lt: 0.01 } }
  - id: label-found
    promql: error_ratio
    prometheus: prometheus
    expect: { labels: { service: "{{ service }}", code: "500" } }
  - id: label-missing
    promql: error_ratio
    prometheus: prometheus
    expect: { labels: { service: checkout } }
  - id: prometheus-error
    promql: rate(error_ratio)
    prometheus: prometheus
    expect: { result: non-empty }
"#;
    let runbook = net::runbook(
        "http://127.0.0.1:1",
        &[("prometheus", prometheus.into())],
        checks,
    )
    .replace(
        "targets:",
        "params:\n  service: { description: The service, default: api }\ntargets:",
    );
    Project::new().runbook("prom", &runbook)
}

/// Request ids, times and the port vary from run to run.
fn stable(text: &str) -> String {
    let id = Regex::new(r"ob-\d{8}T\d{6}Z-[0-9a-f]+-\d{4}").expect("regex");
    let ms = Regex::new(r"(\s)\d+ms").expect("regex");
    let json_ms = Regex::new(r#""time_ms": \d+"#).expect("regex");
    let port = Regex::new(r"127\.0\.0\.1:\d+").expect("regex");
    let text = id.replace_all(text, "ob-ID");
    let text = ms.replace_all(&text, "${1}Nms");
    let text = json_ms.replace_all(&text, r#""time_ms": N"#);
    port.replace_all(&text, "127.0.0.1:PORT").into_owned()
}

#[test]
fn outcomes_and_messages_in_text() {
    let (url, seen) = prometheus(ANSWERS);
    // Dry runs and checks must not be linted away: the runbook is clean.
    let p = project(&url);
    p.run(&["lint"]).assert_ok();
    let out = p.run_with(&["check", "--jobs", "1"], &[("NO_COLOR", "1")]);
    assert_eq!(out.code(), 1, "{out:?}");
    insta::assert_snapshot!("promql_text", stable(&out.stdout()));
    let seen = seen.lock().expect("lock").clone();
    assert!(
        seen.contains(&r#"GET /api/v1/query error_ratio{code=~"5.."} + 0"#.to_owned()),
        "the query arrives as written, `+` included: {seen:#?}"
    );
    assert!(
        seen.contains(&r#"GET /api/v1/query nothing_here{service="api"}"#.to_owned()),
        "the param's default is filled in: {seen:#?}"
    );
}

#[test]
fn outcomes_and_messages_in_json() {
    let (url, _) = prometheus(ANSWERS);
    let out = project(&url).run(&[
        "check",
        "--jobs",
        "1",
        "--format",
        "json",
        "--param",
        "service=web",
    ]);
    assert_eq!(out.code(), 1, "{out:?}");
    insta::assert_snapshot!("promql_json", stable(&out.stdout()));
}

#[test]
fn var_points_the_query_at_another_prometheus() {
    let (unused, unused_seen) = prometheus(ANSWERS);
    let (other, seen) = prometheus(ANSWERS);
    let p = project(&unused);
    let out = p.run(&[
        "check",
        "prom#below-bound",
        "--var",
        &format!("prometheus={other}"),
    ]);
    assert_eq!(out.code(), 0, "{out:?}");
    assert_eq!(seen.lock().expect("lock").len(), 1);
    assert!(unused_seen.lock().expect("lock").is_empty());
    // A var no target has is a typo, named with what there is.
    let typo = p.run(&["check", "--var", "prometeus=http://127.0.0.1:9"]);
    assert_eq!(typo.code(), 2, "{typo:?}");
    assert!(
        typo.stderr()
            .contains("did you mean `--var prometheus=...`?"),
        "{typo:?}"
    );
}

#[test]
fn the_page_shows_the_query_its_curl_line_and_a_prometheus_link() {
    let p = project("http://prom.example:9090");
    p.run(&["build"]).assert_ok();
    let page = p.read("book/prom/index.html");
    assert!(
        page.contains(r#"error_ratio{code=~&quot;5..&quot;} + 0"#),
        "the query is readable, not percent-encoded"
    );
    assert!(
        page.contains("curl -sG &#x27;http:&#x2f;&#x2f;prom.example:9090&#x2f;api&#x2f;v1&#x2f;query&#x27; --data-urlencode &#x27;query=error_ratio{code=~&quot;5..&quot;} + 0&#x27;"),
        "the equivalent curl line, for a shell"
    );
    assert!(
        page.contains("http:&#x2f;&#x2f;prom.example:9090&#x2f;graph?g0.expr=error_ratio%7Bcode%3D~%225..%22%7D%20%2B%200&amp;g0.tab=0"),
        "Open in Prometheus, the query encoded"
    );
}

#[test]
fn a_prometheus_base_url_that_cannot_take_the_query_path_is_refused() {
    // Lint: a var that is no http(s) base URL would make every run an error and the page's
    // "Open in Prometheus" a `javascript:` link.
    let p = project("javascript:alert(1)");
    let lint = p.run(&["lint", "--color", "never"]);
    assert_eq!(lint.code(), 1, "{lint:?}");
    assert!(
        lint.stdout().contains(
            "error[invalid-check]: `prometheus: prometheus` is `javascript:alert(1)` (target `local`), which is not an http:// or https:// URL"
        ),
        "{lint:?}"
    );
    // Run time: with a fragment the query would go into it and `/` be asked instead, which
    // must not pass `result: empty`.
    let (url, seen) = prometheus(ANSWERS);
    let out = project(&url).run(&[
        "check",
        "prom#empty-is-healthy",
        "--var",
        &format!("prometheus={url}/#graph"),
    ]);
    assert_eq!(out.code(), 1, "{out:?}");
    assert!(out.stdout().contains("has a `?` or `#`"), "{out:?}");
    assert!(seen.lock().expect("lock").is_empty(), "nothing was sent");
}
