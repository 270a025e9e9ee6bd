//! Params on the site: a runbook's alert labels (`namespace`, `pod`) as inputs beside the target
//! selector, and the placeholder names a page may fill in. The page's script reads the inputs'
//! values from its URL (`fm.html?namespace=shop`), so an alert's labels reach every command.

use serde::Serialize;

use crate::compile::CompiledRunbook;

/// One input: `<input id="param-NAME" data-param="NAME" value="DEFAULT">` with its label.
#[derive(Clone, Debug, Serialize)]
pub struct ParamView {
    pub name: String,
    /// The description, or the name when there is none.
    pub label: String,
    /// The default, or empty (the placeholder then stays visible until a value is given).
    pub default: String,
}

pub fn params(loaded: &CompiledRunbook) -> Vec<ParamView> {
    loaded
        .runbook
        .params
        .iter()
        .map(|(name, p)| ParamView {
            name: name.value.clone(),
            label: p
                .value
                .description
                .clone()
                .unwrap_or_else(|| name.value.clone()),
            default: p.value.default.clone().unwrap_or_default(),
        })
        .collect()
}

/// The `{{ name }}`s the page's script fills in: the params, and when there are targets,
/// `target`, `request_id` and every target var. Code in the runbook's Markdown that uses one of
/// them gets a `data-template`; any other `{{ ... }}` stays text.
pub fn names(loaded: &CompiledRunbook) -> Vec<String> {
    let mut names: Vec<String> = loaded
        .runbook
        .params
        .iter()
        .map(|(name, _)| name.value.clone())
        .collect();
    if !loaded.targets.is_empty() {
        names.extend(["target".to_owned(), "request_id".to_owned()]);
    }
    for target in &loaded.targets {
        for (var, _) in &target.vars {
            if !names.contains(var) {
                names.push(var.clone());
            }
        }
    }
    names
}

/// The value of `{{ name }}` a page shows before its script runs: the param's default.
pub fn default_of<'a>(loaded: &'a CompiledRunbook, name: &str) -> Option<&'a str> {
    let param = loaded.runbook.params.get(name)?;
    param.value.default.as_deref().filter(|d| !d.is_empty())
}
