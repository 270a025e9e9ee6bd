//! A fast path for the YAML runbooks are written in: block mappings and sequences, one-line
//! plain and quoted scalars, literal and folded block scalars, one-line flow collections.
//!
//! It gives the builder the same events, at the same positions, as the reference parser
//! (`granit_parser`), and gives up ([`Bail`]) at the first thing outside that subset or that it
//! might read differently: anchors, tags, tabs, multi-line plain or quoted scalars, keep
//! chomping, more-indented folded lines, anything malformed. The caller then hands the whole
//! text to the reference parser, so no finding and no position ever depends on this path.
//! `tests` compares both on every YAML file of the repository and on thousands of mutations of
//! them; the `yaml` fuzz target does the same on any input.
//!
//! Why it exists: the reference parser was two thirds of `lint` (perf, 5,000 runbooks:
//! `granit_parser` 60 % of samples, `tree::run` 62 %), at about 70 MB/s per core.

use std::borrow::Cow;

use super::error::Finding;
use super::tree::Ev;
use crate::source::Pos;

/// The text is outside the subset this path reads, or the builder refused an event: the
/// reference parser must read it.
#[derive(Debug, PartialEq)]
pub struct Bail;

type Step<T = ()> = Result<T, Bail>;

/// Implicit keys longer than this are left to the reference parser (YAML caps them at 1024).
const MAX_KEY: usize = 1000;

/// Gives the events of `text` to `sink`, or gives up before the end (some events may already
/// have been given: start again with a fresh sink).
pub fn events<'a>(
    text: &'a str,
    sink: &mut impl FnMut(Ev<'a>, Pos) -> Result<(), Finding>,
) -> Step {
    if !plain_characters(text) {
        return Err(Bail);
    }
    let mut p = Reader {
        lines: text.split('\n').collect(),
        at: 0,
        sink,
    };
    p.document()
}

/// Whether `text` holds only characters this path reads as the reference does: printable,
/// no tab, no carriage return, no byte-order mark, no C1 control or Unicode line separator.
fn plain_characters(text: &str) -> bool {
    let ascii_ok = |b: u8| (b >= 0x20 && b != 0x7f) || b == b'\n' || b >= 0x80;
    if !text.bytes().all(ascii_ok) {
        return false;
    }
    text.is_ascii()
        || !text.chars().any(|c| {
            ('\u{80}'..='\u{9f}').contains(&c)
                || matches!(
                    c,
                    '\u{feff}' | '\u{fffe}' | '\u{ffff}' | '\u{2028}' | '\u{2029}'
                )
        })
}

struct Reader<'a, 's, S> {
    lines: Vec<&'a str>,
    /// The line being read.
    at: usize,
    sink: &'s mut S,
}

/// Leading spaces of a line.
fn indent(line: &str) -> usize {
    line.len() - line.trim_start_matches(' ').len()
}

/// A line of nothing but spaces, or of a comment.
fn is_void(line: &str) -> bool {
    let rest = line.trim_start_matches(' ');
    rest.is_empty() || rest.starts_with('#')
}

/// What follows a node on its line is nothing, spaces, or a comment after a space.
fn only_comment(rest: &str) -> bool {
    let trimmed = rest.trim_start_matches(' ');
    trimmed.is_empty() || (trimmed.starts_with('#') && trimmed.len() < rest.len())
}

/// A `- ` (or lone `-`) sequence entry starts at `at` of `line`.
fn is_item(line: &str, at: usize) -> bool {
    let rest = &line.as_bytes()[at..];
    rest.first() == Some(&b'-') && matches!(rest.get(1), None | Some(b' '))
}

/// A document marker (`---`, `...`) or a directive (`%`) at the start of a line.
fn is_marker(line: &str) -> bool {
    let b = line.as_bytes();
    ((b.starts_with(b"---") || b.starts_with(b"...")) && matches!(b.get(3), None | Some(b' ')))
        || b.first() == Some(&b'%')
}

