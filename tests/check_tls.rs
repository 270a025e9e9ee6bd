//! TLS trust like curl, against a real TLS server on loopback with a private CA made for the
//! test (the `openssl` CLI; `.ci/run` installs it): unknown issuer without trust, then trust
//! from `--cacert`, `SSL_CERT_FILE` and `SSL_CERT_DIR`; a client certificate (`--cert`/`--key`)
//! for a server that requires one; `--resolve` keeping the certificate name.

mod support;

use std::net::{SocketAddr, TcpListener};
use std::path::Path;
use std::process::Command;
use std::sync::Arc;

use rustls::pki_types::pem::PemObject;
use rustls::pki_types::{CertificateDer, PrivateKeyDer};
use support::Project;
use support::net::{Log, read_request};

/// Whether the `openssl` CLI is there to make the test certificates. Without it (a machine
/// with only the Rust toolchain) the TLS tests print why and pass; under CI they fail.
fn openssl() -> bool {
    let found = Command::new("openssl")
        .arg("version")
        .output()
        .is_ok_and(|o| o.status.success());
    if !found {
        assert!(
            !support::in_ci(),
            "the openssl CLI is missing; .ci/run installs it"
        );
        println!("note: the openssl CLI is not installed; TLS test skipped");
    }
    found
}

/// A CA, a server certificate for `localhost` and 127.0.0.1, and a client certificate, as PEM
/// files in `dir`.
fn make_pki(dir: &Path) {
    let openssl = |args: &[&str]| {
        let out = Command::new("openssl")
            .args(args)
            .current_dir(dir)
            .output()
            .expect("the openssl CLI is installed (.ci/run installs it)");
        assert!(out.status.success(), "openssl {args:?}: {out:?}");
    };
    let ec = [
        "-newkey",
        "ec",
        "-pkeyopt",
        "ec_paramgen_curve:prime256v1",
        "-nodes",
    ];
    let mut ca = vec!["req", "-x509", "-days", "2", "-subj", "/CN=opsbook test CA"];
    ca.extend(ec);
    ca.extend(["-keyout", "ca.key", "-out", "ca.pem"]);
    ca.extend(["-addext", "basicConstraints=critical,CA:TRUE"]);
    ca.extend(["-addext", "keyUsage=critical,keyCertSign,cRLSign"]);
    openssl(&ca);
    for (name, ext) in [
        (
            "server",
            "subjectAltName=DNS:localhost,IP:127.0.0.1\nextendedKeyUsage=serverAuth\n",
        ),
        ("client", "extendedKeyUsage=clientAuth\n"),
    ] {
        let (key, csr, pem) = (
            format!("{name}.key"),
            format!("{name}.csr"),
            format!("{name}.pem"),
        );
        let mut req = vec![
            "req",
            "-subj",
            "/CN=localhost",
            "-keyout",
            &key,
            "-out",
            &csr,
        ];
        req.extend(ec);
        openssl(&req);
        let ext_file = format!("{name}.ext");
        std::fs::write(dir.join(&ext_file), ext).expect("ext");
        openssl(&[
            "x509",
            "-req",
            "-in",
            &csr,
            "-CA",
            "ca.pem",
            "-CAkey",
            "ca.key",
            "-CAcreateserial",
            "-days",
            "2",
            "-out",
            &pem,
            "-extfile",
            &ext_file,
        ]);
    }
    let bundle = [read(dir, "client.pem"), read(dir, "client.key")].concat();
    std::fs::write(dir.join("client-bundle.pem"), bundle).expect("bundle");
}

fn read(dir: &Path, name: &str) -> String {
    std::fs::read_to_string(dir.join(name)).expect("pem")
}

