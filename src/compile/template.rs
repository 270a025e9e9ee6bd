//! Text with `{{ placeholders }}` and, in curl lines, `$ENV` references: split into parts once,
//! when a runbook is compiled, and filled in when a check runs or a page shows it.
//!
//! A `$` that a shell would not expand (inside single quotes, or escaped `\$`) arrives here as
//! [`LITERAL_DOLLAR`] from the curl parser, so it stays text: what `check` sends is what the
//! command copied from the page sends.

use std::sync::LazyLock;

use regex::Regex;

/// Stands for a `$` that is text, not the start of an environment variable. A private-use
/// character, so it never occurs in a runbook by chance.
pub const LITERAL_DOLLAR: char = '\u{E000}';

#[derive(Clone, Debug, PartialEq, Eq)]
pub enum Part {
    Text(String),
    /// `{{ name }}`.
    Placeholder(String),
    /// `$NAME` or `${NAME}`: read from the environment when the check runs.
    Env(String),
}

/// A parsed text. `Template::default()` is the empty text.
#[derive(Clone, Debug, Default, PartialEq, Eq)]
pub struct Template {
    parts: Vec<Part>,
}

/// A value a template needed and did not get.
#[derive(Clone, Debug, PartialEq, Eq)]
pub enum Missing {
    Placeholder(String),
    Env(String),
}

static PLACEHOLDER: LazyLock<Regex> =
    LazyLock::new(|| Regex::new(r"\{\{\s*([A-Za-z0-9_.-]*)\s*\}\}").expect("static regex"));

static PLACEHOLDER_OR_ENV: LazyLock<Regex> = LazyLock::new(|| {
    Regex::new(
        r"\{\{\s*([A-Za-z0-9_.-]*)\s*\}\}|\$(?:\{([A-Za-z_][A-Za-z0-9_]*)\}|([A-Za-z_][A-Za-z0-9_]*))",
    )
    .expect("static regex")
});

/// `{{ name }}` placeholders in a text as written, with their byte offsets (to point at them).
pub fn placeholders(text: &str) -> Vec<(usize, String)> {
    PLACEHOLDER
        .captures_iter(text)
        .map(|c| (c.get(0).map_or(0, |m| m.start()), c[1].to_owned()))
        .collect()
}

impl Template {
    /// Text with placeholders only (expectation values, a curl line as shown): a `$` is text.
    pub fn placeholders_only(text: &str) -> Template {
        Template::parse_with(text, &PLACEHOLDER)
    }

    /// Text with placeholders and `$ENV` references (a word of a curl command).
    pub fn with_env(text: &str) -> Template {
        Template::parse_with(text, &PLACEHOLDER_OR_ENV)
    }

    fn parse_with(text: &str, pattern: &Regex) -> Template {
        let mut parts = Vec::new();
        let mut last = 0;
        for c in pattern.captures_iter(text) {
            let whole = c.get(0).map_or(0..0, |m| m.range());
            push_text(&mut parts, &text[last..whole.start]);
            let part = match (c.get(1), c.get(2).or_else(|| c.get(3))) {
                (Some(name), _) => Part::Placeholder(name.as_str().to_owned()),
                (None, Some(name)) => Part::Env(name.as_str().to_owned()),
                (None, None) => Part::Text(c[0].to_owned()),
            };
            parts.push(part);
            last = whole.end;
        }
        push_text(&mut parts, &text[last..]);
        Template { parts }
    }

    pub fn parts(&self) -> &[Part] {
        &self.parts
    }

    pub fn placeholder_names(&self) -> impl Iterator<Item = &str> {
        self.parts.iter().filter_map(|p| match p {
            Part::Placeholder(name) => Some(name.as_str()),
            _ => None,
        })
    }

    /// The `$NAME`s it reads from the environment, in order.
    pub fn env_names(&self) -> impl Iterator<Item = &str> {
        self.parts.iter().filter_map(|p| match p {
            Part::Env(name) => Some(name.as_str()),
            _ => None,
        })
    }

    pub fn has_env(&self) -> bool {
        self.parts.iter().any(|p| matches!(p, Part::Env(_)))
    }

    pub fn has_placeholders(&self) -> bool {
        self.placeholder_names().next().is_some()
    }

    pub fn starts_with_placeholder(&self) -> bool {
        matches!(self.parts.first(), Some(Part::Placeholder(_)))
    }

    /// Plain text with nothing to fill in.
    pub fn as_text(&self) -> Option<String> {
        let mut out = String::new();
        for part in &self.parts {
            match part {
                Part::Text(t) => out.push_str(t),
                _ => return None,
            }
        }
        Some(out)
    }

    /// Fills every part in. `env` sees each variable's name (the caller masks its value).
    pub fn fill(
        &self,
        placeholder: &dyn Fn(&str) -> Option<String>,
        env: &mut dyn FnMut(&str) -> Option<String>,
    ) -> Result<String, Missing> {
        let mut out = String::new();
        for part in &self.parts {
            match part {
                Part::Text(t) => out.push_str(t),
                Part::Placeholder(name) => out.push_str(
                    &placeholder(name).ok_or_else(|| Missing::Placeholder(name.clone()))?,
                ),
                Part::Env(name) => {
                    out.push_str(&env(name).ok_or_else(|| Missing::Env(name.clone()))?)
                }
            }
        }
        Ok(out)
    }

    /// Fills placeholders that have a value; the rest (and `$ENV`s) stay as written.
    pub fn show(&self, placeholder: &dyn Fn(&str) -> Option<String>) -> String {
        let mut out = String::new();
        for part in &self.parts {
            match part {
                Part::Text(t) => out.push_str(t),
                Part::Placeholder(name) => match placeholder(name) {
                    Some(value) => out.push_str(&value),
                    None => out.push_str(&format!("{{{{ {name} }}}}")),
                },
                Part::Env(name) => out.push_str(&format!("${{{name}}}")),
            }
        }
        out
    }
}

fn push_text(parts: &mut Vec<Part>, text: &str) {
    if !text.is_empty() {
        parts.push(Part::Text(text.replace(LITERAL_DOLLAR, "$")));
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn splits_placeholders_and_env() {
        let t = Template::with_env("Bearer $TOKEN for {{ target }}/x ${B}y \u{E000}HOME");
        assert_eq!(
            t.parts(),
            &[
                Part::Text("Bearer ".into()),
                Part::Env("TOKEN".into()),
                Part::Text(" for ".into()),
                Part::Placeholder("target".into()),
                Part::Text("/x ".into()),
                Part::Env("B".into()),
                Part::Text("y $HOME".into()),
            ]
        );
        let filled = t.fill(&|_| Some("http://a".into()), &mut |n| {
            Some(format!("<{n}>"))
        });
        assert_eq!(filled.unwrap(), "Bearer <TOKEN> for http://a/x <B>y $HOME");
        let missing = t.fill(&|_| None, &mut |_| Some(String::new()));
        assert_eq!(missing, Err(Missing::Placeholder("target".into())));
    }

    #[test]
    fn placeholders_only_keeps_dollars() {
        let t = Template::placeholders_only("$X {{request_id}}");
        assert_eq!(t.show(&|_| Some("ob-1".into())), "$X ob-1");
        assert!(!t.has_env());
    }
}
