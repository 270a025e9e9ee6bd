//! JSON inside the site's scripts (`<script type="application/json">` blocks and the `.js` data
//! files): escaped once, here, so that no runbook text can end a script element, open a comment
//! or trip a parser on a line separator.

/// JSON that cannot end a script element or open a comment inside one.
pub fn script_safe_json(value: &serde_json::Value) -> String {
    let json = serde_json::to_string(value).unwrap_or_else(|_| "null".to_owned());
    escape_for_script(&json)
}

/// `json` with `<`, `>`, `&` and the two JavaScript line separators as `\uXXXX` escapes, in
/// one pass: it runs over every search-index line and the form's list on each of `serve`'s
/// rebuilds.
pub fn escape_for_script(json: &str) -> String {
    let mut out = String::with_capacity(json.len());
    let mut from = 0;
    let special = |c: char| matches!(c, '<' | '>' | '&' | '\u{2028}' | '\u{2029}');
    for (at, c) in json.match_indices(special) {
        out.push_str(&json[from..at]);
        out.push_str(match c {
            "<" => "\\u003c",
            ">" => "\\u003e",
            "&" => "\\u0026",
            "\u{2028}" => "\\u2028",
            _ => "\\u2029",
        });
        from = at + c.len();
    }
    out.push_str(&json[from..]);
    out
}

#[cfg(test)]
mod tests {
    #[test]
    fn escapes_what_could_end_a_script_and_nothing_else() {
        let json = "[\"</script><!-- a && b \u{2028}\u{2029} ünï ✓\"]";
        assert_eq!(
            super::escape_for_script(json),
            "[\"\\u003c/script\\u003e\\u003c!-- a \\u0026\\u0026 b \\u2028\\u2029 ünï ✓\"]"
        );
        assert_eq!(super::escape_for_script(""), "");
        assert_eq!(super::escape_for_script("plain"), "plain");
    }
}
