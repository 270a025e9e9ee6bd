//! The fields a person fills in (on the command line, or in the site's incident form), the
//! filters `incident.md` may apply to them, and the sentinels that stand for them when the
//! template is rendered once for the form.
//!
//! The form cannot run minijinja, so the build renders the template with a sentinel in place of
//! every field (`\u{E000}title|yaml_string\u{E001}`: the field, then the filters applied to it)
//! and the browser replaces each sentinel with the person's value passed through the same
//! filters. `templates/incident.js` holds the JavaScript twin of [`FILTERS`] and [`fill`].

use std::collections::BTreeMap;

use serde_json::Value as Json;

/// Opens and closes a sentinel: private-use characters no runbook or person writes.
pub const OPEN: char = '\u{E000}';
pub const CLOSE: char = '\u{E001}';

/// The single-valued fields, by the name the template sees.
pub const SCALARS: [&str; 11] = [
    "title",
    "severity",
    "started_at",
    "status",
    "commander",
    "detected_at",
    "mitigated_at",
    "resolved_at",
    "request_ids",
    "summary",
    "impact",
];

/// The lists of rows a person adds (the template loops over them), and each row's fields.
pub const ROWS: [(&str, &[&str]); 2] = [
    ("events", &["time", "event"]),
    ("items", &["item", "owner", "due", "status"]),
];

/// A filter the template may apply to a field, and whether it can be applied piece by piece to
/// text that joins the field with other text (`("Incident started: " ~ title) | cell`).
pub struct Filter {
    pub name: &'static str,
    pub apply: fn(&str) -> String,
    piecewise: bool,
}

/// Every filter of `incident.md`; `incident.js` has the same table.
pub const FILTERS: [Filter; 5] = [
    // A double-quoted JSON string is a valid YAML scalar whatever the text holds.
    Filter {
        name: "yaml_string",
        apply: json_string,
        piecewise: false,
    },
    // A table cell: a `|` or a line break must not break the table.
    Filter {
        name: "cell",
        apply: cell,
        piecewise: true,
    },
    // `key:{{ v | yaml_optional }}`: `key:` alone while the value is empty.
    Filter {
        name: "yaml_optional",
        apply: yaml_optional,
        piecewise: false,
    },
    Filter {
        name: "yaml_optional_string",
        apply: yaml_optional_string,
        piecewise: false,
    },
    // `a, b` (as typed in the form) → `["a", "b"]`.
    Filter {
        name: "yaml_list",
        apply: yaml_list,
        piecewise: false,
    },
];

fn json_string(s: &str) -> String {
    serde_json::to_string(s).unwrap_or_default()
}

/// A Markdown table cell: a `|` or a line break must not break the table (the template's `cell`
/// filter, and the timeline rows `check --record` adds).
pub fn cell(s: &str) -> String {
    s.replace('|', "\\|").replace(['\r', '\n'], " ")
}

fn yaml_optional(s: &str) -> String {
    if s.is_empty() {
        String::new()
    } else {
        format!(" {s}")
    }
}

fn yaml_optional_string(s: &str) -> String {
    if s.is_empty() {
        String::new()
    } else {
        format!(" {}", json_string(s))
    }
}

fn yaml_list(s: &str) -> String {
    let ids: Vec<String> = s
        .split(',')
        .map(str::trim)
        .filter(|id| !id.is_empty())
        .map(json_string)
        .collect();
    format!("[{}]", ids.join(", "))
}

/// Adds every filter to `env`, each aware of sentinels.
pub fn add_filters(env: &mut minijinja::Environment<'_>) {
    for filter in &FILTERS {
        env.add_filter(filter.name, move |s: String| apply_filter(filter, &s));
    }
}

/// A piece of rendered text: as written, or a sentinel's inside (`title|yaml_string`).
#[derive(Debug, PartialEq)]
pub enum Part<'a> {
    Text(&'a str),
    Field(&'a str),
}

/// Splits `text` at its sentinels. An unclosed sentinel stays text.
pub fn parts(mut text: &str) -> Vec<Part<'_>> {
    let mut out = Vec::new();
    while let Some(start) = text.find(OPEN) {
        let inner = &text[start + OPEN.len_utf8()..];
        let Some(end) = inner.find(CLOSE) else { break };
        if start > 0 {
            out.push(Part::Text(&text[..start]));
        }
        out.push(Part::Field(&inner[..end]));
        text = &inner[end + CLOSE.len_utf8()..];
    }
    if !text.is_empty() {
        out.push(Part::Text(text));
    }
    out
}

