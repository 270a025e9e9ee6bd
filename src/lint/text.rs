//! `placeholder-text`: TODO-like markers left in what a responder reads and runs.

use super::Ctx;
use crate::compile::pos_in_scalar;
use crate::model::Sp;
use crate::rule::Rule;
use crate::source::{Pos, SourceFile};

/// Words that mean "not written yet". Matched whole and in capitals, as people write them.
const MARKERS: [&str; 4] = ["TODO", "FIXME", "TBD", "XXX"];

/// The offset and word of the first marker in `text`.
fn marker(text: &str) -> Option<(usize, &'static str)> {
    let is_word = |c: char| c.is_ascii_alphanumeric() || c == '_';
    MARKERS
        .into_iter()
        .filter_map(|m| {
            let (i, _) = text.match_indices(m).find(|(i, _)| {
                let before = text[..*i].chars().next_back();
                let after = text[i + m.len()..].chars().next();
                !before.is_some_and(is_word) && !after.is_some_and(is_word)
            })?;
            Some((i, m))
        })
        .min_by_key(|(i, _)| *i)
}

pub fn placeholder_text(ctx: &mut Ctx) {
    let rb = &ctx.loaded.runbook;
    let mut texts: Vec<(&Sp<String>, &str)> = Vec::new();
    for fm in &rb.failure_modes {
        for h in &fm.hypotheses {
            texts.extend(h.verify.iter().map(|v| (v, "verify text")));
        }
        for a in &fm.actions {
            texts.extend(a.steps.iter().map(|s| (s, "steps")));
            texts.extend(a.verification.iter().map(|s| (s, "verification plan")));
        }
    }
    texts.extend(ctx.loaded.checks.iter().map(|c| (&c.written, "command")));
    let mut found = Vec::new();
    for (text, what) in texts {
        if let Some((offset, word)) = marker(&text.value) {
            let pos = marker_pos(ctx.source(), text, offset, word);
            found.push((pos, format!("`{word}` left in the {what}")));
        }
    }
    for (pos, message) in found {
        ctx.report(
            Rule::PlaceholderText,
            pos,
            message,
            "write what to do, or leave the text out until it is known: a responder reads it at 3 a.m.",
        );
    }
}

/// Where the marker is written: exact in one-line text; in a block scalar (indented, so offsets
/// do not map one to one) the first place the word appears after the text starts.
fn marker_pos(source: &SourceFile, text: &Sp<String>, offset: usize, word: &str) -> Pos {
    if !text.value.contains('\n') {
        return pos_in_scalar(source, text, offset);
    }
    let start = source.offset(text.pos);
    match source.text[start..].find(word) {
        Some(i) => source.pos_of(start + i),
        None => text.pos,
    }
}

#[cfg(test)]
mod tests {
    use super::marker;

    #[test]
    fn markers_are_whole_words() {
        assert_eq!(marker("run it, TODO: which pod?"), Some((8, "TODO")));
        assert_eq!(marker("TBD"), Some((0, "TBD")));
        assert_eq!(marker("see TODOS and XXXL sizes, todo"), None);
        assert_eq!(marker("FIXME then TODO"), Some((0, "FIXME")));
    }
}
