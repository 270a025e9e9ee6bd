//! The ureq agents a transport sends with: one for plain http, one shared verifying agent for
//! ordinary https checks, a non-verifying one only when `--insecure` was given, and agents built
//! on demand (and kept) for checks with their own connection settings (`--cacert`,
//! `--cert`/`--key`, `--resolve`).
//!
//! The trusted roots are read on the first https request, not before: parsing the system's
//! bundle costs more than a whole run of plain-http checks against loopback.

use std::collections::HashMap;
use std::sync::{Arc, Mutex, OnceLock};

use ureq::tls::{RootCerts, TlsConfig};
use ureq::unversioned::transport::DefaultConnector;

use super::http::{Connect, MAX_HEADER_BYTES};
use super::resolver::PinnedResolver;
use super::tls::{self, Trust, TrustSources};

/// Agents by what they connect with.
pub struct Agents {
    proxy: Option<ureq::Proxy>,
    allow_insecure: bool,
    sources: TrustSources,
    /// For `http://` requests: no TLS, so no roots to read.
    http: ureq::Agent,
    /// Read on the first https request.
    tls: OnceLock<TlsAgents>,
    /// Built at most once per settings; a failure (an unreadable `--cacert`) is kept too, so
    /// every check naming the file gets the same message without reading it again.
    special: Mutex<HashMap<(Connect, bool), Result<ureq::Agent, String>>>,
}

/// The trusted roots and the shared agents that verify with them.
struct TlsAgents {
    trust: Trust,
    secure: ureq::Agent,
    insecure: Option<ureq::Agent>,
}

impl Agents {
    pub fn new(proxy: Option<ureq::Proxy>, allow_insecure: bool, sources: TrustSources) -> Agents {
        Agents {
            http: build(&proxy, TlsConfig::builder().build(), None),
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
            let shared =
                |insecure| build(&self.proxy, tls_config(roots.clone(), None, insecure), None);
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
    ) -> Result<ureq::Agent, String> {
        let insecure = insecure && self.allow_insecure;
        if connect.is_default() && !https {
            return Ok(self.http.clone());
        }
        if connect.is_default() {
            let tls = self.tls();
            return Ok(match (&tls.insecure, insecure) {
                (Some(agent), true) => agent.clone(),
                _ => tls.secure.clone(),
            });
        }
        let key = (connect.clone(), insecure);
        let mut special = self.special.lock().map_err(|e| e.to_string())?;
        special
            .entry(key)
            .or_insert_with(|| self.special_agent(connect, insecure))
            .clone()
    }

    fn special_agent(&self, connect: &Connect, insecure: bool) -> Result<ureq::Agent, String> {
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
        let pins = (!connect.resolve.is_empty()).then(|| connect.resolve.clone());
        Ok(build(
            &self.proxy,
            tls_config(roots, client, insecure),
            pins.map(PinnedResolver::new),
        ))
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

fn build(
    proxy: &Option<ureq::Proxy>,
    tls: TlsConfig,
    resolver: Option<PinnedResolver>,
) -> ureq::Agent {
    let config = ureq::Agent::config_builder()
        .http_status_as_error(false)
        .max_redirects(0)
        .max_response_header_size(MAX_HEADER_BYTES)
        .user_agent(concat!("opsbook/", env!("CARGO_PKG_VERSION")))
        // curl sends no `Accept-Encoding` unless `--compressed` asks for one (prepare adds it).
        .accept_encoding(ureq::config::AutoHeaderValue::None)
        .proxy(proxy.clone())
        .tls_config(tls)
        // No pooling: each check gets its own connection, so a server that half-closed one
        // cannot fail the next check that would reuse it, and checks stay independent.
        .max_idle_connections(0)
        .max_idle_connections_per_host(0)
        .build();
    match resolver {
        Some(resolver) => ureq::Agent::with_parts(config, DefaultConnector::default(), resolver),
        None => config.new_agent(),
    }
}