pub fn sentinel(inner: &str) -> String {
    format!("{OPEN}{inner}{CLOSE}")
}

/// A real value goes through the filter; a sentinel gets the filter's name added to its chain.
fn apply_filter(filter: &Filter, s: &str) -> Result<String, minijinja::Error> {
    let parts = parts(s);
    if !parts.iter().any(|p| matches!(p, Part::Field(_))) {
        return Ok((filter.apply)(s));
    }
    if let [Part::Field(inner)] = parts.as_slice() {
        return Ok(sentinel(&format!("{inner}|{}", filter.name)));
    }
    if !filter.piecewise {
        let field = parts.iter().find_map(|p| match p {
            Part::Field(inner) => inner.split('|').next(),
            Part::Text(_) => None,
        });
        let field = field.unwrap_or_default();
        return Err(minijinja::Error::new(
            minijinja::ErrorKind::InvalidOperation,
            format!(
                "the incident form cannot reproduce `{}` applied to the form field `{field}` joined with other text; apply `{}` to `{field}` alone",
                filter.name, filter.name
            ),
        ));
    }
    Ok(parts
        .iter()
        .map(|p| match p {
            Part::Text(t) => (filter.apply)(t),
            Part::Field(inner) => sentinel(&format!("{inner}|{}", filter.name)),
        })
        .collect())
}

/// What a person entered: every field by its flat name (`title`, `hypotheses.0.checkbox`,
/// `answers.2`), and the rows of each list of [`ROWS`] (a row maps `events.time` to a value).
#[derive(Clone, Debug, Default)]
pub struct Entries {
    pub values: BTreeMap<String, String>,
    pub rows: BTreeMap<&'static str, Vec<BTreeMap<String, String>>>,
}

impl Entries {
    /// Every field of a record whose view is `view`, valued by `value(name)`, with `rows` rows
    /// in each list valued the same way (by `events.time`, …).
    pub fn with(view: &Json, rows: usize, value: impl Fn(&str) -> String) -> Entries {
        let values = names(view).into_iter().map(|n| {
            let v = value(&n);
            (n, v)
        });
        let lists = ROWS.iter().map(|(list, fields)| {
            let row = || {
                fields
                    .iter()
                    .map(|f| format!("{list}.{f}"))
                    .map(|n| {
                        let v = value(&n);
                        (n, v)
                    })
                    .collect()
            };
            (*list, (0..rows).map(|_| row()).collect())
        });
        Entries {
            values: values.collect(),
            rows: lists.collect(),
        }
    }

    /// The fields as sentinels, for the form's rendering.
    pub fn sentinels(view: &Json, rows: usize) -> Entries {
        Entries::with(view, rows, sentinel)
    }

    /// The same fields with no rows in any list.
    pub fn without_rows(&self) -> Entries {
        Entries {
            values: self.values.clone(),
            rows: self.rows.keys().map(|list| (*list, Vec::new())).collect(),
        }
    }

    /// Sets every field into the template's view: scalars at the top, `hypotheses.0.checkbox`
    /// inside the first hypothesis, `answers` as a new list, rows as lists of objects.
    pub fn apply_to(&self, view: &mut Json) {
        for (name, value) in &self.values {
            set_path(view, name, Json::String(value.clone()));
        }
        for (list, rows) in &self.rows {
            set_path(view, list, rows_json(rows));
        }
    }

    /// The list `list` as the template sees it (empty when it has no rows).
    pub fn list_json(&self, list: &str) -> Json {
        self.rows
            .get(list)
            .map_or_else(|| Json::Array(Vec::new()), |rows| rows_json(rows))
    }
}

/// The flat names of every field of a record, given the view (for the number of hypotheses,
/// actions and questions).
pub fn names(view: &Json) -> Vec<String> {
    let count = |key: &str| view.get(key).and_then(Json::as_array).map_or(0, Vec::len);
    let mut out: Vec<String> = SCALARS.iter().map(|s| (*s).to_owned()).collect();
    for i in 0..count("hypotheses") {
        out.push(format!("hypotheses.{i}.checkbox"));
        out.push(format!("hypotheses.{i}.strike"));
    }
    for i in 0..count("actions") {
        out.push(format!("actions.{i}.taken_at"));
        out.push(format!("actions.{i}.result"));
    }
    out.extend((0..count("questions")).map(|i| format!("answers.{i}")));
    out
}

