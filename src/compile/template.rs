//! Text with `{{ placeholders }}` and, in curl lines, `$ENV` references: split into parts once,
//! when a runbook is compiled, and filled in when a check runs or a page shows it.
//!
//! A `$` that a shell would not expand (inside single quotes, or escaped `\$`) arrives here as
//! [`LITERAL_DOLLAR`] from the curl parser, so it stays text: what `check` sends is what the
//! command copied from the page sends.

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

/// `{{ name }}` placeholders in a text as written, with their byte offsets (to point at them).
pub fn placeholders(text: &str) -> Vec<(usize, String)> {
    let mut found = Vec::new();
    let mut from = 0;
    while let Some((range, Found::Placeholder(name))) = next_match(text, from, false) {
        found.push((range.start, name.to_owned()));
        from = range.end;
    }
    found
}

/// What [`next_match`] finds: `{{ name }}`, or `$NAME` / `${NAME}`.
enum Found<'a> {
    Placeholder(&'a str),
    Env(&'a str),
}

/// The first `{{ name }}` at or after byte `from` (whitespace inside the braces allowed, the
/// name of letters, digits, `_`, `.` and `-`), or with `env` also the first `$NAME` or
/// `${NAME}` (a letter or `_`, then letters, digits and `_`), and the bytes it covers. A scan,
/// not a regex: texts are scanned for these wherever a runbook is compiled or a page shows
/// code, and a regex's captures were most of that.
fn next_match(text: &str, from: usize, env: bool) -> Option<(std::ops::Range<usize>, Found<'_>)> {
    let bytes = text.as_bytes();
    let mut at = from;
    while let Some(skip) = bytes
        .get(at..)?
        .iter()
        .position(|&b| b == b'{' || (env && b == b'$'))
    {
        at += skip;
        let found = if bytes[at] == b'{' {
            placeholder_at(text, at)
        } else {
            env_at(text, at)
        };
        if found.is_some() {
            return found;
        }
        // Both are ASCII: the next byte starts a character.
        at += 1;
    }
    None
}

/// `{{ name }}` starting at `at`.
fn placeholder_at(text: &str, at: usize) -> Option<(std::ops::Range<usize>, Found<'_>)> {
    let rest = text.get(at..)?.strip_prefix("{{")?;
    let inner = rest.trim_start();
    let name_len = inner
        .bytes()
        .take_while(|b| b.is_ascii_alphanumeric() || matches!(b, b'_' | b'.' | b'-'))
        .count();
    let (name, after) = inner.split_at(name_len);
    let after = after.trim_start().strip_prefix("}}")?;
    Some((at..text.len() - after.len(), Found::Placeholder(name)))
}

/// `$NAME` or `${NAME}` starting at `at`.
fn env_at(text: &str, at: usize) -> Option<(std::ops::Range<usize>, Found<'_>)> {
    let rest = text.get(at + 1..)?;
    let (braced, name_from) = match rest.strip_prefix('{') {
        Some(inner) => (true, inner),
        None => (false, rest),
    };
    let first = name_from.bytes().next()?;
    if !(first.is_ascii_alphabetic() || first == b'_') {
        return None;
    }
    let len = name_from
        .bytes()
        .take_while(|b| b.is_ascii_alphanumeric() || *b == b'_')
        .count();
    let name = &name_from[..len];
    let end = text.len() - name_from.len() + len;
    if !braced {
        return Some((at..end, Found::Env(name)));
    }
    text[end..]
        .starts_with('}')
        .then(|| (at..end + 1, Found::Env(name)))
}

impl Template {
    /// Text with placeholders only (expectation values, a curl line as shown): a `$` is text.
    pub fn placeholders_only(text: &str) -> Template {
        Template::parse_with(text, false)
    }

    /// Text with placeholders and `$ENV` references (a word of a curl command).
    pub fn with_env(text: &str) -> Template {
        Template::parse_with(text, true)
    }

    fn parse_with(text: &str, env: bool) -> Template {
        let mut parts = Vec::new();
        let mut last = 0;
        while let Some((range, found)) = next_match(text, last, env) {
            push_text(&mut parts, &text[last..range.start]);
            parts.push(match found {
                Found::Placeholder(name) => Part::Placeholder(name.to_owned()),
                Found::Env(name) => Part::Env(name.to_owned()),
            });
            last = range.end;
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

    /// The scan finds what the regexes it replaced found, on texts made of the characters that
    /// matter (braces, `$`, names, ASCII and other whitespace, the literal-dollar marker).
    #[test]
    fn the_scan_matches_the_regexes_it_replaced() {
        use regex::Regex;
        let placeholder = Regex::new(r"\{\{\s*([A-Za-z0-9_.-]*)\s*\}\}").expect("regex");
        let either = Regex::new(
            r"\{\{\s*([A-Za-z0-9_.-]*)\s*\}\}|\$(?:\{([A-Za-z_][A-Za-z0-9_]*)\}|([A-Za-z_][A-Za-z0-9_]*))",
        )
        .expect("regex");
        let alphabet: Vec<char> = "{{}}$$ \u{a0}\u{85}\u{3000}\tax_Z9.-é\u{E000}"
            .chars()
            .collect();
        let mut seed: u64 = 0x9e37_79b9_7f4a_7c15;
        let mut next = move || {
            seed = seed
                .wrapping_mul(6_364_136_223_846_793_005)
                .wrapping_add(1_442_695_040_888_963_407);
            (seed >> 33) as usize
        };
        for _ in 0..50_000 {
            let len = next() % 16;
            let text: String = (0..len)
                .map(|_| alphabet[next() % alphabet.len()])
                .collect();
            let expected: Vec<(usize, String)> = placeholder
                .captures_iter(&text)
                .map(|c| (c.get(0).unwrap().start(), c[1].to_owned()))
                .collect();
            assert_eq!(placeholders(&text), expected, "{text:?}");
            let mut parts = Vec::new();
            let mut last = 0;
            for c in either.captures_iter(&text) {
                let whole = c.get(0).unwrap().range();
                push_text(&mut parts, &text[last..whole.start]);
                parts.push(match (c.get(1), c.get(2).or_else(|| c.get(3))) {
                    (Some(name), _) => Part::Placeholder(name.as_str().to_owned()),
                    (None, Some(name)) => Part::Env(name.as_str().to_owned()),
                    (None, None) => unreachable!(),
                });
                last = whole.end;
            }
            push_text(&mut parts, &text[last..]);
            assert_eq!(Template::with_env(&text).parts(), parts, "{text:?}");
        }
    }

    #[test]
    fn placeholders_only_keeps_dollars() {
        let t = Template::placeholders_only("$X {{request_id}}");
        assert_eq!(t.show(&|_| Some("ob-1".into())), "$X ob-1");
        assert!(!t.has_env());
    }
}
