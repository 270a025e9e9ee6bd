//! What the compiled runbook core fixed: one id per inline check everywhere, one trimmed target
//! for site and check, and shell quoting followed when `$VAR`s are filled in.

mod support;

use std::io::Write;

use support::Project;
use support::net::{read_head, serve};

const MODE: &str = "failure_modes:
  - id: down
    title: Down
    severity: sev1
    hypotheses:
      - cause: It crashed
        checks: [{ curl: 'curl {{ target }}/hyp', expect: { status: 200 } }]
      - cause: It hangs
    checks: [healthz, { curl: 'curl {{ target }}/inline', expect: { status: 200 } }]
    actions:
      - id: rollback
        title: Roll back
        risk: low
        confirm: [{ curl: 'curl {{ target }}/confirm', expect: { status: 200 } }]
";

fn runbook(target: &str, check: &str) -> String {
    format!(
        "title: T\nservice: s\nowner: o\nlast_reviewed: 2026-11-20\n\
         targets: {{ local: '{target}' }}\nchecks:\n  - id: healthz\n    curl: {check}\n    \
         expect: {{ status: 200 }}\n{MODE}"
    )
}

#[test]
fn inline_checks_have_one_id_for_check_and_the_incident_record() {
    let dir = Project::new().runbook(
        "api",
        &runbook("http://127.0.0.1:9", "curl {{ target }}/healthz"),
    );
    let dry = dir.run(&["check", "api#down", "--dry-run"]).stdout();
    let names: Vec<String> = dry
        .lines()
        .map(|l| l.split_whitespace().next().unwrap_or("").to_owned())
        .collect();
    assert_eq!(
        names,
        [
            "api#healthz",
            "api#down-inline-2",
            "api#down-inline-3",
            "api#down-inline-4"
        ]
    );
    let new = dir.run(&[
        "incident",
        "new",
        "api#down",
        "--title",
        "t",
        "--started-at",
        "2026-11-26T08:00:00Z",
    ]);
    assert!(new.success(), "{}", new.stderr());
    let record = dir.read("incidents/2026-11-26-t.md");
    // The record lists the failure mode's own and its confirm checks, with check's ids.
    for id in ["healthz", "down-inline-2", "down-inline-4"] {
        assert!(record.contains(&format!("`{id}`")), "{id} in:\n{record}");
    }
    assert!(!record.contains("check-2"), "{record}");
}

#[test]
fn a_target_with_a_trailing_slash_is_trimmed_on_the_site_and_in_check() {
    let dir = Project::new().runbook(
        "api",
        &runbook("http://127.0.0.1:9/", "curl {{ target }}/healthz"),
    );
    let dry = dir.run(&["check", "--dry-run"]).stdout();
    assert!(dry.contains("curl http://127.0.0.1:9/healthz"), "{dry}");
    let out = dir.join("book");
    let built = dir.run(&["build", "--out", out.to_str().unwrap()]);
    assert!(built.success(), "{}", built.stdout());
    let page = dir.read("book/api/down.html");
    let page = page.replace("&#x2f;", "/");
    assert!(page.contains("http://127.0.0.1:9/healthz"), "{page}");
    assert!(!page.contains("127.0.0.1:9//healthz"), "{page}");
}

