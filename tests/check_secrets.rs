//! Secrets never leave the runner: not in any output format, not echoed back by a server in
//! another encoding, not sent on to another origin by a redirect; an unset one is an error for
//! its check alone.

mod support;

use std::io::{Read, Write};
use std::net::SocketAddr;
use std::sync::{Arc, Mutex};

use support::Project;
use support::net::{read_head, recording, respond, runbook, serve};

/// What the second origin of a redirect saw.
type Seen = Arc<Mutex<Vec<String>>>;

fn recorder() -> (SocketAddr, Seen) {
    let seen: Seen = Arc::default();
    let log = Arc::clone(&seen);
    let addr = serve(move |mut s| {
        let head = read_head(&s);
        log.lock().unwrap().push(head);
        let _ = s.write_all(b"HTTP/1.1 200 OK\r\nContent-Length: 6\r\n\r\nlanded");
    });
    (addr, seen)
}

#[test]
fn a_cross_origin_redirect_drops_secret_headers() {
    let (landing, seen) = recorder();
    let first_seen: Seen = Arc::default();
    let log = Arc::clone(&first_seen);
    let redirector = serve(move |mut s| {
        log.lock().unwrap().push(read_head(&s));
        let reply = format!(
            "HTTP/1.1 302 Found\r\nLocation: http://{landing}/landing\r\nContent-Length: 0\r\n\r\n"
        );
        let _ = s.write_all(reply.as_bytes());
    });
    let checks = r#"
  - id: hop
    curl: 'curl -L -m 2 -H "Authorization: Bearer $OB_TOKEN" -H "x-api-key: ${OB_KEY}" -H "x-plain: kept" {{ target }}/start'
    expect: { status: 200, body: { contains: landed } }
"#;
    // The landing server is a var of the target: an allowed origin, but another one.
    let vars = [("landing", format!("http://{landing}"))];
    let rb = runbook(&format!("http://{redirector}"), &vars, checks);
    let env = [("OB_TOKEN", "tok-3f9a7c1b2e"), ("OB_KEY", "key-8d7e6f5a4b")];
    let out = Project::new()
        .config("env: [OB_TOKEN, OB_KEY]\n")
        .runbook("hop", &rb)
        .run_with(&["check"], &env);
    assert_eq!(out.code(), 0, "{}", out.stdout());
    let first = first_seen.lock().unwrap().join("");
    assert!(first.contains("tok-3f9a7c1b2e") && first.contains("key-8d7e6f5a4b"));
    let second = seen.lock().unwrap().join("");
    assert!(second.contains("x-plain: kept"), "{second}");
    assert!(!second.contains("tok-3f9a7c1b2e"), "{second}");
    assert!(!second.contains("key-8d7e6f5a4b"), "{second}");
}

#[test]
fn an_unset_variable_is_an_error_for_that_check_only() {
    let ok = respond(b"HTTP/1.1 200 OK\r\nContent-Length: 2\r\n\r\nok");
    let checks = r#"
  - id: needs-token
    curl: 'curl -H "Authorization: Bearer $OB_UNSET_TOKEN" {{ target }}/'
    expect: { status: 200 }
  - id: fine
    curl: curl {{ target }}/
    expect: { status: 200 }
"#;
    let dir = Project::new().runbook("env", &runbook(&format!("http://{ok}"), &[], checks));
    let out = dir.run(&["check", "--env", "OB_UNSET_TOKEN"]);
    let text = out.stdout();
    assert_eq!(out.code(), 1);
    assert!(
        text.contains("environment variable `$OB_UNSET_TOKEN` is not set"),
        "{text}"
    );
    assert!(text.contains("PASS   env#fine"), "{text}");
    assert!(text.ends_with("1 passed, 0 failed, 1 errors\n"), "{text}");
}

/// Echoes the request's secrets back in every form a server might.
fn echo_server() -> SocketAddr {
    use base64::Engine;
    serve(|mut s| {
        let head = read_head(&s);
        let header = |name: &str| {
            head.lines()
                .find_map(|l| {
                    let (n, v) = l.split_once(':')?;
                    n.eq_ignore_ascii_case(name).then(|| v.trim().to_owned())
                })
                .unwrap_or_default()
        };
        let token = header("authorization")
            .trim_start_matches("Bearer ")
            .to_owned();
        let b64 = base64::engine::general_purpose::STANDARD.encode(&token);
        let url = percent_encoding::utf8_percent_encode(&token, percent_encoding::NON_ALPHANUMERIC);
        let body = serde_json::json!({
            "token": token, "b64": b64, "url": url.to_string(),
            "basic": header("x-basic"), "key": header("x-api-key"),
            "escaped": serde_json::to_string(&token).unwrap(),
        })
        .to_string();
        let reply = format!(
            "HTTP/1.1 401 Unauthorized\r\nX-Echo: {token}\r\nX-Echo-B64: {b64}\r\nContent-Length: {}\r\n\r\n{body}",
            body.len()
        );
        let _ = s.write_all(reply.as_bytes());
        let _ = s.read(&mut [0u8; 16]);
    })
}

