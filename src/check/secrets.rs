//! Secret masking: one function that every string leaving the runner goes through.
//!
//! The secrets of a check are the values of the `$VAR`s it used, its `-u` password and the
//! `user:password` of its Basic credentials, and the credentials of a URL. A server may echo them
//! back in another form, so each one is also masked URL-encoded, Base64-encoded (at any alignment
//! inside a longer Base64 text) and JSON-escaped; then the text is decoded once
//! ([`super::unescape`]) so that a secret escaped in any other way (`\u0026`, `%41`, `&#x2f;`,
//! any mix) is masked where it is written. The user name and password of any URL in the text
//! (`http://user:pass@host`) are masked too.
//!
//! Short secrets: a secret shorter than [`SHORT`] bytes (a 4-letter password) is masked only
//! where it stands alone — not inside a longer word or number — so that `ab` does not turn
//! every `about` of a body into `***out`. Its longer forms (`user:ab`, its Base64 in a Basic
//! header) are masked like any other.

use std::sync::LazyLock;

use base64::Engine;
use base64::engine::general_purpose::{STANDARD, STANDARD_NO_PAD, URL_SAFE, URL_SAFE_NO_PAD};
use percent_encoding::{AsciiSet, NON_ALPHANUMERIC, utf8_percent_encode};
use regex::Regex;

use super::unescape;

/// What a secret is replaced with.
pub const MASK: &str = "***";

/// Bytes that stay as they are in a URL-encoded secret (RFC 3986 unreserved).
const ENCODED: &AsciiSet = &NON_ALPHANUMERIC
    .remove(b'-')
    .remove(b'.')
    .remove(b'_')
    .remove(b'~');

/// Base64 text shorter than this inside a longer text is not masked on its own: it would match
/// by chance. The whole encoded secret is always masked.
const MIN_B64_CORE: usize = 8;

/// A secret shorter than this is masked only where it is not part of a longer word.
pub const SHORT: usize = 8;

