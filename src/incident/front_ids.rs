//! `request_ids:` in a record's front matter: `check --record` adds the ids its checks sent, so
//! the record names every request a responder can look up in logs and traces. Only that one
//! entry changes; every other byte stays as the person wrote it.

use super::parse;
use crate::source::SourceFile;

/// `text` with each of `ids` it does not list yet added to `request_ids:`. The entry is edited
/// where it is written as the skeleton writes it (`request_ids: [...]` on one line) or as a
/// block list (`- id` lines); it is added when missing. Any other layout (a flow list over
/// several lines, a comment after it) is left alone: `None`, and the timeline rows still carry
/// the ids.
pub fn with_request_ids(text: &str, ids: &[String]) -> Option<String> {
    let record = parse::parse(&SourceFile::new("record.md", text)).ok()?;
    let known: Vec<&str> = record
        .front
        .request_ids
        .iter()
        .map(|id| id.value.as_str())
        .collect();
    let mut new: Vec<String> = Vec::new();
    for id in ids {
        let quoted = json(id);
        if !known.contains(&id.as_str()) && !new.contains(&quoted) {
            new.push(quoted);
        }
    }
    if new.is_empty() {
        return Some(text.to_owned());
    }
    let (front_start, front_end, _) = parse::front_matter_span(text)?;
    let newline = if text.contains("\r\n") { "\r\n" } else { "\n" };
    let lines = line_spans(text, front_start, front_end);
    let Some(key) = lines
        .iter()
        .position(|&(s, e)| key_value(&text[s..e]).is_some())
    else {
        // No entry: one more line at the end of the front matter.
        let line = format!("request_ids: [{}]{newline}", new.join(", "));
        return Some(splice(text, front_end, front_end, &line));
    };
    let (start, end) = lines[key];
    let value = key_value(&text[start..end])?.trim();
    if value.is_empty() {
        extend_block(text, &lines[key + 1..], &new, newline)
    } else {
        extend_flow(text, (start, end), value, &new)
    }
}

/// `request_ids: [a]` → `request_ids: [a, "new"]`, on that one line (without a comment).
fn extend_flow(text: &str, line: (usize, usize), value: &str, new: &[String]) -> Option<String> {
    if !(value.starts_with('[') && value.ends_with(']')) || value.contains('#') {
        return None;
    }
    let close = line.0 + text[line.0..line.1].rfind(']')?;
    let sep = if value[1..value.len() - 1].trim().is_empty() {
        ""
    } else {
        ", "
    };
    Some(splice(
        text,
        close,
        close,
        &format!("{sep}{}", new.join(", ")),
    ))
}

/// `- id` lines after the block list's last item, indented as its first.
fn extend_block(
    text: &str,
    after_key: &[(usize, usize)],
    new: &[String],
    newline: &str,
) -> Option<String> {
    let items: Vec<(usize, usize)> = after_key
        .iter()
        .copied()
        .take_while(|&(s, e)| text[s..e].trim_start().starts_with("- "))
        .collect();
    let (&(first_start, first_end), &(_, last_end)) = (items.first()?, items.last()?);
    let first = &text[first_start..first_end];
    let indent = &first[..first.len() - first.trim_start().len()];
    let added: String = new
        .iter()
        .map(|id| format!("{indent}- {id}{newline}"))
        .collect();
    Some(splice(text, last_end, last_end, &added))
}

/// The value after `request_ids:` when `line` is that key at the front matter's top level.
fn key_value(line: &str) -> Option<&str> {
    line.strip_prefix("request_ids:")
}

/// Each line of `text[start..end]` as a byte range, its line break included.
fn line_spans(text: &str, start: usize, end: usize) -> Vec<(usize, usize)> {
    let mut spans = Vec::new();
    let mut at = start;
    for line in text[start..end].split_inclusive('\n') {
        spans.push((at, at + line.len()));
        at += line.len();
    }
    spans
}

fn splice(text: &str, from: usize, to: usize, with: &str) -> String {
    format!("{}{with}{}", &text[..from], &text[to..])
}

fn json(id: &str) -> String {
    serde_json::to_string(id).unwrap_or_default()
}

#[cfg(test)]
mod tests {
    use super::with_request_ids;

    fn record(front: &str) -> String {
        format!("---\ntitle: \"t\"\n{front}status: open\n---\n\n# t\n")
    }

    fn ids(list: &[&str]) -> Vec<String> {
        list.iter().map(|s| (*s).to_owned()).collect()
    }

    #[test]
    fn the_skeletons_flow_list_gets_the_new_ids_and_keeps_the_old() {
        let text = record("request_ids: []\n");
        let out = with_request_ids(&text, &ids(&["ob-1", "ob-2", "ob-1"])).unwrap();
        assert_eq!(out, record("request_ids: [\"ob-1\", \"ob-2\"]\n"));
        let again = with_request_ids(&out, &ids(&["ob-2", "ob-3"])).unwrap();
        assert_eq!(
            again,
            record("request_ids: [\"ob-1\", \"ob-2\", \"ob-3\"]\n")
        );
    }

    #[test]
    fn a_block_list_gets_lines_indented_like_its_own() {
        let text = record("request_ids:\n    - abc\n");
        let out = with_request_ids(&text, &ids(&["ob-1"])).unwrap();
        assert_eq!(out, record("request_ids:\n    - abc\n    - \"ob-1\"\n"));
    }

    #[test]
    fn a_missing_entry_is_written() {
        let out = with_request_ids(&record(""), &ids(&["ob-1"])).unwrap();
        assert!(
            out.contains("status: open\nrequest_ids: [\"ob-1\"]\n---\n"),
            "{out}"
        );
    }

    #[test]
    fn crlf_and_unknown_layouts_are_respected() {
        let text = "---\r\ntitle: t\r\nstatus: open\r\n---\r\n";
        let out = with_request_ids(text, &ids(&["ob-1"])).unwrap();
        assert_eq!(
            out,
            "---\r\ntitle: t\r\nstatus: open\r\nrequest_ids: [\"ob-1\"]\r\n---\r\n"
        );
        let commented = record("request_ids: [a] # from the report\n");
        assert_eq!(with_request_ids(&commented, &ids(&["ob-1"])), None);
        let known = record("request_ids: [ob-1]\n");
        assert_eq!(with_request_ids(&known, &ids(&["ob-1"])), Some(known));
    }
}