/// A TLS server on 127.0.0.1 with the server certificate; with `client_ca`, it requires a
/// client certificate signed by that CA. Answers every request `200 tls ok`.
fn tls_server(dir: &Path, client_ca: bool) -> (SocketAddr, Log) {
    let certs: Vec<CertificateDer<'static>> = CertificateDer::pem_file_iter(dir.join("server.pem"))
        .expect("server.pem")
        .collect::<Result<_, _>>()
        .expect("certs");
    let key = PrivateKeyDer::from_pem_file(dir.join("server.key")).expect("server.key");
    let builder = rustls::ServerConfig::builder();
    let builder = if client_ca {
        let mut roots = rustls::RootCertStore::empty();
        for ca in CertificateDer::pem_file_iter(dir.join("ca.pem")).expect("ca.pem") {
            roots.add(ca.expect("ca")).expect("root");
        }
        let verifier = rustls::server::WebPkiClientVerifier::builder(Arc::new(roots))
            .build()
            .expect("verifier");
        builder.with_client_cert_verifier(verifier)
    } else {
        builder.with_no_client_auth()
    };
    let config = Arc::new(builder.with_single_cert(certs, key).expect("server config"));
    let listener = TcpListener::bind("127.0.0.1:0").expect("bind");
    let addr = listener.local_addr().expect("addr");
    let log = Log::default();
    let seen = Arc::clone(&log);
    std::thread::spawn(move || {
        for tcp in listener.incoming().flatten() {
            let (config, seen) = (Arc::clone(&config), Arc::clone(&seen));
            std::thread::spawn(move || {
                let conn = rustls::ServerConnection::new(config).expect("connection");
                let mut tls = rustls::StreamOwned::new(conn, tcp);
                let received = read_request(&mut tls);
                if received.head.is_empty() {
                    return; // the handshake failed
                }
                seen.lock().expect("log").push(received);
                let reply =
                    b"HTTP/1.1 200 OK\r\nContent-Length: 6\r\nConnection: close\r\n\r\ntls ok";
                let _ = std::io::Write::write_all(&mut tls, reply);
                tls.conn.send_close_notify();
                let _ = std::io::Write::flush(&mut tls);
            });
        }
    });
    (addr, log)
}

/// A project with the PKI in `certs/` and one check running `curl FLAGS {{ target }}/`.
fn project(target: &str, flags: &str) -> Project {
    let checks = format!(
        "  - id: tls\n    curl: curl -sS -m 5 {flags} {{{{ target }}}}/\n    expect: {{ status: 200, body: {{ contains: tls ok }} }}\n"
    );
    let rb = support::net::runbook(target, &[], &checks);
    let project = Project::new().runbook("secure", &rb).dir("certs");
    make_pki(&project.join("certs"));
    project
}

/// `opsbook check` with the trust variables of the test's own environment removed.
fn check(project: &Project, env: &[(&str, String)]) -> support::Run {
    let mut cmd = project.command(&["check"]);
    cmd.env_remove("SSL_CERT_FILE").env_remove("SSL_CERT_DIR");
    for (k, v) in env {
        cmd.env(k, v);
    }
    support::Run::of(&mut cmd)
}

fn assert_no_key_material(out: &support::Run, project: &Project) {
    let all = format!("{}{}", out.stdout(), out.stderr());
    for name in ["ca.key", "server.key", "client.key"] {
        let pem = read(&project.join("certs"), name);
        let body = pem.lines().nth(1).expect("a PEM body line");
        assert!(!all.contains(body), "{name} leaked:\n{all}");
    }
    assert!(!all.contains("PRIVATE KEY"), "{all}");
}

