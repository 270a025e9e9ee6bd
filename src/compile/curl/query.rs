//! Request data as curl builds it: `-d` parts sent as written, `--data-urlencode` parts
//! percent-encoded, all joined with `&`; with `-G` the joined data goes into the URL's query
//! instead of the body.

use percent_encoding::{AsciiSet, NON_ALPHANUMERIC, utf8_percent_encode};

use super::{CurlCommand, CurlError, err};
use crate::compile::template::Template;

/// One `-d`/`--data-raw`/`--json` or `--data-urlencode` argument.
#[derive(Clone, Debug, PartialEq)]
pub enum Data {
    /// Sent as written (placeholders and `$VAR`s filled in).
    Raw(Template),
    /// `--data-urlencode`: `content` is filled in, then percent-encoded; `name=` is sent as
    /// written.
    Encoded {
        name: Option<Template>,
        content: Template,
    },
}

/// What curl leaves alone: the unreserved characters of RFC 3986. Everything else, space
/// included, becomes `%XX` (curl writes `%20` for a space, never `+`).
const CURL_ENCODE: &AsciiSet = &NON_ALPHANUMERIC
    .remove(b'-')
    .remove(b'.')
    .remove(b'_')
    .remove(b'~');

/// The data of every part, joined with `&` as curl joins them; `--data-urlencode` content is
/// encoded after `fill` has filled in its placeholders and `$VAR`s. `None` without data.
pub fn join<E>(
    data: &[Data],
    fill: &mut dyn FnMut(&Template) -> Result<String, E>,
) -> Result<Option<String>, E> {
    if data.is_empty() {
        return Ok(None);
    }
    let mut parts = Vec::with_capacity(data.len());
    for part in data {
        parts.push(match part {
            Data::Raw(text) => fill(text)?,
            Data::Encoded { name, content } => {
                let content = encode(&fill(content)?);
                match name {
                    Some(name) => format!("{}={content}", fill(name)?),
                    None => content,
                }
            }
        });
    }
    Ok(Some(parts.join("&")))
}

/// The request's URL and body as curl builds them from the command: the data joined, and with
/// `-G` put into the URL's query instead of the body. Lint (every target) and the runner both
/// build them here, so they agree on what is sent.
pub fn url_and_body<E>(
    command: &CurlCommand,
    fill: &mut dyn FnMut(&Template) -> Result<String, E>,
) -> Result<(String, Option<String>), E> {
    let data = join(&command.data, fill)?;
    let url = fill(&command.url)?;
    Ok(match (command.get, data) {
        (true, data) => (append_query(&url, data.as_deref().unwrap_or("")), None),
        (false, data) => (url, data),
    })
}

/// Percent-encodes `text` exactly as `curl --data-urlencode` does.
pub fn encode(text: &str) -> String {
    utf8_percent_encode(text, CURL_ENCODE).to_string()
}

/// Reads a `--data-urlencode` argument with curl's rules: the first `=` splits `name=content`
/// (`=content` has no name); without `=`, an `@` means "read a file", which a check never does.
pub fn parse_urlencode(value: &str, offset: usize) -> Result<Data, CurlError> {
    let (name, content) = match value.split_once('=') {
        Some((name, content)) => ((!name.is_empty()).then_some(name), content),
        None if value.contains('@') => {
            return Err(err(
                offset,
                format!("`--data-urlencode {value}` reads a local file"),
                "write the content inline: --data-urlencode 'name=content' (a literal `@` is fine after `=`)",
            ));
        }
        None => (None, value),
    };
    Ok(Data::Encoded {
        name: name.map(Template::with_env),
        content: Template::with_env(content),
    })
}

/// `url` with `query` appended the way `curl -G` does: after `?`, or after `&` when the URL
/// has a query already. A `#fragment` stays last (it is never sent).
pub fn append_query(url: &str, query: &str) -> String {
    if query.is_empty() {
        return url.to_owned();
    }
    let (base, fragment) = match url.split_once('#') {
        Some((base, fragment)) => (base, Some(fragment)),
        None => (url, None),
    };
    let separator = match base.find('?') {
        None => "?",
        Some(at) if at + 1 == base.len() || base.ends_with('&') => "",
        Some(_) => "&",
    };
    let mut out = format!("{base}{separator}{query}");
    if let Some(fragment) = fragment {
        out.push('#');
        out.push_str(fragment);
    }
    out
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn encodes_like_curl() {
        assert_eq!(encode("a b+c&d=e/f"), "a%20b%2Bc%26d%3De%2Ff");
        assert_eq!(encode("AZaz09-._~"), "AZaz09-._~");
        assert_eq!(
            encode(r#"x{code=~"5.."}[5m]"#),
            "x%7Bcode%3D~%225..%22%7D%5B5m%5D"
        );
        assert_eq!(encode("é"), "%C3%A9");
    }

    #[test]
    fn urlencode_forms() {
        let text = |t: &Template| t.as_text().unwrap();
        let parts = |value: &str| match parse_urlencode(value, 0).unwrap() {
            Data::Encoded { name, content } => (name.as_ref().map(text), text(&content)),
            Data::Raw(_) => unreachable!(),
        };
        assert_eq!(parts("a b"), (None, "a b".into()));
        assert_eq!(parts("=a=b"), (None, "a=b".into()));
        assert_eq!(
            parts("query=up == 1"),
            (Some("query".into()), "up == 1".into())
        );
        assert_eq!(
            parts("mail=me@x.test"),
            (Some("mail".into()), "me@x.test".into())
        );
        for file in ["@secrets.txt", "name@secrets.txt"] {
            let e = parse_urlencode(file, 3).unwrap_err();
            assert!(e.message.contains("reads a local file"), "{}", e.message);
            assert_eq!(e.offset, 3);
        }
    }

    #[test]
    fn appends_to_the_query() {
        assert_eq!(append_query("http://a/x", "q=1"), "http://a/x?q=1");
        assert_eq!(append_query("http://a/x?a=1", "q=1"), "http://a/x?a=1&q=1");
        assert_eq!(append_query("http://a/x?", "q=1"), "http://a/x?q=1");
        assert_eq!(append_query("http://a/x#top", "q=1"), "http://a/x?q=1#top");
        assert_eq!(append_query("http://a/x", ""), "http://a/x");
    }
}
