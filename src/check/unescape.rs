//! A server's text with its escapes undone — JSON `\uXXXX` and `\n`-style escapes, `%XX`
//! percent-encoding and HTML character references — each decoded byte kept with the span of the
//! original text it came from, so that a secret found in the decoded text can be masked where
//! it is written.
//!
//! A server may escape any character it likes (Go's JSON escapes `&`, `<` and `>` as `\u0026`,
//! `\u003c`, `\u003e`; others escape every non-ASCII character), so listing encoded forms of a
//! secret can never be complete; decoding the text once can.

/// The decoded bytes and, for each, the start and end of the original text it came from (as
/// `u32`: a body is at most 1 MiB, and this is kept for every one of its bytes).
pub struct Decoded {
    pub bytes: Vec<u8>,
    pub spans: Vec<(u32, u32)>,
}

/// Whether `text` holds anything [`decode`] would change.
pub fn has_escapes(text: &str) -> bool {
    text.contains(['\\', '%', '&'])
}

/// Decodes every escape of `text` it recognises; everything else stays as it is.
pub fn decode(text: &str) -> Decoded {
    let mut out = Decoded {
        bytes: Vec::with_capacity(text.len()),
        spans: Vec::with_capacity(text.len()),
    };
    let mut at = 0;
    while at < text.len() {
        let rest = &text[at..];
        let (decoded, len) = json_escape(rest)
            .or_else(|| percent(rest))
            .or_else(|| html_reference(rest))
            .unwrap_or_else(|| plain(rest));
        let span = (to_u32(at), to_u32(at + len));
        for byte in decoded {
            out.bytes.push(byte);
            out.spans.push(span);
        }
        at += len;
    }
    out
}

fn to_u32(n: usize) -> u32 {
    u32::try_from(n).unwrap_or(u32::MAX)
}

/// One character as it is: its UTF-8 bytes.
fn plain(rest: &str) -> (Vec<u8>, usize) {
    let len = rest.chars().next().map_or(1, char::len_utf8);
    (rest.as_bytes()[..len].to_vec(), len)
}

fn utf8(c: char) -> Vec<u8> {
    c.to_string().into_bytes()
}

/// `\uXXXX` (a surrogate pair as one character), or `\"`, `\\`, `\/`, `\b`, `\f`, `\n`, `\r`,
/// `\t`.
fn json_escape(rest: &str) -> Option<(Vec<u8>, usize)> {
    let mut chars = rest.strip_prefix('\\')?.chars();
    let simple = match chars.next()? {
        '"' => '"',
        '\\' => '\\',
        '/' => '/',
        'b' => '\u{8}',
        'f' => '\u{c}',
        'n' => '\n',
        'r' => '\r',
        't' => '\t',
        'u' => return unicode_escape(rest),
        _ => return None,
    };
    Some((utf8(simple), 2))
}

fn unicode_escape(rest: &str) -> Option<(Vec<u8>, usize)> {
    let unit = |s: &str| -> Option<u32> {
        let hex = s.strip_prefix("\\u")?.get(..4)?;
        u32::from_str_radix(hex, 16).ok()
    };
    let first = unit(rest)?;
    if (0xD800..0xDC00).contains(&first) {
        let second = unit(rest.get(6..)?).filter(|u| (0xDC00..0xE000).contains(u))?;
        let c = char::from_u32(0x10000 + ((first - 0xD800) << 10) + (second - 0xDC00))?;
        return Some((utf8(c), 12));
    }
    Some((utf8(char::from_u32(first)?), 6))
}

/// `%XX`: one byte (a multi-byte character is several of them).
fn percent(rest: &str) -> Option<(Vec<u8>, usize)> {
    let hex = rest.strip_prefix('%')?.get(..2)?;
    let byte = u8::from_str_radix(hex, 16).ok()?;
    Some((vec![byte], 3))
}

/// `&amp;`, `&lt;`, `&gt;`, `&quot;`, `&apos;`, `&#NN;`, `&#xHH;`.
fn html_reference(rest: &str) -> Option<(Vec<u8>, usize)> {
    if !rest.starts_with('&') {
        return None;
    }
    // The longest reference read is `&#x10FFFF;`: look no further for its `;`.
    let end = rest.char_indices().take(11).find(|(_, c)| *c == ';')?.0;
    let name = &rest[1..end];
    let c = match name {
        "amp" => '&',
        "lt" => '<',
        "gt" => '>',
        "quot" => '"',
        "apos" => '\'',
        _ => {
            let number = name.strip_prefix('#')?;
            let code = match number.strip_prefix(['x', 'X']) {
                Some(hex) => u32::from_str_radix(hex, 16).ok()?,
                None => number.parse().ok()?,
            };
            char::from_u32(code)?
        }
    };
    Some((utf8(c), end + 1))
}

#[cfg(test)]
mod tests {
    use super::*;

    fn text(s: &str) -> String {
        String::from_utf8(decode(s).bytes).unwrap()
    }

    #[test]
    fn decodes_what_servers_escape() {
        assert_eq!(text(r"a\u0026b\u003cc\u003E"), "a&b<c>");
        assert_eq!(text(r"\u0073\u0065cret"), "secret");
        assert_eq!(text(r#"q\"x\/y\\z\n"#), "q\"x/y\\z\n");
        assert_eq!(text(r"\ud83d\ude00!"), "😀!");
        assert_eq!(text("a%26b%C3%A9"), "a&bé");
        assert_eq!(text("&lt;a&gt; &amp; &#39;&#x2F;&quot;"), "<a> & '/\"");
    }

    #[test]
    fn leaves_what_is_not_an_escape() {
        for s in [
            r"\x", r"\u12", "%zz", "%4", "& b", "&nosuch;", r"\ud800x", "é",
        ] {
            assert_eq!(text(s), s);
        }
    }

    #[test]
    fn each_byte_points_at_its_original() {
        let d = decode(r"a\u0026b");
        assert_eq!(d.spans, vec![(0, 1), (1, 7), (7, 8)]);
        let d = decode("%C3%A9");
        assert_eq!(d.spans, vec![(0, 3), (3, 6)]);
    }
}
