//! Origins — scheme, host and port, default ports made explicit — as the allow-list compares
//! them and as a redirect must keep them to carry a body or secret headers along.
//!
//! An allowed host on one port is not an allowed host on every port: `127.0.0.1:18080` and
//! `127.0.0.1:18091` are two services, and only the runbook's targets were consented to.

use std::fmt;

/// `http://api.test:8080`: where a request goes, as far as trust is concerned.
#[derive(Clone, Debug, PartialEq, Eq, PartialOrd, Ord, Hash)]
pub struct Origin {
    /// `http` or `https`.
    pub scheme: String,
    /// Lowercase; an IPv6 address in brackets.
    pub host: String,
    pub port: u16,
}

impl Origin {
    /// The origin of an `http://` or `https://` URL.
    pub fn of(url: &str) -> Option<Origin> {
        let url = url::Url::parse(url.trim()).ok()?;
        if !matches!(url.scheme(), "http" | "https") {
            return None;
        }
        Some(Origin {
            scheme: url.scheme().to_owned(),
            host: url.host_str()?.to_ascii_lowercase(),
            port: url.port_or_known_default()?,
        })
    }

    /// Whether a request to `self` is allowed by `allowed`: the same origin, or its upgrade to
    /// TLS. `http://api.test` answering "use https" (a 301 to `https://api.test`) is the same
    /// service on the same host's standard port; refusing it would break the commonest
    /// redirect there is, and TLS only narrows who can read the request.
    pub fn allowed_by(&self, allowed: &Origin) -> bool {
        let upgrade = allowed.scheme == "http"
            && allowed.port == 80
            && self.scheme == "https"
            && self.port == 443
            && self.host == allowed.host;
        self == allowed || upgrade
    }

    fn default_port(scheme: &str) -> u16 {
        if scheme == "https" { 443 } else { 80 }
    }
}

/// `http://api.test:8080`, or `https://api.test` on its scheme's default port.
impl fmt::Display for Origin {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(f, "{}://{}", self.scheme, self.host)?;
        if self.port != Origin::default_port(&self.scheme) {
            write!(f, ":{}", self.port)?;
        }
        Ok(())
    }
}

/// The origins one `--allow-host` value allows:
///
/// - `HOST`: HOST on the default ports, `http://HOST:80` and `https://HOST:443`;
/// - `HOST:PORT`: that port, over http and https;
/// - `SCHEME://HOST[:PORT]`: exactly that origin.
pub fn parse_allow_host(value: &str) -> Result<Vec<Origin>, String> {
    let bad = |why: &str| {
        format!("`--allow-host {value}`: {why} (write `HOST`, `HOST:PORT` or `https://HOST:PORT`)")
    };
    let value = value.trim();
    if value.contains("://") {
        let url = url::Url::parse(value).map_err(|e| bad(&e.to_string()))?;
        let path_ok = matches!(url.path(), "" | "/");
        if !path_ok || url.query().is_some() || url.fragment().is_some() {
            return Err(bad("an origin has no path or query"));
        }
        if !url.username().is_empty() || url.password().is_some() {
            return Err(bad("an origin has no credentials"));
        }
        let origin = Origin::of(value).ok_or_else(|| bad("only http and https are sent"))?;
        return Ok(vec![origin]);
    }
    if value.is_empty() || value.contains(['/', '?', '#', '@', ' ']) {
        return Err(bad("not a host"));
    }
    // A bare IPv6 address has colons of its own: bracket it.
    let written = if value.parse::<std::net::Ipv6Addr>().is_ok() {
        format!("[{value}]")
    } else {
        value.to_owned()
    };
    let url = url::Url::parse(&format!("http://{written}/")).map_err(|e| bad(&e.to_string()))?;
    let host = url.host_str().ok_or_else(|| bad("no host"))?;
    // Read the port as written: the URL parser forgets a `:80` it takes for the default.
    let port = match written.rsplit_once(':') {
        Some((_, port)) if !port.contains(']') => Some(
            port.parse::<u16>()
                .map_err(|_| bad("the port is not a number"))?,
        ),
        _ => None,
    };
    let both = |port: Option<u16>| {
        ["http", "https"].map(|scheme| Origin {
            scheme: scheme.to_owned(),
            host: host.to_ascii_lowercase(),
            port: port.unwrap_or_else(|| Origin::default_port(scheme)),
        })
    };
    Ok(both(port).to_vec())
}

#[cfg(test)]
mod tests {
    use super::*;

    fn origin(s: &str) -> Origin {
        Origin::of(s).expect("an http(s) URL")
    }

    #[test]
    fn default_ports_are_explicit_and_shown_only_when_not_default() {
        assert_eq!(origin("http://A.test/x"), origin("http://a.test:80"));
        assert_ne!(origin("http://a.test/"), origin("https://a.test/"));
        assert_ne!(origin("http://a.test/"), origin("http://a.test:81/"));
        assert_eq!(origin("https://a.test:443/").to_string(), "https://a.test");
        assert_eq!(
            origin("http://[::1]:8080/").to_string(),
            "http://[::1]:8080"
        );
        assert_eq!(Origin::of("file:///etc/passwd"), None);
    }

    #[test]
    fn an_http_origin_allows_its_upgrade_to_tls_and_nothing_else() {
        let http = origin("http://a.test/");
        assert!(origin("https://a.test/").allowed_by(&http));
        assert!(!origin("https://a.test:8443/").allowed_by(&http));
        assert!(!origin("https://b.test/").allowed_by(&http));
        assert!(!origin("http://a.test/").allowed_by(&origin("https://a.test/")));
        let odd = origin("http://a.test:8080/");
        assert!(!origin("https://a.test/").allowed_by(&odd));
    }

    #[test]
    fn allow_host_forms() {
        let shown = |v: &str| -> Vec<String> {
            parse_allow_host(v)
                .unwrap()
                .iter()
                .map(ToString::to_string)
                .collect()
        };
        assert_eq!(shown("API.test"), ["http://api.test", "https://api.test"]);
        assert_eq!(
            shown("127.0.0.1:18091"),
            ["http://127.0.0.1:18091", "https://127.0.0.1:18091"]
        );
        assert_eq!(shown("https://a.test:8443"), ["https://a.test:8443"]);
        assert_eq!(shown("a.test:80"), ["http://a.test", "https://a.test:80"]);
        assert_eq!(shown("http://a.test/"), ["http://a.test"]);
        assert_eq!(shown("::1"), ["http://[::1]", "https://[::1]"]);
        assert_eq!(
            shown("[::1]:9090"),
            ["http://[::1]:9090", "https://[::1]:9090"]
        );
        for bad in [
            "ftp://a.test",
            "http://a.test/x",
            "a.test/x",
            "",
            "u:p@a.test",
            "http://u@a.test",
        ] {
            assert!(parse_allow_host(bad).is_err(), "{bad}");
        }
    }
}