#[test]
fn secrets_never_appear_in_any_output() {
    use base64::Engine;
    let token = r#"tok"3n/s3cr3t+v4l&ue=xyz"#;
    let password = "pa55-w0rd-9q8r";
    let addr = echo_server();
    let checks = r#"
  - id: echo
    curl: 'curl -m 1 -H "Authorization: Bearer $OB_TOKEN" -H "x-api-key: ${OB_TOKEN}" {{ target }}/echo?t=$OB_TOKEN'
    expect:
      status: 200
      headers: { x-echo: nope, x-echo-b64: nope }
      body: { contains: nope, json: { "/token": "nope", "/b64": "nope", "/url": "nope" } }
  - id: basic
    curl: 'curl -m 1 -u admin:$OB_PASSWORD {{ target }}/echo'
    expect: { status: 200, body: { contains: nope } }
  - id: refused-host
    curl: 'curl -m 1 -H "x: $OB_TOKEN" http://$OB_PASSWORD.invalid/'
    expect: { status: 200 }
"#;
    let dir = Project::new()
        .config("env: [OB_TOKEN, OB_PASSWORD]\n")
        .runbook("sec", &runbook(&format!("http://{addr}"), &[], checks));
    let env = [("OB_TOKEN", token), ("OB_PASSWORD", password)];
    let b64 = |s: &str| base64::engine::general_purpose::STANDARD.encode(s);
    let url = |s: &str| {
        percent_encoding::utf8_percent_encode(s, percent_encoding::NON_ALPHANUMERIC).to_string()
    };
    let forbidden = [
        token.to_owned(),
        b64(token),
        url(token),
        serde_json::to_string(token)
            .unwrap()
            .trim_matches('"')
            .to_owned(),
        password.to_owned(),
        b64(&format!("admin:{password}")),
    ];
    for args in [
        &["check"][..],
        &["check", "--format", "json"],
        &["check", "--format", "junit"],
        &["check", "--dry-run"],
        &["check", "--retries", "1"],
    ] {
        let out = dir.run_with(args, &env);
        let all = format!("{}{}", out.stdout(), out.stderr());
        assert!(
            all.contains("***") || args.contains(&"--dry-run"),
            "{args:?}: {all}"
        );
        for secret in &forbidden {
            assert!(
                !all.contains(secret.as_str()),
                "{args:?} leaks {secret}: {all}"
            );
        }
        if args.contains(&"json") {
            serde_json::from_str::<serde_json::Value>(&out.stdout()).expect("JSON");
        }
    }
}

/// A check reading `$OB_CI_SECRET`, against a server that records what it receives.
fn reads_a_secret(config: &str) -> (Project, support::net::Log) {
    let (addr, log) = recording(|_| b"HTTP/1.1 200 OK\r\nContent-Length: 2\r\n\r\nok".to_vec());
    let checks = r#"
  - id: leak
    curl: 'curl -m 2 -H "x-token: $OB_CI_SECRET" {{ target }}/'
    expect: { status: 200 }
"#;
    let rb = runbook(&format!("http://{addr}"), &[], checks);
    (Project::new().config(config).runbook("env", &rb), log)
}

const CI_SECRET: (&str, &str) = ("OB_CI_SECRET", "ci-secret-5e4d3c2b1a");

#[test]
fn an_undeclared_variable_is_a_lint_error_and_check_sends_nothing() {
    let (dir, log) = reads_a_secret("title: t\n");
    let lint = dir.run_with(&["lint"], &[CI_SECRET]);
    assert_eq!(lint.code(), 1, "{lint:?}");
    assert!(
        lint.stdout()
            .contains("error[undeclared-env]: `$OB_CI_SECRET` is not a declared"),
        "{lint:?}"
    );
    let check = dir.run_with(&["check"], &[CI_SECRET]);
    assert_eq!(check.code(), 2, "{check:?}");
    assert!(check.stdout().contains("undeclared-env"), "{check:?}");
    assert!(log.lock().unwrap().is_empty(), "nothing may be sent");
}

