//! From a planned check to a request: placeholders, `$VAR`s from the caller's environment map,
//! the host allow-list, timeouts and headers (a PromQL query becomes a GET of Prometheus'
//! query API). Every secret used is added to the check's masker.

use std::time::Duration;

use base64::Engine;

use super::http::{Connect, HttpRequest};
use super::origin::Origin;
use super::plan::PlannedCheck;
use super::run::RunOptions;
use super::secrets::Masker;
use super::tls::FileRef;
use crate::compile::curl::query;
use crate::compile::curl::{CurlCommand, wire_url};
use crate::compile::template::{Missing, Template};
use crate::compile::{CheckKind, promql};

pub const DEFAULT_CONNECT: Duration = Duration::from_secs(3);
pub const DEFAULT_TOTAL: Duration = Duration::from_secs(10);

/// A check ready to send.
#[derive(Debug)]
pub struct Prepared {
    pub request: HttpRequest,
    pub follow_redirects: bool,
    /// `-f`: a status of 400 or more fails.
    pub fail_on_error_status: bool,
    /// Lowercase names of headers that carry secrets; dropped on a cross-origin redirect.
    pub secret_headers: Vec<String>,
}

/// The command as shown: placeholders substituted, `$VAR`s as written. A query is shown as the
/// curl line that sends it, so that it can be pasted into a shell.
pub fn display_command(check: &PlannedCheck, request_id: &str) -> String {
    let show = |t: &Template| t.show(&|name| value(check, request_id, name));
    match &check.check.kind {
        CheckKind::Promql { base, .. } => promql::curl_line(&show(base), &show(&check.check.line)),
        _ => show(&check.check.line),
    }
}

/// The value of `{{ name }}` for this check run.
pub fn value(check: &PlannedCheck, request_id: &str, name: &str) -> Option<String> {
    match name {
        "request_id" => Some(request_id.to_owned()),
        _ => check.values.get(name).cloned(),
    }
}

/// Builds the request. Secrets met on the way are added to `masker` even when it fails.
pub fn prepare(
    check: &PlannedCheck,
    options: &RunOptions,
    request_id: &str,
    masker: &mut Masker,
) -> Result<Prepared, String> {
    match &check.check.kind {
        CheckKind::Promql { base, .. } => prepare_query(check, base, options, request_id, masker),
        CheckKind::Manual { .. } => Err("a command run by hand is never executed".into()),
        CheckKind::Curl => prepare_curl(check, options, request_id, masker),
    }
}

/// A PromQL check: a GET of `/api/v1/query` under Prometheus' base URL, the query encoded the
/// way `curl --data-urlencode` would.
fn prepare_query(
    check: &PlannedCheck,
    base: &Template,
    options: &RunOptions,
    request_id: &str,
    masker: &mut Masker,
) -> Result<Prepared, String> {
    let base = fill(base, check, request_id, options, masker)?;
    if let Some(problem) = promql::base_problem(&base) {
        return Err(format!("Prometheus' base URL `{base}` {problem}"));
    }
    let query = fill(&check.check.line, check, request_id, options, masker)?;
    let url = promql::query_url(&base, &query);
    let url = wire_url(&url).map_err(|e| format!("`{url}` {e}"))?;
    add_url_credentials(&url, masker);
    check_host(&url, check, options)?;
    let (connect_timeout, timeout) = timeouts(None, None, options);
    Ok(Prepared {
        request: HttpRequest {
            method: "GET".into(),
            url,
            headers: vec![("Accept".into(), "application/json".into())],
            body: None,
            connect_timeout,
            timeout,
            insecure: false,
            connect: Connect::default(),
        },
        follow_redirects: false,
        fail_on_error_status: false,
        secret_headers: Vec::new(),
    })
}

fn prepare_curl(
    check: &PlannedCheck,
    options: &RunOptions,
    request_id: &str,
    masker: &mut Masker,
) -> Result<Prepared, String> {
    let cmd = check
        .check
        .command
        .as_ref()
        .ok_or("the curl line cannot be run; see `opsbook lint`")?;
    let mut fill = |t: &Template| fill(t, check, request_id, options, masker);
    let (url, body) = query::url_and_body(cmd, &mut fill)?;
    let url = wire_url(&url).map_err(|e| format!("`{url}` {e}"))?;
    let mut secret_headers = Vec::new();
    let mut headers = Vec::new();
    for (name, v) in &cmd.headers {
        if v.has_env() {
            secret_headers.push(name.to_ascii_lowercase());
        }
        headers.push((name.clone(), fill(v)?));
    }
    let user = cmd.user.as_ref().map(&mut fill).transpose()?;
    let agent = cmd.user_agent.as_ref().map(&mut fill).transpose()?;
    let connect = Connect {
        cacert: file(&cmd.cacert, &mut fill, check, options)?,
        cert: file(&cmd.cert, &mut fill, check, options)?,
        key: file(&cmd.key, &mut fill, check, options)?,
        resolve: cmd.resolve.clone(),
    };
    add_url_credentials(&url, masker);
    check_host(&url, check, options)?;
    add_default_headers(cmd, &mut headers, user.as_deref(), agent, masker);
    let (connect_timeout, timeout) = timeouts(cmd.max_time_secs, cmd.connect_timeout_secs, options);
    Ok(Prepared {
        request: HttpRequest {
            method: cmd.method().to_owned(),
            url,
            headers,
            body: body.map(String::into_bytes),
            connect_timeout,
            timeout,
            insecure: cmd.insecure && options.insecure,
            connect,
        },
        follow_redirects: cmd.follow_redirects,
        fail_on_error_status: cmd.fail,
        secret_headers,
    })
}

