//! PromQL queries in checks: where they go, the forms a responder copies (the query, the
//! equivalent `curl -G --data-urlencode` line, an "Open in Prometheus" link) and the one lint
//! opsbook does on the language itself, balanced brackets and quotes. Anything deeper is
//! Prometheus' business: its own error message comes back as the check's error.

use super::Target;
use super::curl::query::encode;
use super::template::Template;

/// The path of Prometheus' instant-query API, below its base URL.
pub const QUERY_PATH: &str = "/api/v1/query";

/// Why `base` cannot be Prometheus' base URL, if it cannot: opsbook appends
/// `/api/v1/query?query=…` (and the page `/graph?…`), which only works under an http(s) URL
/// without a query or fragment (`http://p:9090/#x` would send the query into the fragment and
/// ask `/` instead).
pub fn base_problem(base: &str) -> Option<&'static str> {
    let Ok(url) = url::Url::parse(base) else {
        return Some("is not a valid URL");
    };
    if !matches!(url.scheme(), "http" | "https") {
        Some("is not an http:// or https:// URL")
    } else if url.query().is_some() || url.fragment().is_some() {
        Some("has a `?` or `#`; Prometheus' base URL is `http://host:port` or `http://host/path`")
    } else {
        None
    }
}

/// The URL an instant query is sent to, the query encoded as `curl --data-urlencode` encodes
/// it (so a `+` stays a plus instead of becoming a space).
pub fn query_url(base: &str, query: &str) -> String {
    format!(
        "{}{QUERY_PATH}?query={}",
        base.trim_end_matches('/'),
        encode(query)
    )
}

/// Prometheus' own page for the query, to look at it over time.
pub fn graph_url(base: &str, query: &str) -> String {
    format!(
        "{}/graph?g0.expr={}&g0.tab=0",
        base.trim_end_matches('/'),
        encode(query)
    )
}

/// The curl line that sends the same query, for a shell: the query in single quotes.
pub fn curl_line(base: &str, query: &str) -> String {
    format!(
        "curl -sG '{}{QUERY_PATH}' --data-urlencode {}",
        base.trim_end_matches('/'),
        single_quoted(&format!("query={query}"))
    )
}

/// `'text'`, with each `'` written `'\''` as a shell needs.
fn single_quoted(text: &str) -> String {
    format!("'{}'", text.replace('\'', r"'\''"))
}

/// What `prometheus: NAME` stands for: `{{ NAME }}` when every target has that var (so it
/// follows the chosen target and `--var`), else the URL of the target called NAME.
pub fn base_of(name: &str, targets: &[Target]) -> Result<Template, String> {
    if !targets.is_empty() && targets.iter().all(|t| t.value(name).is_some()) {
        return Ok(Template::placeholders_only(&format!("{{{{ {name} }}}}")));
    }
    if let Some(t) = targets.iter().find(|t| t.name == name) {
        return Ok(Template::placeholders_only(&t.url));
    }
    let vars: Vec<&str> = targets
        .first()
        .map(|t| t.vars.iter().map(|(k, _)| k.as_str()).collect())
        .unwrap_or_default();
    let names: Vec<&str> = targets.iter().map(|t| t.name.as_str()).collect();
    let partly = targets.iter().any(|t| t.value(name).is_some());
    Err(if partly {
        format!("`prometheus: {name}` is a var of some targets but not of every target")
    } else {
        format!(
            "`prometheus: {name}` names no target var ({}) and no target ({})",
            list(&vars),
            list(&names)
        )
    })
}

fn list(items: &[&str]) -> String {
    if items.is_empty() {
        "none".into()
    } else {
        items.join(", ")
    }
}

/// A bracket or quote left open or closed twice, with its byte offset in the query.
#[derive(Debug, PartialEq, Eq)]
pub struct Unbalanced {
    pub offset: usize,
    pub message: String,
}

/// Checks that `(`, `[`, `{` close in order and that strings end, the way the PromQL lexer sees
/// them: `"…"` and `'…'` with backslash escapes, `` `…` `` raw, `#` to the end of the line a
/// comment. Placeholders (`{{ name }}`) are not PromQL and are skipped.
pub fn check_balanced(query: &str) -> Result<(), Unbalanced> {
    let bytes = query.as_bytes();
    let mut open: Vec<(usize, u8)> = Vec::new();
    let mut i = 0;
    while i < bytes.len() {
        let c = bytes[i];
        // Bytes, not `str` slices: `i` may sit inside a multi-byte character.
        if bytes[i..].starts_with(b"{{")
            && let Some(end) = bytes[i..].windows(2).position(|w| w == b"}}")
        {
            i += end + 2;
            continue;
        }
        match c {
            b'"' | b'\'' | b'`' => i = string_end(bytes, i)?,
            b'#' => {
                i = bytes[i..]
                    .iter()
                    .position(|&b| b == b'\n')
                    .map_or(bytes.len(), |n| i + n)
            }
            b'(' | b'[' | b'{' => open.push((i, c)),
            b')' | b']' | b'}' => close(&mut open, i, c)?,
            _ => {}
        }
        i += 1;
    }
    match open.last() {
        Some(&(offset, c)) => Err(Unbalanced {
            offset,
            message: format!("`{}` is never closed", c as char),
        }),
        None => Ok(()),
    }
}