/// The user name and password of a URL: `scheme://` then anything up to `@` that is not a
/// path, query or fragment.
static USERINFO: LazyLock<Regex> = LazyLock::new(|| {
    Regex::new(r#"(?i)\b([a-z][a-z0-9+.-]*://)[^/?#@\s"'<>]+@"#).expect("static regex")
});

/// One form of one secret.
#[derive(Clone, Debug, PartialEq)]
struct Needle {
    text: String,
    /// Masked only where it stands alone (a form of a short secret).
    alone: bool,
}

/// The forms of every secret of one check, longest first.
#[derive(Clone, Debug, Default)]
pub struct Masker {
    needles: Vec<Needle>,
    /// The secrets as they are, for the decoded pass.
    secrets: Vec<Needle>,
}

impl Masker {
    pub fn new<I, S>(secrets: I) -> Masker
    where
        I: IntoIterator<Item = S>,
        S: AsRef<str>,
    {
        let mut masker = Masker::default();
        for secret in secrets {
            masker.add(secret.as_ref());
        }
        masker
    }

    /// Adds a secret and the forms a server could echo it in.
    pub fn add(&mut self, secret: &str) {
        if secret.is_empty() {
            return;
        }
        let alone = secret.len() < SHORT;
        let mut forms = vec![secret.to_owned()];
        let encoded = utf8_percent_encode(secret, ENCODED).to_string();
        forms.push(encoded.to_ascii_lowercase());
        forms.push(encoded.replace("%20", "+"));
        forms.push(encoded);
        for engine in [&STANDARD, &STANDARD_NO_PAD, &URL_SAFE, &URL_SAFE_NO_PAD] {
            forms.push(engine.encode(secret));
        }
        forms.extend(base64_cores(secret.as_bytes()));
        if let Ok(json) = serde_json::to_string(secret) {
            forms.push(json.trim_matches('"').to_owned());
            forms.push(json.trim_matches('"').replace('/', "\\/"));
        }
        for text in forms {
            let needle = Needle { text, alone };
            if !needle.text.is_empty() && !self.needles.contains(&needle) {
                self.needles.push(needle);
            }
        }
        self.needles
            .sort_by_key(|n| std::cmp::Reverse(n.text.len()));
        let whole = Needle {
            text: secret.to_owned(),
            alone,
        };
        if !self.secrets.contains(&whole) {
            self.secrets.push(whole);
        }
    }

    /// Adds Basic credentials: the whole `user:password` (its Base64 is the header's value) and
    /// the password on its own, however short.
    pub fn add_credentials(&mut self, user: &str, password: &str) {
        self.add(password);
        self.add(&format!("{user}:{password}"));
    }

    pub fn is_empty(&self) -> bool {
        self.needles.is_empty()
    }

    /// The text with every form of every secret, and the credentials of every URL in it,
    /// replaced by [`MASK`].
    pub fn mask(&self, text: &str) -> String {
        let mut out = USERINFO
            .replace_all(text, format!("${{1}}{MASK}@"))
            .into_owned();
        for needle in &self.needles {
            if out.contains(needle.text.as_str()) {
                out = replace(&out, needle);
            }
        }
        if !self.secrets.is_empty() && unescape::has_escapes(&out) {
            out = self.mask_escaped(&out);
        }
        out
    }

    /// Masks secrets that are written escaped, in any mix of escapes.
    fn mask_escaped(&self, text: &str) -> String {
        let decoded = unescape::decode(text);
        let mut spans: Vec<(usize, usize)> = Vec::new();
        for secret in &self.secrets {
            for at in find_all(&decoded.bytes, secret.text.as_bytes()) {
                let end = at + secret.text.len();
                if secret.alone && !stands_alone(&decoded.bytes, at, end) {
                    continue;
                }
                let (start, _) = decoded.spans[at];
                let (_, stop) = decoded.spans[end - 1];
                spans.push((start as usize, stop as usize));
            }
        }
        if spans.is_empty() {
            return text.to_owned();
        }
        spans.sort_unstable();
        let mut out = String::with_capacity(text.len());
        let mut done = 0;
        for (start, end) in spans {
            if end <= done {
                continue;
            }
            out.push_str(&text[done..start.max(done)]);
            if start >= done {
                out.push_str(MASK);
            }
            done = end;
        }
        out.push_str(&text[done..]);
        out
    }
}

/// `text` with `needle` replaced by [`MASK`] (where it stands alone, for a short secret's form).
fn replace(text: &str, needle: &Needle) -> String {
    if !needle.alone {
        return text.replace(needle.text.as_str(), MASK);
    }
    let mut out = String::with_capacity(text.len());
    let mut done = 0;
    for (at, _) in text.match_indices(needle.text.as_str()) {
        let end = at + needle.text.len();
        if at < done || !stands_alone(text.as_bytes(), at, end) {
            continue;
        }
        out.push_str(&text[done..at]);
        out.push_str(MASK);
        done = end;
    }
    out.push_str(&text[done..]);
    out
}

/// Whether `bytes[start..end]` is not glued to a letter or digit on a side where it has one.
fn stands_alone(bytes: &[u8], start: usize, end: usize) -> bool {
    let word = |b: u8| b.is_ascii_alphanumeric() || b >= 0x80;
    let glued_before = start > 0 && word(bytes[start]) && word(bytes[start - 1]);
    let glued_after = end < bytes.len() && word(bytes[end - 1]) && word(bytes[end]);
    !glued_before && !glued_after
}

/// Every start of `needle` in `hay`, overlapping ones included.
fn find_all(hay: &[u8], needle: &[u8]) -> Vec<usize> {
    let Some(&first) = needle.first() else {
        return Vec::new();
    };
    (0..hay.len().saturating_sub(needle.len() - 1))
        .filter(|&i| hay[i] == first && hay[i..].starts_with(needle))
        .collect()
}

/// The part of the Base64 encoding of `secret` that does not depend on its neighbours, for each
/// of the three alignments it can have inside a longer encoded text.
fn base64_cores(secret: &[u8]) -> Vec<String> {
    let mut cores = Vec::new();
    for skip in 0..3usize {
        let mut bytes = vec![0u8; skip];
        bytes.extend_from_slice(secret);
        let encoded = STANDARD_NO_PAD.encode(&bytes);
        let lead = (skip * 8).div_ceil(6);
        let trail = usize::from(bytes.len() % 3 != 0);
        let Some(core) = encoded.get(lead..encoded.len().saturating_sub(trail)) else {
            continue;
        };
        if core.len() >= MIN_B64_CORE {
            cores.push(core.to_owned());
            cores.push(core.replace('+', "-").replace('/', "_"));
        }
    }
    cores
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn masks_every_form() {
        let secret = "s3cr3t/t0ken+v@lue \"q\"";
        let m = Masker::new([secret]);
        let b64 = STANDARD.encode(secret);
        let url = utf8_percent_encode(secret, ENCODED).to_string();
        let json = serde_json::to_string(secret).unwrap();
        for text in [secret.to_owned(), b64, url, json] {
            let masked = m.mask(&format!("before {text} after"));
            assert!(
                masked.contains(MASK) && !masked.contains("t0ken"),
                "{masked}"
            );
        }
    }

    #[test]
    fn masks_base64_inside_a_longer_encoding() {
        let secret = "abcdefghijklmnopqrstuvwxyz";
        let m = Masker::new([secret]);
        for prefix in ["", "B", "Be", "Bearer "] {
            let whole = STANDARD.encode(format!("{prefix}{secret}!"));
            let masked = m.mask(&whole);
            assert!(masked.contains(MASK), "{prefix}: {whole} -> {masked}");
        }
    }

    #[test]
    fn masks_a_secret_escaped_any_way_a_server_may() {
        let m = Masker::new(["tok&en<x>/é"]);
        for echoed in [
            r"tok\u0026en\u003cx\u003e/é",
            r"\u0074ok&en<x>\/\u00e9",
            "tok%26en%3Cx%3E%2F%C3%A9",
            "tok&amp;en&lt;x&gt;&#x2F;&#233;",
        ] {
            let masked = m.mask(&format!(r#"{{"echo":"{echoed}","n":1}}"#));
            assert_eq!(masked, r#"{"echo":"***","n":1}"#, "{echoed}");
        }
    }

    #[test]
    fn a_short_secret_is_masked_only_where_it_stands_alone() {
        let m = Masker::new(["ab"]);
        assert_eq!(m.mask("about a cab; pass=ab&x"), "about a cab; pass=***&x");
        assert_eq!(m.mask(r#"{"p":"ab"} \u0061b"#), r#"{"p":"***"} ***"#);
        assert_eq!(m.mask(r"x\u0061bout"), r"x\u0061bout");
    }

    #[test]
    fn basic_credentials_of_a_short_password_are_masked_whole() {
        let mut m = Masker::default();
        m.add_credentials("admin", "pw");
        let basic = STANDARD.encode("admin:pw");
        let masked = m.mask(&format!(
            "Authorization: Basic {basic}; user admin:pw; pw; pwd"
        ));
        assert_eq!(masked, "Authorization: Basic ***; user ***; ***; pwd");
        // Inside a longer Base64 text (a JWT-like echo of the whole header).
        let whole = STANDARD.encode(r#"{"auth":"admin:pw"}"#);
        assert!(m.mask(&whole).contains(MASK), "{whole}");
    }

    #[test]
    fn credentials_of_any_url_are_masked() {
        let m = Masker::default();
        assert_eq!(
            m.mask("curl https://ops:hunter2@prom.test/api and http://tok@a.test:81/"),
            "curl https://***@prom.test/api and http://***@a.test:81/"
        );
        assert_eq!(m.mask("http://a.test/x@y?m=a@b"), "http://a.test/x@y?m=a@b");
    }

    #[test]
    fn leaves_other_text_alone() {
        let m = Masker::new(["", "hunter22"]);
        assert_eq!(m.mask("status 200 in 12ms"), "status 200 in 12ms");
    }
}
