//! Placeholders resolved against every target: `{{ target }}`, `{{ request_id }}`, the vars
//! that every target defines and the runbook's params. One check of the names used anywhere a placeholder may appear (the
//! curl line, header and body expectations, JSON values), so none stays literal at run time.

use std::rc::Rc;

use super::Target;
use super::sink::{ScalarMap, Use};
use crate::diagnostic::Diagnostic;
use crate::model::{Runbook, Sp};
use crate::rule::Rule;
use crate::source::{Pos, SourceFile};
use crate::suggest::did_you_mean;

/// Placeholders every target defines, and the runbook's params.
fn defined(rb: &Runbook, targets: &[Target]) -> Vec<String> {
    let mut names = vec!["target".to_owned(), "request_id".to_owned()];
    names.extend(rb.params.iter().map(|(name, _)| name.value.clone()));
    if let Some(first) = targets.first() {
        for (name, _) in &first.vars {
            if targets.iter().all(|t| t.value(name).is_some()) {
                names.push(name.clone());
            }
        }
    }
    names
}

/// `no-targets` when the runbook has checks and nowhere to run them, else every use of a
/// placeholder that some target does not define.
pub(super) fn undefined(
    source: &SourceFile,
    rb: &Runbook,
    first_executable: Option<Pos>,
    targets: &[Target],
    uses: &[Use],
) -> Vec<Diagnostic> {
    let report = |rule, pos, message: String, help: String| {
        Diagnostic::new(rule, &source.path, pos, message).help(help)
    };
    if let (true, Some(pos)) = (targets.is_empty(), first_executable) {
        let help = "add one: `targets: { local: http://127.0.0.1:3000 }`".to_owned();
        let message = "the runbook has checks but no `targets`".to_owned();
        return vec![report(Rule::NoTargets, pos, message, help)];
    }
    let defined = defined(rb, targets);
    // The uses of one text come one after another: its map is made once for all of them.
    let mut map: Option<(&Rc<Sp<String>>, ScalarMap)> = None;
    let mut out = Vec::new();
    for u in uses.iter().filter(|u| !defined.contains(&u.name)) {
        if !map
            .as_ref()
            .is_some_and(|(text, _)| Rc::ptr_eq(text, &u.text))
        {
            map = Some((&u.text, ScalarMap::new(source, &u.text)));
        }
        let pos = map.as_ref().map_or(u.text.pos, |(_, m)| m.pos(u.offset));
        let name = &u.name;
        let partly = targets.iter().any(|t| t.value(name).is_some());
        let message = if partly {
            format!("placeholder `{{{{ {name} }}}}` is not defined by every target")
        } else {
            format!("placeholder `{{{{ {name} }}}}` is not defined")
        };
        let help = help_for(name, &defined);
        out.push(report(Rule::UndefinedPlaceholder, pos, message, help));
    }
    out
}

fn help_for(name: &str, defined: &[String]) -> String {
    match did_you_mean(name, defined.iter().map(String::as_str)) {
        Some(close) => format!("did you mean `{{{{ {close} }}}}`?"),
        None => format!(
            "add `{name}` to `params:` (an alert label) or to the `vars` of every target, or use one of: {}",
            defined.join(", ")
        ),
    }
}
