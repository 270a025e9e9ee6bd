//! The JSON Schemas (draft-07) of opsbook's three file kinds, generated from the types the loader
//! uses (runbook, `opsbook.yaml`) or from the constants `incident lint` reads (a record's front
//! matter): for editors' YAML language servers, for `book/`, and for `.opsbook/` of a project.
//!
//! Each carries a stable `$id` under [`BASE_URL`], so a schema saved in a project, served from
//! a book or printed by `opsbook schema` is known as the same one.

use schemars::generate::SchemaSettings;
use serde_json::Value as Json;

use crate::model::{Config, Runbook};

/// Where the schemas are published; their `$id`s are this plus the file name. Bumped with the
/// runbook format's version, never reused for a different shape.
pub const BASE_URL: &str = "https://opsbook.dev/schema/v1/";

/// The folder of a project `opsbook init` and `opsbook schema --write` put the schemas in, so a
/// modeline can point at them before any build.
pub const PROJECT_DIR: &str = ".opsbook";

/// The file kinds that have a schema.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Kind {
    Runbook,
    Config,
    Incident,
}

impl Kind {
    pub const ALL: [Kind; 3] = [Kind::Runbook, Kind::Config, Kind::Incident];

    /// `runbook.schema.json`, `config.schema.json`, `incident.schema.json`: the name in
    /// `book/` and in `.opsbook/`.
    pub fn file_name(self) -> &'static str {
        match self {
            Kind::Runbook => "runbook.schema.json",
            Kind::Config => "config.schema.json",
            Kind::Incident => "incident.schema.json",
        }
    }

    /// The schema, with its `$id` and a title.
    pub fn schema(self) -> Json {
        let (mut schema, title) = match self {
            Kind::Runbook => (generated::<Runbook>(), "opsbook runbook"),
            Kind::Config => (generated::<Config>(), "opsbook.yaml"),
            Kind::Incident => (
                crate::incident::schema::front_matter_schema(),
                "opsbook incident record front matter",
            ),
        };
        if let Json::Object(map) = &mut schema {
            // `$schema` first, then `$id`: the order editors show.
            let mut ordered = serde_json::Map::new();
            ordered.insert(
                "$schema".into(),
                map.remove("$schema")
                    .unwrap_or_else(|| "http://json-schema.org/draft-07/schema#".into()),
            );
            ordered.insert(
                "$id".into(),
                format!("{BASE_URL}{}", self.file_name()).into(),
            );
            ordered.insert("title".into(), title.into());
            map.remove("title");
            ordered.extend(std::mem::take(map));
            *map = ordered;
        }
        schema
    }

    /// [`Kind::schema`] as the text written to files and printed, ending in a newline.
    /// Generated once per process: every build (and each of `serve`'s rebuilds) writes all three.
    pub fn json(self) -> &'static str {
        static TEXT: [std::sync::OnceLock<String>; 3] = [const { std::sync::OnceLock::new() }; 3];
        TEXT[self as usize].get_or_init(|| {
            let mut text = serde_json::to_string_pretty(&self.schema()).unwrap_or_default();
            text.push('\n');
            text
        })
    }
}

fn generated<T: schemars::JsonSchema>() -> Json {
    let schema = SchemaSettings::draft07()
        .into_generator()
        .into_root_schema_for::<T>();
    schema.to_value()
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn each_schema_has_its_own_stable_id() {
        for kind in Kind::ALL {
            let schema = kind.schema();
            assert_eq!(
                schema["$id"],
                format!("https://opsbook.dev/schema/v1/{}", kind.file_name())
            );
            assert_eq!(schema["$schema"], "http://json-schema.org/draft-07/schema#");
            assert!(schema["properties"].is_object(), "{kind:?}");
        }
    }
}
