//! Redirects, followed by opsbook itself (only with `-L`, at most [`MAX_REDIRECTS`]): each hop
//! must stay on an allowed host, and headers that may carry secrets are dropped as soon as the
//! origin changes.

use std::time::Instant;

use url::Url;

use super::http::{HttpRequest, HttpResponse, Transport, seconds};

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
        let next = resolve(&request.url, &location)
            .ok_or_else(|| format!("redirect to an invalid location `{location}`"))?;
        allowed(&next).map_err(|e| format!("redirect refused: {e}"))?;
        if origin(&next) != origin(&request.url) {
            request.headers.retain(|(name, _)| {
                let lower = name.to_ascii_lowercase();
                !SENSITIVE.contains(&lower.as_str()) && !secret_headers.contains(&lower)
            });
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

/// `scheme://host:port`, with the scheme's default port made explicit (`url` does that).
fn origin(url: &str) -> Option<(String, String, u16)> {
    let url = Url::parse(url).ok()?;
    let port = url.port_or_known_default()?;
    Some((url.scheme().to_owned(), url.host_str()?.to_owned(), port))
}

/// The absolute URL a `Location` points at, resolved as RFC 3986 says (relative paths,
/// `..` segments, query-only and scheme-relative references); the fragment stays on this side.
fn resolve(base: &str, location: &str) -> Option<String> {
    let mut next = Url::parse(base).ok()?.join(location.trim()).ok()?;
    next.set_fragment(None);
    Some(next.into())
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
        assert_eq!(resolve(BASE, "http://[::1"), None);
        assert_eq!(resolve("not a url", "/z"), None);
    }

    #[test]
    fn origins_make_default_ports_explicit() {
        assert_ne!(origin("http://a.test/"), origin("http://a.test:81/"));
        assert_eq!(origin("http://A.test/"), origin("http://a.test:80/x"));
        assert_eq!(origin("https://a.test/"), origin("https://a.test:443/"));
    }
}
