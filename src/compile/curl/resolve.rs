//! `--resolve HOST:PORT:ADDR[,ADDR…]`: connect to ADDR for HOST:PORT while the URL, the `Host`
//! header, SNI and the certificate name stay HOST. Read once, when the runbook is compiled.

use std::net::IpAddr;

use super::{CurlError, err};

/// One `--resolve` entry.
#[derive(Clone, Debug, PartialEq, Eq, Hash, PartialOrd, Ord)]
pub struct Pin {
    /// Lowercase, without brackets.
    pub host: String,
    pub port: u16,
    pub addrs: Vec<IpAddr>,
}

/// Reads `HOST:PORT:ADDR`; ADDR may be a list separated by `,`, and IPv6 addresses may be
/// written in brackets (`[::1]`), as curl accepts them.
pub fn parse_pin(value: &str, offset: usize) -> Result<Pin, CurlError> {
    let bad = |why: &str| {
        err(
            offset,
            format!("`--resolve {value}`: {why}"),
            "write --resolve HOST:PORT:ADDRESS, for example --resolve api.example.com:443:10.0.0.7",
        )
    };
    if value.contains("{{") || value.contains(super::LITERAL_DOLLAR) || value.contains('$') {
        return Err(bad("placeholders and `$VAR`s are not read here"));
    }
    let (host, rest) = split_host(value).ok_or_else(|| bad("no HOST:PORT:ADDRESS"))?;
    let (port, addrs) = rest
        .split_once(':')
        .ok_or_else(|| bad("no HOST:PORT:ADDRESS"))?;
    let port: u16 = port
        .parse()
        .ok()
        .filter(|p| *p > 0)
        .ok_or_else(|| bad("the port is not a number between 1 and 65535"))?;
    let addrs = addrs
        .split(',')
        .map(|a| {
            let a = a.trim();
            let a = a
                .strip_prefix('[')
                .and_then(|a| a.strip_suffix(']'))
                .unwrap_or(a);
            a.parse::<IpAddr>()
                .map_err(|_| bad(&format!("`{a}` is not an IP address")))
        })
        .collect::<Result<Vec<_>, _>>()?;
    if host.is_empty() || host == "*" || host.starts_with('+') || host.starts_with('-') {
        return Err(bad("name one host (no `*`, `+` or `-` forms)"));
    }
    Ok(Pin {
        host: host.to_ascii_lowercase(),
        port,
        addrs,
    })
}

/// `host` and what follows its `:`; a bracketed IPv6 host keeps its colons.
fn split_host(value: &str) -> Option<(&str, &str)> {
    match value.strip_prefix('[') {
        Some(rest) => {
            let (host, rest) = rest.split_once(']')?;
            Some((host, rest.strip_prefix(':')?))
        }
        None => value.split_once(':'),
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn reads_host_port_and_addresses() {
        let pin = parse_pin("API.example.com:443:10.0.0.7", 0).unwrap();
        assert_eq!(
            (pin.host.as_str(), pin.port, pin.addrs),
            ("api.example.com", 443, vec!["10.0.0.7".parse().unwrap()])
        );
        let pin = parse_pin("a.test:8443:[::1],127.0.0.1", 0).unwrap();
        assert_eq!(
            pin.addrs,
            vec![
                "::1".parse::<IpAddr>().unwrap(),
                "127.0.0.1".parse().unwrap()
            ]
        );
        assert_eq!(parse_pin("a.test:80:::1", 0).unwrap().addrs.len(), 1);
    }

    #[test]
    fn refuses_what_is_not_one_pin() {
        for (value, want) in [
            ("a.test:443", "no HOST:PORT:ADDRESS"),
            ("a.test:https:10.0.0.1", "port"),
            ("a.test:443:db.internal", "not an IP address"),
            ("*:443:10.0.0.1", "name one host"),
            ("{{ host }}:443:10.0.0.1", "placeholders"),
        ] {
            let e = parse_pin(value, 0).unwrap_err();
            assert!(e.message.contains(want), "{value}: {}", e.message);
        }
    }
}
