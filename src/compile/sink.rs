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
/// For many offsets in one scalar, make a [`ScalarMap`] once and ask it.
pub fn pos_in_scalar(source: &SourceFile, scalar: &Sp<String>, offset: usize) -> Pos {
    ScalarMap::new(source, scalar).pos(offset)
}

/// How a scalar's value lines up with the file, worked out once per scalar so that each of its
/// placeholders costs a binary search, not a rescan of the text before it.
///
/// Quoted and plain scalars on one line map offsets directly, block scalars line by line (a
/// command continued with `\`); anything else falls back to the scalar's start, which still
/// names the right check.
pub struct ScalarMap<'a> {
    source: &'a SourceFile,
    scalar: &'a Sp<String>,
    shape: Shape,
}

enum Shape {
    /// On one line: the file offset of the value's first byte, and how many leading bytes of
    /// the value are written there as they are.
    OneLine { at: usize, same: usize },
    /// A block scalar: where each value line starts in the value, and in the file (lines that
    /// line up, up to the first that does not).
    Block {
        value_starts: Vec<usize>,
        file_starts: Vec<usize>,
    },
    /// Neither: every offset is the scalar's start.
    Start,
}

impl<'a> ScalarMap<'a> {
    pub fn new(source: &'a SourceFile, scalar: &'a Sp<String>) -> Self {
        let start = source.offset(scalar.pos);
        let value = scalar.value.as_str();
        let shape = if value.trim_end().contains('\n') {
            block(source, start, value)
        } else if value.contains('\n') {
            Shape::Start
        } else {
            let rest = &source.text[start..];
            let skip = usize::from(rest.starts_with('"') || rest.starts_with('\''));
            let same = common_prefix(&rest[skip..], value);
            Shape::OneLine {
                at: start + skip,
                same,
            }
        };
        ScalarMap {
            source,
            scalar,
            shape,
        }
    }

    /// The position of byte `offset` of the value.
    pub fn pos(&self, offset: usize) -> Pos {
        let value = self.scalar.value.as_str();
        match &self.shape {
            // A prefix the file does not hold as written (an escape before it) has no column.
            Shape::OneLine { at, same } => match value.get(..offset) {
                Some(prefix) if prefix.len() > *same => self.scalar.pos,
                _ => self.source.pos_of(at + offset),
            },
            Shape::Block {
                value_starts,
                file_starts,
            } => {
                if value.get(..offset).is_none() {
                    return self.scalar.pos;
                }
                let k = value_starts.partition_point(|&s| s <= offset) - 1;
                match file_starts.get(k) {
                    Some(line) => self.source.pos_of(line + offset - value_starts[k]),
                    None => self.scalar.pos,
                }
            }
            Shape::Start => self.scalar.pos,
        }
    }
}

fn common_prefix(a: &str, b: &str) -> usize {
    a.bytes().zip(b.bytes()).take_while(|(x, y)| x == y).count()
}

/// A block scalar (`|`, or `>` whose lines were not folded) whose position is its first line's
/// text: value line `k` is file line `k` after it, less the block's indentation. Lines are
/// matched until the first that differs (a quoted or folded scalar spread over lines); offsets
/// past it fall back to the scalar's start.
fn block(source: &SourceFile, start: usize, value: &str) -> Shape {
    let line_start = source.text[..start].rfind('\n').map_or(0, |i| i + 1);
    let indent = start - line_start;
    let mut value_starts = vec![0];
    value_starts.extend(value.match_indices('\n').map(|(i, _)| i + 1));
    let mut file_starts = Vec::new();
    let mut at = line_start;
    for (line, value_line) in source.text[line_start..]
        .split_inclusive('\n')
        .zip(value.split('\n'))
    {
        let text = line
            .get(indent..)
            .unwrap_or("")
            .trim_end_matches(['\r', '\n']);
        if text != value_line {
            break;
        }
        file_starts.push(at + indent);
        at += line.len();
    }
    Shape::Block {
        value_starts,
        file_starts,
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    /// The scan that [`ScalarMap`] replaced, one offset at a time: the answers must not change.
    fn rescan(source: &SourceFile, scalar: &Sp<String>, offset: usize) -> Pos {
        let start = source.offset(scalar.pos);
        let rest = &source.text[start..];
        let value = &scalar.value;
        if value.trim_end().contains('\n') {
            let line_start = source.text[..start].rfind('\n').map_or(0, |i| i + 1);
            let indent = start - line_start;
            let Some(before) = value.get(..offset) else {
                return scalar.pos;
            };
            let k = before.matches('\n').count();
            let column = offset - before.rfind('\n').map_or(0, |i| i + 1);
            let mut at = line_start;
            for (i, (line, value_line)) in source.text[line_start..]
                .split_inclusive('\n')
                .zip(value.split('\n'))
                .enumerate()
            {
                let text = line.get(indent..).unwrap_or("");
                if text.trim_end_matches(['\r', '\n']) != value_line {
                    return scalar.pos;
                }
                if i == k {
                    return source.pos_of(at + indent + column);
                }
                at += line.len();
            }
            return scalar.pos;
        }
        let skip = usize::from(rest.starts_with('"') || rest.starts_with('\''));
        let prefix = value.get(..offset).unwrap_or("");
        if !value.contains('\n') && rest[skip..].starts_with(prefix) {
            source.pos_of(start + skip + offset)
        } else {
            scalar.pos
        }
    }

    #[test]
    fn a_scalar_map_answers_like_a_rescan() {
        let text = "a: curl {{ x }}/é\nb: \"q\\\"{{ y }}\"\nc: |\n  one {{ z }}\n\n  two {{ w }}\nd: >\n  fo\n  ld\n";
        let source = SourceFile::new("t.yaml", text);
        let scalars = [
            Sp::new("curl {{ x }}/é".to_owned(), Pos::new(1, 4)),
            Sp::new("q\"{{ y }}".to_owned(), Pos::new(2, 4)),
            Sp::new("one {{ z }}\n\ntwo {{ w }}\n".to_owned(), Pos::new(4, 3)),
            Sp::new("fo ld\n".to_owned(), Pos::new(8, 3)),
            Sp::new("one {{ z }}\nthree\n".to_owned(), Pos::new(4, 3)),
        ];
        for scalar in &scalars {
            let map = ScalarMap::new(&source, scalar);
            for offset in 0..scalar.value.len() + 3 {
                assert_eq!(
                    map.pos(offset),
                    rescan(&source, scalar, offset),
                    "{:?} at {offset}",
                    scalar.value
                );
            }
        }
    }
}
