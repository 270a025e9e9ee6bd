//! Redirects, followed by opsbook itself (only with `-L`, at most [`MAX_REDIRECTS`]): each hop
//! must go to an http(s) URL of an allowed origin, and what may carry secrets — the body of a
//! 307/308 and the headers that may hold credentials — goes along only while the origin stays
//! the same.

use std::time::Instant;

use url::Url;

use super::http::{HttpRequest, HttpResponse, Transport, seconds};
use super::origin::Origin;

pub const MAX_REDIRECTS: usize = 10;

/// Headers dropped on a cross-origin hop, besides those built from a `$VAR`.
const SENSITIVE: [&str; 4] = [
    "authorization",
    "cookie",
    "proxy-authorization",
    "x-api-key",
];

/// Sends `request`, following redirects when `follow` is set.
pub fn send(
    transport: &dyn Transport,
    mut request: HttpRequest,
    follow: bool,
    secret_headers: &[String],
    allowed: &dyn Fn(&str) -> Result<(), String>,
) -> Result<HttpResponse, String> {
    let started = Instant::now();
    let total = request.timeout;
    let mut hops = 0;
    loop {
        let response = transport.send(&request)?;
        let location = response.header("location");
        let redirect = matches!(response.status, 301 | 302 | 303 | 307 | 308);
        let (true, true, Some(location)) = (follow, redirect, location) else {
            return Ok(response);
        };
        hops += 1;
        if hops > MAX_REDIRECTS {
            return Err(format!("more than {MAX_REDIRECTS} redirects"));
        }
        let next = resolve(&request.url, &location)?;
        allowed(&next).map_err(|e| format!("redirect refused: {e}"))?;
        if Origin::of(&next) != Origin::of(&request.url) {
            leave_secrets_behind(&mut request, secret_headers);
        }
        // As curl: a 303 turns the request into a GET (but `-I` stays HEAD), a 301 or 302 turns
        // a POST into a GET.
        if (response.status == 303 && request.method != "HEAD")
            || (matches!(response.status, 301 | 302) && request.method == "POST")
        {
            request.method = "GET".into();
            request.body = None;
            request
                .headers
                .retain(|(n, _)| !n.eq_ignore_ascii_case("content-type"));
        }
        request.url = next;
        request.timeout = total
            .checked_sub(started.elapsed())
            .filter(|left| !left.is_zero())
            .ok_or_else(|| format!("timed out after {}", seconds(total)))?;
    }
}

/// Before a hop to another origin: the headers that may hold credentials, and the body (a 307
/// or 308 re-sends it, and it may hold a `$VAR` or a password) with its content type.
fn leave_secrets_behind(request: &mut HttpRequest, secret_headers: &[String]) {
    request.headers.retain(|(name, _)| {
        let lower = name.to_ascii_lowercase();
        !SENSITIVE.contains(&lower.as_str()) && !secret_headers.contains(&lower)
    });
    if request.body.take().is_some() {
        request
            .headers
            .retain(|(n, _)| !n.eq_ignore_ascii_case("content-type"));
    }
}

/// The absolute URL a `Location` points at, resolved as RFC 3986 says (relative paths,
/// `..` segments, query-only and scheme-relative references); the fragment stays on this side.
/// Only http and https are followed: `file:`, `ftp:` or `javascript:` is refused, never read as
/// a path.
fn resolve(base: &str, location: &str) -> Result<String, String> {
    let invalid = || format!("redirect to an invalid location `{location}`");
    let mut next = Url::parse(base)
        .and_then(|base| base.join(location.trim()))
        .map_err(|_| invalid())?;
    if !matches!(next.scheme(), "http" | "https") {
        return Err(format!(
            "redirect to `{location}` refused: only http:// and https:// locations are followed"
        ));
    }
    next.set_fragment(None);
    Ok(next.into())
}

#[cfg(test)]
mod tests {
    use super::*;

    const BASE: &str = "http://a.test:8080/x/y?q=1";

    fn resolved(location: &str) -> String {
        resolve(BASE, location).expect("a valid location")
    }

    #[test]
    fn resolves_paths_against_the_base() {
        assert_eq!(resolved("/z"), "http://a.test:8080/z");
        assert_eq!(resolved("z"), "http://a.test:8080/x/z");
        assert_eq!(resolved("../healthz"), "http://a.test:8080/healthz");
        assert_eq!(resolved("./a/../b"), "http://a.test:8080/x/b");
    }

    #[test]
    fn a_query_only_location_keeps_the_whole_path() {
        assert_eq!(resolved("?x=2"), "http://a.test:8080/x/y?x=2");
    }

    #[test]
    fn scheme_relative_and_absolute_locations() {
        assert_eq!(resolved("//b.test/z"), "http://b.test/z");
        assert_eq!(resolved("https://c.test/"), "https://c.test/");
        assert_eq!(resolved("HTTPS://C.test/a/../b"), "https://c.test/b");
    }

    #[test]
    fn fragments_are_not_sent() {
        assert_eq!(resolved("/z#part"), "http://a.test:8080/z");
        assert_eq!(resolved("#top"), "http://a.test:8080/x/y?q=1");
    }

    #[test]
    fn invalid_locations_are_refused() {
        assert!(resolve(BASE, "http://[::1").is_err());
        assert!(resolve("not a url", "/z").is_err());
    }

    #[test]
    fn only_http_and_https_locations_are_followed() {
        for location in [
            "file:///etc/passwd",
            "ftp://a.test/x",
            "javascript:alert(1)",
            "data:,x",
        ] {
            let e = resolve(BASE, location).unwrap_err();
            assert!(e.contains("only http:// and https://"), "{location}: {e}");
        }
    }

    #[test]
    fn another_origin_gets_no_body_nor_secret_headers() {
        let mut request = HttpRequest {
            method: "POST".into(),
            url: BASE.into(),
            headers: vec![
                ("Authorization".into(), "Bearer t".into()),
                ("x-token".into(), "t".into()),
                ("Content-Type".into(), "application/json".into()),
                ("x-plain".into(), "kept".into()),
            ],
            body: Some(b"{\"token\":\"t\"}".to_vec()),
            connect_timeout: std::time::Duration::from_secs(1),
            timeout: std::time::Duration::from_secs(1),
            insecure: false,
            connect: Default::default(),
        };
        leave_secrets_behind(&mut request, &["x-token".to_owned()]);
        assert_eq!(request.body, None);
        assert_eq!(request.headers, vec![("x-plain".into(), "kept".into())]);
    }
}
