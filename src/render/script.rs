//! JSON inside the site's scripts (`<script type="application/json">` blocks and the `.js` data
//! files): escaped once, here, so that no runbook text can end a script element, open a comment
//! or trip a parser on a line separator.

/// JSON that cannot end a script element or open a comment inside one.
pub fn script_safe_json(value: &serde_json::Value) -> String {
    let json = serde_json::to_string(value).unwrap_or_else(|_| "null".to_owned());
    escape_for_script(&json)
}

/// `json` with `<`, `>`, `&` and the two JavaScript line separators as `\uXXXX` escapes, in
/// one pass over the bytes: it runs over every search-index line and the form's data on every
/// build (decoding each character cost 2 % of a build).
pub fn escape_for_script(json: &str) -> String {
    let bytes = json.as_bytes();
    let mut out = String::with_capacity(json.len());
    let (mut from, mut at) = (0, 0);
    while at < bytes.len() {
        let escape = match bytes[at] {
            b'<' => "\\u003c",
            b'>' => "\\u003e",
            b'&' => "\\u0026",
            // U+2028 and U+2029 are E2 80 A8 and E2 80 A9.
            0xE2 if bytes[at + 1..].starts_with(&[0x80, 0xA8]) => "\\u2028",
            0xE2 if bytes[at + 1..].starts_with(&[0x80, 0xA9]) => "\\u2029",
            _ => {
                at += 1;
                continue;
            }
        };
        out.push_str(&json[from..at]);
        out.push_str(escape);
        at += if bytes[at] == 0xE2 { 3 } else { 1 };
        from = at;
    }
    out.push_str(&json[from..]);
    out
}

#[cfg(test)]
mod tests {
    #[test]
    fn escapes_what_could_end_a_script_and_nothing_else() {
        let json = "[\"</script><!-- a && b \u{2028}\u{2029} ünï ✓ — \u{2027}\"]";
        assert_eq!(
            super::escape_for_script(json),
            "[\"\\u003c/script\\u003e\\u003c!-- a \\u0026\\u0026 b \\u2028\\u2029 ünï ✓ — \u{2027}\"]"
        );
        assert_eq!(super::escape_for_script(""), "");
        assert_eq!(super::escape_for_script("plain"), "plain");
    }
}
