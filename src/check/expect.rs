//! Expectations against a response: each one that does not hold becomes a [`Failure`] value
//! saying what was expected and what came back (with a short body excerpt where it helps).

use std::cell::OnceCell;

use serde_json::Value;

use super::Failure;
use super::http::HttpResponse;
use super::secrets::Masker;
use crate::compile::expect::{BodyCheck, CompiledExpect, HeaderCheck, JsonWant, Pattern};
use crate::compile::template::Template;
use crate::model::{NumCompare, StatusExpect};

/// How much of a body a failure shows.
const EXCERPT_CHARS: usize = 160;

/// What the expectations see: the response, its time, and how to fill `{{ placeholders }}`.
pub struct Context<'a> {
    pub response: &'a HttpResponse,
    pub time_ms: u64,
    /// `-f` was given: a status of 400 or more fails.
    pub fail_on_error_status: bool,
    /// Fills `{{ placeholders }}` with this run's values.
    pub substitute: &'a dyn Fn(&Template) -> String,
    /// Body excerpts are cut after masking, so that half a secret never shows.
    pub masker: &'a Masker,
}

/// Every expectation that does not hold, in the order they were written.
pub fn evaluate(expect: Option<&CompiledExpect>, cx: &Context) -> Vec<Failure> {
    let mut failures = Vec::new();
    let status = cx.response.status;
    if cx.fail_on_error_status && status >= 400 {
        failures.push(failure("status", "below 400 (-f)", status.to_string()));
    }
    let Some(expect) = expect else {
        return failures;
    };
    let excerpt = OnceCell::new();
    let excerpt = || excerpt.get_or_init(|| body_excerpt(cx)).clone();
    if let Some(want) = expect
        .status
        .as_ref()
        .filter(|w| !status_matches(w, status))
    {
        let actual = format!("{status}, {}", excerpt());
        failures.push(failure("status", &status_text(want), actual));
    }
    for (name, want) in &expect.headers {
        failures.extend(header(name, want, cx));
    }
    if let Some(body) = &expect.body {
        body_failures(body, cx, &excerpt, &mut failures);
    }
    if let Some(max) = expect.max_time_ms.filter(|m| cx.time_ms > *m) {
        let expected = format!("at most {max} ms");
        failures.push(failure(
            "max_time_ms",
            &expected,
            format!("{} ms", cx.time_ms),
        ));
    }
    failures
}

pub(super) fn failure(expectation: &str, expected: &str, actual: String) -> Failure {
    Failure {
        expectation: expectation.to_owned(),
        expected: expected.to_owned(),
        actual: actual.trim_end().to_owned(),
    }
}

fn status_matches(want: &StatusExpect, got: u16) -> bool {
    match want {
        StatusExpect::Code(c) => *c == got,
        StatusExpect::AnyOf(codes) => codes.contains(&got),
        StatusExpect::Class(class) => {
            let class = class.to_ascii_lowercase();
            class.len() == 3 && class.ends_with("xx") && class[..1] == (got / 100).to_string()
        }
    }
}

fn status_text(want: &StatusExpect) -> String {
    match want {
        StatusExpect::Code(c) => c.to_string(),
        StatusExpect::AnyOf(codes) => {
            let codes: Vec<String> = codes.iter().map(u16::to_string).collect();
            format!("one of {}", codes.join(", "))
        }
        StatusExpect::Class(class) => class.clone(),
    }
}

fn header(name: &str, want: &HeaderCheck, cx: &Context) -> Option<Failure> {
    let got = cx.response.header(name);
    let what = format!("header {}", name.to_ascii_lowercase());
    let shown = got.as_ref().map_or("(absent)".into(), |v| format!("`{v}`"));
    match want {
        HeaderCheck::Exact(value) => {
            let value = (cx.substitute)(value);
            (got.as_deref() != Some(value.as_str()))
                .then(|| failure(&what, &format!("`{value}`"), shown))
        }
        HeaderCheck::Rule {
            absent,
            contains,
            matches,
        } => {
            if *absent {
                return got.is_some().then(|| failure(&what, "absent", shown));
            }
            let value = got.unwrap_or_default();
            if let Some(part) = contains {
                let part = (cx.substitute)(part);
                if !value.contains(&part) {
                    return Some(failure(&what, &format!("contains `{part}`"), shown));
                }
            }
            let pattern = matches.as_ref()?;
            mismatch(pattern, &value, cx).map(|(expected, _)| failure(&what, &expected, shown))
        }
    }
}