#[test]
fn single_quotes_keep_a_dollar_literal_as_a_shell_does() {
    let seen = std::sync::Arc::new(std::sync::Mutex::new(Vec::new()));
    let log = std::sync::Arc::clone(&seen);
    let addr = serve(move |mut s| {
        let head = read_head(&s);
        log.lock().unwrap().push(head);
        let _ = s.write_all(b"HTTP/1.1 200 OK\r\ncontent-length: 0\r\nconnection: close\r\n\r\n");
    });
    let line = r#""curl -H 'x-single: $TOKEN' -H \"x-double: $TOKEN\" -H 'x-escaped: \\$TOKEN' {{ target }}/healthz""#;
    let dir = Project::new().runbook("api", &runbook(&format!("http://{addr}"), line));
    let lint = dir.run(&["lint"]).stdout();
    assert!(lint.contains("warning[var-in-single-quotes]"), "{lint}");
    let out = dir.run_with(
        &["check", "api#healthz", "--env", "TOKEN"],
        &[("TOKEN", "s3cret")],
    );
    assert!(out.success(), "{}", out.stdout());
    let heads = seen.lock().unwrap();
    let head = heads.first().expect("one request").to_ascii_lowercase();
    assert!(head.contains("x-single: $token\r\n"), "{head}");
    assert!(head.contains("x-double: s3cret\r\n"), "{head}");
    assert!(head.contains("x-escaped: \\$token\r\n"), "{head}");
}

#[test]
fn inline_check_ids_are_validated_and_runnable_by_name() {
    let written = runbook("http://127.0.0.1:9", "curl {{ target }}/healthz")
        .replace(
            "checks: [{ curl: 'curl {{ target }}/hyp'",
            "checks: [{ id: healthz, curl: 'curl {{ target }}/hyp'",
        )
        .replace("confirm: [{ curl:", "confirm: [{ id: Bad_Id, curl:");
    let dir = Project::new().runbook("api", &written);
    let lint = dir.run(&["lint"]).stdout();
    assert!(
        lint.contains("error[duplicate-id]: check id `healthz`"),
        "{lint}"
    );
    assert!(lint.contains("error[invalid-id]: id `Bad_Id`"), "{lint}");
    let fixed = Project::new().runbook(
        "api",
        &runbook("http://127.0.0.1:9", "curl {{ target }}/healthz"),
    );
    let one = fixed.run(&["check", "api#down-inline-2", "--dry-run"]);
    assert_eq!(one.code(), 0, "{}", one.stderr());
    assert!(
        one.stdout()
            .starts_with("api#down-inline-2  curl http://127.0.0.1:9/inline"),
        "{}",
        one.stdout()
    );
}

#[test]
fn a_broken_runbook_blocks_only_its_own_checks() {
    let dir = Project::new()
        .runbook(
            "api",
            &runbook("http://127.0.0.1:9", "curl {{ target }}/healthz"),
        )
        .runbook("other", "title: [broken\n");
    let ok = dir.run(&["check", "api#down", "--dry-run"]);
    assert_eq!(ok.code(), 0, "{}{}", ok.stdout(), ok.stderr());
    assert!(ok.stdout().contains("api#healthz"), "{}", ok.stdout());
    assert!(
        ok.stderr()
            .contains("1 other runbook file(s) have lint errors"),
        "{}",
        ok.stderr()
    );
    let blocked = dir.run(&["check", "other", "--dry-run"]);
    assert_eq!(blocked.code(), 2, "{}", blocked.stdout());
    assert!(
        blocked.stdout().contains("runbooks/other.yaml"),
        "{}",
        blocked.stdout()
    );
    assert!(
        blocked.stdout().contains("1 file: 1 error"),
        "{}",
        blocked.stdout()
    );
}

#[test]
fn a_url_that_will_not_parse_for_some_target_is_found_by_lint() {
    let written = runbook("http://127.0.0.1:9", "curl {{ target }}/healthz").replace(
        "targets: { local: 'http://127.0.0.1:9' }",
        "targets: { local: 'http://127.0.0.1:9', typo: 'http//127.0.0.1:9' }",
    );
    let dir = Project::new().runbook("api", &written);
    let lint = dir.run(&["lint"]);
    let text = lint.stdout();
    assert_eq!(lint.code(), 1, "{text}");
    assert!(
        text.contains(
            "error[invalid-curl]: `http//127.0.0.1:9/healthz` (target `typo`) is not a valid URL"
        ),
        "{text}"
    );
    assert!(
        text.contains("runbooks/api.yaml:8:16"),
        "points at the URL: {text}"
    );
}
