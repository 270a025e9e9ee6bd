//! Check rules: every check says what healthy looks like, and every curl line is one we can run
//! safely, against a target, without a secret written in it. Lines that do not parse were
//! reported when the runbook was compiled (`invalid-curl`).

use super::Ctx;
use crate::compile::curl::{CurlCommand, Data, plus_in_query};
use crate::compile::template::Template;
use crate::compile::{CompiledCheck, pos_in_scalar};
use crate::rule::Rule;
use crate::source::Pos;

type Finding = (Rule, Pos, String, String);

pub fn checks(ctx: &mut Ctx) {
    let found: Vec<Finding> = ctx
        .loaded
        .checks
        .iter()
        .flat_map(|c| check_findings(ctx, c))
        .collect();
    for (rule, pos, message, help) in found {
        ctx.report(rule, pos, message, help);
    }
}

fn check_findings(ctx: &Ctx, check: &CompiledCheck) -> Vec<Finding> {
    let mut out = Vec::new();
    let name = if check.named {
        format!("check `{}`", check.id)
    } else {
        "inline check".to_owned()
    };
    if check.is_executable() && check.expect.as_ref().is_none_or(|e| e.is_empty()) {
        out.push((
            Rule::CheckWithoutExpect,
            check.pos,
            format!("{name} has no `expect`"),
            "say what a healthy answer looks like: `expect: { status: 200 }`".to_owned(),
        ));
    }
    if let Some(command) = &check.command {
        out.extend(command_findings(ctx, check, command));
        out.extend(mutating(ctx, check, command));
    }
    out
}

/// `mutating-check`: a request that changes state must say so, so that a plain `opsbook check`
/// never sends it.
fn mutating(ctx: &Ctx, check: &CompiledCheck, command: &CurlCommand) -> Option<Finding> {
    if check.mutating || !command.is_write() {
        return None;
    }
    let method = command.method();
    // Point at the flag that makes it a write, where one is written.
    let line = &check.written.value;
    let at = [" -X", " --request", " -d", " --data", " --json"]
        .iter()
        .filter_map(|flag| line.find(flag).map(|i| i + 1))
        .min()
        .unwrap_or(0);
    Some((
        Rule::MutatingCheck,
        pos_in_scalar(ctx.source(), &check.written, at),
        format!("the check sends a {method} request but does not say `mutating: true`"),
        "if it is meant to change state, add `mutating: true` (then `opsbook check` sends it only with `--allow-mutating`); otherwise make it a GET".into(),
    ))
}

fn command_findings(ctx: &Ctx, check: &CompiledCheck, command: &CurlCommand) -> Vec<Finding> {
    let line = &check.written;
    let at = |needle: &str| pos_in_scalar(ctx.source(), line, line.find(needle).unwrap_or(0));
    let mut out = Vec::new();
    if !command.url.starts_with_placeholder() {
        let url = command.url.show(&|_| None);
        let host = url
            .split("://")
            .nth(1)
            .unwrap_or("")
            .split(['/', '?'])
            .next()
            .unwrap_or("");
        // Never repeat credentials written before the host (`credentials-in-url` reports them).
        let host = host.rsplit('@').next().unwrap_or(host).to_owned();
        out.push((
            Rule::HardcodedTarget,
            at(&host),
            format!("the URL names host `{host}` literally"),
            "write `{{ target }}/path` so the check runs against every target".to_owned(),
        ));
    }
    for (header, value) in &command.headers {
        if let Some(text) = literal(value).filter(|_| is_secret_header(header)) {
            out.push((
                Rule::LiteralSecret,
                at(&text),
                format!("header `{header}` holds a literal secret"),
                format!("read it from the environment: `{header}: $TOKEN`"),
            ));
        }
    }
    let password = command
        .user
        .as_ref()
        .and_then(literal)
        .and_then(|u| u.split_once(':').map(|(_, p)| p.to_owned()));
    if let Some(password) = password.filter(|p| !p.is_empty()) {
        out.push((
            Rule::LiteralSecret,
            at(&password),
            "`-u` holds a literal password".into(),
            "write `-u user:$PASSWORD`".into(),
        ));
    }
    if let Some(offset) = plus_offset(line, command) {
        out.push((
            Rule::PlusInQuery,
            pos_in_scalar(ctx.source(), line, offset),
            "a `+` in the query is read as a space by most servers (Prometheus too)".into(),
            "send the value encoded: -G --data-urlencode 'query=…' (or write `%2B`)".into(),
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

/// Where a `+` is written in the URL's query, or in data that `-G` puts in the query.
fn plus_offset(line: &str, command: &CurlCommand) -> Option<usize> {
    if plus_in_query(&command.url.show(&|_| None)).is_some() {
        // The URL as written may be quoted or hold spaces: point at the first `+` after its start
        // whose query (a `?` before it) makes it the one found.
        let written = line.get(command.url_offset..)?;
        let at = written
            .find('?')
            .and_then(|q| written[q..].find('+').map(|p| q + p));
        return Some(command.url_offset + at.unwrap_or(0));
    }
    let raw_data_plus = command.get
        && command.data.iter().any(|d| match d {
            Data::Raw(t) => t.show(&|_| None).contains('+'),
            Data::Encoded { .. } => false,
        });
    raw_data_plus.then(|| line.find('+')).flatten()
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

/// The value, when it is written literally: no `$VAR`, no placeholder, and no `$` at all (a
/// `$VAR` in single quotes is `var-in-single-quotes`, not a secret written out).
fn literal(value: &Template) -> Option<String> {
    value
        .as_text()
        .filter(|t| !t.is_empty() && !t.contains('$'))
}