#[test]
fn a_private_ca_is_an_error_until_it_is_trusted() {
    if !openssl() {
        return;
    }
    let dir = tempfile::tempdir().expect("tmp");
    make_pki(dir.path());
    let (server, log) = tls_server(dir.path(), false);
    let target = format!("https://{server}");

    let p = project(&target, "");
    let out = check(&p, &[]);
    assert_eq!(out.code(), 1, "{out:?}");
    let stdout = out.stdout();
    assert!(stdout.starts_with("ERROR"), "{stdout}");
    assert!(stdout.contains("unknown issuer"), "{stdout}");
    assert!(
        stdout.contains("--cacert") && stdout.contains("SSL_CERT_FILE"),
        "{stdout}"
    );

    // The project's own certificates are not the server's CA: copy the server's in.
    let use_ca = |p: &Project| p.write("certs/ca.pem", read(dir.path(), "ca.pem"));
    let p = project(&target, "--cacert certs/ca.pem");
    use_ca(&p);
    check(&p, &[]).assert_ok();

    let p = project(&target, "");
    let ca = dir.path().join("ca.pem").display().to_string();
    check(&p, &[("SSL_CERT_FILE", ca)]).assert_ok();

    let p = project(&target, "");
    let cert_dir = tempfile::tempdir().expect("tmp");
    std::fs::copy(dir.path().join("ca.pem"), cert_dir.path().join("ca.pem")).expect("copy");
    std::fs::write(cert_dir.path().join("README"), "not a certificate").expect("readme");
    let dirs = format!("/nonexistent-dir:{}", cert_dir.path().display());
    let out = check(&p, &[("SSL_CERT_DIR", dirs)]);
    // A folder of SSL_CERT_DIR that does not exist is named, like a bad SSL_CERT_FILE.
    assert!(
        out.stdout().contains("SSL_CERT_DIR=/nonexistent-dir"),
        "{out:?}"
    );
    let dir_only = cert_dir.path().display().to_string();
    check(&p, &[("SSL_CERT_DIR", dir_only)]).assert_ok();
    assert_eq!(log.lock().expect("log").len(), 3);
    assert_no_key_material(&out, &p);
}

#[test]
fn resolve_keeps_the_certificate_name() {
    if !openssl() {
        return;
    }
    let dir = tempfile::tempdir().expect("tmp");
    make_pki(dir.path());
    let (server, log) = tls_server(dir.path(), false);
    let port = server.port();
    let flags = format!("--cacert certs/ca.pem --resolve localhost:{port}:127.0.0.1");
    let p = project(&format!("https://localhost:{port}"), &flags);
    p.write("certs/ca.pem", read(dir.path(), "ca.pem"));
    check(&p, &[]).assert_ok();
    let seen = log.lock().expect("log").clone();
    assert_eq!(
        seen[0].header("host"),
        Some(format!("localhost:{port}").as_str())
    );
}

#[test]
fn a_server_that_requires_a_client_certificate() {
    if !openssl() {
        return;
    }
    let p = project("https://127.0.0.1:1", "");
    let (server, log) = tls_server(&p.join("certs"), true);
    let target = format!("https://{server}");
    let run = |flags: &str| {
        let checks = format!(
            "  - id: mtls\n    curl: curl -sS -m 5 {flags} {{{{ target }}}}/\n    expect: {{ status: 200 }}\n"
        );
        p.write(
            "runbooks/secure.yaml",
            support::net::runbook(&target, &[], &checks),
        );
        check(&p, &[])
    };
    run("--cacert certs/ca.pem --cert certs/client.pem --key certs/client.key").assert_ok();
    run("--cacert certs/ca.pem --cert certs/client-bundle.pem").assert_ok();
    assert_eq!(log.lock().expect("log").len(), 2);

    let out = run("--cacert certs/ca.pem");
    assert_eq!(out.code(), 1, "{out:?}");
    assert!(out.stdout().starts_with("ERROR"), "{out:?}");
    assert!(out.stdout().contains("TLS"), "{out:?}");
    assert_eq!(log.lock().expect("log").len(), 2);

    let out = run("--cacert certs/ca.pem --cert certs/client.pem");
    assert!(
        out.stdout()
            .contains("`--cert certs/client.pem` holds no private key"),
        "{out:?}"
    );
    let out = run("--cacert certs/missing.pem");
    let stdout = out.stdout();
    assert!(
        stdout.contains("cannot read `certs/missing.pem`: no such file"),
        "{stdout}"
    );
    assert!(
        !stdout.contains(&p.path().display().to_string()),
        "{stdout}"
    );
    assert_no_key_material(&out, &p);
}
