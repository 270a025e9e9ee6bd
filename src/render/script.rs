//! JSON inside the site's scripts (`<script type="application/json">` blocks and the `.js` data
//! files): escaped once, here, so that no runbook text can end a script element, open a comment
//! or trip a parser on a line separator.

/// JSON that cannot end a script element or open a comment inside one.
pub fn script_safe_json(value: &serde_json::Value) -> String {
    let json = serde_json::to_string(value).unwrap_or_else(|_| "null".to_owned());
    escape_for_script(&json)
}

pub fn escape_for_script(json: &str) -> String {
    json.replace('<', "\\u003c")
        .replace('>', "\\u003e")
        .replace('&', "\\u0026")
        .replace('\u{2028}', "\\u2028")
        .replace('\u{2029}', "\\u2029")
}