impl<'a, S: FnMut(Ev<'a>, Pos) -> Result<(), Finding>> Reader<'a, '_, S> {
    fn emit(&mut self, ev: Ev<'a>, line: usize, byte: usize) -> Step {
        let text = self.lines[line];
        let col = if text.is_char_boundary(byte) && text[..byte].is_ascii() {
            byte
        } else {
            text.get(..byte).ok_or(Bail)?.chars().count()
        };
        let clamp = |n: usize| u32::try_from(n).unwrap_or(u32::MAX);
        let pos = Pos::new(clamp(line + 1), clamp(col).saturating_add(1));
        (self.sink)(ev, pos).map_err(|_| Bail)
    }

    fn scalar(&mut self, text: Cow<'a, str>, plain: bool, line: usize, byte: usize) -> Step {
        let ev = Ev::Scalar {
            text,
            plain,
            anchor: 0,
        };
        self.emit(ev, line, byte)
    }

    /// The first line at or after `from` that holds something.
    fn next_content(&self, from: usize) -> Option<usize> {
        (from..self.lines.len()).find(|&i| !is_void(self.lines[i]))
    }

    fn document(&mut self) -> Step {
        let mut first = self.next_content(0).ok_or(Bail)?;
        if self.lines[first].trim_end_matches(' ') == "---" {
            first = self.next_content(first + 1).ok_or(Bail)?;
        }
        let markers = self.lines.iter().enumerate().filter(|(_, l)| is_marker(l));
        if markers.map(|(i, _)| i).any(|i| i >= first) {
            return Err(Bail);
        }
        self.emit(Ev::DocStart, first, 0)?;
        self.at = first;
        let line = self.lines[first];
        let col = indent(line);
        if is_item(line, col) {
            self.sequence(col, false)?;
        } else {
            self.mapping(col)?;
        }
        if self.next_content(self.at).is_some() {
            return Err(Bail);
        }
        let end = self.lines.len() - 1;
        self.emit(Ev::DocEnd, end, 0)
    }

    /// A block mapping whose first key starts at column `col` of the current line (after
    /// its indentation, or after a sequence entry's `- `); the others at `col` of later lines.
    fn mapping(&mut self, col: usize) -> Step {
        self.emit(Ev::MapStart { anchor: 0 }, self.at, col)?;
        loop {
            self.entry(col)?;
            if !self.next_entry(col, false)? {
                break;
            }
        }
        let at = self.at.min(self.lines.len() - 1);
        self.emit(Ev::End, at, 0)
    }

    /// After an entry of a block mapping (`items` false) or sequence (`items` true) at column
    /// `col`: moves to its next entry (true) or finds the block ended (false). A key at `col`
    /// after a sequence's items ends it (an indentless sequence under a key); an item at `col`
    /// among a mapping's keys, or anything deeper, is left to the reference parser.
    fn next_entry(&mut self, col: usize, items: bool) -> Step<bool> {
        let Some(next) = self.next_content(self.at) else {
            return Ok(false);
        };
        let line = self.lines[next];
        match indent(line) {
            i if i < col => Ok(false),
            i if i == col && is_item(line, i) == items => {
                self.at = next;
                Ok(true)
            }
            i if i == col && items => Ok(false),
            _ => Err(Bail),
        }
    }

    /// One `key: value` at column `col` of the current line; leaves `at` after the value.
    fn entry(&mut self, col: usize) -> Step {
        let line_no = self.at;
        let line = self.lines[line_no];
        let (key, after) = key_at(line, col)?;
        self.scalar(
            key,
            !matches!(line.as_bytes()[col], b'"' | b'\''),
            line_no,
            col,
        )?;
        let value = after + (line[after..].len() - line[after..].trim_start_matches(' ').len());
        if !only_comment(&line[after..]) {
            return self.inline_value(line_no, value, col);
        }
        // The value is on the lines below, or there is none.
        match self.next_content(line_no + 1) {
            Some(next) if indent(self.lines[next]) > col => {
                self.at = next;
                self.block_below()
            }
            Some(next) if indent(self.lines[next]) == col && is_item(self.lines[next], col) => {
                self.at = next;
                self.sequence(col, true)
            }
            _ => {
                // The reference reads an empty value as `~`, placed at the `:`.
                self.at = line_no + 1;
                self.scalar(Cow::Borrowed("~"), true, line_no, after - 1)
            }
        }
    }

