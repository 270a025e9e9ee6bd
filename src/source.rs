//! Source files and positions: every diagnostic points at a file, a line and a column.

use std::path::{Path, PathBuf};

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
#[derive(Clone, Debug)]
pub struct SourceFile {
    pub path: PathBuf,
    pub text: String,
}

impl SourceFile {
    pub fn new(path: impl Into<PathBuf>, text: impl Into<String>) -> Self {
        SourceFile {
            path: path.into(),
            text: text.into(),
        }
    }

    /// The path as it is shown in diagnostics: forward slashes, so that output is the same on
    /// every platform and matches what CI annotations expect.
    pub fn display(&self) -> String {
        display_path(&self.path)
    }

    /// The text of a 1-based line, without its line ending.
    pub fn line(&self, line: u32) -> Option<&str> {
        let index = usize::try_from(line).ok()?.checked_sub(1)?;
        self.text
            .split('\n')
            .nth(index)
            .map(|l| l.strip_suffix('\r').unwrap_or(l))
    }

    /// The byte offset of a position, clamped to the text.
    pub fn offset(&self, pos: Pos) -> usize {
        if !pos.is_known() {
            return 0;
        }
        let mut offset = 0;
        for (i, line) in self.text.split_inclusive('\n').enumerate() {
            if i + 1 == pos.line as usize {
                let chars = line
                    .char_indices()
                    .nth(pos.column.saturating_sub(1) as usize);
                return offset + chars.map_or(line.trim_end().len(), |(b, _)| b);
            }
            offset += line.len();
        }
        self.text.len()
    }

    /// The position of a byte offset (1-based line and character column).
    pub fn pos_of(&self, offset: usize) -> Pos {
        let offset = offset.min(self.text.len());
        let before = &self.text[..floor_char_boundary(&self.text, offset)];
        let line = before.matches('\n').count() + 1;
        let line_start = before.rfind('\n').map_or(0, |i| i + 1);
        let column = before[line_start..].chars().count() + 1;
        Pos::new(line as u32, column as u32)
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

    #[test]
    fn invalid_utf8_points_at_the_byte() {
        let bytes: Vec<u8> = b"a: 1\nb: \xff\n".to_vec();
        let err = String::from_utf8(bytes.clone()).unwrap_err().utf8_error();
        assert_eq!(invalid_utf8_pos(&bytes, &err), Pos::new(2, 4));
    }
}
