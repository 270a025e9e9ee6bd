//! The JSON Schema (draft-07) of a runbook file, generated from the model types, for editors'
//! YAML language servers and for `book/runbook.schema.json`.

use schemars::generate::SchemaSettings;

use crate::model::Runbook;

pub fn runbook_schema() -> schemars::Schema {
    SchemaSettings::draft07()
        .into_generator()
        .into_root_schema_for::<Runbook>()
}

pub fn runbook_schema_json() -> String {
    serde_json::to_string_pretty(&runbook_schema()).unwrap_or_default()
}
