//! Text safe to print on a terminal or in a CI log: control characters, bidirectional controls
//! and zero-width characters written as visible escapes.
//!
//! File names, runbook text and what servers send are the user's (or an attacker's) bytes. Printed
//! raw, an escape sequence can rewrite the terminal, a bidi control can make text read in another
//! order than it runs (CVE-2021-42574), a zero-width character can hide a difference, and a
//! newline in a file name can start a line of its own, such as a forged `::error` workflow
//! command in GitHub Actions. Every presenter of text passes such values through [`escape`]
//! (or [`escape_keeping_newlines`] where the value's own lines are kept by the format).

use std::borrow::Cow;
use std::fmt::Write as _;

/// The value with every unsafe character as an escape: `\n`, `\r`, `\t` for those, `\u{202e}`
/// for the others. Safe text comes back borrowed.
pub fn escape(text: &str) -> Cow<'_, str> {
    escape_with(text, false)
}

/// As [`escape`], but `\n` (and a `\r` before it) stay: for formats that encode line breaks
/// themselves (GitHub's workflow commands write them as `%0A`).
pub fn escape_keeping_newlines(text: &str) -> Cow<'_, str> {
    escape_with(text, true)
}

fn escape_with(text: &str, keep_newlines: bool) -> Cow<'_, str> {
    let unsafe_char = |c: char| is_unsafe(c) && !(keep_newlines && matches!(c, '\n' | '\r'));
    if !text.chars().any(unsafe_char) {
        return Cow::Borrowed(text);
    }
    let mut out = String::with_capacity(text.len() + 8);
    for c in text.chars() {
        if !unsafe_char(c) {
            out.push(c);
            continue;
        }
        match c {
            '\n' => out.push_str("\\n"),
            '\r' => out.push_str("\\r"),
            '\t' => out.push_str("\\t"),
            _ => {
                let _ = write!(out, "\\u{{{:x}}}", u32::from(c));
            }
        }
    }
    Cow::Owned(out)
}

/// A character a terminal must not receive raw from a value: a control character (C0, DEL,
/// C1), a bidirectional control, or a zero-width character.
pub fn is_unsafe(c: char) -> bool {
    c.is_control() || is_bidi(c) || is_zero_width(c)
}

/// Characters that change the direction text is shown in.
fn is_bidi(c: char) -> bool {
    matches!(c, '\u{202A}'..='\u{202E}' | '\u{2066}'..='\u{2069}' | '\u{200E}' | '\u{200F}' | '\u{061C}')
}

/// Characters that take no room: text that holds them looks like text that does not.
fn is_zero_width(c: char) -> bool {
    matches!(c, '\u{200B}'..='\u{200D}' | '\u{2060}' | '\u{FEFF}')
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn safe_text_is_borrowed() {
        assert!(matches!(
            escape("runbooks/api.yaml: ünïcode ✓"),
            Cow::Borrowed(_)
        ));
    }

    #[test]
    fn controls_bidi_and_zero_width_are_escaped() {
        assert_eq!(escape("a\nb\r\tc"), "a\\nb\\r\\tc");
        assert_eq!(escape("\u{1b}[31mred"), "\\u{1b}[31mred");
        assert_eq!(escape("\u{9b}31m"), "\\u{9b}31m", "C1 CSI");
        assert_eq!(escape("abc\u{202e}fed"), "abc\\u{202e}fed");
        for c in ['\u{2066}', '\u{2069}', '\u{200e}', '\u{200f}', '\u{61c}'] {
            assert_ne!(escape(&c.to_string()), c.to_string(), "{c:?}");
        }
        for c in ['\u{200b}', '\u{200c}', '\u{200d}', '\u{2060}', '\u{feff}'] {
            assert_ne!(escape(&c.to_string()), c.to_string(), "{c:?}");
        }
    }

    #[test]
    fn newlines_can_be_kept_for_formats_that_encode_them() {
        assert_eq!(escape_keeping_newlines("a\r\nb\u{202e}"), "a\r\nb\\u{202e}");
    }
}
