//! The ureq agents a transport sends with: one for plain http, one shared verifying agent for
//! ordinary https checks, a non-verifying one only when `--insecure` was given, and agents built
//! on demand (and kept) for checks with their own connection settings (`--cacert`,
//! `--cert`/`--key`, `--resolve`).
//!
//! The trusted roots are read on the first https request, not before: parsing the system's
//! bundle costs more than a whole run of plain-http checks against loopback.
//!
//! Each agent comes in two kinds ([`Pooling`]): one keeps idle keep-alive connections for the
//! workers to share (a new TCP connection per check cost more than the check: 1,000 checks against
//! a loopback nginx spent a third of their time connecting), the other opens a fresh connection
//! for every request. The fresh one sends what must not risk a connection the server has
//! meanwhile closed: requests that are not safe to send twice, and the retry of one that failed
//! that way (`http.rs`).

use std::collections::HashMap;
use std::sync::{Arc, Mutex, OnceLock};

use ureq::tls::{RootCerts, TlsConfig};
use ureq::unversioned::transport::DefaultConnector;

use super::http::{Connect, MAX_HEADER_BYTES};
use super::resolver::PinnedResolver;
use super::tls::{self, Trust, TrustSources};
use crate::compile::curl::Pin;

/// Whether an agent keeps connections for the next request.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash)]
pub enum Pooling {
    KeepAlive,
    Fresh,
}

/// The same settings with and without keep-alive.
#[derive(Clone)]
struct Pair {
    keep_alive: ureq::Agent,
    fresh: ureq::Agent,
}

impl Pair {
    fn new(make: impl Fn(Pooling) -> ureq::Agent) -> Pair {
        Pair {
            keep_alive: make(Pooling::KeepAlive),
            fresh: make(Pooling::Fresh),
        }
    }

    fn get(&self, pooling: Pooling) -> ureq::Agent {
        match pooling {
            Pooling::KeepAlive => self.keep_alive.clone(),
            Pooling::Fresh => self.fresh.clone(),
        }
    }
}

/// Agents by what they connect with.
pub struct Agents {
    proxy: Option<ureq::Proxy>,
    allow_insecure: bool,
    sources: TrustSources,
    /// For `http://` requests: no TLS, so no roots to read.
    http: Pair,
    /// Read on the first https request.
    tls: OnceLock<TlsAgents>,
    /// Built at most once per settings; a failure (an unreadable `--cacert`) is kept too, so
    /// every check naming the file gets the same message without reading it again.
    special: Mutex<HashMap<(Connect, bool), Result<Pair, String>>>,
}

/// The trusted roots and the shared agents that verify with them.
struct TlsAgents {
    trust: Trust,
    secure: Pair,
    insecure: Option<Pair>,
}

impl Agents {
    pub fn new(proxy: Option<ureq::Proxy>, allow_insecure: bool, sources: TrustSources) -> Agents {
        Agents {
            http: Pair::new(|pooling| build(&proxy, TlsConfig::builder().build(), &[], pooling)),
            proxy,
            allow_insecure,
            sources,
            tls: OnceLock::new(),
            special: Mutex::new(HashMap::new()),
        }
    }

    fn tls(&self) -> &TlsAgents {
        self.tls.get_or_init(|| {
            let trust = Trust::load(&self.sources);
            let roots = RootCerts::Specific(Arc::clone(&trust.roots));
            let shared = |insecure| {
                Pair::new(|pooling| {
                    let tls = tls_config(roots.clone(), None, insecure);
                    build(&self.proxy, tls, &[], pooling)
                })
            };
            TlsAgents {
                secure: shared(false),
                insecure: self.allow_insecure.then(|| shared(true)),
                trust,
            }
        })
    }

    /// The problem with `SSL_CERT_FILE`/`SSL_CERT_DIR`, if any (read on first use).
    pub fn trust_problem(&self) -> Option<&str> {
        self.tls().trust.problem.as_deref()
    }

    /// The agent for a request's settings. `insecure` is honoured only when the transport was
    /// made with `--insecure`.
    pub fn get(
        &self,
        connect: &Connect,
        insecure: bool,
        https: bool,
        pooling: Pooling,
    ) -> Result<ureq::Agent, String> {
        let insecure = insecure && self.allow_insecure;
        if connect.is_default() && !https {
            return Ok(self.http.get(pooling));
        }
        if connect.is_default() {
            let tls = self.tls();
            return Ok(match (&tls.insecure, insecure) {
                (Some(agents), true) => agents.get(pooling),
                _ => tls.secure.get(pooling),
            });
        }
        let key = (connect.clone(), insecure);
        let mut special = self.special.lock().map_err(|e| e.to_string())?;
        special
            .entry(key)
            .or_insert_with(|| self.special_agents(connect, insecure))
            .as_ref()
            .map(|agents| agents.get(pooling))
            .map_err(String::clone)
    }

    fn special_agents(&self, connect: &Connect, insecure: bool) -> Result<Pair, String> {
        let trust = &self.tls().trust;
        let roots = match &connect.cacert {
            Some(file) => RootCerts::from(trust.with_cacert(file)?),
            None => RootCerts::Specific(Arc::clone(&trust.roots)),
        };
        let client = match &connect.cert {
            Some(cert) => Some(tls::client_cert(cert, connect.key.as_ref())?),
            None if connect.key.is_some() => {
                return Err("`--key` without `--cert`: give the client certificate too".into());
            }
            None => None,
        };
        let tls = tls_config(roots, client, insecure);
        Ok(Pair::new(|pooling| {
            build(&self.proxy, tls.clone(), &connect.resolve, pooling)
        }))
    }
}

fn tls_config(
    roots: RootCerts,
    client: Option<ureq::tls::ClientCert>,
    insecure: bool,
) -> TlsConfig {
    TlsConfig::builder()
        .root_certs(roots)
        .client_cert(client)
        .disable_verification(insecure)
        .build()
}

/// Idle connections an agent keeps per host: enough for every worker of `--jobs` up to this.
const IDLE_PER_HOST: usize = 16;

fn build(
    proxy: &Option<ureq::Proxy>,
    tls: TlsConfig,
    pins: &[Pin],
    pooling: Pooling,
) -> ureq::Agent {
    let (idle, idle_per_host) = match pooling {
        Pooling::KeepAlive => (4 * IDLE_PER_HOST, IDLE_PER_HOST),
        Pooling::Fresh => (0, 0),
    };
    let config = ureq::Agent::config_builder()
        .http_status_as_error(false)
        .max_redirects(0)
        .max_response_header_size(MAX_HEADER_BYTES)
        .user_agent(concat!("opsbook/", env!("CARGO_PKG_VERSION")))
        // curl sends no `Accept-Encoding` unless `--compressed` asks for one (prepare adds it).
        .accept_encoding(ureq::config::AutoHeaderValue::None)
        .proxy(proxy.clone())
        .tls_config(tls)
        .max_idle_connections(idle)
        .max_idle_connections_per_host(idle_per_host)
        .build();
    // Always this resolver: it answers an IP address itself, where ureq's would start a thread
    // per request to look it up under a timeout.
    let resolver = PinnedResolver::new(pins.to_vec());
    ureq::Agent::with_parts(config, DefaultConnector::default(), resolver)
}
