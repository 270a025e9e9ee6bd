//! From a planned check to a request: placeholders, `$VAR`s from the caller's environment map,
//! the host allow-list, timeouts and headers. Every secret used is added to the check's masker.

use std::sync::LazyLock;
use std::time::Duration;

use base64::Engine;
use regex::Regex;

use super::curl::{self, CurlCommand};
use super::http::HttpRequest;
use super::plan::{PlannedCheck, host_of};
use super::run::RunOptions;
use super::secrets::Masker;

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

static ENV_VAR: LazyLock<Regex> = LazyLock::new(|| {
    Regex::new(r"\$(?:\{([A-Za-z_][A-Za-z0-9_]*)\}|([A-Za-z_][A-Za-z0-9_]*))").expect("static")
});

/// The command as shown: placeholders substituted, `$VAR`s as written.
pub fn display_command(check: &PlannedCheck, request_id: &str) -> String {
    curl::substitute(&check.check.curl.value, |name| {
        value(check, request_id, name)
    })
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
    let mut cmd =
        curl::parse(&check.check.curl.value).map_err(|e| format!("curl: {}", e.message))?;
    literal_password(&cmd, masker);
    let lookup = |name: &str| value(check, request_id, name);
    let place = |text: &str| fill_placeholders(text, &lookup, check);
    let env = |text: &str, masker: &mut Masker| expand_env(text, options, masker);
    cmd.url = env(&place(&cmd.url)?, masker)?;
    let mut secret_headers = Vec::new();
    let mut headers = Vec::new();
    for (name, v) in &cmd.headers {
        let filled = place(v)?;
        if ENV_VAR.is_match(&filled) {
            secret_headers.push(name.to_ascii_lowercase());
        }
        headers.push((name.clone(), env(&filled, masker)?));
    }
    let body = match &cmd.data {
        Some(d) => Some(env(&place(d)?, masker)?.into_bytes()),
        None => None,
    };
    let user = match &cmd.user {
        Some(u) => Some(env(&place(u)?, masker)?),
        None => None,
    };
    check_host(&cmd.url, check, options)?;
    add_default_headers(&cmd, &mut headers, user.as_deref(), masker);
    let (connect_timeout, timeout) = timeouts(&cmd, options);
    Ok(Prepared {
        request: HttpRequest {
            method: cmd.method().to_owned(),
            url: std::mem::take(&mut cmd.url),
            headers,
            body,
            connect_timeout,
            timeout,
            insecure: cmd.insecure && options.insecure,
        },
        follow_redirects: cmd.follow_redirects,
        fail_on_error_status: cmd.fail,
        secret_headers,
    })
}

fn fill_placeholders(
    text: &str,
    lookup: &dyn Fn(&str) -> Option<String>,
    check: &PlannedCheck,
) -> Result<String, String> {
    if let Some((_, missing)) = curl::placeholders(text)
        .into_iter()
        .find(|(_, name)| lookup(name).is_none())
    {
        return Err(format!(
            "placeholder `{{{{ {missing} }}}}` has no value for target `{}`",
            check.target
        ));
    }
    Ok(curl::substitute(text, lookup))
}

/// Replaces `$NAME` and `${NAME}` with values from the options' environment map.
fn expand_env(text: &str, options: &RunOptions, masker: &mut Masker) -> Result<String, String> {
    let mut missing = None;
    let out = ENV_VAR.replace_all(text, |c: &regex::Captures| {
        let name = c.get(1).or_else(|| c.get(2)).map_or("", |m| m.as_str());
        match options.env.get(name) {
            Some(v) => {
                masker.add(v);
                v.clone()
            }
            None => {
                missing.get_or_insert_with(|| name.to_owned());
                String::new()
            }
        }
    });
    match missing {
        Some(name) => Err(format!("environment variable `${name}` is not set")),
        None => Ok(out.into_owned()),
    }
}

/// A password written literally after `-u` is a secret too.
fn literal_password(cmd: &CurlCommand, masker: &mut Masker) {
    let pass = cmd.user.as_deref().and_then(|u| u.split_once(':'));
    if let Some((_, pass)) = pass.filter(|(_, p)| !ENV_VAR.is_match(p) && !p.contains("{{")) {
        masker.add(pass);
    }
}

fn add_default_headers(
    cmd: &CurlCommand,
    headers: &mut Vec<(String, String)>,
    user: Option<&str>,
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
        if let Some((_, pass)) = credentials.split_once(':') {
            masker.add(pass);
        }
        let token = base64::engine::general_purpose::STANDARD.encode(&credentials);
        masker.add(&token);
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
    } else if cmd.data.is_some() && !has(headers, "content-type") {
        headers.push((
            "Content-Type".into(),
            "application/x-www-form-urlencoded".into(),
        ));
    }
    if let Some(agent) = &cmd.user_agent {
        headers.push(("User-Agent".into(), agent.clone()));
    }
}

fn timeouts(cmd: &CurlCommand, options: &RunOptions) -> (Duration, Duration) {
    let secs = |s: f64| Duration::from_secs_f64(s);
    let total = cmd
        .max_time_secs
        .map(secs)
        .or(options.timeout)
        .unwrap_or(DEFAULT_TOTAL);
    let connect = cmd.connect_timeout_secs.map_or(DEFAULT_CONNECT, secs);
    (connect.min(total), total)
}

/// Refuses a URL whose host is not one of the runbook's targets or `--allow-host`.
pub fn check_host(url: &str, check: &PlannedCheck, options: &RunOptions) -> Result<(), String> {
    let host = host_of(url).ok_or_else(|| format!("`{url}` is not a valid http(s) URL"))?;
    let lower = url.to_ascii_lowercase();
    if !lower.starts_with("http://") && !lower.starts_with("https://") {
        return Err(format!("`{url}` is not an http:// or https:// URL"));
    }
    let allowed = check.allowed_hosts.contains(&host)
        || options.allow_hosts.iter().any(|h| {
            let h = h.to_ascii_lowercase();
            h == host || h.split_once(':').is_some_and(|(name, _)| name == host)
        });
    if allowed {
        Ok(())
    } else {
        Err(format!(
            "host `{host}` is not one of the runbook's targets (allow it with `--allow-host {host}`)"
        ))
    }
}