/// Sets `a.0.b` in `root`, creating objects and lists on the way.
/// Rows as a list of objects keyed by field (`events.time` → `time`).
fn rows_json(rows: &[BTreeMap<String, String>]) -> Json {
    let rows = rows.iter().map(|row| {
        let fields = row.iter().map(|(name, v)| {
            let field = name.rsplit('.').next().unwrap_or(name);
            (field.to_owned(), Json::String(v.clone()))
        });
        Json::Object(fields.collect())
    });
    Json::Array(rows.collect())
}

fn set_path(root: &mut Json, path: &str, value: Json) {
    let mut node = root;
    for key in path.split('.') {
        node = match key.parse::<usize>() {
            Ok(i) => {
                if !node.is_array() {
                    *node = Json::Array(Vec::new());
                }
                let Some(list) = node.as_array_mut() else {
                    return;
                };
                if list.len() <= i {
                    list.resize(i + 1, Json::Object(serde_json::Map::new()));
                }
                &mut list[i]
            }
            Err(_) => {
                if !node.is_object() {
                    *node = Json::Object(serde_json::Map::new());
                }
                let Some(object) = node.as_object_mut() else {
                    return;
                };
                // Looked up first: `entry` would allocate the key even where it exists.
                if !object.contains_key(key) {
                    object.insert(key.to_owned(), Json::Null);
                }
                let Some(child) = object.get_mut(key) else {
                    return;
                };
                child
            }
        };
    }
    *node = value;
}

/// Replaces every sentinel of `text` with its field's value passed through its filters: what
/// `incident.js` does in the browser, here only to prove at build time that it is exact.
pub fn fill(text: &str, values: &BTreeMap<String, String>) -> Result<String, String> {
    let mut out = String::with_capacity(text.len());
    for part in parts(text) {
        match part {
            Part::Text(t) => out.push_str(t),
            Part::Field(inner) => out.push_str(&fill_one(inner, values)?),
        }
    }
    Ok(out)
}

fn fill_one(inner: &str, values: &BTreeMap<String, String>) -> Result<String, String> {
    let mut chain = inner.split('|');
    let name = chain.next().unwrap_or_default();
    let mut value = values
        .get(name)
        .cloned()
        .ok_or_else(|| format!("a form field came out as `{name}`"))?;
    for filter in chain {
        let filter = FILTERS
            .iter()
            .find(|f| f.name == filter)
            .ok_or_else(|| format!("unknown filter `{filter}`"))?;
        value = (filter.apply)(&value);
    }
    Ok(value)
}

#[cfg(test)]
mod tests {
    use super::*;

    fn render(template: &str, title: &str) -> String {
        let mut env = minijinja::Environment::new();
        add_filters(&mut env);
        env.render_str(template, minijinja::context! { title => title })
            .expect("renders")
    }

    #[test]
    fn filters_tag_sentinels_with_their_chain() {
        let s = sentinel("title");
        assert_eq!(
            render("{{ title | yaml_string | cell }}", &s),
            sentinel("title|yaml_string|cell")
        );
        assert_eq!(
            render("{{ ('Started: ' ~ title) | cell }}", &s),
            format!("Started: {}", sentinel("title|cell"))
        );
        let mut env = minijinja::Environment::new();
        add_filters(&mut env);
        let err = env
            .render_str(
                "{{ ('a' ~ title) | yaml_string }}",
                minijinja::context! { title => s },
            )
            .expect_err("not reproducible");
        assert!(
            err.to_string()
                .contains("apply `yaml_string` to `title` alone")
        );
    }

    #[test]
    fn filling_a_sentinel_rendering_equals_rendering_the_value() {
        let template = "t: {{ title | yaml_string }} | {{ ('x|' ~ title) | cell }} {{ title }}";
        let hostile = "a \"b\" | c \\ d\r\ne ünï ✓";
        let values = BTreeMap::from([("title".to_owned(), hostile.to_owned())]);
        let filled = fill(&render(template, &sentinel("title")), &values).expect("fills");
        assert_eq!(filled, render(template, hostile));
    }

    #[test]
    fn filters_match_the_record_format() {
        assert_eq!(cell("a|b\r\nc"), "a\\|b  c");
        assert_eq!(yaml_list(" a, ,b "), "[\"a\", \"b\"]");
        assert_eq!(yaml_list(""), "[]");
        assert_eq!(yaml_optional(""), "");
        assert_eq!(yaml_optional_string("dana"), " \"dana\"");
    }

    #[test]
    fn an_unknown_field_is_reported() {
        let err = fill(&sentinel("TITLE"), &BTreeMap::new()).expect_err("unknown");
        assert!(err.contains("`TITLE`"), "{err}");
    }
}
