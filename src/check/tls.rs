//! Which certificates a check trusts, the way curl does: the built-in Mozilla roots, plus the
//! system's trust store, plus `SSL_CERT_FILE`/`SSL_CERT_DIR` (read from the environment by the
//! caller), plus the check's own `--cacert`; and the client certificate of `--cert`/`--key`.
//!
//! Certificate and key files are read when a check runs, never when a runbook is linted, and
//! only their paths (as written) ever appear in a message.

use std::collections::HashSet;
use std::path::{Path, PathBuf};
use std::sync::Arc;

use ureq::tls::{Certificate, ClientCert, PemItem, PrivateKey, parse_pem};

/// Where Linux distributions and macOS keep the system's trusted roots; those that exist are
/// read. (Debian/Ubuntu, RHEL/Fedora, Alpine/macOS.)
pub const SYSTEM_BUNDLES: [&str; 3] = [
    "/etc/ssl/certs/ca-certificates.crt",
    "/etc/pki/tls/certs/ca-bundle.crt",
    "/etc/ssl/cert.pem",
];

/// Extra trust named by the environment: `SSL_CERT_FILE` and `SSL_CERT_DIR`, as OpenSSL and
/// curl read them. The CLI fills this in; the library never reads the environment.
#[derive(Clone, Debug, Default)]
pub struct TrustSources {
    pub cert_file: Option<PathBuf>,
    /// Folders (`SSL_CERT_DIR` may list several, separated by `:`).
    pub cert_dirs: Vec<PathBuf>,
    /// Read [`SYSTEM_BUNDLES`] (off in unit tests that want the built-in roots only).
    pub system: bool,
}

/// The roots every check trusts, and what went wrong reading the ones the user named.
#[derive(Clone, Debug)]
pub struct Trust {
    pub roots: Arc<Vec<Certificate<'static>>>,
    /// An unreadable `SSL_CERT_FILE`/`SSL_CERT_DIR`: every https check errors with it rather than
    /// quietly trusting less than the user asked for.
    pub problem: Option<String>,
}

/// A file named in a check, with the path as written (for messages) and the path to open.
#[derive(Clone, Debug, PartialEq, Eq, Hash, PartialOrd, Ord)]
pub struct FileRef {
    pub written: String,
    pub path: PathBuf,
}

impl Trust {
    /// The built-in roots, the system's, and those of `sources`.
    pub fn load(sources: &TrustSources) -> Trust {
        let mut roots = Roots::default();
        // The same Mozilla data ureq's default `WebPki` setting uses, as certificates, so that
        // more roots can be added to it.
        for der in webpki_root_certs::TLS_SERVER_ROOT_CERTS {
            roots.add(Certificate::from_der(der.as_ref()).to_owned());
        }
        if sources.system {
            for bundle in SYSTEM_BUNDLES {
                // A distribution's bundle is best effort; the built-in roots are still there.
                let _ = roots.add_file(Path::new(bundle));
            }
        }
        let mut problems = Vec::new();
        if let Some(file) = &sources.cert_file
            && let Err(e) = roots.add_file(file)
        {
            problems.push(format!("SSL_CERT_FILE={}: {e}", file.display()));
        }
        for dir in &sources.cert_dirs {
            if let Err(e) = roots.add_dir(dir) {
                problems.push(format!("SSL_CERT_DIR={}: {e}", dir.display()));
            }
        }
        Trust {
            roots: Arc::new(roots.certs),
            problem: (!problems.is_empty()).then(|| {
                format!(
                    "{}; fix or unset the variable for `opsbook check`",
                    problems.join("; ")
                )
            }),
        }
    }

    /// These roots plus the CA certificates of a check's `--cacert`.
    pub fn with_cacert(&self, file: &FileRef) -> Result<Vec<Certificate<'static>>, String> {
        let certs = certificates(&read_pem(file)?);
        if certs.is_empty() {
            return Err(format!(
                "`--cacert {}` holds no PEM certificate; give the CA certificate (`-----BEGIN CERTIFICATE-----`)",
                file.written
            ));
        }
        let mut all = self.roots.as_ref().clone();
        all.extend(certs);
        Ok(all)
    }
}

