//! Source files and positions: every diagnostic points at a file, a line and a column.

use std::ops::Range;
use std::path::{Path, PathBuf};
use std::sync::OnceLock;

/// A 1-based line and column in a source file. `0:0` means "the whole file".
#[derive(Clone, Copy, Debug, Default, PartialEq, Eq, PartialOrd, Ord, Hash)]
pub struct Pos {
    pub line: u32,
    pub column: u32,
}

impl Pos {
    pub const UNKNOWN: Pos = Pos { line: 0, column: 0 };

    pub fn new(line: u32, column: u32) -> Self {
        Pos { line, column }
    }

    pub fn is_known(self) -> bool {
        self.line > 0
    }
}

/// One loaded text file: where it came from (as the user named it) and its text.
///
/// The text is not changed after the file is made: positions are looked up in a [`LineIndex`]
/// built from it the first time one is asked for.
#[derive(Clone, Debug)]
pub struct SourceFile {
    pub path: PathBuf,
    pub text: String,
    index: OnceLock<LineIndex>,
}

impl SourceFile {
    pub fn new(path: impl Into<PathBuf>, text: impl Into<String>) -> Self {
        SourceFile {
            path: path.into(),
            text: text.into(),
            index: OnceLock::new(),
        }
    }

    /// The path as it is shown in diagnostics: forward slashes, so that output is the same on
    /// every platform and matches what CI annotations expect.
    pub fn display(&self) -> String {
        display_path(&self.path)
    }

    fn index(&self) -> &LineIndex {
        self.index.get_or_init(|| LineIndex::new(&self.text))
    }

    /// The text of a 1-based line, without its line ending.
    pub fn line(&self, line: u32) -> Option<&str> {
        let range = self.index().line_range(&self.text, line)?;
        let text = &self.text[range];
        Some(text.strip_suffix('\r').unwrap_or(text))
    }

    /// The byte range of a 1-based line, without its line ending.
    pub fn line_range(&self, line: u32) -> Option<Range<usize>> {
        self.index().line_range(&self.text, line)
    }

    /// The byte offset of a position, clamped to the text: past the end of its line, the end
    /// of the line's text (trailing blanks left out); past the last line, the end of the file.
    pub fn offset(&self, pos: Pos) -> usize {
        if !pos.is_known() {
            return 0;
        }
        let index = self.index();
        let Some(line) = index.line_range(&self.text, pos.line) else {
            return self.text.len();
        };
        // The line with its `\n`, as the column may point at the line ending.
        let end = index.next_start(pos.line).unwrap_or(self.text.len());
        let wanted = pos.column.saturating_sub(1) as usize;
        let first = index.chars_before(line.start);
        if wanted < index.chars_before(end) - first {
            index.byte_of_char(first + wanted)
        } else {
            line.start + self.text[line.start..end].trim_end().len()
        }
    }

    /// The position of a byte offset (1-based line and character column).
    pub fn pos_of(&self, offset: usize) -> Pos {
        let offset = floor_char_boundary(&self.text, offset.min(self.text.len()));
        let index = self.index();
        let line = index.starts.partition_point(|&s| s <= offset);
        let start = index.starts[line - 1];
        let column = index.chars_before(offset) - index.chars_before(start) + 1;
        Pos::new(line as u32, column as u32)
    }
}

/// Where each line starts and where each character longer than one byte sits, so that line
/// and column convert to and from byte offsets by binary search: reporting N findings costs
/// N log(size), not N times the file.
#[derive(Clone, Debug, Default)]
pub struct LineIndex {
    /// The byte offset where each line starts: 0, then one past every `\n`.
    starts: Vec<usize>,
    /// Every multi-byte character, in order.
    wide: Vec<Wide>,
}

#[derive(Clone, Copy, Debug)]
struct Wide {
    /// Its byte offset.
    at: usize,
    /// Its index among all characters of the text.
    char_index: usize,
    /// The bytes beyond one per character of every wide character up to and including it.
    extra_through: usize,
}

impl LineIndex {
    pub fn new(text: &str) -> Self {
        let mut index = LineIndex {
            starts: vec![0],
            wide: Vec::new(),
        };
        let mut extra = 0;
        for (char_index, (at, c)) in text.char_indices().enumerate() {
            if c == '\n' {
                index.starts.push(at + 1);
            } else if c.len_utf8() > 1 {
                extra += c.len_utf8() - 1;
                let extra_through = extra;
                index.wide.push(Wide {
                    at,
                    char_index,
                    extra_through,
                });
            }
        }
        index
    }