/// The offset of the quote that ends the string starting at `start`.
fn string_end(bytes: &[u8], start: usize) -> Result<usize, Unbalanced> {
    let quote = bytes[start];
    let mut i = start + 1;
    while i < bytes.len() {
        match bytes[i] {
            b'\\' if quote != b'`' => i += 1,
            b'\n' if quote != b'`' => break,
            c if c == quote => return Ok(i),
            _ => {}
        }
        i += 1;
    }
    Err(Unbalanced {
        offset: start,
        message: format!("the string started by `{}` never ends", quote as char),
    })
}

fn close(open: &mut Vec<(usize, u8)>, at: usize, c: u8) -> Result<(), Unbalanced> {
    let want = match c {
        b')' => b'(',
        b']' => b'[',
        _ => b'{',
    };
    match open.pop() {
        Some((_, o)) if o == want => Ok(()),
        Some((offset, o)) => Err(Unbalanced {
            offset: at,
            message: format!(
                "`{}` closes the `{}` opened at byte {}",
                c as char,
                o as char,
                offset + 1
            ),
        }),
        None => Err(Unbalanced {
            offset: at,
            message: format!("`{}` closes nothing", c as char),
        }),
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn balanced_queries_pass() {
        for q in [
            r#"sum(rate(http_requests_total{code=~"5..",service="{{ service }}"}[5m]))"#,
            r#"up{job='a\'b'} == 0"#,
            "label_replace(up, \"x\", \"$1\", \"job\", `(.*)\\`)",
            "rate(x[5m]) # a comment with ( unbalanced\n",
            r#"count(x{re=~"a{2}("})"#,
            "métrique_é{a=\"é\"} # é",
        ] {
            assert_eq!(check_balanced(q), Ok(()), "{q}");
        }
    }

    #[test]
    fn unbalanced_queries_point_at_the_culprit() {
        let cases = [
            ("sum(rate(x[5m])", 3, "`(` is never closed"),
            ("rate(x[5m)]", 9, "`)` closes the `[`"),
            ("up)", 2, "`)` closes nothing"),
            (r#"up{job="api}"#, 7, "never ends"),
        ];
        for (q, offset, message) in cases {
            let e = check_balanced(q).unwrap_err();
            assert_eq!(e.offset, offset, "{q}");
            assert!(e.message.contains(message), "{q}: {}", e.message);
        }
    }

    #[test]
    fn forms_a_responder_copies() {
        let q = r#"sum(rate(x{code=~"5.."}[5m])) > 0.1 + 1"#;
        assert_eq!(
            query_url("http://p:9090/", q),
            "http://p:9090/api/v1/query?query=sum%28rate%28x%7Bcode%3D~%225..%22%7D%5B5m%5D%29%29%20%3E%200.1%20%2B%201"
        );
        assert!(graph_url("http://p", "up").ends_with("/graph?g0.expr=up&g0.tab=0"));
        assert_eq!(
            curl_line("{{ prometheus }}", "up{a='b'}"),
            r#"curl -sG '{{ prometheus }}/api/v1/query' --data-urlencode 'query=up{a='\''b'\''}'"#
        );
    }

    #[test]
    fn prometheus_names_a_var_of_every_target_or_a_target() {
        let t = |name: &str, vars: &[(&str, &str)]| Target {
            name: name.into(),
            url: format!("http://{name}"),
            vars: vars
                .iter()
                .map(|(k, v)| (k.to_string(), v.to_string()))
                .collect(),
        };
        let targets = [
            t("local", &[("prom", "http://p1")]),
            t("prod", &[("prom", "http://p2")]),
        ];
        assert!(base_of("prom", &targets).unwrap().has_placeholders());
        assert_eq!(
            base_of("prod", &targets).unwrap(),
            Template::placeholders_only("http://prod")
        );
        let e = base_of("prometheus", &targets).unwrap_err();
        assert!(e.contains("no target var (prom)"), "{e}");
    }

    #[test]
    fn a_base_url_takes_a_path_but_no_query_or_fragment() {
        assert_eq!(base_problem("http://p:9090"), None);
        assert_eq!(base_problem("https://h/prom/"), None);
        for bad in [
            "http://p:9090/?x=1",
            "http://p/#g",
            "javascript:alert(1)//",
            "p:9090",
            "",
        ] {
            assert!(base_problem(bad).is_some(), "{bad}");
        }
    }
}
