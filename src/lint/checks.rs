//! Check rules: every check says what healthy looks like, and every curl line is one we can run
//! safely, against a target, without a secret written in it.

use crate::rule::Rule;

use super::{Ctx, pos_in_scalar};
use crate::check::curl::{self, CurlCommand};
use crate::model::{Check, Sp};
use crate::source::Pos;

type Finding = (Rule, Pos, String, String);

pub fn checks(ctx: &mut Ctx) {
    let found: Vec<Finding> = ctx
        .loaded
        .runbook
        .all_checks()
        .flat_map(|c| check_findings(ctx, c))
        .collect();
    for (rule, pos, message, help) in found {
        ctx.report(rule, pos, message, help);
    }
}

fn check_findings(ctx: &Ctx, check: &Check) -> Vec<Finding> {
    let mut out = Vec::new();
    let name = check.id.as_ref().map_or_else(
        || "inline check".to_owned(),
        |i| format!("check `{}`", i.value),
    );
    if check.expect.as_ref().is_none_or(|e| e.is_empty()) {
        let pos = check.id.as_ref().map_or(check.curl.pos, |i| i.pos);
        out.push((
            Rule::CheckWithoutExpect,
            pos,
            format!("{name} has no `expect`"),
            "say what a healthy answer looks like: `expect: { status: 200 }`".to_owned(),
        ));
    }
    match curl::parse(&check.curl) {
        Err(e) => {
            let pos = pos_in_scalar(ctx.source(), &check.curl, e.offset);
            out.push((Rule::InvalidCurl, pos, e.message, e.help));
        }
        Ok(command) => out.extend(command_findings(ctx, &check.curl, &command)),
    }
    out
}

fn command_findings(ctx: &Ctx, line: &Sp<String>, command: &CurlCommand) -> Vec<Finding> {
    let at = |needle: &str| pos_in_scalar(ctx.source(), line, line.find(needle).unwrap_or(0));
    let mut out = Vec::new();
    if !command.url.starts_with("{{") {
        let host = command
            .url
            .split("://")
            .nth(1)
            .unwrap_or("")
            .split(['/', '?'])
            .next()
            .unwrap_or("");
        out.push((
            Rule::HardcodedTarget,
            at(host),
            format!("the URL names host `{host}` literally"),
            "write `{{ target }}/path` so the check runs against every target".to_owned(),
        ));
    }
    for (header, value) in &command.headers {
        if is_secret_header(header) && is_literal(value) {
            out.push((
                Rule::LiteralSecret,
                at(value),
                format!("header `{header}` holds a literal secret"),
                format!("read it from the environment: `{header}: $TOKEN`"),
            ));
        }
    }
    let password = command
        .user
        .as_deref()
        .and_then(|u| u.split_once(':'))
        .map(|(_, p)| p);
    if let Some(password) = password.filter(|p| is_literal(p)) {
        out.push((
            Rule::LiteralSecret,
            at(password),
            "`-u` holds a literal password".into(),
            "write `-u user:$PASSWORD`".into(),
        ));
    }
    if command.insecure {
        out.push((
            Rule::InsecureTls,
            at("-k"),
            "the check turns off TLS verification (`-k`)".into(),
            "fix the certificate; `-k` only takes effect with `opsbook check --insecure`".into(),
        ));
    }
    out
}

/// Headers whose values are credentials.
pub fn is_secret_header(name: &str) -> bool {
    let n = name.to_ascii_lowercase();
    matches!(
        n.as_str(),
        "authorization" | "proxy-authorization" | "cookie"
    ) || [
        "token", "secret", "api-key", "apikey", "password", "session",
    ]
    .iter()
    .any(|w| n.contains(w))
}

/// A value with no `$VAR` and no placeholder in it is written literally.
fn is_literal(value: &str) -> bool {
    !value.is_empty() && !value.contains('$') && !value.contains("{{")
}
