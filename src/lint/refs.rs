//! Reference rules: check ids that exist, placeholders that some target defines.

use crate::rule::Rule;

use super::{Ctx, did_you_mean};
use crate::check::curl::placeholders;
use crate::model::{Check, CheckRef, HeaderExpect};
use crate::source::Pos;

pub fn unknown_checks(ctx: &mut Ctx) {
    let rb = &ctx.loaded.runbook;
    let defined: Vec<&str> = rb
        .checks
        .iter()
        .filter_map(|c| c.id.as_ref())
        .map(|i| i.value.as_str())
        .collect();
    let mut found = Vec::new();
    for (fm, r) in rb.check_refs() {
        let CheckRef::Id(id) = &r.value else { continue };
        if defined.contains(&id.as_str()) {
            continue;
        }
        let mut message = format!(
            "check `{id}` is not defined (in failure mode `{}`)",
            fm.id.value
        );
        if let Some(close) = did_you_mean(id, defined.iter().copied()) {
            message = format!("check `{id}` is not defined (did you mean `{close}`?)");
        }
        found.push((r.pos, message));
    }
    let missing_ids: Vec<Pos> = rb
        .checks
        .iter()
        .filter(|c| c.id.is_none())
        .map(|c| c.curl.pos)
        .collect();
    for (pos, message) in found {
        ctx.report(
            Rule::UnknownCheck,
            pos,
            message,
            "define it under `checks:` or fix the id",
        );
    }
    for pos in missing_ids {
        ctx.report(
            Rule::MissingField,
            pos,
            "a check under `checks:` has no `id`".into(),
            "give it an id so failure modes can refer to it",
        );
    }
}

/// Placeholders every target defines: `target`, `request_id`, and the vars all targets share.
fn defined_placeholders(ctx: &Ctx) -> Vec<String> {
    let targets = &ctx.loaded.runbook.targets;
    let mut names = vec!["target".to_owned(), "request_id".to_owned()];
    if let Some((_, first)) = targets.0.first() {
        for (name, _) in first.vars() {
            if targets
                .iter()
                .all(|(_, t)| t.vars().any(|(n, _)| n == name))
            {
                names.push(name.to_owned());
            }
        }
    }
    names
}

pub fn placeholders_in_check(
    ctx: &Ctx,
    check: &Check,
    defined: &[String],
) -> Vec<(Pos, String, String)> {
    // Positions are computed only for the undefined ones: finding a position scans the file.
    let mut uses: Vec<(Pos, String)> = placeholders(&check.curl)
        .into_iter()
        .filter(|(_, name)| !defined.contains(name))
        .map(|(offset, name)| {
            (
                super::pos_in_scalar(ctx.source(), &check.curl, offset),
                name,
            )
        })
        .collect();
    if let Some(expect) = &check.expect {
        for (_, value) in expect.headers.iter() {
            if let HeaderExpect::Exact(text) = &value.value {
                uses.extend(
                    placeholders(text)
                        .into_iter()
                        .map(|(_, name)| (value.pos, name)),
                );
            }
        }
    }
    let targets = &ctx.loaded.runbook.targets;
    uses.into_iter()
        .filter(|(_, name)| !defined.contains(name))
        .map(|(pos, name)| {
            let partly = targets
                .iter()
                .any(|(_, t)| t.vars().any(|(n, _)| n == name));
            let message = if partly {
                format!("placeholder `{{{{ {name} }}}}` is not defined by every target")
            } else {
                format!("placeholder `{{{{ {name} }}}}` is not defined")
            };
            (pos, message, help_for(&name, defined))
        })
        .collect()
}

fn help_for(name: &str, defined: &[String]) -> String {
    match did_you_mean(name, defined.iter().map(String::as_str)) {
        Some(close) => format!("did you mean `{{{{ {close} }}}}`?"),
        None => format!(
            "add `{name}` to the `vars` of every target, or use one of: {}",
            defined.join(", ")
        ),
    }
}

pub fn undefined_placeholders(ctx: &mut Ctx) {
    let rb = &ctx.loaded.runbook;
    let has_checks = rb.all_checks().next().is_some();
    if has_checks && rb.targets.is_empty() {
        let pos = rb.checks.first().map_or(Pos::new(1, 1), |c| c.curl.pos);
        ctx.report(
            Rule::NoTargets,
            pos,
            "the runbook has checks but no `targets`".into(),
            "add one: `targets: { local: http://127.0.0.1:3000 }`",
        );
        return;
    }
    let defined = defined_placeholders(ctx);
    let found: Vec<_> = rb
        .all_checks()
        .flat_map(|c| placeholders_in_check(ctx, c, &defined))
        .collect();
    for (pos, message, help) in found {
        ctx.report(Rule::UndefinedPlaceholder, pos, message, help);
    }
}
