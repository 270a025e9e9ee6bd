//! Alert and param rules: the names that become page names and URL query keys, and the alert
//! severities that `severity_map` must know.

use std::collections::HashSet;

use super::Ctx;
use crate::model::is_label_name;
use crate::rule::Rule;

pub fn invalid_alerts(ctx: &mut Ctx) {
    let mut found = Vec::new();
    for fm in &ctx.loaded.runbook.failure_modes {
        let mut seen = HashSet::new();
        for alert in &fm.alerts {
            let name = &alert.name;
            if !is_label_name(&name.value) {
                found.push((
                    name.pos,
                    format!("`{}` is not a Prometheus alert name", name.value),
                    "write the name exactly as the rule's `alert:` (letters, digits and `_`)"
                        .to_owned(),
                ));
            }
            if let Some(sev) = &alert.severity
                && !ctx.options.alert_severities.contains(&sev.value)
            {
                found.push((
                    sev.pos,
                    format!("alert severity `{}` is not in `severity_map`", sev.value),
                    format!(
                        "use one of: {}; or map `{}` in opsbook.yaml's `severity_map`",
                        ctx.options.alert_severities.join(", "),
                        sev.value
                    ),
                ));
            }
            let severity = alert.severity.as_ref().map(|s| s.value.as_str());
            if !seen.insert((name.value.as_str(), severity)) {
                found.push((
                    name.pos,
                    format!(
                        "alert `{}` is listed twice in failure mode `{}`",
                        name.value, fm.id.value
                    ),
                    "list each alert once per severity; remove the repeat".to_owned(),
                ));
            }
        }
    }
    for (pos, message, help) in found {
        ctx.report(Rule::InvalidAlert, pos, message, help);
    }
}

pub fn invalid_params(ctx: &mut Ctx) {
    let mut found = Vec::new();
    let loaded = ctx.loaded;
    for (name, _) in loaded.runbook.params.iter() {
        let taken = name.value == "target"
            || name.value == "request_id"
            || loaded
                .targets
                .iter()
                .any(|t| t.vars.iter().any(|(var, _)| *var == name.value));
        if !is_label_name(&name.value) {
            found.push((
                name.pos,
                format!("param `{}` is not an alert label name", name.value),
                "use the label's name: letters, digits and `_` (`namespace`, `pod`)",
            ));
        } else if taken {
            found.push((
                name.pos,
                format!("param `{}` is already a placeholder", name.value),
                "`target`, `request_id` and target vars are placeholders already; rename one",
            ));
        }
    }
    for (pos, message, help) in found {
        ctx.report(Rule::InvalidParam, pos, message, help);
    }
}
