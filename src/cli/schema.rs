//! `opsbook schema`: the JSON Schema of a runbook file, from the same types the loader uses.

use super::output::say;
use super::{CliResult, Outcome};

pub fn run() -> CliResult {
    say(opsbook::schema::runbook_schema_json())?;
    Ok(Outcome::Ok)
}
