//! What can go wrong while turning a YAML tree into the model, and how each problem becomes a
//! finding with a rule, a place, a message and advice.

use std::fmt;

use serde::de::{self, Unexpected};

use crate::rule::Rule;
use crate::source::Pos;

/// A problem found while loading, before it is tied to a file.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct Finding {
    pub rule: Rule,
    pub pos: Pos,
    pub message: String,
    pub help: String,
}

impl Finding {
    pub fn new(rule: Rule, pos: Pos, message: String, help: impl Into<String>) -> Self {
        Finding {
            rule,
            pos,
            message,
            help: help.into(),
        }
    }

    /// A key the struct does not have, with the closest known field as a suggestion.
    pub fn unknown_field(pos: Pos, field: &str, expected: &[&str]) -> Self {
        let message = match crate::suggest::did_you_mean(field, expected.iter().copied()) {
            Some(close) => format!("unknown field `{field}` (did you mean `{close}`?)"),
            None => format!("unknown field `{field}`"),
        };
        let help = if expected.is_empty() {
            "remove the field; `opsbook schema` lists every field".to_owned()
        } else {
            let known: Vec<String> = expected.iter().map(|f| format!("`{f}`")).collect();
            format!(
                "remove the field or fix its spelling; the fields here are {}",
                known.join(", ")
            )
        };
        Finding::new(Rule::UnknownField, pos, message, help)
    }
}

/// Kinds of errors the deserializer raises; they decide the rule and whether loading can go on.
#[derive(Clone, Debug, PartialEq, Eq)]
pub enum Kind {
    /// A value of the wrong type or an unknown variant: the entry holding it can be dropped.
    WrongType,
    /// A key a struct rejects (only through serde's own buffering, e.g. an inline check).
    UnknownField(Finding),
    /// A required field is absent: the value cannot be built.
    MissingField(String),
}

/// The deserializer's error: a kind, a message, and the place, filled in by the innermost node
/// the error passes through.
#[derive(Clone, Debug)]
pub struct Error {
    pub kind: Kind,
    pub message: String,
    /// The node the error belongs to.
    pub pos: Option<Pos>,
    /// The key of the innermost mapping entry holding that node: the entry to drop to recover.
    pub entry: Option<Pos>,
}

impl Error {
    fn new(kind: Kind, message: String) -> Self {
        Error {
            kind,
            message,
            pos: None,
            entry: None,
        }
    }

    /// Sets the position unless an inner node already did.
    pub fn at(mut self, pos: Pos) -> Self {
        self.pos.get_or_insert(pos);
        self
    }

    /// Sets the mapping entry unless an inner entry already did.
    pub fn in_entry(mut self, key: Pos) -> Self {
        self.entry.get_or_insert(key);
        self
    }

    /// Whether dropping the entry holding the node lets loading go on.
    pub fn is_recoverable(&self) -> bool {
        matches!(self.kind, Kind::WrongType | Kind::UnknownField(_))
    }

    pub fn finding(&self) -> Finding {
        let pos = self.pos.unwrap_or(Pos::new(1, 1));
        match &self.kind {
            Kind::UnknownField(finding) => Finding {
                pos,
                ..finding.clone()
            },
            Kind::MissingField(_) => Finding::new(
                Rule::MissingField,
                pos,
                self.message.clone(),
                "add the field; `opsbook schema` shows which fields are required",
            ),
            Kind::WrongType => Finding::new(
                Rule::WrongType,
                pos,
                self.message.clone(),
                "check the value against the schema (`opsbook schema`); quote text that YAML reads as a number or boolean",
            ),
        }
    }
}

impl fmt::Display for Error {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match self.pos {
            Some(pos) => write!(f, "{}:{}: {}", pos.line, pos.column, self.message),
            None => f.write_str(&self.message),
        }
    }
}

impl std::error::Error for Error {}

impl serde::de::Error for Error {
    fn custom<M: fmt::Display>(message: M) -> Self {
        // Serde's untagged enums and hand-written visitors end up here: a value of the wrong shape.
        let message = message.to_string();
        let message = if message.starts_with("data did not match any variant") {
            "the value does not fit any of the forms this field takes".to_owned()
        } else {
            lowercase_first(message)
        };
        Error::new(Kind::WrongType, message)
    }

    fn invalid_type(unexpected: Unexpected, expected: &dyn de::Expected) -> Self {
        wrong(&unexpected, expected)
    }

    fn invalid_value(unexpected: Unexpected, expected: &dyn de::Expected) -> Self {
        wrong(&unexpected, expected)
    }

    fn missing_field(field: &'static str) -> Self {
        Error::new(
            Kind::MissingField(field.to_owned()),
            format!("missing field `{field}`"),
        )
    }

    fn unknown_field(field: &str, expected: &'static [&'static str]) -> Self {
        let finding = Finding::unknown_field(Pos::UNKNOWN, field, expected);
        let message = finding.message.clone();
        Error::new(Kind::UnknownField(finding), message)
    }

    fn unknown_variant(variant: &str, expected: &'static [&'static str]) -> Self {
        let known: Vec<String> = expected.iter().map(|v| format!("`{v}`")).collect();
        let message = match crate::suggest::did_you_mean(variant, expected.iter().copied()) {
            Some(close) => format!("unknown value `{variant}` (did you mean `{close}`?)"),
            None => format!(
                "unknown value `{variant}`, expected one of {}",
                known.join(", ")
            ),
        };
        Error::new(Kind::WrongType, message)
    }
}

fn wrong(unexpected: &Unexpected, expected: &dyn de::Expected) -> Error {
    let expected = expected.to_string();
    let message = format!(
        "expected {}, found {}",
        wanted(&expected),
        found(unexpected)
    );
    Error::new(Kind::WrongType, message)
}

/// What was expected, in the user's terms rather than Rust's type names.
fn wanted(expected: &str) -> &str {
    match expected {
        "u8" | "u16" | "u32" | "u64" | "u128" => "a whole number (0 or more)",
        "i8" | "i16" | "i32" | "i64" | "i128" => "a whole number",
        "f32" | "f64" => "a number",
        _ if expected.starts_with("struct ") => "a mapping",
        _ => expected,
    }
}

/// What was written, in the user's terms rather than serde's.
fn found(unexpected: &Unexpected) -> String {
    match unexpected {
        Unexpected::Unit | Unexpected::Option => "an empty value".into(),
        Unexpected::Seq => "a list".into(),
        Unexpected::Map => "a mapping".into(),
        Unexpected::Str(s) => format!("the text `{s}`"),
        Unexpected::Bool(b) => format!("`{b}`"),
        Unexpected::Unsigned(n) => format!("the number `{n}`"),
        Unexpected::Signed(n) => format!("the number `{n}`"),
        Unexpected::Float(f) => format!("the number `{f}`"),
        other => other.to_string(),
    }
}

fn lowercase_first(mut message: String) -> String {
    if let Some(first) = message.get(..1) {
        let lower = first.to_lowercase();
        message.replace_range(..1, &lower);
    }
    message
}