#[test]
fn an_undeclared_variable_is_never_read_even_with_its_rule_off() {
    let (dir, log) = reads_a_secret("lint: { rules: { undeclared-env: off } }\n");
    let out = dir.run_with(&["check", "--format", "json"], &[CI_SECRET]);
    assert_eq!(out.code(), 1, "{out:?}");
    let json: serde_json::Value = serde_json::from_str(&out.stdout()).expect("JSON");
    let error = json["results"][0]["error"].as_str().unwrap_or_default();
    assert!(
        error.contains("`$OB_CI_SECRET` is not declared") && error.contains("--env OB_CI_SECRET"),
        "{error}"
    );
    assert!(log.lock().unwrap().is_empty(), "nothing may be sent");
    assert!(!out.stdout().contains(CI_SECRET.1));
}

#[test]
fn env_in_the_config_or_on_the_command_line_declares_a_variable() {
    for (config, args) in [
        ("env: [OB_CI_SECRET]\n", &["check"][..]),
        ("title: t\n", &["check", "--env", "OB_CI_SECRET"]),
    ] {
        let (dir, log) = reads_a_secret(config);
        let out = dir.run_with(args, &[CI_SECRET]);
        assert_eq!(out.code(), 0, "{args:?}: {out:?}");
        let seen = log.lock().unwrap();
        assert_eq!(seen[0].header("x-token"), Some(CI_SECRET.1), "{args:?}");
    }
    let (dir, _) = reads_a_secret("env: [OB-BAD]\n");
    let out = dir.run(&["lint"]);
    assert!(
        out.stdout()
            .contains("error[invalid-config]: `env` entry `OB-BAD`"),
        "{out:?}"
    );
    let out = dir.run(&["check", "--env", "OB_CI_SECRET=x"]);
    assert_eq!(out.code(), 2, "{out:?}");
    assert!(
        out.stderr().contains("not an environment variable name"),
        "{out:?}"
    );
}

#[test]
fn the_allow_list_compares_scheme_host_and_port() {
    let reply =
        |_: &support::net::Received| b"HTTP/1.1 200 OK\r\nContent-Length: 2\r\n\r\nok".to_vec();
    let (target, at_target) = recording(reply);
    let (other, at_other) = recording(reply);
    let (t, o) = (target.port(), other.port());
    let checks = format!(
        r#"
  - id: same-origin
    curl: curl -m 2 http://127.0.0.1:{t}/
    expect: {{ status: 200 }}
  - id: other-port
    curl: 'curl -m 2 -H "x-token: $OB_TOKEN" http://127.0.0.1:{o}/'
    expect: {{ status: 200 }}
  - id: other-scheme
    curl: curl -m 2 https://127.0.0.1:{t}/
    expect: {{ status: 200 }}
"#
    );
    let dir = Project::new().config("env: [OB_TOKEN]\n").runbook(
        "ports",
        &runbook(&format!("http://127.0.0.1:{t}"), &[], &checks),
    );
    let env = [("OB_TOKEN", "port-token-77aa")];
    let out = dir.run_with(&["check", "--format", "json"], &env);
    assert_eq!(out.code(), 1, "{out:?}");
    let json: serde_json::Value = serde_json::from_str(&out.stdout()).expect("JSON");
    let result = |id: &str| {
        let all = json["results"].as_array().unwrap();
        all.iter().find(|r| r["id"] == id).unwrap().clone()
    };
    assert_eq!(result("same-origin")["outcome"], "pass");
    let error = result("other-port")["error"].as_str().unwrap().to_owned();
    assert!(
        error.contains(&format!(
            "origin `http://127.0.0.1:{o}` is not one of the runbook's targets"
        )) && error.contains(&format!("only at `http://127.0.0.1:{t}`"))
            && error.contains(&format!("--allow-host http://127.0.0.1:{o}")),
        "{error}"
    );
    let error = result("other-scheme")["error"].as_str().unwrap().to_owned();
    assert!(
        error.contains(&format!("origin `https://127.0.0.1:{t}`")),
        "{error}"
    );
    assert!(
        at_other.lock().unwrap().is_empty(),
        "another port got a request"
    );
    assert_eq!(
        at_target.lock().unwrap().len(),
        1,
        "https was sent to the http target"
    );
    for allow in [format!("127.0.0.1:{o}"), format!("http://127.0.0.1:{o}")] {
        let args = ["check", "ports#other-port", "--allow-host", &allow];
        let out = dir.run_with(&args, &env);
        assert_eq!(out.code(), 0, "{allow}: {out:?}");
    }
    assert_eq!(at_other.lock().unwrap().len(), 2);
    let out = dir.run_with(
        &["check", "ports#other-port", "--allow-host", "127.0.0.1"],
        &env,
    );
    assert_eq!(
        out.code(),
        1,
        "a bare host means its default ports: {out:?}"
    );
    let out = dir.run(&["check", "--allow-host", "ftp://127.0.0.1"]);
    assert_eq!(out.code(), 2, "{out:?}");
}

