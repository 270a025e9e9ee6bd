//! Commands pasted over several lines, as docs print them: a `\` at the end of a line continues
//! the command on the next. A YAML block scalar keeps those newlines (`curl: |`), or folds them
//! into spaces (`curl: >` with lines of the same indentation), leaving ` \ `.

/// `line` with each continuation (outside quotes: `\` + newline, or a lone ` \ ` that YAML
/// folding left) turned into spaces, and the trailing newline of a block scalar removed. The
/// result is never longer than `line`, and every byte keeps its offset, so positions found in it
/// are positions in the line as written. A newline without `\` stays, and is refused later as a
/// shell operator.
pub(super) fn join_continuations(line: &str) -> String {
    let line = line.trim_end();
    let bytes = line.as_bytes();
    let mut out = line.as_bytes().to_vec();
    let mut quote: Option<u8> = None;
    let mut i = 0;
    while i < bytes.len() {
        let c = bytes[i];
        match (quote, c) {
            (Some(q), _) if c == q => quote = None,
            (Some(b'\''), _) => {}
            (None, b'\'' | b'"') => quote = Some(c),
            (None, b'\\') => {
                let len = continuation_len(bytes, i);
                if len > 0 {
                    out[i..i + len].fill(b' ');
                }
                // The escaped character is taken as it is (`\\`, `\'`, `\ ` inside a word).
                i += len.max(2);
                continue;
            }
            (Some(b'"'), b'\\') => {
                i += 2;
                continue;
            }
            _ => {}
        }
        i += 1;
    }
    // Only ASCII bytes were replaced by ASCII spaces: still UTF-8.
    String::from_utf8(out).unwrap_or_else(|_| line.to_owned())
}

/// The length of the continuation starting with the `\` at `i`, or 0 when it is an escape.
fn continuation_len(bytes: &[u8], i: usize) -> usize {
    match bytes.get(i + 1..) {
        Some([b'\n', ..]) => 2,
        Some([b'\r', b'\n', ..]) => 3,
        // ` \ -H`: what `>` folding makes of ` \` at the end of a line. In a shell this would be
        // a word made of one space, which no pasted command means.
        Some([b' ' | b'\t', ..]) if i == 0 || matches!(bytes[i - 1], b' ' | b'\t') => 1,
        _ => 0,
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn continuations_become_spaces_in_place() {
        let line = "curl -s \\\n  -H 'a: b' \\\r\n  {{ target }}/\n";
        let joined = join_continuations(line);
        assert_eq!(joined, "curl -s     -H 'a: b'      {{ target }}/");
        assert_eq!(joined.find("-H"), line.find("-H"));
        assert_eq!(joined.find("{{"), line.find("{{"));
    }

    #[test]
    fn folded_continuations_are_separators() {
        assert_eq!(join_continuations("curl -s \\ -I x"), "curl -s   -I x");
    }

    #[test]
    fn escapes_and_quotes_are_kept() {
        for line in [
            "curl 'a \\\n b' x",
            "curl -H a\\ b x",
            "curl \\\\ x",
            "curl -s\nx",
            "curl \"a \\\" \\ b\" x",
        ] {
            assert_eq!(join_continuations(line), line, "{line:?}");
        }
    }
}
