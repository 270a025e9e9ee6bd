//! `expect` compiled: every text a template (placeholders resolved like the curl line's), every
//! regex compiled, every JSON pointer and status class validated. What cannot compile is a
//! finding with its position, found by lint instead of at 3 a.m. by `check`.

use regex::Regex;

use super::Sink;
use super::template::Template;
use crate::model::{
    BodyExpect, Expect, HeaderExpect, JsonExpect, NumCompare, ResultExpect, Sp, StatusExpect,
};
use crate::rule::Rule;
use crate::source::Pos;

/// What the response must look like.
#[derive(Clone, Debug, Default)]
pub struct CompiledExpect {
    pub status: Option<StatusExpect>,
    /// Header names as written; compared case-insensitively.
    pub headers: Vec<(String, HeaderCheck)>,
    pub body: Option<BodyCheck>,
    pub max_time_ms: Option<u64>,
    /// PromQL: whether the query returns any sample.
    pub result: Option<ResultExpect>,
    /// PromQL: what every sample's value must be.
    pub value: Option<NumCompare>,
    /// PromQL: labels (with placeholders) that some sample carries.
    pub labels: Vec<(String, Template)>,
}

impl CompiledExpect {
    /// Nothing to verify: running the check would prove nothing.
    pub fn is_empty(&self) -> bool {
        self.status.is_none()
            && self.headers.is_empty()
            && self.body.is_none()
            && self.max_time_ms.is_none()
            && self.result.is_none()
            && self.value.is_none()
            && self.labels.is_empty()
    }
}

#[derive(Clone, Debug)]
pub enum HeaderCheck {
    Exact(Template),
    Rule {
        absent: bool,
        contains: Option<Template>,
        matches: Option<Pattern>,
    },
}

#[derive(Clone, Debug, Default)]
pub struct BodyCheck {
    pub contains: Option<Template>,
    pub matches: Option<Pattern>,
    /// JSON pointer → what the value there must be.
    pub json: Vec<(String, JsonWant)>,
}

#[derive(Clone, Debug)]
pub enum JsonWant {
    /// A string, with placeholders filled in before comparing.
    Text(Template),
    Equals(serde_json::Value),
    Compare(NumCompare),
}

/// A regex: compiled once here, unless it holds a placeholder (`^{{ request_id }}$`), which only
/// has its value when the check runs.
#[derive(Clone, Debug)]
pub struct Pattern {
    pub template: Template,
    pub regex: Option<Regex>,
}

impl Pattern {
    /// The regex for this run: the compiled one, or the filled-in text compiled now.
    pub fn regex_for(&self, filled: &str) -> Result<Regex, regex::Error> {
        match &self.regex {
            Some(re) => Ok(re.clone()),
            None => Regex::new(filled),
        }
    }
}

/// Compiles `expect`; placeholders met on the way are recorded with their positions.
pub(super) fn compile(expect: &Expect, sink: &mut Sink) -> CompiledExpect {
    if let Some(status) = &expect.status {
        check_status(status, sink);
    }
    duplicate_headers(expect, sink);
    let headers = expect
        .headers
        .iter()
        .map(|(name, want)| (name.value.clone(), header(want, sink)))
        .collect();
    CompiledExpect {
        status: expect.status.as_ref().map(|s| s.value.clone()),
        headers,
        body: expect.body.as_ref().map(|b| body(b, sink)),
        max_time_ms: expect.max_time_ms.as_ref().map(|m| m.value),
        result: expect.result.as_ref().map(|r| r.value),
        value: expect.value.as_ref().map(|v| v.value.clone()),
        labels: expect
            .labels
            .iter()
            .map(|(name, v)| (name.value.clone(), text(v, v.pos, sink)))
            .collect(),
    }
}

/// `expect` compiled on its own, findings dropped: for unit tests of what consumes it.
#[cfg(test)]
pub(crate) fn standalone(expect: &Expect) -> CompiledExpect {
    let source = crate::source::SourceFile::new("", "");
    compile(expect, &mut Sink::new(&source))
}

/// Header names ignore case, so `X-A` and `x-a` expect the same header twice.
fn duplicate_headers(expect: &Expect, sink: &mut Sink) {
    let names: Vec<&Sp<String>> = expect.headers.iter().map(|(n, _)| n).collect();
    for (i, name) in names.iter().enumerate() {
        if let Some(first) = names[..i].iter().find(|n| n.eq_ignore_ascii_case(name)) {
            sink.report(
                Rule::DuplicateKey,
                name.pos,
                format!(
                    "header `{}` is already expected at line {} (as `{}`; header names ignore case)",
                    name.value, first.pos.line, first.value
                ),
                "keep one of them",
            );
        }
    }
}