    /// A collection that starts on its own line (the current one), below a key or an entry.
    fn block_below(&mut self) -> Step {
        let line = self.lines[self.at];
        let col = indent(line);
        if is_item(line, col) {
            self.sequence(col, false)
        } else if key_at(line, col).is_ok() {
            self.mapping(col)
        } else {
            Err(Bail)
        }
    }

    /// A block sequence whose entries start with `-` at column `col`; `indentless` when it is
    /// a mapping value at the key's own column (the reference then places it after the `- `).
    fn sequence(&mut self, col: usize, indentless: bool) -> Step {
        let place = if indentless {
            item_value(self.lines[self.at], col)
        } else {
            col
        };
        self.emit(Ev::SeqStart { anchor: 0 }, self.at, place)?;
        loop {
            self.item(col)?;
            if !self.next_entry(col, true)? {
                break;
            }
        }
        let at = self.at.min(self.lines.len() - 1);
        self.emit(Ev::End, at, 0)
    }

    /// One `- entry` at column `col` of the current line.
    fn item(&mut self, col: usize) -> Step {
        let line_no = self.at;
        let line = self.lines[line_no];
        let rest = &line[col + 1..];
        let value = item_value(line, col);
        if only_comment(rest) {
            return match self.next_content(line_no + 1) {
                Some(next) if indent(self.lines[next]) > col => {
                    self.at = next;
                    self.block_below()
                }
                _ if rest.contains('#') => Err(Bail),
                _ => {
                    // The reference reads an empty entry as `~`, placed after the `- `.
                    self.at = line_no + 1;
                    self.scalar(Cow::Borrowed("~"), true, line_no, value)
                }
            };
        }
        if is_item(line, value) {
            return Err(Bail);
        }
        if key_at(line, value).is_ok() {
            return self.mapping(value);
        }
        self.inline_value(line_no, value, col)
    }

    /// A value that starts at byte `at` of line `line_no`, in a collection indented by
    /// `parent`: a block scalar, a flow collection, a quoted or a plain scalar. Leaves `at`
    /// after it, and gives up when a more indented line follows (a continuation).
    fn inline_value(&mut self, line_no: usize, at: usize, parent: usize) -> Step {
        let line = self.lines[line_no];
        self.at = line_no + 1;
        match line.as_bytes()[at] {
            b'|' | b'>' => self.block_scalar(line_no, at, parent)?,
            b'[' | b'{' => {
                let end = self.flow(line_no, at, 0)?;
                if !only_comment(&line[end..]) {
                    return Err(Bail);
                }
            }
            b'"' | b'\'' => {
                let (text, end) = quoted(line, at)?;
                if !only_comment(&line[end..]) {
                    return Err(Bail);
                }
                self.scalar(text, false, line_no, at)?;
            }
            _ => {
                let text = plain_value(line, at)?;
                self.scalar(Cow::Borrowed(text), true, line_no, at)?;
            }
        }
        match self.next_content(self.at) {
            Some(next) if indent(self.lines[next]) > parent => Err(Bail),
            _ => Ok(()),
        }
    }

    /// `|` or `>` at byte `at` of line `line_no`, its text on the lines below, indented more
    /// than `parent`.
    fn block_scalar(&mut self, line_no: usize, at: usize, parent: usize) -> Step {
        let header = &self.lines[line_no][at..];
        let folded = header.starts_with('>');
        let (strip, rest) = match header.as_bytes().get(1) {
            Some(b'-') => (true, &header[2..]),
            _ => (false, &header[1..]),
        };
        // A comment needs a space before it; `|+`, `|2` and the like are left to the reference.
        if !only_comment(rest) || rest.starts_with('#') {
            return Err(Bail);
        }
        let (body, place) = self.block_lines(line_no, parent)?;
        let mut text = if folded {
            fold(&body)?
        } else {
            body.join("\n")
        };
        if !strip {
            text.push('\n');
        }
        // The reference places a block scalar where its text starts.
        self.scalar(Cow::Owned(text), false, place.0, place.1)
    }

