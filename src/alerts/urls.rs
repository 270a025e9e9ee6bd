//! The `runbook_url` each alert should carry: its page in the book, followed by a query that
//! hands the runbook's params to the page from the alert's labels. The query is an Alertmanager
//! (Go `text/template`) template, so the annotation can be pasted into a rule as it is.

use std::collections::BTreeMap;
use std::io::{self, Write};

use percent_encoding::{AsciiSet, CONTROLS, utf8_percent_encode};

use super::book::{Book, alert_page};
use super::link::{SET_SITE, Site};
use crate::compile::CompiledRunbook;
use crate::workspace::Workspace;

/// What cannot stand as itself in a path segment or a query key.
const ENCODED: &AsciiSet = &CONTROLS
    .add(b' ')
    .add(b'"')
    .add(b'#')
    .add(b'%')
    .add(b'&')
    .add(b'+')
    .add(b'/')
    .add(b'<')
    .add(b'=')
    .add(b'>')
    .add(b'?')
    .add(b'[')
    .add(b'\\')
    .add(b']')
    .add(b'^')
    .add(b'`')
    .add(b'{')
    .add(b'|')
    .add(b'}');

/// For each alert a runbook lists, sorted by name, the `runbook_url` it should carry; or why
/// there is no telling without a usable `site_url`.
pub fn runbook_urls(ws: &Workspace) -> Result<BTreeMap<String, String>, String> {
    let site = Site::of(&ws.config).map_err(|no_site| {
        format!(
            "{}, so there is no telling where the book's pages are: {SET_SITE}",
            no_site.message
        )
    })?;
    Ok(urls_at(&ws.runbooks, site.as_str()))
}

fn urls_at(runbooks: &[CompiledRunbook], site_url: &str) -> BTreeMap<String, String> {
    let book = Book::of(runbooks);
    book.alerts()
        .map(|alert| (alert.to_owned(), expected(&book, site_url, alert)))
        .collect()
}

/// `<site_url>alerts/<Name>.html?namespace={{ $labels.namespace | urlquery }}&pod=...`.
pub(super) fn expected(book: &Book, site_url: &str, alert: &str) -> String {
    let name = utf8_percent_encode(alert, ENCODED).to_string();
    let mut url = format!("{site_url}{}", alert_page(&name));
    for (i, param) in book.params(alert).into_iter().enumerate() {
        let separator = if i == 0 { '?' } else { '&' };
        let key = utf8_percent_encode(param, ENCODED);
        url.push_str(&format!("{separator}{key}={}", label(param)));
    }
    url
}

/// The template that yields the label's value, escaped for a query string (Go's `urlquery`, so
/// a value with `&` or a space cannot break the URL): `{{ $labels.pod | urlquery }}`, or for a
/// name that is not a Go identifier, `{{ index $labels "pod-name" | urlquery }}`.
fn label(name: &str) -> String {
    if crate::model::is_label_name(name) {
        format!("{{{{ $labels.{name} | urlquery }}}}")
    } else {
        let quoted = name.replace('\\', "\\\\").replace('"', "\\\"");
        format!("{{{{ index $labels \"{quoted}\" | urlquery }}}}")
    }
}

/// `Name<TAB>URL` lines.
pub fn write_text(urls: &BTreeMap<String, String>, out: &mut dyn Write) -> io::Result<()> {
    for (alert, url) in urls {
        writeln!(out, "{alert}\t{url}")?;
    }
    Ok(())
}

/// `{"Name": "URL", ...}`, sorted by name.
pub fn write_json(urls: &BTreeMap<String, String>, out: &mut dyn Write) -> io::Result<()> {
    serde_json::to_writer_pretty(&mut *out, urls)?;
    writeln!(out)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn labels_are_go_templates() {
        assert_eq!(label("namespace"), "{{ $labels.namespace | urlquery }}");
        assert_eq!(
            label("pod-name"),
            r#"{{ index $labels "pod-name" | urlquery }}"#
        );
        assert_eq!(
            label("9lives"),
            r#"{{ index $labels "9lives" | urlquery }}"#
        );
    }
}
