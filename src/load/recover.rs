//! Deserializing the tree into the model while collecting every structural problem: a value
//! of the wrong type is reported, its entry dropped, and the file read again.

use std::collections::HashSet;

use serde::de::DeserializeOwned;

use super::de::{Ctx, De};
use super::error::{Finding, Kind};
use super::tree::{self, Node};
use crate::source::Pos;

/// Rounds of drop-and-retry before giving up; a file with more broken values than this is
/// reported up to here.
const MAX_ROUNDS: usize = 32;

/// Findings in the order they were found, each once (a retry meets the same unknown fields).
#[derive(Default)]
struct Findings {
    list: Vec<Finding>,
    seen: HashSet<(Pos, String)>,
}

impl Findings {
    fn add(&mut self, finding: Finding) {
        if self.seen.insert((finding.pos, finding.message.clone())) {
            self.list.push(finding);
        }
    }
}

/// The value, if one could be built, and every finding met on the way.
pub fn deserialize<T: DeserializeOwned>(mut root: Node) -> (Option<T>, Vec<Finding>) {
    let mut findings = Findings::default();
    // (mapping, key) of each dropped entry: a required field missing only because we dropped
    // it was already reported as the wrong type.
    let mut dropped: Vec<(Pos, String)> = Vec::new();
    for _ in 0..MAX_ROUNDS {
        let ctx = Ctx::default();
        let result = T::deserialize(De::new(&root, &ctx));
        for finding in ctx.findings.into_inner() {
            findings.add(finding);
        }
        let error = match result {
            Ok(value) => return (Some(value), findings.list),
            Err(error) => error,
        };
        if let Kind::MissingField(field) = &error.kind {
            let map = error.pos.unwrap_or(Pos::UNKNOWN);
            // Missing only because a wrong-typed value was dropped: already reported.
            if !dropped.iter().any(|(m, f)| *m == map && f == field) {
                findings.add(error.finding());
            }
            // A failure mode, hypothesis or action that cannot be read is left out, so the
            // rest of the file is still linted; anything else stops here.
            if drop_item(&mut root, map, false) {
                continue;
            }
            break;
        }
        findings.add(error.finding());
        let entry = error.entry.filter(|_| error.is_recoverable());
        match entry.and_then(|key| drop_entry(&mut root, key)) {
            Some(was) => dropped.push(was),
            None => break,
        }
    }
    (None, findings.list)
}

/// Removes the list item (a mapping) that starts at `item`, unless the list is the runbook's
/// own `checks:`: failure modes refer to those by id, and leaving one out would turn every
/// reference to it into a false `unknown-check`.
fn drop_item(node: &mut Node, item: Pos, in_checks: bool) -> bool {
    match &mut node.kind {
        tree::Kind::Scalar { .. } => false,
        tree::Kind::Seq(items) => {
            if let Some(i) = items.iter().position(|n| n.pos == item) {
                if in_checks {
                    return false;
                }
                items.remove(i);
                return true;
            }
            items.iter_mut().any(|n| drop_item(n, item, false))
        }
        tree::Kind::Map(entries) => entries.iter_mut().any(|e| {
            let checks = e.key.scalar_text() == Some("checks");
            drop_item(&mut e.value, item, checks)
        }),
    }
}

/// Removes the mapping entry whose key is at `key`; returns the mapping's position and the key.
fn drop_entry(node: &mut Node, key: Pos) -> Option<(Pos, String)> {
    match &mut node.kind {
        tree::Kind::Scalar { .. } => None,
        tree::Kind::Seq(items) => items.iter_mut().find_map(|item| drop_entry(item, key)),
        tree::Kind::Map(entries) => {
            if let Some(i) = entries.iter().position(|e| e.key.pos == key) {
                let entry = entries.remove(i);
                let name = entry.key.scalar_text().unwrap_or_default().to_owned();
                return Some((node.pos, name));
            }
            entries
                .iter_mut()
                .find_map(|e| drop_entry(&mut e.value, key))
        }
    }
}

#[cfg(test)]
mod tests {
    use crate::load::parse_text;
    use crate::model::Runbook;
    use crate::rule::Rule;

    const HEAD: &str = "title: t\nservice: s\nowner: o\nlast_reviewed: 2026-11-01\n";

    fn rules(yaml: &str) -> (bool, Vec<(Rule, u32)>) {
        let (value, findings) = parse_text::<Runbook>(yaml);
        let found = findings.iter().map(|f| (f.rule, f.pos.line)).collect();
        (value.is_some(), found)
    }

    #[test]
    fn unknown_fields_and_wrong_types_leave_the_rest_loaded() {
        let yaml = format!("{HEAD}ownr: x\nreview_every_days: [1]\ntags: [a]\nsumary: s\n");
        let (loaded, found) = rules(&yaml);
        assert!(loaded);
        let expected = [
            (Rule::UnknownField, 5),
            (Rule::WrongType, 6),
            (Rule::UnknownField, 8),
        ];
        assert_eq!(found, expected);
    }

    #[test]
    fn a_dropped_required_field_is_reported_once() {
        let yaml = "title: [t]\nservice: s\nowner: o\nlast_reviewed: 2026-11-01\n";
        assert_eq!(rules(yaml), (false, vec![(Rule::WrongType, 1)]));
    }

    #[test]
    fn a_failure_mode_that_cannot_be_read_is_left_out_and_the_rest_loads() {
        let yaml = format!(
            "{HEAD}failure_modes:\n  - id: a\n    title: A\n    severity: sev9\n  \
             - id: b\n    severity: sev2\n  - id: c\n    title: C\n    severity: sev1\n"
        );
        let (value, findings) = parse_text::<Runbook>(&yaml);
        let found: Vec<(Rule, u32)> = findings.iter().map(|f| (f.rule, f.pos.line)).collect();
        assert_eq!(found, [(Rule::WrongType, 8), (Rule::MissingField, 9)]);
        let runbook = value.expect("the rest of the runbook loads");
        let ids: Vec<&str> = runbook
            .failure_modes
            .iter()
            .map(|f| f.id.value.as_str())
            .collect();
        assert_eq!(ids, ["c"]);
    }

    #[test]
    fn a_named_check_with_a_bad_field_keeps_its_id() {
        // Leaving the check out would make every reference to it a false `unknown-check`;
        // the field is dropped and the check, now without a command, is reported by compile.
        let yaml = format!("{HEAD}checks:\n  - id: x\n    curl: [a]\n");
        let (value, found) = rules(&yaml);
        assert!(value);
        assert_eq!(found, [(Rule::WrongType, 7)]);
    }

    #[test]
    fn a_missing_field_stops_the_file() {
        let (loaded, found) = rules("title: t\nservice: s\nlast_reviewed: 2026-11-01\n");
        assert!(!loaded);
        assert_eq!(found, [(Rule::MissingField, 1)]);
    }

    #[test]
    fn duplicate_keys_keep_the_first() {
        let yaml = format!("{HEAD}owner: other\n");
        let (value, findings) = parse_text::<Runbook>(&yaml);
        assert_eq!(value.map(|r| r.owner.value), Some("o".to_owned()));
        assert_eq!(findings[0].rule, Rule::DuplicateKey);
        assert_eq!((findings[0].pos.line, findings[0].pos.column), (5, 1));
    }
}
