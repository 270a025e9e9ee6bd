//! What a check is: a curl request, a PromQL query or a command run by hand. Exactly one of
//! `curl`, `promql` and `run` is written, and each kind takes only the fields that mean something
//! for it; anything else is an `invalid-check` finding at the field that does not belong.

use super::template::Template;
use super::{Sink, Target, promql};
use crate::model::{Check, Expect, Sp};
use crate::rule::Rule;
use crate::source::Pos;

/// The kind of a check, with what only that kind has.
#[derive(Clone, Debug, PartialEq)]
pub enum CheckKind {
    /// `curl`: an HTTP request, sent by `opsbook check`.
    Curl,
    /// `promql`: an instant query sent to the URL that `prometheus` names.
    Promql {
        /// A target var (or a target) holding Prometheus' base URL, as written.
        prometheus: Sp<String>,
        /// `{{ var }}`, or the URL of the target it names.
        base: Template,
    },
    /// `run`: shown with a copy button and recorded, never executed.
    Manual {
        /// What the reader should see in the output.
        look_for: Option<String>,
    },
}

impl CheckKind {
    /// Checks opsbook runs itself (curl and PromQL); a manual one it only shows.
    pub fn is_executable(&self) -> bool {
        !matches!(self, CheckKind::Manual { .. })
    }
}

/// The check's kind and its command as written (the curl line, the query or the command), or
/// `None` when it has none of `curl`, `promql` and `run` (a `missing-field` finding).
pub(super) fn kind_of<'a>(
    check: &'a Check,
    pos: Pos,
    targets: &[Target],
    sink: &mut Sink,
) -> Option<(CheckKind, &'a Sp<String>)> {
    let written: Vec<(&str, &Sp<String>)> = [
        ("curl", &check.curl),
        ("promql", &check.promql),
        ("run", &check.run),
    ]
    .into_iter()
    .filter_map(|(name, v)| v.as_ref().map(|v| (name, v)))
    .collect();
    let Some(&(name, text)) = written.first() else {
        sink.report(
            Rule::MissingField,
            pos,
            "the check has none of `curl`, `promql` and `run`".into(),
            "write the request (`curl: curl -i {{ target }}/healthz`), the query (`promql: ...` with `prometheus:`), or the command run by hand (`run: kubectl ...`)",
        );
        return None;
    };
    if let Some((other, v)) = written.get(1) {
        sink.report(
            Rule::InvalidCheck,
            v.pos,
            format!("the check has both `{name}` and `{other}`"),
            "one check is one command: split it into two checks",
        );
    }
    // An empty query would be sent (and answered with Prometheus' error); an empty command
    // would be shown as the thing to run by hand.
    if name != "curl" && text.value.trim().is_empty() {
        sink.report(
            Rule::InvalidCheck,
            text.pos,
            format!("`{name}` is empty"),
            "write the query, or the command to run by hand, or remove the check",
        );
    }
    let kind = match name {
        "promql" => promql_kind(check, text, targets, sink)?,
        "run" => CheckKind::Manual {
            look_for: check.look_for.as_ref().map(|l| l.value.clone()),
        },
        _ => CheckKind::Curl,
    };
    misplaced_fields(check, &kind, sink);
    Some((kind, text))
}

fn promql_kind(
    check: &Check,
    query: &Sp<String>,
    targets: &[Target],
    sink: &mut Sink,
) -> Option<CheckKind> {
    if let Err(e) = promql::check_balanced(&query.value) {
        let pos = super::pos_in_scalar(sink.source, query, e.offset);
        sink.report(
            Rule::InvalidPromql,
            pos,
            format!("the query cannot parse: {}", e.message),
            "close each bracket and string; try the query in Prometheus' own expression browser",
        );
    }
    match &check.prometheus {
        Some(prometheus) => match promql::base_of(&prometheus.value, targets) {
            Ok(base) => Some(CheckKind::Promql {
                prometheus: prometheus.clone(),
                base,
            }),
            Err(message) => {
                sink.report(
                    Rule::InvalidCheck,
                    prometheus.pos,
                    message,
                    "name the target var holding Prometheus' base URL (`vars: { prometheus: http://prometheus:9090 }` in every target), or a target whose URL it is",
                );
                None
            }
        },
        None => {
            sink.report(
                Rule::InvalidCheck,
                query.pos,
                "a `promql` check needs `prometheus`: where to send the query".into(),
                "add `prometheus: prometheus`, naming a target var (or a target) whose URL is Prometheus' base URL",
            );
            None
        }
    }
}

/// Fields written on a kind of check they mean nothing for.
fn misplaced_fields(check: &Check, kind: &CheckKind, sink: &mut Sink) {
    let what = match kind {
        CheckKind::Curl => "a `curl` check",
        CheckKind::Promql { .. } => "a `promql` check",
        CheckKind::Manual { .. } => "a command run by hand",
    };
    let mut wrong = |pos: Pos, field: &str, help: &str| {
        sink.report(
            Rule::InvalidCheck,
            pos,
            format!("`{field}` does not apply to {what}"),
            help.to_owned(),
        );
    };
    if let (Some(p), false) = (&check.prometheus, matches!(kind, CheckKind::Promql { .. })) {
        wrong(
            p.pos,
            "prometheus",
            "`prometheus` says where a `promql` query goes; remove it",
        );
    }
    if let (Some(l), false) = (&check.look_for, matches!(kind, CheckKind::Manual { .. })) {
        wrong(
            l.pos,
            "look_for",
            "opsbook verifies this check itself: say what a healthy answer is under `expect`",
        );
    }
    if let (Some(m), CheckKind::Promql { .. }) = (&check.mutating, kind) {
        wrong(m.pos, "mutating", "a query never changes state; remove it");
    }
    if let Some(expect) = &check.expect {
        misplaced_expect(&expect.value, expect.pos, kind, &mut wrong);
    }
}

fn misplaced_expect(
    expect: &Expect,
    pos: Pos,
    kind: &CheckKind,
    wrong: &mut impl FnMut(Pos, &str, &str),
) {
    match kind {
        CheckKind::Manual { .. } => wrong(
            pos,
            "expect",
            "opsbook never runs this command: write what the reader should see under `look_for`",
        ),
        CheckKind::Curl => {
            let promql_only = [
                ("result", expect.result.as_ref().map(|r| r.pos)),
                ("value", expect.value.as_ref().map(|v| v.pos)),
                ("labels", expect.labels.iter().next().map(|(k, _)| k.pos)),
            ];
            for (field, at) in promql_only {
                if let Some(at) = at {
                    wrong(
                        at,
                        field,
                        "`result`, `value` and `labels` judge the answer of a `promql` query; for a response use `status`, `headers` and `body`",
                    );
                }
            }
        }
        CheckKind::Promql { .. } => {
            let curl_only = [
                ("status", expect.status.as_ref().map(|s| s.pos)),
                ("headers", expect.headers.iter().next().map(|(k, _)| k.pos)),
                ("body", expect.body.as_ref().map(|_| pos)),
            ];
            for (field, at) in curl_only {
                if let Some(at) = at {
                    wrong(
                        at,
                        field,
                        "a query's answer is judged with `result: empty | non-empty`, `value: { lt: 0.01 }` and `labels: {...}`",
                    );
                }
            }
        }
    }
}
