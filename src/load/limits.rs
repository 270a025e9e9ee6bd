//! The findings for a document that breaks the loader's limits: nesting and alias bombs and
//! extra documents are refused at their exact position, whatever the field they sit in.

use super::error::Finding;
use crate::rule::Rule;
use crate::source::Pos;

/// Nesting, alias expansion or size past a limit.
pub fn exceeded(pos: Pos, what: String) -> Finding {
    Finding::new(
        Rule::YamlLimit,
        pos,
        format!("the document exceeds the loader's limits: {what}"),
        "runbooks never need this; write the values out (this limit stops alias and nesting bombs)",
    )
}

pub fn second_document(pos: Pos) -> Finding {
    Finding::new(
        Rule::InvalidYaml,
        pos,
        "the file holds more than one YAML document".into(),
        "a runbook file holds one document: remove the `---` and what follows, or move it to its own file",
    )
}

/// A file with nothing but blank lines and comments.
pub fn no_document() -> Finding {
    Finding::new(
        Rule::InvalidYaml,
        Pos::new(1, 1),
        "the file holds no YAML document".into(),
        "write the runbook's fields (`opsbook init` shows an example), or delete the file",
    )
}