fn check_status(status: &Sp<StatusExpect>, sink: &mut Sink) {
    if let StatusExpect::Class(class) = &status.value {
        let c = class.to_ascii_lowercase();
        let ok =
            c.len() == 3 && c.ends_with("xx") && matches!(&c[..1], "1" | "2" | "3" | "4" | "5");
        if !ok {
            sink.report(
                Rule::InvalidExpect,
                status.pos,
                format!("status `{class}` is not a code, a list of codes or a class like `2xx`"),
                "write `status: 200`, `status: [200, 204]` or `status: 2xx`",
            );
        }
    }
}

fn text(value: &str, pos: Pos, sink: &mut Sink) -> Template {
    sink.uses(value, pos);
    Template::placeholders_only(value)
}

fn pattern(value: &str, pos: Pos, sink: &mut Sink) -> Pattern {
    let template = text(value, pos, sink);
    // A placeholder stands for a value known only at run time; check the rest of the syntax
    // with a plain word in its place.
    let probe = template.show(&|_| Some("x".to_owned()));
    let regex = match Regex::new(&probe) {
        Ok(re) => Some(re).filter(|_| !template.has_placeholders()),
        Err(e) => {
            let detail = e.to_string();
            let last = detail
                .lines()
                .last()
                .unwrap_or("")
                .trim()
                .trim_start_matches("error: ");
            sink.report(
                Rule::InvalidExpect,
                pos,
                format!("`matches: {value}` is not a valid regex ({last})"),
                "fix the regex; escape `.`, `(`, `[` and `{` that are meant literally",
            );
            None
        }
    };
    Pattern { template, regex }
}

fn header(want: &Sp<HeaderExpect>, sink: &mut Sink) -> HeaderCheck {
    match &want.value {
        HeaderExpect::Exact(value) => HeaderCheck::Exact(text(value, want.pos, sink)),
        HeaderExpect::Rule(rule) => HeaderCheck::Rule {
            absent: rule.absent == Some(true),
            contains: rule.contains.as_deref().map(|c| text(c, want.pos, sink)),
            matches: rule.matches.as_deref().map(|m| pattern(m, want.pos, sink)),
        },
    }
}

fn body(body: &BodyExpect, sink: &mut Sink) -> BodyCheck {
    let json = body
        .json
        .iter()
        .map(|(pointer, want)| {
            check_pointer(pointer, sink);
            let want = match &want.value {
                JsonExpect::Equals(serde_json::Value::String(s)) => {
                    JsonWant::Text(text(s, want.pos, sink))
                }
                JsonExpect::Equals(v) => {
                    check_json_value(v, want.pos, sink);
                    JsonWant::Equals(v.clone())
                }
                JsonExpect::Compare(c) => JsonWant::Compare(c.clone()),
            };
            (pointer.value.clone(), want)
        })
        .collect();
    BodyCheck {
        contains: body.contains.as_ref().map(|c| text(c, c.pos, sink)),
        matches: body.matches.as_ref().map(|m| pattern(m, m.pos, sink)),
        json,
    }
}

const COMPARISONS: [&str; 6] = ["lt", "lte", "gt", "gte", "eq", "ne"];

/// A JSON value to equal that will not mean what it says: a comparison (`{lt: …}`) whose operand
/// is not a number (it would be compared as a literal object), or a placeholder inside a list or
/// object (placeholders are filled in a string value only).
fn check_json_value(value: &serde_json::Value, pos: Pos, sink: &mut Sink) {
    if let serde_json::Value::Object(map) = value
        && !map.is_empty()
        && map.keys().all(|k| COMPARISONS.contains(&k.as_str()))
    {
        for (op, operand) in map.iter().filter(|(_, v)| !v.is_number()) {
            sink.report(
                Rule::InvalidExpect,
                pos,
                format!("`{op}: {operand}` compares numbers, and `{operand}` is not a number"),
                "write a number (`lt: 0.5`); placeholders are not filled in comparisons",
            );
        }
        return;
    }
    if !value.is_string() && value.to_string().contains("{{") {
        sink.report(
            Rule::InvalidExpect,
            pos,
            "a placeholder inside a JSON list or object is not filled in".into(),
            "compare each value on its own pointer: `\"/data/id\": \"{{ request_id }}\"`",
        );
    }
}

/// RFC 6901: empty, or `/`-separated tokens where `~` is only ever `~0` or `~1`.
fn check_pointer(pointer: &Sp<String>, sink: &mut Sink) {
    let p = &pointer.value;
    let bad_tilde = p
        .match_indices('~')
        .any(|(i, _)| !matches!(p.as_bytes().get(i + 1), Some(b'0' | b'1')));
    if (!p.is_empty() && !p.starts_with('/')) || bad_tilde {
        sink.report(
            Rule::InvalidExpect,
            pointer.pos,
            format!("`{p}` is not a JSON pointer"),
            "a JSON pointer starts with `/`: `/data/result/0/value/1` (write `~1` for a `/` in a key, `~0` for `~`)",
        );
    }
}
