//! Which checks run, and against which target: `RUNBOOK[#FAILURE_MODE]` and `--target` turned
//! into a list of planned checks, each with its base URL, its placeholder values and the
//! origins it may reach.

use std::collections::BTreeMap;

use super::origin::Origin;
use crate::compile::{CompiledCheck, CompiledRunbook, Target};
use crate::workspace::Workspace;

/// One check to run, with everything the runner needs from the runbook.
#[derive(Debug)]
pub struct PlannedCheck<'a> {
    pub runbook: String,
    pub id: String,
    pub title: String,
    pub check: &'a CompiledCheck,
    /// The target's name (or the URL given with `--target`).
    pub target: String,
    /// `{{ target }}` and the target's vars; absent when the runbook has no target.
    pub values: BTreeMap<String, String>,
    /// Origins (scheme, host, port) of the runbook's targets and their vars, and of the
    /// `--target` URL and `--var` values.
    pub allowed_origins: Vec<Origin>,
    /// The runbook's params that have neither a `--param` value nor a default.
    pub missing_params: Vec<String>,
}

/// What to run, as the command line says it.
#[derive(Debug, Default)]
pub struct Selection<'a> {
    /// `RUNBOOK[#FAILURE_MODE|#CHECK]`; `None`: every runbook's named checks.
    pub selector: Option<&'a str>,
    /// `--target NAME|URL`.
    pub target: Option<&'a str>,
    /// `--param NAME=VALUE`: values of the runbooks' params.
    pub params: BTreeMap<String, String>,
    /// `--var NAME=VALUE`: overrides of target vars (another Prometheus, another environment).
    pub vars: BTreeMap<String, String>,
}

/// Plans the checks of a selection.
pub fn plan<'a>(ws: &'a Workspace, selection: &Selection) -> Result<Vec<PlannedCheck<'a>>, String> {
    let Selection {
        selector,
        target,
        params,
        vars,
    } = selection;
    let (runbook_id, mode) = match selector.map(|s| s.split_once('#').unwrap_or((s, ""))) {
        Some((r, m)) => (Some(r), (!m.is_empty()).then_some(m)),
        None => (None, None),
    };
    let runbooks: Vec<&CompiledRunbook> = match runbook_id {
        None => ws.runbooks.iter().collect(),
        Some(id) => vec![find_runbook(ws, id)?],
    };
    check_params(&runbooks, params)?;
    check_vars(&runbooks, vars)?;
    let mut planned = Vec::new();
    for loaded in runbooks {
        let checks = match mode {
            None => loaded.named_checks().collect(),
            Some(mode) => mode_checks(loaded, mode)?,
        };
        let (name, mut values, mut origins) = resolve_target(loaded, *target)?;
        override_vars(vars, &mut values, &mut origins);
        let missing_params = fill_params(loaded, params, &mut values);
        for check in checks {
            planned.push(PlannedCheck {
                runbook: loaded.id.clone(),
                title: check.title.clone().unwrap_or_default(),
                id: check.id.clone(),
                check,
                target: name.clone(),
                values: values.clone(),
                allowed_origins: origins.clone(),
                missing_params: missing_params.clone(),
            });
        }
    }
    Ok(planned)
}

/// A `--param` that none of the selected runbooks declares is a typo until shown otherwise.
fn check_params(
    runbooks: &[&CompiledRunbook],
    params: &BTreeMap<String, String>,
) -> Result<(), String> {
    let declared: Vec<&str> = runbooks
        .iter()
        .flat_map(|r| r.runbook.params.iter().map(|(name, _)| name.value.as_str()))
        .collect();
    match params
        .keys()
        .find(|name| !declared.contains(&name.as_str()))
    {
        Some(name) => Err(format!(
            "no selected runbook declares the param `{name}`; {}",
            param_hint(name, &declared)
        )),
        None => Ok(()),
    }
}

/// A `--var` must name a var of a selected runbook's targets: anything else is a typo that
/// would otherwise leave the check pointed at the old environment.
fn check_vars(
    runbooks: &[&CompiledRunbook],
    vars: &BTreeMap<String, String>,
) -> Result<(), String> {
    let declared: Vec<&str> = runbooks
        .iter()
        .flat_map(|r| {
            r.targets
                .iter()
                .flat_map(|t| t.vars.iter().map(|(k, _)| k.as_str()))
        })
        .collect();
    for (name, value) in vars {
        if !declared.contains(&name.as_str()) {
            let hint = flag_hint("--var", name, &dedup(&declared), "target vars");
            return Err(format!(
                "no target of the selected runbooks has the var `{name}`; {hint}"
            ));
        }
        if Origin::of(value).is_none() {
            return Err(format!(
                "`--var {name}={value}` is not an http(s) URL (write `--var {name}=https://host:port`)"
            ));
        }
    }
    Ok(())
}

fn dedup<'a>(names: &[&'a str]) -> Vec<&'a str> {
    let mut out: Vec<&str> = names.to_vec();
    out.sort_unstable();
    out.dedup();
    out
}