/// Go's `encoding/json` escapes `&`, `<` and `>` as `\u0026`, `\u003c` and `\u003e`.
fn go_json(s: &str) -> String {
    serde_json::to_string(s)
        .unwrap()
        .replace('&', "\\u0026")
        .replace('<', "\\u003c")
        .replace('>', "\\u003e")
}

#[test]
fn secrets_echoed_json_escaped_or_as_short_basic_credentials_are_masked() {
    use base64::Engine;
    let (addr, _) = recording(|r| {
        let auth = r.header("authorization").unwrap_or_default().to_owned();
        let basic = auth.trim_start_matches("Basic ");
        let decoded = base64::engine::general_purpose::STANDARD
            .decode(basic)
            .unwrap_or_default();
        let body = format!(
            r#"{{"token":{},"auth":{},"credentials":{},"password":{}}}"#,
            go_json(r.header("x-token").unwrap_or_default()),
            go_json(&auth),
            go_json(&String::from_utf8_lossy(&decoded)),
            go_json(
                String::from_utf8_lossy(&decoded)
                    .split(':')
                    .nth(1)
                    .unwrap_or_default()
            ),
        );
        format!(
            "HTTP/1.1 401 Unauthorized\r\nX-Echo-Auth: {auth}\r\nContent-Length: {}\r\n\r\n{body}",
            body.len()
        )
        .into_bytes()
    });
    let checks = r#"
  - id: echo
    curl: 'curl -m 2 -u admin:$OB_PW -H "x-token: $OB_TOKEN" {{ target }}/'
    expect: { status: 200, headers: { x-echo-auth: nope }, body: { contains: nope } }
"#;
    let dir = Project::new()
        .config("env: [OB_TOKEN, OB_PW]\n")
        .runbook("go", &runbook(&format!("http://{addr}"), &[], checks));
    let token = "q<1>&tok3n-9f8e";
    let env = [("OB_TOKEN", token), ("OB_PW", "pw")];
    let basic = base64::engine::general_purpose::STANDARD.encode("admin:pw");
    for args in [&["check"][..], &["check", "--format", "json"]] {
        let out = dir.run_with(args, &env);
        let all = format!("{}{}", out.stdout(), out.stderr());
        assert_eq!(out.code(), 1, "{all}");
        let escaped = go_json(token);
        for leak in [
            token,
            escaped.trim_matches('"'),
            "tok3n",
            &basic,
            "admin:pw",
            "\"pw\"",
        ] {
            assert!(!all.contains(leak), "{args:?} leaks {leak}: {all}");
        }
        assert!(all.contains("Basic ***"), "{all}");
    }
}

#[test]
fn credentials_in_a_target_url_are_a_lint_error_and_never_printed() {
    use base64::Engine;
    let (addr, log) = recording(|r| {
        let auth = r.header("authorization").unwrap_or_default().to_owned();
        let body = format!("you sent {auth}");
        format!(
            "HTTP/1.1 403 Forbidden\r\nContent-Length: {}\r\n\r\n{body}",
            body.len()
        )
        .into_bytes()
    });
    let checks = r#"
  - id: creds
    curl: curl -m 2 {{ target }}/x
    expect: { status: 200 }
"#;
    let password = "url-pass-4c3b2a";
    let target = format!("http://ops:{password}@{addr}");
    let rb = runbook(&target, &[], checks);
    let dir = Project::new().runbook("creds", &rb);
    let lint = dir.run(&["lint"]);
    assert!(
        lint.stdout()
            .contains("error[credentials-in-url]: the URL of target `local`"),
        "{lint:?}"
    );
    let dir = dir.config("lint: { rules: { credentials-in-url: off } }\n");
    let basic = base64::engine::general_purpose::STANDARD.encode(format!("ops:{password}"));
    for args in [
        &["check"][..],
        &["check", "--format", "json"],
        &["check", "--format", "junit"],
        &["check", "--dry-run"],
        &["check", "--dry-run", "--format", "json"],
    ] {
        let out = dir.run(args);
        let all = format!("{}{}", out.stdout(), out.stderr());
        for leak in [password, "ops:", &basic] {
            assert!(!all.contains(leak), "{args:?} leaks {leak}: {all}");
        }
        if args.contains(&"json") || args.contains(&"--dry-run") {
            // The command is shown, with the credentials masked.
            assert!(all.contains("http://***@127.0.0.1"), "{args:?}: {all}");
        }
    }
    // The credentials were sent (as Basic, as curl sends them), just never shown.
    let seen = log.lock().unwrap();
    assert_eq!(
        seen[0].header("authorization"),
        Some(format!("Basic {basic}").as_str())
    );
}
