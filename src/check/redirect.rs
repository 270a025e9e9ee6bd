//! Redirects, followed by opsbook itself (only with `-L`, at most [`MAX_REDIRECTS`]): each hop
//! must stay on an allowed host, and headers that may carry secrets are dropped as soon as the
//! origin changes.

use std::time::Instant;

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
        if response.status == 303
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

/// `scheme://host:port`, with the scheme's default port made explicit.
fn origin(url: &str) -> Option<(String, String, u16)> {
    let uri: ureq::http::Uri = url.parse().ok()?;
    let scheme = uri.scheme_str()?.to_ascii_lowercase();
    let port = uri
        .port_u16()
        .unwrap_or(if scheme == "https" { 443 } else { 80 });
    Some((scheme, uri.host()?.to_ascii_lowercase(), port))
}

/// The absolute URL a `Location` points at.
fn resolve(base: &str, location: &str) -> Option<String> {
    let lower = location.to_ascii_lowercase();
    if lower.starts_with("http://") || lower.starts_with("https://") {
        return Some(location.to_owned());
    }
    let uri: ureq::http::Uri = base.parse().ok()?;
    let scheme = uri.scheme_str()?;
    let authority = uri.authority()?.as_str();
    if let Some(rest) = location.strip_prefix("//") {
        return Some(format!("{scheme}://{rest}"));
    }
    if location.starts_with('/') {
        return Some(format!("{scheme}://{authority}{location}"));
    }
    let path = uri.path();
    let dir = &path[..path.rfind('/').map_or(0, |i| i + 1)];
    Some(format!("{scheme}://{authority}{dir}{location}"))
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn resolves_locations() {
        let base = "http://a.test:8080/x/y?q=1";
        assert_eq!(resolve(base, "/z").unwrap(), "http://a.test:8080/z");
        assert_eq!(resolve(base, "z").unwrap(), "http://a.test:8080/x/z");
        assert_eq!(resolve(base, "//b.test/z").unwrap(), "http://b.test/z");
        assert_eq!(resolve(base, "https://c.test/").unwrap(), "https://c.test/");
        assert_ne!(origin("http://a.test/"), origin("http://a.test:81/"));
        assert_eq!(origin("http://A.test/"), origin("http://a.test:80/x"));
    }
}