    /// The lines of a block scalar after its header on `line_no`, without their indentation;
    /// leaves `at` after the last one that holds text. Also where the text starts.
    #[allow(clippy::type_complexity)]
    fn block_lines(
        &mut self,
        line_no: usize,
        parent: usize,
    ) -> Step<(Vec<&'a str>, (usize, usize))> {
        let lines = &self.lines;
        let first =
            (line_no + 1..lines.len()).find(|&i| !lines[i].trim_start_matches(' ').is_empty());
        // An empty block scalar is placed by the reference after what follows: left to it.
        let first = first.filter(|&i| indent(lines[i]) > parent).ok_or(Bail)?;
        let width = indent(lines[first]);
        let mut body = Vec::new();
        let mut last = first;
        for (i, line) in lines.iter().enumerate().skip(line_no + 1) {
            let blank = line.trim_start_matches(' ').is_empty();
            if blank && line.len() > width {
                return Err(Bail);
            }
            if blank {
                body.push("");
            } else if indent(line) >= width {
                body.push(&line[width..]);
                last = i;
            } else {
                break;
            }
        }
        body.truncate(last - line_no);
        self.at = last + 1;
        Ok((body, (first, width)))
    }

    /// A flow collection starting at byte `at` of line `line_no`, closed on the same line;
    /// returns the byte after it.
    fn flow(&mut self, line_no: usize, at: usize, depth: usize) -> Step<usize> {
        if depth > 16 {
            return Err(Bail);
        }
        let line = self.lines[line_no];
        let b = line.as_bytes();
        let map = b[at] == b'{';
        let close = if map { b'}' } else { b']' };
        let start = if map {
            Ev::MapStart { anchor: 0 }
        } else {
            Ev::SeqStart { anchor: 0 }
        };
        self.emit(start, line_no, at)?;
        let mut p = skip_spaces(b, at + 1);
        if b.get(p) == Some(&close) {
            self.emit(Ev::End, line_no, p)?;
            return Ok(p + 1);
        }
        loop {
            let quoted_key = matches!(b.get(p), Some(b'"' | b'\''));
            p = self.flow_node(line_no, p, depth)?;
            p = skip_spaces(b, p);
            if map {
                // A plain key's `:` needs a space after it; `"key":value` is JSON-style, but
                // the reference refuses `:[` and `:{` after any key.
                let after = b.get(p + 1);
                let spaced =
                    after == Some(&b' ') || (quoted_key && !matches!(after, Some(b'[' | b'{')));
                if b.get(p) != Some(&b':') || !spaced {
                    return Err(Bail);
                }
                p = skip_spaces(b, p + 1);
                if matches!(b.get(p), None | Some(b',' | b'}')) {
                    return Err(Bail);
                }
                p = skip_spaces(b, self.flow_node(line_no, p, depth)?);
            }
            match b.get(p) {
                Some(b',') => {
                    p = skip_spaces(b, p + 1);
                    if matches!(b.get(p), None | Some(b']' | b'}')) {
                        return Err(Bail);
                    }
                }
                Some(&c) if c == close => {
                    self.emit(Ev::End, line_no, p)?;
                    return Ok(p + 1);
                }
                _ => return Err(Bail),
            }
        }
    }

    /// A node inside a flow collection at byte `at`: a collection, a quoted or a plain
    /// scalar; returns the byte after it.
    fn flow_node(&mut self, line_no: usize, at: usize, depth: usize) -> Step<usize> {
        let line = self.lines[line_no];
        match line.as_bytes().get(at) {
            Some(b'[' | b'{') => self.flow(line_no, at, depth + 1),
            Some(b'"' | b'\'') => {
                let (text, end) = quoted(line, at)?;
                self.scalar(text, false, line_no, at)?;
                Ok(end)
            }
            Some(_) => {
                let end = plain_flow_end(line, at)?;
                self.scalar(Cow::Borrowed(&line[at..end]), true, line_no, at)?;
                Ok(end)
            }
            None => Err(Bail),
        }
    }
}

/// Where the entry of a `-` at `col` of `line` starts, after the spaces.
fn item_value(line: &str, col: usize) -> usize {
    skip_spaces(line.as_bytes(), col + 1)
}