/// The client certificate of `--cert` (and its key: from `--key`, or from the same file, as
/// curl allows).
pub fn client_cert(cert: &FileRef, key: Option<&FileRef>) -> Result<ClientCert, String> {
    let items = read_pem(cert)?;
    let chain = certificates(&items);
    if chain.is_empty() {
        return Err(format!(
            "`--cert {}` holds no PEM certificate; give the client certificate (`-----BEGIN CERTIFICATE-----`)",
            cert.written
        ));
    }
    let (items, key_file) = match key {
        Some(key) => (read_pem(key)?, key),
        None => (items, cert),
    };
    let key = private_key(items).ok_or_else(|| match key {
        Some(_) => format!(
            "`--key {}` holds no PEM private key; give the client certificate's key",
            key_file.written
        ),
        None => format!(
            "`--cert {}` holds no private key; add `--key FILE`, or put the key in the same file",
            cert.written
        ),
    })?;
    Ok(ClientCert::new_with_certs(&chain, key))
}

fn read_pem(file: &FileRef) -> Result<Vec<PemItem<'static>>, String> {
    let bytes = std::fs::read(&file.path).map_err(|e| {
        format!(
            "cannot read `{}`: {}; the path is relative to the folder of opsbook.yaml",
            file.written,
            crate::check::http::io_reason(&e)
        )
    })?;
    parse_pem(&bytes)
        .collect::<Result<Vec<_>, _>>()
        .map_err(|_| format!("`{}` is not a valid PEM file", file.written))
}

fn certificates(items: &[PemItem<'static>]) -> Vec<Certificate<'static>> {
    items
        .iter()
        .filter_map(|item| match item {
            PemItem::Certificate(c) => Some(c.clone()),
            _ => None,
        })
        .collect()
}

fn private_key(items: Vec<PemItem<'static>>) -> Option<PrivateKey<'static>> {
    items.into_iter().find_map(|item| match item {
        PemItem::PrivateKey(k) => Some(k),
        _ => None,
    })
}

/// Roots without duplicates (the system bundle repeats most of the built-in ones).
#[derive(Default)]
struct Roots {
    seen: HashSet<Vec<u8>>,
    certs: Vec<Certificate<'static>>,
}

impl Roots {
    fn add(&mut self, cert: Certificate<'static>) {
        if self.seen.insert(cert.der().to_vec()) {
            self.certs.push(cert);
        }
    }

    fn add_file(&mut self, path: &Path) -> Result<(), String> {
        let bytes = std::fs::read(path).map_err(|e| crate::check::http::io_reason(&e))?;
        let mut found = 0;
        for item in parse_pem(&bytes).flatten() {
            if let PemItem::Certificate(cert) = item {
                found += 1;
                self.add(cert);
            }
        }
        if found == 0 {
            return Err("no PEM certificate in the file".into());
        }
        Ok(())
    }

    /// Every file of the folder that holds PEM certificates (OpenSSL's hashed links included);
    /// other files are skipped, as OpenSSL does.
    fn add_dir(&mut self, dir: &Path) -> Result<(), String> {
        let entries = std::fs::read_dir(dir).map_err(|e| crate::check::http::io_reason(&e))?;
        for entry in entries.flatten() {
            let _ = self.add_file(&entry.path());
        }
        Ok(())
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    const NO_SYSTEM: TrustSources = TrustSources {
        cert_file: None,
        cert_dirs: Vec::new(),
        system: false,
    };

    #[test]
    fn the_built_in_roots_are_there() {
        let trust = Trust::load(&NO_SYSTEM);
        assert!(trust.roots.len() > 100, "{}", trust.roots.len());
        assert_eq!(trust.problem, None);
    }

    #[test]
    fn a_named_file_that_cannot_be_read_is_a_problem() {
        let sources = TrustSources {
            cert_file: Some("/nonexistent/ca.pem".into()),
            ..NO_SYSTEM
        };
        let problem = Trust::load(&sources).problem.unwrap();
        assert!(
            problem.contains("SSL_CERT_FILE=/nonexistent/ca.pem"),
            "{problem}"
        );
    }

    #[test]
    fn files_name_the_path_as_written() {
        let dir = tempfile::tempdir().unwrap();
        std::fs::write(dir.path().join("bad.pem"), "not pem").unwrap();
        let file = |name: &str| FileRef {
            written: name.into(),
            path: dir.path().join(name),
        };
        let trust = Trust::load(&NO_SYSTEM);
        let e = trust.with_cacert(&file("missing.pem")).unwrap_err();
        assert!(
            e.starts_with("cannot read `missing.pem`: no such file"),
            "{e}"
        );
        let e = trust.with_cacert(&file("bad.pem")).unwrap_err();
        assert!(
            e.contains("`--cacert bad.pem` holds no PEM certificate"),
            "{e}"
        );
        let e = client_cert(&file("bad.pem"), None).unwrap_err();
        assert!(e.contains("`--cert bad.pem`"), "{e}");
    }
}
