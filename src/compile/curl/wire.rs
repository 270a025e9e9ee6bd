//! The URL as it goes on the wire. Lint and `check` both call [`wire_url`], so a URL that lints
//! clean is one the request can carry.
//!
//! A URL pasted from a browser or from PromQL (`?query=sum(rate(x{code=~"5.."}[5m]))`) holds
//! characters that the `url` crate accepts but `http::Uri` (what ureq sends) refuses with
//! "invalid uri character": `"`, spaces, `<`, `>`, a backtick in the path, non-ASCII text. curl
//! sends them after encoding; so does opsbook: the `url` crate's serialisation percent-encodes
//! them (`"` → `%22`, space → `%20`) and leaves what was already encoded alone.

/// `url` parsed and serialised as the request sends it, or why it cannot be sent (a predicate
/// for the caller to put after the URL: `is not a valid URL: …`).
pub fn wire_url(url: &str) -> Result<String, String> {
    let parsed = url::Url::parse(url).map_err(|e| format!("is not a valid URL: {e}"))?;
    if !matches!(parsed.scheme(), "http" | "https") {
        return Err("is not an http:// or https:// URL".into());
    }
    let serialised = String::from(parsed);
    match ureq::http::Uri::try_from(serialised.as_str()) {
        Ok(_) => Ok(serialised),
        Err(e) => Err(format!("cannot be sent as a request URL: {e}")),
    }
}

/// The query of `url` as written, if it holds a `+`: servers that decode queries as forms
/// (Prometheus among them) read it as a space, so a PromQL `a+b` pasted into a URL is a
/// different query. The byte offset of the `+` in `url` comes with it.
pub fn plus_in_query(url: &str) -> Option<usize> {
    let query_start = url.find('?')?;
    let query_end = url[query_start..]
        .find('#')
        .map_or(url.len(), |i| query_start + i);
    url[query_start..query_end]
        .find('+')
        .map(|i| query_start + i)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn promql_in_a_url_is_encoded_the_way_curl_sends_it() {
        let url = r#"http://prom.test/api/v1/query?query=sum(rate(x{code=~"5.."}[5m]))"#;
        assert!(
            ureq::http::Uri::try_from(url).is_err(),
            "http::Uri refuses it raw"
        );
        assert_eq!(
            wire_url(url).unwrap(),
            "http://prom.test/api/v1/query?query=sum(rate(x{code=~%225..%22}[5m]))"
        );
        assert_eq!(
            wire_url("http://a.test/a b?q=x y").unwrap(),
            "http://a.test/a%20b?q=x%20y"
        );
        assert_eq!(
            wire_url("http://a.test/?q=%2B").unwrap(),
            "http://a.test/?q=%2B"
        );
    }

    #[test]
    fn invalid_urls_say_why() {
        assert!(
            wire_url("http//a.test")
                .unwrap_err()
                .contains("not a valid URL")
        );
        assert!(
            wire_url("http://a b.test/")
                .unwrap_err()
                .contains("not a valid URL")
        );
        assert!(wire_url("ftp://a.test/").unwrap_err().contains("http://"));
    }

    #[test]
    fn finds_a_plus_in_the_query_only() {
        assert_eq!(plus_in_query("http://a/b+c?q=x+y"), Some(16));
        assert_eq!(plus_in_query("http://a/b+c?q=x%2By"), None);
        assert_eq!(plus_in_query("http://a/?q=x#a+b"), None);
        assert_eq!(plus_in_query("http://a/b+c"), None);
    }
}