fn skip_spaces(b: &[u8], mut p: usize) -> usize {
    while b.get(p) == Some(&b' ') {
        p += 1;
    }
    p
}

/// A block mapping key at byte `at` of `line`, plain or quoted, and the byte after its `:`.
fn key_at(line: &str, at: usize) -> Step<(Cow<'_, str>, usize)> {
    let b = line.as_bytes();
    let (key, end) = match b.get(at) {
        Some(b'"' | b'\'') => quoted(line, at)?,
        Some(_) => {
            let end = plain_key_end(line, at)?;
            (Cow::Borrowed(line[at..end].trim_end_matches(' ')), end)
        }
        None => return Err(Bail),
    };
    let colon_ok = b.get(end) == Some(&b':') && matches!(b.get(end + 1), None | Some(b' '));
    if !colon_ok || end - at > MAX_KEY {
        return Err(Bail);
    }
    Ok((key, end + 1))
}

/// Whether a plain scalar may start with `first`, followed by `next` (YAML's indicators).
fn plain_start(first: u8, next: Option<&u8>) -> bool {
    match first {
        b'-' | b'?' | b':' => !matches!(next, None | Some(b' ')),
        b',' | b'[' | b']' | b'{' | b'}' | b'#' | b'&' | b'*' | b'!' | b'|' | b'>' | b'\''
        | b'"' | b'%' | b'@' | b'`' | b' ' => false,
        _ => true,
    }
}

/// Where a plain key starting at `at` ends: at the first `: ` (or `:` at the end of the line).
fn plain_key_end(line: &str, at: usize) -> Step<usize> {
    let b = line.as_bytes();
    if !plain_start(b[at], b.get(at + 1)) {
        return Err(Bail);
    }
    for i in at..b.len() {
        match b[i] {
            b':' if matches!(b.get(i + 1), None | Some(b' ')) => return Ok(i),
            b'#' if b[i - 1] == b' ' => return Err(Bail),
            _ => {}
        }
    }
    Err(Bail)
}

/// A plain scalar value starting at `at`, up to a comment or the end of the line.
fn plain_value(line: &str, at: usize) -> Step<&str> {
    let b = line.as_bytes();
    if !plain_start(b[at], b.get(at + 1)) {
        return Err(Bail);
    }
    let mut end = b.len();
    for i in at..b.len() {
        match b[i] {
            // `a: b: c` is an error; let the reference parser say so.
            b':' if matches!(b.get(i + 1), None | Some(b' ')) => return Err(Bail),
            b'#' if b[i - 1] == b' ' => {
                end = i;
                break;
            }
            _ => {}
        }
    }
    Ok(line[at..end].trim_end_matches(' '))
}

/// Where a plain scalar inside a flow collection ends.
fn plain_flow_end(line: &str, at: usize) -> Step<usize> {
    let b = line.as_bytes();
    if !plain_start(b[at], b.get(at + 1)) {
        return Err(Bail);
    }
    let flow_indicator = |c: Option<&u8>| matches!(c, Some(b',' | b'[' | b']' | b'{' | b'}'));
    let mut end = b.len();
    for i in at..b.len() {
        match b[i] {
            b',' | b'[' | b']' | b'{' | b'}' => {
                end = i;
                break;
            }
            b':' if matches!(b.get(i + 1), None | Some(b' ')) || flow_indicator(b.get(i + 1)) => {
                end = i;
                break;
            }
            b'#' if b[i - 1] == b' ' => return Err(Bail),
            _ => {}
        }
    }
    let text = line[at..end].trim_end_matches(' ');
    if text.is_empty() || end == b.len() {
        return Err(Bail);
    }
    Ok(at + text.len())
}

