//! Findings about the user's content: plain data that presenters render in many formats.

use std::path::PathBuf;

use crate::rule::Rule;
pub use crate::rule::Severity;
use crate::source::Pos;

/// One finding: a rule, a place, a message and, where we know one, what to do about it.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct Diagnostic {
    pub file: PathBuf,
    pub pos: Pos,
    pub rule: Rule,
    pub severity: Severity,
    pub message: String,
    pub help: Option<String>,
}

impl Diagnostic {
    /// A diagnostic at the rule's default severity; the lint pass applies configured levels.
    pub fn new(rule: Rule, file: impl Into<PathBuf>, pos: Pos, message: String) -> Self {
        let severity = rule.default_severity();
        Diagnostic {
            file: file.into(),
            pos,
            rule,
            severity,
            message,
            help: None,
        }
    }

    pub fn help(mut self, help: impl Into<String>) -> Self {
        self.help = Some(help.into());
        self
    }

    pub fn is_error(&self) -> bool {
        self.severity == Severity::Error
    }

    /// Sort key: file, then position, then rule, so output is deterministic.
    pub fn sort_key(&self) -> (PathBuf, Pos, Rule) {
        (self.file.clone(), self.pos, self.rule)
    }
}
