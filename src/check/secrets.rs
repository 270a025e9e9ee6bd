//! Secret masking: one function that every string leaving the runner goes through.
//!
//! The secrets of a check are the values of the `$VAR`s it used and its `-u` password (plus the
//! Basic credentials built from them). A server may echo them back in another form, so each one
//! is also masked URL-encoded, Base64-encoded (at any alignment inside a longer Base64 text) and
//! JSON-escaped.

use base64::Engine;
use base64::engine::general_purpose::{STANDARD, STANDARD_NO_PAD, URL_SAFE, URL_SAFE_NO_PAD};
use percent_encoding::{AsciiSet, NON_ALPHANUMERIC, utf8_percent_encode};

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

/// The forms of every secret of one check, longest first.
#[derive(Clone, Debug, Default)]
pub struct Masker {
    needles: Vec<String>,
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
        for form in forms {
            if !form.is_empty() && !self.needles.contains(&form) {
                self.needles.push(form);
            }
        }
        self.needles.sort_by_key(|n| std::cmp::Reverse(n.len()));
    }

    pub fn is_empty(&self) -> bool {
        self.needles.is_empty()
    }

    /// The text with every form of every secret replaced by [`MASK`].
    pub fn mask(&self, text: &str) -> String {
        let mut out = text.to_owned();
        for needle in &self.needles {
            if out.contains(needle.as_str()) {
                out = out.replace(needle.as_str(), MASK);
            }
        }
        out
    }
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
    fn leaves_other_text_alone() {
        let m = Masker::new(["", "hunter22"]);
        assert_eq!(m.mask("status 200 in 12ms"), "status 200 in 12ms");
    }
}