/// A quoted scalar starting at `at` (`'` or `"`), closed on the same line: its text and the
/// byte after the closing quote. Escapes beyond the common ones are left to the reference.
fn quoted(line: &str, at: usize) -> Step<(Cow<'_, str>, usize)> {
    let b = line.as_bytes();
    let quote = b[at];
    let body = at + 1;
    let Some(close) = (body..b.len()).find(|&i| b[i] == quote || (quote == b'"' && b[i] == b'\\'))
    else {
        return Err(Bail);
    };
    let simple = b[close] == quote && (quote == b'"' || b.get(close + 1) != Some(&b'\''));
    if simple {
        return Ok((Cow::Borrowed(&line[body..close]), close + 1));
    }
    let mut text = String::new();
    let mut i = body;
    while i < b.len() {
        let c = b[i];
        if c == quote && quote == b'\'' && b.get(i + 1) == Some(&b'\'') {
            text.push('\'');
            i += 2;
        } else if c == quote {
            return Ok((Cow::Owned(text), i + 1));
        } else if c == b'\\' && quote == b'"' {
            let (decoded, used) = escape(&line[i + 1..])?;
            text.push(decoded);
            i += 1 + used;
        } else {
            let ch = line[i..].chars().next().ok_or(Bail)?;
            text.push(ch);
            i += ch.len_utf8();
        }
    }
    Err(Bail)
}

/// One escape after a `\` in a double-quoted scalar: the character and the bytes it used.
fn escape(after: &str) -> Step<(char, usize)> {
    let b = after.as_bytes();
    let simple = match b.first() {
        Some(b'\\') => '\\',
        Some(b'"') => '"',
        Some(b'/') => '/',
        Some(b'n') => '\n',
        Some(b't') => '\t',
        Some(b'r') => '\r',
        Some(b'0') => '\0',
        Some(b'u') => {
            let hex = after.get(1..5).ok_or(Bail)?;
            let code = u32::from_str_radix(hex, 16).map_err(|_| Bail)?;
            let c = char::from_u32(code).ok_or(Bail)?;
            return Ok((c, 5));
        }
        _ => return Err(Bail),
    };
    Ok((simple, 1))
}

/// Folds the lines of a `>` scalar: a line break between two lines of text is a space, each
/// empty line a line break. More-indented lines (kept as written) are left to the reference.
fn fold(body: &[&str]) -> Step<String> {
    let mut text = String::new();
    let mut started = false;
    let mut empties = 0;
    for line in body {
        if line.is_empty() {
            if started {
                empties += 1;
            } else {
                text.push('\n');
            }
            continue;
        }
        if line.starts_with(' ') {
            return Err(Bail);
        }
        if started {
            if empties == 0 {
                text.push(' ');
            }
            text.extend(std::iter::repeat_n('\n', empties));
        }
        empties = 0;
        started = true;
        text.push_str(line);
    }
    Ok(text)
}

/// Whether the fast path and the reference parser agree on `text`: the fast path either gives
/// up or gives exactly the reference's events and positions (and the reference finds no error).
/// For tests and the fuzz target.
pub fn agrees_with_reference(text: &str) -> Result<(), String> {
    let mut fast = Vec::new();
    let read = events(text, &mut |ev, pos| {
        fast.push(comparable(ev, pos));
        Ok(())
    });
    if read.is_err() {
        return Ok(());
    }
    let mut reference = Vec::new();
    let checked = super::tree::reference_events(text, &mut |ev, pos| {
        reference.push(comparable(ev, pos));
        Ok(())
    });
    if let Err(finding) = checked {
        return Err(format!(
            "the fast path read what the reference refuses ({}:{}: {})",
            finding.pos.line, finding.pos.column, finding.message
        ));
    }
    match fast.iter().zip(&reference).position(|(f, r)| f != r) {
        None if fast.len() == reference.len() => Ok(()),
        at => {
            let at = at.unwrap_or(fast.len().min(reference.len()));
            Err(format!(
                "event {at}: fast {:?}, reference {:?}",
                fast.get(at),
                reference.get(at)
            ))
        }
    }
}

/// An event and, where the builder uses it, its position.
fn comparable(ev: Ev<'_>, pos: Pos) -> (String, Option<(u32, u32)>) {
    let at = match ev {
        Ev::Scalar { .. } | Ev::SeqStart { .. } | Ev::MapStart { .. } | Ev::Alias(_) => {
            Some((pos.line, pos.column))
        }
        Ev::End | Ev::DocStart | Ev::DocEnd => None,
    };
    (format!("{ev:?}"), at)
}
