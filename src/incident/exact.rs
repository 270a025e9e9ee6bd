//! The record's text for the site's incident form, and the build-time proof that the form writes
//! exactly what `incident.md` renders.
//!
//! The template is rendered with a sentinel for every field a person fills in; the lists a
//! person adds rows to (`events`, `items`) are found by rendering once more with one row and
//! taking the block that row added. The result is checked against real renders with awkward
//! values (quotes, `|`, line breaks, `\`, non-ASCII, empty text), so a template that does
//! something the form cannot repeat fails the build instead of producing a different record.

use std::collections::BTreeMap;

use minijinja::value::merge_maps;
use serde::Serialize;
use serde_json::Value as Json;

use super::fields::{CLOSE, Entries, OPEN, ROWS, fill, names};
use super::skeleton::{Skeleton, context, end_line};

/// A piece of the form's text: as rendered, or a block repeated once per row of a list.
#[derive(Clone, Debug, PartialEq, Serialize)]
#[serde(untagged)]
pub enum Piece {
    Text(String),
    Each { each: &'static str, md: String },
}

/// The record as the form fills it in, proven exact. `view` is the template's view of one
/// failure mode.
/// `key` (`runbook#failure-mode`) names it in messages.
pub fn form_text(skeleton: &Skeleton, view: &Json, key: &str) -> Result<Vec<Piece>, String> {
    if holds_marker(view) {
        return Err(format!(
            "runbook `{key}`: its text holds U+E000 or U+E001, private-use characters the incident form uses as markers; remove them"
        ));
    }
    let one_row = Entries::sentinels(view, 1);
    let base_entries = one_row.without_rows();
    let base_context = context(view.clone(), &base_entries);
    if let Some(known) = skeleton.row_blocks.get() {
        let both = with_rows(skeleton, &base_context, &one_row)?;
        if let Some(pieces) = known_blocks(&both, known) {
            return Ok(pieces);
        }
    }
    let base = skeleton.render_context(base_context.clone())?;
    let mut blocks = match blocks_at_once(skeleton, &base_context, &base, &one_row)? {
        Some(blocks) => blocks,
        None => blocks_one_by_one(skeleton, view, &base, &base_entries, &one_row, key)?,
    };
    blocks.sort_by_key(|(at, ..)| *at);
    if skeleton.builtin && blocks.len() == ROWS.len() {
        let known = blocks.iter().map(|(_, list, block)| (*list, block.clone()));
        let _ = skeleton.row_blocks.set(known.collect());
    }
    let pieces = split(&base, blocks);
    if !skeleton.builtin {
        prove(skeleton, view, &pieces, key)?;
    }
    Ok(pieces)
}

/// The form text from one render with a row in every list, `both`, for the built-in template
/// whose row blocks are `known` (found for an earlier failure mode): a block holds only its
/// row's sentinels and the template's own text, never the runbook's, so it is the same for
/// every failure mode, and taking each out of `both` leaves the render without rows. This
/// saves one of the two renders per failure mode (8 % of a build). `None` when a block
/// is not in `both` exactly once, in order: then the caller finds the blocks again.
fn known_blocks(both: &str, known: &[(&'static str, String)]) -> Option<Vec<Piece>> {
    let mut base = String::with_capacity(both.len());
    let mut blocks = Vec::with_capacity(known.len());
    let mut from = 0;
    for (list, block) in known {
        let mut found = both.match_indices(block.as_str());
        let (Some((at, _)), None) = (found.next(), found.next()) else {
            return None;
        };
        if at < from {
            return None;
        }
        base.push_str(&both[from..at]);
        blocks.push((base.len(), *list, block.clone()));
        from = at + block.len();
    }
    base.push_str(&both[from..]);
    Some(split(&base, blocks))
}

/// The template's output with one row in every list, laid over `base_context` (the lists are
/// top-level keys, so the base's context is not converted again).
fn with_rows(
    skeleton: &Skeleton,
    base_context: &minijinja::Value,
    one_row: &Entries,
) -> Result<String, String> {
    let lists: BTreeMap<&str, minijinja::Value> = ROWS
        .iter()
        .map(|(list, _)| {
            (
                *list,
                minijinja::Value::from(minijinja::value::Serde(one_row.list_json(list))),
            )
        })
        .collect();
    let with_rows = merge_maps([base_context.clone(), minijinja::Value::from(lists)]);
    skeleton.render_context(with_rows)
}

/// Whether any string of the view (a key or a value) holds a marker character.
fn holds_marker(view: &Json) -> bool {
    match view {
        Json::String(s) => s.contains([OPEN, CLOSE]),
        Json::Array(items) => items.iter().any(holds_marker),
        Json::Object(map) => map
            .iter()
            .any(|(k, v)| k.contains([OPEN, CLOSE]) || holds_marker(v)),
        _ => false,
    }
}

type Block = (usize, &'static str, String);

/// Each list's block, from one render with a row in every list: `base` with two blocks
/// inserted, told apart by their sentinels. A third of a build's rendering was these renders,
/// so this saves one per failure mode; `None` when the split is not beyond doubt (blocks side
/// by side, a list without a loop, a block that names both lists), and the caller renders each
/// list on its own.
fn blocks_at_once(
    skeleton: &Skeleton,
    base_context: &minijinja::Value,
    base: &str,
    one_row: &Entries,
) -> Result<Option<Vec<Block>>, String> {
    let [(first, _), (second, _)] = ROWS;
    let both = with_rows(skeleton, base_context, one_row)?;
    let Some((at, end, middle)) = changed_span(base, &both) else {
        return Ok(None);
    };
    let kept = &base[at..end];
    let mut fits = middle.match_indices(kept).filter(|(k, _)| *k > 0);
    let (Some((k, _)), None) = (fits.next(), fits.next()) else {
        return Ok(None);
    };
    let (x, y) = (&middle[..k], &middle[k + kept.len()..]);
    if kept.is_empty() || y.is_empty() {
        return Ok(None);
    }
    let names = |block: &str, list: &str| block.contains(&format!("{OPEN}{list}."));
    let lists = (
        names(x, first),
        names(x, second),
        names(y, first),
        names(y, second),
    );
    let (x_list, y_list) = match lists {
        (true, false, false, true) => (first, second),
        (false, true, true, false) => (second, first),
        _ => return Ok(None),
    };
    // Each block placed as a render with a row in its list alone would place it.
    let alone = |place: usize, block: &str| format!("{}{block}{}", &base[..place], &base[place..]);
    let mut blocks = Vec::new();
    for (list, place, block) in [(x_list, at, x), (y_list, end, y)] {
        let Some((at, block)) = insertion(base, &alone(place, block)) else {
            return Ok(None);
        };
        blocks.push((at, list, block));
    }
    Ok(Some(blocks))
}

/// Where `longer` differs from `base`: the first and last changed places of `base`, moved out
/// of any sentinel, and the text `longer` has between them.
fn changed_span<'a>(base: &str, longer: &'a str) -> Option<(usize, usize, &'a str)> {
    let at = first_change(base, longer);
    let same_end = base
        .bytes()
        .rev()
        .zip(longer.bytes().rev())
        .take_while(|(a, b)| a == b)
        .count();
    // Whole characters only: the same bytes from a character's start on are the same character.
    let mut end = base.len() - same_end;
    while !base.is_char_boundary(end) {
        end += 1;
    }
    let mut end = end.max(at);
    // An end inside a sentinel moves to the sentinel's close.
    if let Some(close) = base[end..].find(CLOSE)
        && !base[end..end + close].contains(OPEN)
    {
        end += close + CLOSE.len_utf8();
    }
    let tail = base.len() - end;
    let middle = longer.get(at..longer.len().checked_sub(tail)?)?;
    (longer.starts_with(&base[..at]) && longer.ends_with(&base[end..])).then_some((at, end, middle))
}

/// Each list's block from a render with one row in that list only.
fn blocks_one_by_one(
    skeleton: &Skeleton,
    view: &Json,
    base: &str,
    base_entries: &Entries,
    one_row: &Entries,
    key: &str,
) -> Result<Vec<Block>, String> {
    let mut blocks = Vec::new();
    for (list, _) in ROWS {
        let mut entries = base_entries.clone();
        entries
            .rows
            .insert(list, one_row.rows.get(list).cloned().unwrap_or_default());
        let with_row = skeleton.render_raw(view.clone(), &entries)?;
        let (at, block) = insertion(base, &with_row).ok_or_else(|| {
            unreproducible(
                skeleton,
                key,
                &format!("a row of `{list}` must add one block of text where the loop is"),
            )
        })?;
        if !block.is_empty() {
            blocks.push((at, list, block));
        }
    }
    Ok(blocks)
}

/// The first place where `longer` differs from `base`, moved back to the start of the sentinel
/// it falls in, if any.
fn first_change(base: &str, longer: &str) -> usize {
    // Bytes, not characters (decoding was a fifth of the form's text): the first differing
    // byte falls in the first differing character, which starts at or before it.
    let mut at = base
        .bytes()
        .zip(longer.bytes())
        .position(|(a, b)| a != b)
        .unwrap_or(base.len());
    while !base.is_char_boundary(at) {
        at -= 1;
    }
    match base[..at].rfind(OPEN) {
        Some(open) if !base[open..at].contains(CLOSE) => open,
        _ => at,
    }
}

/// Where `longer` is `base` with one block inserted: the place and the block. The place is
/// never inside a sentinel.
fn insertion(base: &str, longer: &str) -> Option<(usize, String)> {
    let at = first_change(base, longer);
    let block = longer.get(at..)?.strip_suffix(&base[at..])?;
    Some((at, block.to_owned()))
}

fn split(base: &str, blocks: Vec<(usize, &'static str, String)>) -> Vec<Piece> {
    let mut pieces = Vec::new();
    let mut from = 0;
    for (at, each, md) in blocks {
        if at > from {
            pieces.push(Piece::Text(base[from..at].to_owned()));
        }
        pieces.push(Piece::Each { each, md });
        from = at;
    }
    if from < base.len() {
        pieces.push(Piece::Text(base[from..].to_owned()));
    }
    pieces
}

/// What the form's script does with `pieces` and a person's entries (`incident.js`
/// `markdown`), here only to check it: each sentinel filled in, each list's block once per row,
/// and a final line break.
pub fn assemble(pieces: &[Piece], entries: &Entries) -> Result<String, String> {
    let mut out = String::new();
    for piece in pieces {
        match piece {
            Piece::Text(text) => out.push_str(&fill(text, &entries.values)?),
            Piece::Each { each, md } => {
                for row in entries.rows.get(each).into_iter().flatten() {
                    let mut values = entries.values.clone();
                    values.extend(row.clone());
                    out.push_str(&fill(md, &values)?);
                }
            }
        }
    }
    Ok(end_line(out))
}

/// Awkward text for every field: what a real render and the form must agree on.
fn hostile(name: &str) -> String {
    format!("{name} \"quoted\" | pipe \\ back\nslash\r\nünï ✓ </b> {{{{ x }}}}")
}

/// The entries the proof renders with: awkward text, empty text and plain text in the fields
/// typed freely, each severity and status (the form's choices), checked, open and struck
/// hypotheses, and two, none or one row in each list; so that a filter, or a condition on a
/// value or on emptiness, that the form cannot repeat shows up.
fn samples(view: &Json) -> Vec<Entries> {
    let statuses = ["open", "mitigated", "resolved", "open"];
    let marks = [("[x]", ""), ("[ ]", "~~"), ("[ ]", ""), ("[x]", "")];
    let rows = [2, 0, 1, 1];
    (0..4)
        .map(|n| {
            Entries::with(view, rows[n], |name| match name {
                "severity" => format!("sev{}", n + 1),
                "status" => statuses[n].to_owned(),
                _ if name.ends_with(".checkbox") => marks[n].0.to_owned(),
                _ if name.ends_with(".strike") => marks[n].1.to_owned(),
                _ if n == 0 => hostile(name),
                _ if n == 1 => String::new(),
                _ => format!("plain {name}"),
            })
        })
        .collect()
}

fn prove(skeleton: &Skeleton, view: &Json, pieces: &[Piece], key: &str) -> Result<(), String> {
    for entries in samples(view) {
        let real = skeleton.render_view(view.clone(), &entries)?;
        let form = assemble(pieces, &entries).map_err(|e| unreproducible(skeleton, key, &e))?;
        if real != form {
            let field = culprit(skeleton, view, pieces, &entries);
            return Err(unreproducible(
                skeleton,
                key,
                &difference(&real, &form, field),
            ));
        }
    }
    Ok(())
}

/// The first field that, given its sample value alone, makes the two texts differ; or the list
/// whose rows do not each add the same block.
fn culprit(skeleton: &Skeleton, view: &Json, pieces: &[Piece], sample: &Entries) -> Option<String> {
    let agrees = |entries: &Entries| {
        let real = skeleton.render_view(view.clone(), entries);
        real.is_ok() && real.ok() == assemble(pieces, entries).ok()
    };
    let plain = Entries::with(view, 1, |name| format!("plain {name}"));
    for (list, _) in ROWS {
        let mut two = plain.clone();
        if let Some(rows) = two.rows.get_mut(list) {
            rows.extend(rows.clone());
        }
        if !agrees(&two) {
            return Some(format!(
                "the rows of `{list}` (each row must add the same text: no `loop.index`, \
                 `loop.first` or text that depends on the number of rows)"
            ));
        }
    }
    let row_names = ROWS
        .iter()
        .flat_map(|(list, fields)| fields.iter().map(move |f| format!("{list}.{f}")));
    let name = names(view).into_iter().chain(row_names).find(|name| {
        let mut probe = plain.clone();
        let value = sample_value(sample, name);
        if let Some(v) = probe.values.get_mut(name) {
            v.clone_from(&value);
        }
        for row in probe.rows.values_mut().flatten() {
            if let Some(v) = row.get_mut(name) {
                v.clone_from(&value);
            }
        }
        !agrees(&probe)
    });
    name.map(|name| format!("the form field `{name}`"))
}

fn sample_value(sample: &Entries, name: &str) -> String {
    let in_rows = sample.rows.values().flatten().find_map(|r| r.get(name));
    sample
        .values
        .get(name)
        .or(in_rows)
        .cloned()
        .unwrap_or_default()
}

/// Names the field and the first line where the template and the form part.
fn difference(real: &str, form: &str, field: Option<String>) -> String {
    let at = real
        .char_indices()
        .zip(form.chars())
        .find(|((_, a), b)| a != b)
        .map_or(real.len().min(form.len()), |((i, _), _)| i);
    let line = |text: &str| {
        let start = text[..at.min(text.len())].rfind('\n').map_or(0, |i| i + 1);
        text[start..].lines().next().unwrap_or_default().to_owned()
    };
    let field = field.unwrap_or_else(|| "a form field".to_owned());
    format!(
        "the template does something with {field} that the form cannot repeat: the template renders `{}` where the form would write `{}`",
        line(real),
        line(form)
    )
}

fn unreproducible(skeleton: &Skeleton, key: &str, detail: &str) -> String {
    format!(
        "{}: the incident form of `{key}` cannot produce the same record as this template: {detail}. \
         Use the fields people fill in ({}) only as `{{{{ field }}}}` or through the filters \
         yaml_string, cell, yaml_optional, yaml_optional_string and yaml_list; not in \
         `{{% if %}}` conditions, comparisons or other filters (runbook values may be used \
         freely)",
        skeleton.file,
        "title, severity, started_at, status, commander, detected_at, mitigated_at, \
         resolved_at, request_ids, summary, impact, events, hypotheses' checkbox and strike, \
         actions' taken_at and result, answers, items"
    )
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::incident::fields::Entries;

    fn view() -> Json {
        serde_json::json!({
            "title": "", "severity": "sev2", "runbook": "api", "failure_mode": "slow",
            "failure_mode_title": "Slow | \"quoted\"", "started_at": "",
            "hypotheses": [{"cause": "Pool", "verify": "Wait time"}, {"cause": "DB", "verify": null}],
            "checks": [{"id": "healthz", "title": null, "curl": "curl -i {{ target }}/healthz", "lang": "sh", "note": null}],
            "actions": [{"id": "rollback", "title": "Roll back", "risk": "low"}],
            "questions": ["Why?", "What next?"], "placeholder": "_Not answered yet._", "labels": [],
        })
    }

    fn skeleton(source: &str) -> Skeleton {
        Skeleton::new(source.to_owned(), "templates/incident.md".to_owned()).expect("compiles")
    }

    /// The default template's blocks come from one render with a row in each list (the
    /// saving is real), and they are the blocks rendered one list at a time.
    #[test]
    fn one_render_finds_both_blocks_of_the_default() {
        let default = skeleton(super::super::skeleton::TEMPLATE);
        let one_row = Entries::sentinels(&view(), 1);
        let base_entries = one_row.without_rows();
        assert_eq!(
            format!("{base_entries:?}"),
            format!("{:?}", Entries::sentinels(&view(), 0))
        );
        let base = default.render_raw(view(), &base_entries).expect("renders");
        let base_context = super::context(view(), &base_entries);
        let at_once = blocks_at_once(&default, &base_context, &base, &one_row)
            .expect("renders")
            .expect("one render is enough for the default template");
        let apart = blocks_one_by_one(
            &default,
            &view(),
            &base,
            &base_entries,
            &one_row,
            "api#slow",
        )
        .expect("renders");
        assert_eq!(at_once, apart);
    }

    /// Three rows each and awkward values everywhere: the form's text equals the template's.
    #[test]
    fn the_form_text_filled_in_equals_the_render() {
        // Built from the default's text but not marked built-in: form_text proves it.
        let default = skeleton(super::super::skeleton::TEMPLATE);
        let pieces = form_text(&default, &view(), "api#slow").expect("reproducible");
        assert!(
            pieces
                .iter()
                .any(|p| matches!(p, Piece::Each { each: "events", .. }))
        );
        let entries = Entries::with(&view(), 3, |name| format!("{name} | \"é\"\n\\ ~~"));
        let real = default.render_view(view(), &entries).expect("renders");
        assert_eq!(assemble(&pieces, &entries).expect("fills"), real);
        assert!(
            real.contains("title: \"title | \\\"é\\\"\\n\\\\ ~~\"\n"),
            "{real}"
        );
    }

    #[test]
    fn an_override_using_fields_plainly_is_reproducible() {
        let source = "# {{ title }} ({{ severity }}, {{ runbook }})\n\n\
            {% for q in questions %}{{ q }}: {{ answers[loop.index0] }}\n{% endfor %}\
            {% for i in items %}* {{ i.item }} by {{ i.owner | yaml_string }}\n{% endfor %}\
            {% if failure_mode == 'slow' %}slow!{% endif %} {{ started_at | cell }}\n";
        let pieces = form_text(&skeleton(source), &view(), "api#slow").expect("reproducible");
        assert!(
            pieces
                .iter()
                .any(|p| matches!(p, Piece::Each { each: "items", .. }))
        );
    }

    #[test]
    fn an_override_the_form_cannot_repeat_names_the_file_and_the_field() {
        for (source, field) in [
            ("{{ title | upper }}", "`TITLE`"),
            (
                "x{% if commander %} by {{ commander }}{% endif %}",
                "`commander`",
            ),
            ("{% if severity == 'sev1' %}page!{% endif %}", "`severity`"),
            (
                "{{ ('a' ~ title) | yaml_string }}",
                "apply `yaml_string` to `title` alone",
            ),
            (
                "{% for e in events %}{{ loop.index }}{{ e.time }}{% endfor %}",
                "`events",
            ),
        ] {
            let err = form_text(&skeleton(source), &view(), "api#slow").expect_err(source);
            assert!(err.starts_with("templates/incident.md"), "{err}");
            assert!(err.contains(field), "{source}: {err}");
        }
        let err =
            form_text(&skeleton("{{ title | upper }}"), &view(), "api#slow").expect_err("upper");
        assert!(
            err.contains("only as `{{ field }}` or through the filters"),
            "{err}"
        );
    }

    /// The block may come out rotated (`r |\n| ` for `| r |\n`); repeated, it is still exact.
    #[test]
    fn a_row_block_is_found_whatever_text_surrounds_it() {
        let base = "a\n| x |\n";
        let (at, block) = insertion(base, "a\n| r |\n| x |\n").expect("one block");
        let twice = format!("{}{block}{block}{}", &base[..at], &base[at..]);
        assert_eq!(twice, "a\n| r |\n| r |\n| x |\n");
        assert_eq!(insertion(base, "b"), None);
    }
}
