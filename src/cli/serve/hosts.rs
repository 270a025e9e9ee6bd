//! Which `Host` headers `serve` answers. A DNS-rebinding page reaches the server under a host
//! name of its own; only names that mean this server are answered: `localhost`, `127.0.0.1`,
//! `[::1]`, the `--host` given, and, when bound to every address (`0.0.0.0`, `::`), any IP
//! literal (the way another machine on the network names it; a rebinding page cannot use one).

use std::net::IpAddr;

/// The names a request's `Host` may carry, and the port it must name.
#[derive(Debug)]
pub struct Hosts {
    port: u16,
    names: Vec<String>,
    any_ip: bool,
}

impl Hosts {
    /// For a server bound to `host` (as given to `--host`) on `port`.
    pub fn new(host: &str, port: u16) -> Hosts {
        let given = host.trim_start_matches('[').trim_end_matches(']');
        let ip = given.parse::<IpAddr>().ok();
        let mut names: Vec<String> = ["localhost", "127.0.0.1", "[::1]"]
            .map(str::to_owned)
            .into();
        names.push(match ip {
            Some(IpAddr::V6(v6)) => format!("[{v6}]"),
            Some(ip) => ip.to_string(),
            None => given.to_ascii_lowercase(),
        });
        Hosts {
            port,
            names,
            any_ip: ip.is_some_and(|ip| ip.is_unspecified()),
        }
    }

    /// Whether a request whose `Host` is `host` is for this server. HTTP/1.0 clients may leave
    /// `Host` out.
    pub fn allows(&self, host: Option<&str>, http10: bool) -> bool {
        let Some(host) = host else {
            return http10;
        };
        let host = host.to_ascii_lowercase();
        let (name, given_port) = split_port(&host);
        if given_port != Some(self.port) {
            return false;
        }
        self.names.iter().any(|n| n == name) || (self.any_ip && is_ip_literal(name))
    }

    /// Whether only this machine can reach the server (a loopback address).
    pub fn is_local_only(host: &str) -> bool {
        let given = host.trim_start_matches('[').trim_end_matches(']');
        given == "localhost" || given.parse::<IpAddr>().is_ok_and(|ip| ip.is_loopback())
    }
}

/// `name:port` split; a browser leaves the port out only when it is the scheme's default.
fn split_port(host: &str) -> (&str, Option<u16>) {
    // `[::1]:8000`: the port follows the bracket.
    let after_bracket = host.rfind(']').map_or(0, |i| i + 1);
    match host[after_bracket..].rfind(':') {
        Some(i) => {
            let at = after_bracket + i;
            (&host[..at], host[at + 1..].parse::<u16>().ok())
        }
        None => (host, Some(80)),
    }
}

fn is_ip_literal(name: &str) -> bool {
    match name.strip_prefix('[').and_then(|n| n.strip_suffix(']')) {
        Some(v6) => v6.parse::<std::net::Ipv6Addr>().is_ok(),
        None => name.parse::<std::net::Ipv4Addr>().is_ok(),
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn only_this_machine_on_this_port_is_answered() {
        let hosts = Hosts::new("127.0.0.1", 8000);
        for good in [
            "127.0.0.1:8000",
            "localhost:8000",
            "LocalHost:8000",
            "[::1]:8000",
        ] {
            assert!(hosts.allows(Some(good), false), "{good}");
        }
        for bad in [
            "evil.example:8000",
            "127.0.0.1:8001",
            "localhost",
            "127.0.0.1.evil.example:8000",
            "192.168.1.5:8000",
            "",
        ] {
            assert!(!hosts.allows(Some(bad), false), "{bad}");
        }
        assert!(Hosts::new("127.0.0.1", 80).allows(Some("localhost"), false));
        assert!(hosts.allows(None, true));
        assert!(!hosts.allows(None, false));
    }

    #[test]
    fn the_given_host_and_on_every_address_any_ip_literal() {
        let one = Hosts::new("192.168.1.5", 8000);
        assert!(one.allows(Some("192.168.1.5:8000"), false));
        assert!(!one.allows(Some("10.0.0.1:8000"), false));
        let every = Hosts::new("0.0.0.0", 8000);
        for good in ["10.0.0.1:8000", "[fe80::1]:8000", "localhost:8000"] {
            assert!(every.allows(Some(good), false), "{good}");
        }
        for bad in ["evil.example:8000", "10.0.0.1.nip.io:8000", "10.0.0.1:9000"] {
            assert!(!every.allows(Some(bad), false), "{bad}");
        }
        let v6 = Hosts::new("::1", 8000);
        assert!(v6.allows(Some("[::1]:8000"), false));
        assert!(Hosts::new("devbox.lan", 8000).allows(Some("DevBox.lan:8000"), false));
    }

    #[test]
    fn loopback_is_local_only() {
        for local in ["127.0.0.1", "::1", "[::1]", "localhost", "127.0.0.2"] {
            assert!(Hosts::is_local_only(local), "{local}");
        }
        for open in ["0.0.0.0", "::", "192.168.1.5", "devbox.lan"] {
            assert!(!Hosts::is_local_only(open), "{open}");
        }
    }
}