/// `(expected, why)` when `text` does not match the pattern (or the filled-in pattern is not a
/// regex: a placeholder's value can make it invalid).
fn mismatch(pattern: &Pattern, text: &str, cx: &Context) -> Option<(String, String)> {
    let filled = (cx.substitute)(&pattern.template);
    match pattern.regex_for(&filled) {
        Ok(re) if re.is_match(text) => None,
        Ok(_) => Some((format!("matches `{filled}`"), String::new())),
        Err(_) => Some(("a valid regex".to_owned(), format!("`{filled}`"))),
    }
}

fn body_failures(
    body: &BodyCheck,
    cx: &Context,
    excerpt: &dyn Fn() -> String,
    failures: &mut Vec<Failure>,
) {
    let text = String::from_utf8_lossy(&cx.response.body);
    let cut = if cx.response.truncated {
        " (body cut at 1 MiB)"
    } else {
        ""
    };
    if let Some(part) = &body.contains {
        let part = (cx.substitute)(part);
        if !text.contains(&part) {
            let actual = format!("{}{cut}", excerpt());
            failures.push(failure("body", &format!("contains `{part}`"), actual));
        }
    }
    if let Some(pattern) = &body.matches
        && let Some((expected, why)) = mismatch(pattern, &text, cx)
    {
        let actual = if why.is_empty() {
            format!("{}{cut}", excerpt())
        } else {
            why
        };
        failures.push(failure("body", &expected, actual));
    }
    if body.json.is_empty() {
        return;
    }
    let json: Value = match serde_json::from_slice(&cx.response.body) {
        Ok(v) => v,
        Err(e) => {
            let actual = format!("not JSON ({e}){cut}: {}", excerpt());
            failures.push(failure("body json", "a JSON body", actual));
            return;
        }
    };
    for (pointer, want) in &body.json {
        let what = format!("body json {pointer}");
        let got = json.pointer(pointer);
        if let Some((expected, actual)) = json_mismatch(want, got, cx) {
            failures.push(failure(&what, &expected, actual));
        }
    }
}

/// `(expected, actual)` when the value at the pointer does not match.
fn json_mismatch(want: &JsonWant, got: Option<&Value>, cx: &Context) -> Option<(String, String)> {
    let Some(got) = got else {
        return Some((describe_want(want, cx), "nothing at that pointer".into()));
    };
    let actual = got.to_string();
    match want {
        JsonWant::Equals(_) | JsonWant::Text(_) => {
            let value = wanted_value(want, cx);
            let same = match (number(&value), number(got)) {
                (Some(a), Some(b)) => a == b,
                _ => value == *got,
            };
            (!same).then(|| (value.to_string(), actual))
        }
        JsonWant::Compare(cmp) => match number(got) {
            Some(n) if compare(cmp, n) => None,
            _ => Some((describe_want(want, cx), actual)),
        },
    }
}

/// The value to compare with, placeholders filled in.
fn wanted_value(want: &JsonWant, cx: &Context) -> Value {
    match want {
        JsonWant::Text(t) => Value::String((cx.substitute)(t)),
        JsonWant::Equals(v) => v.clone(),
        JsonWant::Compare(_) => Value::Null,
    }
}

/// A JSON number, or a number held in a JSON string (Prometheus returns `"0.42"`).
fn number(v: &Value) -> Option<f64> {
    match v {
        Value::Number(n) => n.as_f64(),
        Value::String(s) => s.trim().parse::<f64>().ok().filter(|n| n.is_finite()),
        _ => None,
    }
}

/// Whether `n` satisfies every comparison given.
pub fn compare(c: &NumCompare, n: f64) -> bool {
    c.lt.is_none_or(|v| n < v)
        && c.lte.is_none_or(|v| n <= v)
        && c.gt.is_none_or(|v| n > v)
        && c.gte.is_none_or(|v| n >= v)
        && c.eq.is_none_or(|v| n == v)
        && c.ne.is_none_or(|v| n != v)
}

fn describe_want(want: &JsonWant, cx: &Context) -> String {
    match want {
        JsonWant::Equals(_) | JsonWant::Text(_) => wanted_value(want, cx).to_string(),
        JsonWant::Compare(c) => format!("a number {}", describe_compare(c)),
    }
}

/// `< 0.01 and >= 0`.
pub fn describe_compare(c: &NumCompare) -> String {
    let parts = [
        ("<", c.lt),
        ("<=", c.lte),
        (">", c.gt),
        (">=", c.gte),
        ("==", c.eq),
        ("!=", c.ne),
    ];
    let parts: Vec<String> = parts
        .iter()
        .filter_map(|(op, v)| v.map(|v| format!("{op} {v}")))
        .collect();
    parts.join(" and ")
}