/// A `--cacert`/`--cert`/`--key` path: relative to the project root, shown as written.
fn file(
    path: &Option<Template>,
    fill: &mut dyn FnMut(&Template) -> Result<String, String>,
    check: &PlannedCheck,
    options: &RunOptions,
) -> Result<Option<FileRef>, String> {
    let Some(path) = path else { return Ok(None) };
    let written = path.show(&|name| check.values.get(name).cloned());
    Ok(Some(FileRef {
        written,
        path: options.root.join(fill(path)?),
    }))
}

/// Fills a value of the command: placeholders from the target, `$VAR`s from the options'
/// environment map, each value read from the environment added to the masker.
fn fill(
    template: &Template,
    check: &PlannedCheck,
    request_id: &str,
    options: &RunOptions,
    masker: &mut Masker,
) -> Result<String, String> {
    let placeholder = |name: &str| value(check, request_id, name);
    let mut env = |name: &str| {
        if !options.declared_env.contains(name) {
            return None;
        }
        let v = options.env.get(name)?;
        masker.add(v);
        Some(v.clone())
    };
    template
        .fill(&placeholder, &mut env)
        .map_err(|missing| match missing {
            Missing::Placeholder(name) if check.missing_params.contains(&name) => format!(
                "param `{name}` has no value and no default: pass `--param {name}=VALUE` \
                 (the alert's `{name}` label)"
            ),
            Missing::Placeholder(name) => format!(
                "placeholder `{{{{ {name} }}}}` has no value for target `{}`",
                check.target
            ),
            Missing::Env(name) if !options.declared_env.contains(&name) => format!(
                "environment variable `${name}` is not declared, so it was not read and nothing \
                 was sent: add it to `env:` in opsbook.yaml (`env: [{name}]`), or pass \
                 `--env {name}`"
            ),
            Missing::Env(name) => format!("environment variable `${name}` is not set"),
        })
}

/// The user name and password of a URL (`http://user:pass@host`, which the request sends as
/// Basic credentials) are secrets, decoded as they are sent.
fn add_url_credentials(url: &str, masker: &mut Masker) {
    let Ok(url) = url::Url::parse(url) else {
        return;
    };
    let decode = |s: &str| {
        percent_encoding::percent_decode_str(s)
            .decode_utf8_lossy()
            .into_owned()
    };
    if let Some(password) = url.password() {
        masker.add_credentials(&decode(url.username()), &decode(password));
    } else if !url.username().is_empty() {
        masker.add(&decode(url.username()));
    }
}

fn add_default_headers(
    cmd: &CurlCommand,
    headers: &mut Vec<(String, String)>,
    user: Option<&str>,
    agent: Option<String>,
    masker: &mut Masker,
) {
    let has = |headers: &[(String, String)], name: &str| {
        headers.iter().any(|(n, _)| n.eq_ignore_ascii_case(name))
    };
    if let Some(user) = user {
        let credentials = if user.contains(':') {
            user.to_owned()
        } else {
            format!("{user}:")
        };
        if let Some((user, pass)) = credentials.split_once(':') {
            masker.add_credentials(user, pass);
        }
        let token = base64::engine::general_purpose::STANDARD.encode(&credentials);
        headers.push(("Authorization".into(), format!("Basic {token}")));
    }
    if cmd.json {
        for (name, v) in [
            ("Content-Type", "application/json"),
            ("Accept", "application/json"),
        ] {
            if !has(headers, name) {
                headers.push((name.into(), v.into()));
            }
        }
    } else if cmd.has_body() && !has(headers, "content-type") {
        headers.push((
            "Content-Type".into(),
            "application/x-www-form-urlencoded".into(),
        ));
    }
    if let Some(agent) = agent {
        headers.push(("User-Agent".into(), agent));
    }
    // ureq decodes gzip and br itself, the transport deflate.
    if cmd.compressed && !has(headers, "accept-encoding") {
        headers.push(("Accept-Encoding".into(), "gzip, deflate, br".into()));
    }
}

/// (connect, total): the command's `--connect-timeout` and `-m` (a query has neither), else
/// `--timeout`, else the defaults.
fn timeouts(
    max_time_secs: Option<f64>,
    connect_secs: Option<f64>,
    options: &RunOptions,
) -> (Duration, Duration) {
    let secs = |s: f64| Duration::from_secs_f64(s);
    let total = max_time_secs
        .map(secs)
        .or(options.timeout)
        .unwrap_or(DEFAULT_TOTAL);
    let connect = connect_secs.map_or(DEFAULT_CONNECT, secs);
    (connect.min(total), total)
}

/// Refuses a URL whose origin (scheme, host and port) is not one of the runbook's targets nor
/// allowed with `--allow-host`: the same host on another port is another service.
pub fn check_host(url: &str, check: &PlannedCheck, options: &RunOptions) -> Result<(), String> {
    let origin =
        Origin::of(url).ok_or_else(|| format!("`{url}` is not an http:// or https:// URL"))?;
    let mut allowed = check.allowed_origins.iter().chain(&options.allow_hosts);
    if allowed.any(|o| origin.allowed_by(o)) {
        return Ok(());
    }
    let same_host: Vec<String> = (check.allowed_origins.iter())
        .filter(|o| o.host == origin.host)
        .map(|o| format!("`{o}`"))
        .collect();
    let known = if same_host.is_empty() {
        String::new()
    } else {
        format!(
            " (its targets reach `{}` only at {})",
            origin.host,
            same_host.join(", ")
        )
    };
    Err(format!(
        "origin `{origin}` is not one of the runbook's targets{known}; to allow it, add it to a \
         target or pass `--allow-host {origin}`"
    ))
}
