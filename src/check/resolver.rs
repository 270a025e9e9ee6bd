//! `--resolve` at run time: a ureq resolver that answers the pinned addresses for a pinned
//! host and port, an IP address as itself, and asks the system for everything else (other
//! hosts, a proxy).

use std::net::SocketAddr;

use ureq::config::Config;
use ureq::http::Uri;
use ureq::unversioned::resolver::{DefaultResolver, ResolvedSocketAddrs, Resolver};
use ureq::unversioned::transport::NextTimeout;

use crate::compile::curl::Pin;

#[derive(Debug, Default)]
pub struct PinnedResolver {
    pins: Vec<Pin>,
    system: DefaultResolver,
}

impl PinnedResolver {
    pub fn new(pins: Vec<Pin>) -> PinnedResolver {
        PinnedResolver {
            pins,
            system: DefaultResolver::default(),
        }
    }

    /// The pinned addresses for `host` and `port`, if one `--resolve` names them.
    fn pinned(&self, host: &str, port: u16) -> Option<Vec<SocketAddr>> {
        let host = host.trim_start_matches('[').trim_end_matches(']');
        let pin = self
            .pins
            .iter()
            .find(|p| p.port == port && p.host.eq_ignore_ascii_case(host))?;
        Some(
            pin.addrs
                .iter()
                .map(|a| SocketAddr::new(*a, port))
                .collect(),
        )
    }
}

impl Resolver for PinnedResolver {
    fn resolve(
        &self,
        uri: &Uri,
        config: &Config,
        timeout: NextTimeout,
    ) -> Result<ResolvedSocketAddrs, ureq::Error> {
        let port = uri.port_u16().or_else(|| match uri.scheme_str() {
            Some("https") => Some(443),
            Some("http") => Some(80),
            _ => None,
        });
        let found = uri
            .host()
            .zip(port)
            .and_then(|(h, p)| self.pinned(h, p).or_else(|| literal(h, p)));
        let Some(addrs) = found else {
            return self.system.resolve(uri, config, timeout);
        };
        let mut out = self.empty();
        // ureq keeps at most 16 addresses.
        for addr in addrs.into_iter().take(16) {
            out.push(addr);
        }
        Ok(out)
    }
}

/// `127.0.0.1` or `[::1]` needs no lookup (and no thread to time one out).
fn literal(host: &str, port: u16) -> Option<Vec<SocketAddr>> {
    let host = host.trim_start_matches('[').trim_end_matches(']');
    let ip: std::net::IpAddr = host.parse().ok()?;
    Some(vec![SocketAddr::new(ip, port)])
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn answers_only_for_the_pinned_host_and_port() {
        let pin = Pin {
            host: "api.test".into(),
            port: 443,
            addrs: vec!["10.0.0.7".parse().unwrap()],
        };
        let r = PinnedResolver::new(vec![pin]);
        assert_eq!(
            r.pinned("API.test", 443),
            Some(vec!["10.0.0.7:443".parse().unwrap()])
        );
        assert_eq!(r.pinned("api.test", 80), None);
        assert_eq!(r.pinned("other.test", 443), None);
    }

    #[test]
    fn an_ip_address_is_its_own_answer() {
        assert_eq!(
            literal("127.0.0.1", 8080),
            Some(vec!["127.0.0.1:8080".parse().unwrap()])
        );
        assert_eq!(
            literal("[::1]", 443),
            Some(vec!["[::1]:443".parse().unwrap()])
        );
        assert_eq!(literal("localhost", 80), None);
    }
}
