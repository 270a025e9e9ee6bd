//! `opsbook schema`: the JSON Schema of a runbook file, from the same types the loader uses.

use super::{CliResult, Outcome};

pub fn run() -> CliResult {
    println!("{}", opsbook::schema::runbook_schema_json());
    Ok(Outcome::Ok)
}
