//! Reference rules: every check id a failure mode, hypothesis or action names is defined, and
//! every check under `checks:` has an id to be named by.

use super::Ctx;
use crate::rule::Rule;
use crate::suggest::did_you_mean;

pub fn unknown_checks(ctx: &mut Ctx) {
    let rb = ctx.loaded;
    let defined: Vec<&str> = rb.named_checks().map(|c| c.id.as_str()).collect();
    let mut found = Vec::new();
    for dangling in &rb.dangling {
        let id = &dangling.id.value;
        let message = match did_you_mean(id, defined.iter().copied()) {
            Some(close) => format!("check `{id}` is not defined (did you mean `{close}`?)"),
            None => format!(
                "check `{id}` is not defined (in failure mode `{}`)",
                dangling.failure_mode
            ),
        };
        found.push((dangling.id.pos, message));
    }
    for (pos, message) in found {
        ctx.report(
            Rule::UnknownCheck,
            pos,
            message,
            "define it under `checks:` or fix the id",
        );
    }
    let missing_ids: Vec<_> = rb
        .runbook
        .checks
        .iter()
        .filter(|c| c.id.is_none())
        .map(|c| c.pos)
        .collect();
    for pos in missing_ids {
        ctx.report(
            Rule::MissingField,
            pos,
            "a check under `checks:` has no `id`".into(),
            "give it an id so failure modes can refer to it",
        );
    }
}
