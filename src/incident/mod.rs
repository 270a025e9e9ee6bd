//! Incident records: the skeleton generated from a runbook, parsing a filled-in record, and the
//! completeness lint that CI runs over `incidents/`.

pub mod body;
pub mod exact;
pub mod fields;
pub mod front_ids;
pub mod lint;
pub mod list;
pub mod parse;
pub mod record;
pub mod schema;
pub mod skeleton;
pub mod workbook;

/// What an unanswered section holds. It never counts as an answer.
pub const PLACEHOLDER: &str = "_Not answered yet._";