/// `--var` values replace the target's, and their origins may be reached: naming them on the
/// command line is the same consent as `--target URL`.
fn override_vars(
    vars: &BTreeMap<String, String>,
    values: &mut BTreeMap<String, String>,
    origins: &mut Vec<Origin>,
) {
    for (name, value) in vars {
        values.insert(name.clone(), value.trim_end_matches('/').to_owned());
        origins.extend(Origin::of(value));
    }
    origins.sort();
    origins.dedup();
}

/// What to say about `--param NAME=...` that none of `declared` is: the closest name, or the
/// names there are (`check --param` and `incident new --param` alike).
pub fn param_hint(name: &str, declared: &[&str]) -> String {
    flag_hint("--param", name, declared, "declared params")
}

/// `did you mean `--var prometheus=...`?`, or the `what` there are, or that there are none.
fn flag_hint(flag: &str, name: &str, declared: &[&str], what: &str) -> String {
    match crate::suggest::did_you_mean(name, declared.iter().copied()) {
        Some(close) => format!("did you mean `{flag} {close}=...`?"),
        None if declared.is_empty() => format!("there are no {what}"),
        None => format!("{what}: {}", declared.join(", ")),
    }
}

/// Adds the runbook's params (`--param` value, else default) to the placeholder values, and
/// returns those that have neither. A target var of the same name wins: lint reports the clash.
fn fill_params(
    loaded: &CompiledRunbook,
    given: &BTreeMap<String, String>,
    values: &mut BTreeMap<String, String>,
) -> Vec<String> {
    let mut missing = Vec::new();
    for (name, param) in loaded.runbook.params.iter() {
        let value = given.get(&name.value).or(param.default.as_ref());
        match value {
            Some(v) => {
                values
                    .entry(name.value.clone())
                    .or_insert_with(|| v.clone());
            }
            None => missing.push(name.value.clone()),
        }
    }
    missing
}

fn find_runbook<'a>(ws: &'a Workspace, id: &str) -> Result<&'a CompiledRunbook, String> {
    ws.runbooks.iter().find(|r| r.id == id).ok_or_else(|| {
        let known: Vec<&str> = ws.runbooks.iter().map(|r| r.id.as_str()).collect();
        format!("no runbook `{id}` (runbooks: {})", known.join(", "))
    })
}

/// A failure mode's checks, its hypotheses' checks and its actions' confirm checks, each once
/// (or, when `mode` names a check rather than a failure mode, that check).
fn mode_checks<'a>(
    loaded: &'a CompiledRunbook,
    mode: &str,
) -> Result<Vec<&'a CompiledCheck>, String> {
    if let Some((_, checks)) = loaded.mode(mode) {
        return Ok(checks
            .all()
            .into_iter()
            .map(|i| &loaded.checks[i])
            .collect());
    }
    // `RUNBOOK#CHECK` runs that one named check.
    if let Some(check) = loaded.any_check(mode) {
        return Ok(vec![check]);
    }
    Err(format!(
        "runbook `{}` has no failure mode or check `{mode}` (failure modes: {})",
        loaded.id,
        loaded.mode_ids()
    ))
}

type Resolved = (String, BTreeMap<String, String>, Vec<Origin>);

fn resolve_target(loaded: &CompiledRunbook, chosen: Option<&str>) -> Result<Resolved, String> {
    let targets = &loaded.targets;
    let mut origins: Vec<Origin> = Vec::new();
    for t in targets {
        origins.extend(Origin::of(&t.url));
        origins.extend(t.vars.iter().filter_map(|(_, v)| Origin::of(v)));
    }
    let default = targets.first();
    let (name, values) = match chosen {
        None => match default {
            Some(t) => (t.name.clone(), values_of(t)),
            None => ("none".to_owned(), BTreeMap::new()),
        },
        Some(url) if is_url(url) => {
            origins.extend(Origin::of(url));
            (url.to_owned(), rebased(default, url))
        }
        Some(name) => match targets.iter().find(|t| t.name == name) {
            Some(t) => (name.to_owned(), values_of(t)),
            None => {
                let known: Vec<&str> = targets.iter().map(|t| t.name.as_str()).collect();
                return Err(format!(
                    "runbook `{}` has no target `{name}` (it has: {})",
                    loaded.id,
                    known.join(", ")
                ));
            }
        },
    };
    origins.sort();
    origins.dedup();
    Ok((name, values, origins))
}

fn is_url(s: &str) -> bool {
    let lower = s.to_ascii_lowercase();
    lower.starts_with("http://") || lower.starts_with("https://")
}

fn values_of(t: &Target) -> BTreeMap<String, String> {
    let mut values: BTreeMap<String, String> = t.vars.iter().cloned().collect();
    values.insert("target".into(), t.url.clone());
    values
}

/// For `--target URL`: the default target's vars, with those under its base URL moved under
/// the given one (a local demo on another port keeps its `{{ prometheus }}`).
fn rebased(default: Option<&Target>, url: &str) -> BTreeMap<String, String> {
    let url = url.trim_end_matches('/');
    let mut values = BTreeMap::new();
    if let Some(t) = default {
        let base = t.url.as_str();
        for (k, v) in &t.vars {
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