    /// Lines as `str::split('\n')` counts them: a text ending in `\n` has an empty last line.
    fn line_range(&self, text: &str, line: u32) -> Option<Range<usize>> {
        let i = usize::try_from(line).ok()?.checked_sub(1)?;
        let start = *self.starts.get(i)?;
        let end = self.next_start(line).map_or(text.len(), |next| next - 1);
        Some(start..end)
    }

    fn next_start(&self, line: u32) -> Option<usize> {
        self.starts.get(line as usize).copied()
    }

    /// How many characters come before `byte` (a character boundary).
    fn chars_before(&self, byte: usize) -> usize {
        let k = self.wide.partition_point(|w| w.at < byte);
        byte - k.checked_sub(1).map_or(0, |i| self.wide[i].extra_through)
    }

    /// The byte offset of the character with index `char_index`.
    fn byte_of_char(&self, char_index: usize) -> usize {
        let k = self.wide.partition_point(|w| w.char_index < char_index);
        char_index + k.checked_sub(1).map_or(0, |i| self.wide[i].extra_through)
    }
}

fn floor_char_boundary(text: &str, mut offset: usize) -> usize {
    while offset > 0 && !text.is_char_boundary(offset) {
        offset -= 1;
    }
    offset
}

/// A path as shown to users: lossy UTF-8, forward slashes, no leading `./`.
pub fn display_path(path: &Path) -> String {
    let shown = path.to_string_lossy().replace('\\', "/");
    shown.strip_prefix("./").map(str::to_owned).unwrap_or(shown)
}

/// The 1-based position of the first invalid UTF-8 byte, for a file that is not UTF-8.
pub fn invalid_utf8_pos(bytes: &[u8], error: &std::str::Utf8Error) -> Pos {
    let valid = &bytes[..error.valid_up_to()];
    let text = String::from_utf8_lossy(valid);
    SourceFile::new("", text.into_owned()).pos_of(valid.len())
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn offsets_and_positions_round_trip() {
        let file = SourceFile::new("a.yaml", "a: 1\nbé: 2\r\nc: 3\n");
        assert_eq!(file.pos_of(0), Pos::new(1, 1));
        assert_eq!(file.pos_of(5), Pos::new(2, 1));
        let pos = Pos::new(2, 3);
        assert_eq!(file.pos_of(file.offset(pos)), pos);
        assert_eq!(file.line(2), Some("bé: 2"));
    }

    /// The straightforward scans the index replaces: every answer must be the same.
    fn naive_offset(text: &str, pos: Pos) -> usize {
        if !pos.is_known() {
            return 0;
        }
        let mut offset = 0;
        for (i, line) in text.split_inclusive('\n').enumerate() {
            if i + 1 == pos.line as usize {
                let chars = line
                    .char_indices()
                    .nth(pos.column.saturating_sub(1) as usize);
                return offset + chars.map_or(line.trim_end().len(), |(b, _)| b);
            }
            offset += line.len();
        }
        text.len()
    }

    fn naive_pos_of(text: &str, offset: usize) -> Pos {
        let before = &text[..floor_char_boundary(text, offset.min(text.len()))];
        let line = before.matches('\n').count() + 1;
        let line_start = before.rfind('\n').map_or(0, |i| i + 1);
        Pos::new(line as u32, before[line_start..].chars().count() as u32 + 1)
    }

    #[test]
    fn the_line_index_answers_like_a_scan_of_the_text() {
        let texts = [
            "",
            "\n",
            "a",
            "a: 1\nbé: 2\r\nc: 3\n",
            "é\n\n  x \t\n€𝄞z\r\n\n",
            "no newline at the end: ü",
            "\u{202e}\u{200b}abc\n\r\n",
        ];
        for text in texts {
            let file = SourceFile::new("t", text);
            for offset in 0..=text.len() + 2 {
                assert_eq!(
                    file.pos_of(offset),
                    naive_pos_of(text, offset),
                    "{text:?} @{offset}"
                );
            }
            for line in 0..=6 {
                for column in 0..=8 {
                    let pos = Pos::new(line, column);
                    assert_eq!(
                        file.offset(pos),
                        naive_offset(text, pos),
                        "{text:?} {pos:?}"
                    );
                }
                let naive = usize::try_from(line)
                    .ok()
                    .and_then(|l| l.checked_sub(1))
                    .and_then(|i| text.split('\n').nth(i))
                    .map(|l| l.strip_suffix('\r').unwrap_or(l));
                assert_eq!(file.line(line), naive, "{text:?} line {line}");
            }
        }
    }

    #[test]
    fn invalid_utf8_points_at_the_byte() {
        let bytes: Vec<u8> = b"a: 1\nb: \xff\n".to_vec();
        let err = String::from_utf8(bytes.clone()).unwrap_err().utf8_error();
        assert_eq!(invalid_utf8_pos(&bytes, &err), Pos::new(2, 4));
    }
}