/// The start of the body, masked, on one line: `body: {"status":...}`.
fn body_excerpt(cx: &Context) -> String {
    if cx.response.body.is_empty() {
        return "(empty body)".into();
    }
    let masked = cx.masker.mask(&String::from_utf8_lossy(&cx.response.body));
    // One line: control characters and runs of white space become a single space.
    let mut excerpt = String::new();
    let mut chars = masked.chars().map(|c| if c.is_control() { ' ' } else { c });
    for c in chars.by_ref() {
        if !(c.is_whitespace() && excerpt.ends_with(' ')) {
            excerpt.push(c);
        }
        if excerpt.chars().count() >= EXCERPT_CHARS {
            break;
        }
    }
    if chars.next().is_some() {
        excerpt.push('…');
    }
    format!("body: {excerpt}")
}

#[cfg(test)]
mod tests {
    use super::*;

    fn failures(yaml: &str, response: &HttpResponse, time_ms: u64) -> Vec<Failure> {
        let expect: crate::model::Expect = crate::load::from_str(yaml).expect("expect yaml");
        let expect = crate::compile::expect::standalone(&expect);
        let substitute =
            |t: &Template| t.show(&|name| (name == "request_id").then(|| "ob-1".into()));
        let masker = Masker::new(["hunter2"]);
        let cx = Context {
            response,
            time_ms,
            fail_on_error_status: false,
            substitute: &substitute,
            masker: &masker,
        };
        evaluate(Some(&expect), &cx)
    }

    fn response(status: u16, headers: &[(&str, &str)], body: &str) -> HttpResponse {
        HttpResponse {
            status,
            headers: headers
                .iter()
                .map(|(n, v)| (n.to_string(), v.to_string()))
                .collect(),
            body: body.as_bytes().to_vec(),
            truncated: false,
        }
    }

    #[test]
    fn status_forms() {
        let r = response(204, &[], "");
        assert!(failures("status: 204", &r, 1).is_empty());
        assert!(failures("status: [200, 204]", &r, 1).is_empty());
        assert!(failures("status: 2xx", &r, 1).is_empty());
        let f = failures("status: 3xx", &r, 1);
        assert_eq!(
            (f[0].expected.as_str(), f[0].actual.as_str()),
            ("3xx", "204, (empty body)")
        );
    }

    #[test]
    fn headers_are_case_insensitive_and_substituted() {
        let r = response(200, &[("x-request-id", "ob-1"), ("server", "demo/1")], "");
        let yaml = r#"headers: { X-Request-Id: "{{ request_id }}", Server: { contains: demo }, x-gone: { absent: true }, server: { matches: '^demo/\d' } }"#;
        assert!(failures(yaml, &r, 1).is_empty());
        let f = failures(
            "headers: { x-missing: \"here\", server: { absent: true } }",
            &r,
            1,
        );
        assert_eq!(f.len(), 2);
        assert_eq!(f[0].actual, "(absent)");
        assert_eq!(f[1].actual, "`demo/1`");
    }

    #[test]
    fn json_numbers_in_strings_compare_as_numbers() {
        let body = r#"{"data":{"result":[{"value":[1700000000,"0.42"]}]},"ok":true,"n":"3"}"#;
        let r = response(200, &[], body);
        let pass = r#"body: { json: { "/data/result/0/value/1": { lt: 0.5, gte: 0.42 }, "/ok": true, "/n": 3 } }"#;
        assert!(failures(pass, &r, 1).is_empty());
        let f = failures(
            r#"body: { json: { "/data/result/0/value/1": { lt: 0.1 }, "/nope": 1 } }"#,
            &r,
            1,
        );
        assert_eq!(f[0].expected, "a number < 0.1");
        assert_eq!(f[0].actual, "\"0.42\"");
        assert_eq!(f[1].actual, "nothing at that pointer");
    }

    #[test]
    fn body_excerpts_are_masked_and_short() {
        let body = format!("token=hunter2\n\n{}", "x".repeat(500));
        let r = response(200, &[], &body);
        let f = failures("body: { contains: nope }", &r, 1);
        assert!(
            f[0].actual.starts_with("body: token=*** xxx"),
            "{}",
            f[0].actual
        );
        assert!(f[0].actual.chars().count() < 200 && f[0].actual.ends_with('…'));
        let f = failures("max_time_ms: 100", &r, 250);
        assert_eq!(
            (f[0].expected.as_str(), f[0].actual.as_str()),
            ("at most 100 ms", "250 ms")
        );
    }
}
