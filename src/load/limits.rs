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

/// Aliases that copy more than `limit` nodes: the whole-file total does not count, so a big
/// runbook that uses an alias is not taken for a bomb.
pub fn alias_bomb(pos: Pos, limit: u64) -> Finding {
    exceeded(
        pos,
        format!(
            "its aliases repeat more than {} values (an alias bomb)",
            thousands(limit)
        ),
    )
}

/// `100000` as `100,000`: limits are read by people.
fn thousands(n: u64) -> String {
    let digits = n.to_string();
    let mut out = String::new();
    for (i, c) in digits.chars().enumerate() {
        if i > 0 && (digits.len() - i).is_multiple_of(3) {
            out.push(',');
        }
        out.push(c);
    }
    out
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

#[cfg(test)]
mod tests {
    use super::thousands;

    #[test]
    fn limits_are_written_with_thousands_separators() {
        assert_eq!(thousands(100_000), "100,000");
        assert_eq!(thousands(64), "64");
        assert_eq!(thousands(1_000), "1,000");
        assert_eq!(thousands(4_194_304), "4,194,304");
    }
}
