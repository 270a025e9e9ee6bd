//! Where compiling a runbook puts what it finds: findings with their positions, and every
//! placeholder used (resolved against the targets once the whole runbook is read).

use std::rc::Rc;

use super::template;
use crate::diagnostic::Diagnostic;
use crate::model::Sp;
use crate::rule::Rule;
use crate::source::{Pos, SourceFile};

/// Collects a runbook's compile findings and the placeholders it uses.
pub(crate) struct Sink<'a> {
    pub(crate) source: &'a SourceFile,
    pub(crate) out: Vec<Diagnostic>,
    /// Every `{{ name }}` used, with where it is written.
    pub(crate) uses: Vec<Use>,
}

/// A placeholder used in a text. Its line and column are worked out only for a placeholder
/// that turns out undefined: finding a position scans the file, and most uses are fine.
pub(crate) struct Use {
    pub(crate) text: Rc<Sp<String>>,
    pub(crate) offset: usize,
    pub(crate) name: String,
}

impl<'a> Sink<'a> {
    pub(crate) fn new(source: &'a SourceFile) -> Self {
        Sink {
            source,
            out: Vec::new(),
            uses: Vec::new(),
        }
    }

    pub(crate) fn report(
        &mut self,
        rule: Rule,
        pos: Pos,
        message: String,
        help: impl Into<String>,
    ) {
        self.out
            .push(Diagnostic::new(rule, &self.source.path, pos, message).help(help));
    }

    /// Placeholders of a text written at `pos` (a curl line, an expected value), each at its
    /// own column where the text is on one line.
    pub(crate) fn uses(&mut self, text: &str, pos: Pos) {
        let found = template::placeholders(text);
        if found.is_empty() {
            return;
        }
        let text = Rc::new(Sp::new(text.to_owned(), pos));
        for (offset, name) in found {
            let text = Rc::clone(&text);
            self.uses.push(Use { text, offset, name });
        }
    }
}

/// The position of a byte offset inside a scalar value, where the scalar's text allows it.
pub fn pos_in_scalar(source: &SourceFile, scalar: &Sp<String>, offset: usize) -> Pos {
    let start = source.offset(scalar.pos);
    let rest = &source.text[start..];
    // Quoted and plain scalars on one line map offsets directly, block scalars line by line
    // (a command continued with `\`); anything else falls back to the scalar's start, which
    // still names the right check.
    if let Some(pos) = pos_in_block(source, start, &scalar.value, offset) {
        return pos;
    }
    let skip = usize::from(rest.starts_with('"') || rest.starts_with('\''));
    let prefix = scalar.value.get(..offset).unwrap_or("");
    let same_line =
        !scalar.value.contains('\n') && rest.get(skip..).is_some_and(|r| r.starts_with(prefix));
    if same_line {
        source.pos_of(start + skip + offset)
    } else {
        scalar.pos
    }
}

/// The position of `offset` in a block scalar (`|`, or `>` whose lines were not folded), whose
/// position is its first line's text: value line `k` is source line `k` after it, less the
/// block's indentation. `None` when the text does not line up that way (a quoted or folded
/// scalar spread over lines).
fn pos_in_block(source: &SourceFile, start: usize, value: &str, offset: usize) -> Option<Pos> {
    if !value.trim_end().contains('\n') {
        return None;
    }
    let line_start = source.text[..start].rfind('\n').map_or(0, |i| i + 1);
    let indent = start - line_start;
    let before = value.get(..offset)?;
    let k = before.matches('\n').count();
    let column = offset - before.rfind('\n').map_or(0, |i| i + 1);
    let mut at = line_start;
    for (i, (line, value_line)) in source.text[line_start..]
        .split_inclusive('\n')
        .zip(value.split('\n'))
        .enumerate()
    {
        let text = line
            .get(indent..)
            .unwrap_or("")
            .trim_end_matches(['\r', '\n']);
        if text != value_line {
            return None;
        }
        if i == k {
            return Some(source.pos_of(at + indent + column));
        }
        at += line.len();
    }
    None
}
