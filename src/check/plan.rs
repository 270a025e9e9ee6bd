//! Which checks run, and against which target: `RUNBOOK[#FAILURE_MODE]` and `--target` turned
//! into a list of planned checks, each with its base URL, its placeholder values and the hosts
//! it may reach.

use std::collections::BTreeMap;

use crate::load::LoadedRunbook;
use crate::model::{Check, CheckRef, Runbook, Target};
use crate::workspace::Workspace;

/// One check to run, with everything the runner needs from the runbook.
#[derive(Debug)]
pub struct PlannedCheck<'a> {
    pub runbook: String,
    pub id: String,
    pub title: String,
    pub check: &'a Check,
    /// The target's name (or the URL given with `--target`).
    pub target: String,
    /// `{{ target }}` and the target's vars; absent when the runbook has no target.
    pub values: BTreeMap<String, String>,
    /// Hosts named in the runbook's targets (and the `--target` URL).
    pub allowed_hosts: Vec<String>,
}

/// Plans the checks for `selector` (`None`: every runbook's named checks).
pub fn plan<'a>(
    ws: &'a Workspace,
    selector: Option<&str>,
    target: Option<&str>,
) -> Result<Vec<PlannedCheck<'a>>, String> {
    let (runbook_id, mode) = match selector.map(|s| s.split_once('#').unwrap_or((s, ""))) {
        Some((r, m)) => (Some(r), (!m.is_empty()).then_some(m)),
        None => (None, None),
    };
    let runbooks: Vec<&LoadedRunbook> = match runbook_id {
        None => ws.runbooks.iter().collect(),
        Some(id) => vec![find_runbook(ws, id)?],
    };
    let mut planned = Vec::new();
    for loaded in runbooks {
        let checks = match mode {
            None => named_checks(&loaded.runbook),
            Some(mode) => mode_checks(loaded, mode)?,
        };
        let (name, values, hosts) = resolve_target(loaded, target)?;
        for (id, check) in checks {
            planned.push(PlannedCheck {
                runbook: loaded.id.clone(),
                title: check
                    .title
                    .as_ref()
                    .map(|t| t.value.clone())
                    .unwrap_or_default(),
                id,
                check,
                target: name.clone(),
                values: values.clone(),
                allowed_hosts: hosts.clone(),
            });
        }
    }
    Ok(planned)
}

fn find_runbook<'a>(ws: &'a Workspace, id: &str) -> Result<&'a LoadedRunbook, String> {
    ws.runbooks.iter().find(|r| r.id == id).ok_or_else(|| {
        let known: Vec<&str> = ws.runbooks.iter().map(|r| r.id.as_str()).collect();
        format!("no runbook `{id}` (runbooks: {})", known.join(", "))
    })
}

fn named_checks(runbook: &Runbook) -> Vec<(String, &Check)> {
    runbook
        .checks
        .iter()
        .filter_map(|c| Some((c.id.as_ref()?.value.clone(), &c.value)))
        .collect()
}

/// A failure mode's checks, its hypotheses' checks and its actions' confirm checks, each once
/// (or, when `mode` names a check rather than a failure mode, that check).
fn mode_checks<'a>(
    loaded: &'a LoadedRunbook,
    mode: &str,
) -> Result<Vec<(String, &'a Check)>, String> {
    let runbook = &loaded.runbook;
    let Some(fm) = runbook.failure_modes.iter().find(|fm| fm.id.value == mode) else {
        // `RUNBOOK#CHECK` runs that one named check.
        if let Some(check) = runbook.check(mode) {
            return Ok(vec![(mode.to_owned(), &check.value)]);
        }
        let known: Vec<&str> = runbook
            .failure_modes
            .iter()
            .map(|f| f.id.value.as_str())
            .collect();
        return Err(format!(
            "runbook `{}` has no failure mode or check `{mode}` (failure modes: {})",
            loaded.id,
            known.join(", ")
        ));
    };
    let refs = fm
        .checks
        .iter()
        .chain(fm.hypotheses.iter().flat_map(|h| h.checks.iter()))
        .chain(fm.actions.iter().flat_map(|a| a.confirm.iter()));
    let mut out: Vec<(String, &Check)> = Vec::new();
    for (n, r) in refs.enumerate() {
        let (id, check) = match &r.value {
            CheckRef::Id(id) => match runbook.check(id) {
                Some(c) => (id.clone(), &c.value),
                None => continue,
            },
            CheckRef::Inline(c) => {
                let id = c.id.as_ref().map(|i| i.value.clone());
                (
                    id.unwrap_or_else(|| format!("{mode}-inline-{}", n + 1)),
                    &**c,
                )
            }
        };
        if !out.iter().any(|(seen, _)| *seen == id) {
            out.push((id, check));
        }
    }
    Ok(out)
}

type Resolved = (String, BTreeMap<String, String>, Vec<String>);

fn resolve_target(loaded: &LoadedRunbook, chosen: Option<&str>) -> Result<Resolved, String> {
    let targets = &loaded.runbook.targets;
    let mut hosts: Vec<String> = Vec::new();
    for (_, t) in targets.iter() {
        hosts.extend(host_of(t.url()));
        hosts.extend(t.vars().filter_map(|(_, v)| host_of(v)));
    }
    let default = targets.iter().next();
    let (name, values) = match chosen {
        None => match default {
            Some((name, t)) => (name.value.clone(), values_of(t)),
            None => ("none".to_owned(), BTreeMap::new()),
        },
        Some(url) if is_url(url) => {
            hosts.extend(host_of(url));
            (url.to_owned(), rebased(default.map(|(_, t)| &t.value), url))
        }
        Some(name) => match targets.get(name) {
            Some(t) => (name.to_owned(), values_of(t)),
            None => {
                let known: Vec<&str> = targets.iter().map(|(k, _)| k.value.as_str()).collect();
                return Err(format!(
                    "runbook `{}` has no target `{name}` (it has: {})",
                    loaded.id,
                    known.join(", ")
                ));
            }
        },
    };
    hosts.sort();
    hosts.dedup();
    Ok((name, values, hosts))
}

fn is_url(s: &str) -> bool {
    let lower = s.to_ascii_lowercase();
    lower.starts_with("http://") || lower.starts_with("https://")
}

fn values_of(t: &Target) -> BTreeMap<String, String> {
    let mut values: BTreeMap<String, String> = t
        .vars()
        .map(|(k, v)| (k.to_owned(), v.trim_end_matches('/').to_owned()))
        .collect();
    values.insert("target".into(), t.url().trim_end_matches('/').to_owned());
    values
}

/// For `--target URL`: the default target's vars, with those under its base URL moved under
/// the given one (a local demo on another port keeps its `{{ prometheus }}`).
fn rebased(default: Option<&Target>, url: &str) -> BTreeMap<String, String> {
    let url = url.trim_end_matches('/');
    let mut values = BTreeMap::new();
    if let Some(t) = default {
        let base = t.url().trim_end_matches('/');
        for (k, v) in t.vars() {
            let v = v.trim_end_matches('/');
            let moved = match v.strip_prefix(base) {
                Some(rest) if rest.is_empty() || rest.starts_with('/') => format!("{url}{rest}"),
                _ => v.to_owned(),
            };
            values.insert(k.to_owned(), moved);
        }
    }
    values.insert("target".into(), url.to_owned());
    values
}

/// The lowercase host of an http(s) URL.
pub fn host_of(url: &str) -> Option<String> {
    let uri: ureq::http::Uri = url.parse().ok()?;
    uri.host().map(|h| h.to_ascii_lowercase())
}
