//! Runbook Markdown → HTML. Raw HTML is shown as text, never passed through, and link and image
//! URLs are limited to http, https, mailto and relative ones, so no runbook text can run script.
//!
//! Code that uses one of the page's placeholders (`kubectl -n {{ namespace }} ...`) keeps its raw
//! text in `data-template`, like a check's command, so the page's script fills it in the same way.
//! Nothing is evaluated: the script only replaces the names it was given.

use std::collections::HashMap;

use minijinja::HtmlEscape;
use pulldown_cmark::{CodeBlockKind, CowStr, Event, HeadingLevel, Parser, Tag, TagEnd};

use crate::compile::template::placeholders;
use crate::markdown::{is_safe_url, options};

/// Renders a Markdown block. Heading ids are `prefix` + a slug of the heading text, unique within
/// the block, so that links to them stay stable across builds.
pub fn block(text: &str, prefix: &str) -> String {
    block_with(text, prefix, &[])
}

/// A whole document on a page of its own (an incident record): the same rules as [`block`],
/// but its sections keep their levels (`##` is an `h2`); only an `h1` moves down, since the
/// page's title is the `h1`.
pub fn document(text: &str, prefix: &str) -> String {
    let events = sanitize_with(Parser::new_ext(text, options()).collect(), below_title);
    to_html(heading_ids(events, prefix), text.len())
}

/// [`block`], with code that uses one of the placeholders `names` marked for the page's script.
pub fn block_with(text: &str, prefix: &str, names: &[String]) -> String {
    let events = sanitize(Parser::new_ext(text, options()).collect());
    let events = heading_ids(events, prefix);
    to_html(code_templates(events, names), text.len())
}

/// The first top-level paragraph of a text (a runbook's summary, shown on its failure modes'
/// pages), or nothing when it has none.
pub fn first_paragraph(text: &str, names: &[String]) -> String {
    let events = sanitize(Parser::new_ext(text, options()).collect());
    let mut depth = 0usize;
    let mut start = None;
    for (i, event) in events.iter().enumerate() {
        match event {
            Event::Start(tag) => {
                if depth == 0 && matches!(tag, Tag::Paragraph) {
                    start = Some(i);
                }
                depth += 1;
            }
            Event::End(_) => {
                depth = depth.saturating_sub(1);
                if let (0, Some(from)) = (depth, start) {
                    let paragraph = events[from..=i].to_vec();
                    return to_html(code_templates(paragraph, names), text.len());
                }
            }
            _ => {}
        }
    }
    String::new()
}

fn to_html(events: Vec<Event<'_>>, len: usize) -> String {
    let mut html = String::with_capacity(len * 3 / 2);
    pulldown_cmark::html::push_html(&mut html, events.into_iter());
    html
}

/// Renders a one-line text (a symptom, a cause, a title): Markdown without the paragraph around
/// it. A text that is more than one paragraph keeps its block markup.
pub fn inline(text: &str) -> String {
    inline_with(text, &[])
}

/// [`inline`], with code that uses one of the placeholders `names` marked for the page's script.
pub fn inline_with(text: &str, names: &[String]) -> String {
    let html = block_with(text, "h-", names);
    let trimmed = html.trim_end();
    match trimmed
        .strip_prefix("<p>")
        .and_then(|s| s.strip_suffix("</p>"))
    {
        Some(inner) if !inner.contains("<p>") => inner.to_owned(),
        _ => html,
    }
}

/// Raw HTML becomes text (escaped by the HTML writer); unsafe URLs become `#`; headings move two
/// levels down because the page owns `h1` and `h2`.
fn sanitize(events: Vec<Event<'_>>) -> Vec<Event<'_>> {
    sanitize_with(events, demote)
}

/// [`sanitize`], with headings moved by `level`.
fn sanitize_with(
    events: Vec<Event<'_>>,
    level_of: fn(HeadingLevel) -> HeadingLevel,
) -> Vec<Event<'_>> {
    events
        .into_iter()
        .map(|event| match event {
            Event::Html(raw) | Event::InlineHtml(raw) => Event::Text(raw),
            Event::Start(Tag::Link {
                link_type,
                dest_url,
                title,
                id,
            }) => Event::Start(Tag::Link {
                link_type,
                dest_url: safe(dest_url),
                title,
                id,
            }),
            Event::Start(Tag::Image {
                link_type,
                dest_url,
                title,
                id,
            }) => Event::Start(Tag::Image {
                link_type,
                dest_url: safe(dest_url),
                title,
                id,
            }),
            Event::Start(Tag::Heading {
                level,
                id,
                classes,
                attrs,
            }) => Event::Start(Tag::Heading {
                level: level_of(level),
                id,
                classes,
                attrs,
            }),
            Event::End(TagEnd::Heading(level)) => Event::End(TagEnd::Heading(level_of(level))),
            other => other,
        })
        .collect()
}

/// Code spans and code blocks that use one of `names` become HTML written here, with their raw
/// text in `data-template` (escaped like any attribute); all other code is left to the writer.
fn code_templates<'a>(events: Vec<Event<'a>>, names: &[String]) -> Vec<Event<'a>> {
    if names.is_empty() {
        return events;
    }
    let mut out = Vec::with_capacity(events.len());
    let mut events = events.into_iter();
    while let Some(event) = events.next() {
        match event {
            Event::Code(code) if uses_any(&code, names) => {
                out.push(Event::InlineHtml(code_html(&code, None).into()));
            }
            Event::Start(Tag::CodeBlock(kind)) => {
                let inner: Vec<Event<'a>> = events
                    .by_ref()
                    .take_while(|e| !matches!(e, Event::End(TagEnd::CodeBlock)))
                    .collect();
                let text: String = inner
                    .iter()
                    .filter_map(|e| match e {
                        Event::Text(t) => Some(t.as_ref()),
                        _ => None,
                    })
                    .collect();
                if uses_any(&text, names) {
                    let html = format!("<pre>{}</pre>\n", code_html(&text, language(&kind)));
                    out.push(Event::Html(html.into()));
                } else {
                    out.push(Event::Start(Tag::CodeBlock(kind)));
                    out.extend(inner);
                    out.push(Event::End(TagEnd::CodeBlock));
                }
            }
            other => out.push(other),
        }
    }
    out
}

fn uses_any(code: &str, names: &[String]) -> bool {
    code.contains("{{") && placeholders(code).iter().any(|(_, n)| names.contains(n))
}

/// The language of a fenced block, as pulldown-cmark's writer names it in its class.
fn language<'k>(kind: &'k CodeBlockKind<'_>) -> Option<&'k str> {
    match kind {
        CodeBlockKind::Fenced(info) => info.split(' ').next().filter(|l| !l.is_empty()),
        CodeBlockKind::Indented => None,
    }
}

fn code_html(text: &str, language: Option<&str>) -> String {
    let class = language
        .map(|l| format!(" class=\"language-{}\"", HtmlEscape(l)))
        .unwrap_or_default();
    let text = HtmlEscape(text);
    format!("<code{class} data-template=\"{text}\">{text}</code>")
}

fn safe(url: CowStr<'_>) -> CowStr<'_> {
    if is_safe_url(&url) {
        url
    } else {
        CowStr::Borrowed("#")
    }
}

/// An `h1` becomes an `h2`; other levels stay.
fn below_title(level: HeadingLevel) -> HeadingLevel {
    match level {
        HeadingLevel::H1 => HeadingLevel::H2,
        other => other,
    }
}

fn demote(level: HeadingLevel) -> HeadingLevel {
    match level {
        HeadingLevel::H1 => HeadingLevel::H3,
        HeadingLevel::H2 => HeadingLevel::H4,
        HeadingLevel::H3 => HeadingLevel::H5,
        _ => HeadingLevel::H6,
    }
}

fn heading_ids<'a>(mut events: Vec<Event<'a>>, prefix: &str) -> Vec<Event<'a>> {
    let mut seen: HashMap<String, usize> = HashMap::new();
    for i in 0..events.len() {
        if !matches!(events[i], Event::Start(Tag::Heading { .. })) {
            continue;
        }
        let text = heading_text(&events[i + 1..]);
        let mut slug = format!("{prefix}{}", slug(&text));
        let n = seen.entry(slug.clone()).or_insert(0);
        *n += 1;
        if *n > 1 {
            slug = format!("{slug}-{n}");
        }
        if let Event::Start(Tag::Heading { id, .. }) = &mut events[i] {
            *id = Some(CowStr::from(slug));
        }
    }
    events
}

fn heading_text(events: &[Event<'_>]) -> String {
    let mut text = String::new();
    for event in events {
        match event {
            Event::End(TagEnd::Heading(_)) => break,
            Event::Text(t) | Event::Code(t) => text.push_str(t),
            _ => {}
        }
    }
    text
}

/// Lowercase ASCII letters and digits joined by single dashes: safe in ids and URLs.
pub fn slug(text: &str) -> String {
    let mut out = String::new();
    for c in text.chars().flat_map(char::to_lowercase) {
        if c.is_ascii_alphanumeric() {
            out.push(c);
        } else if !out.is_empty() && !out.ends_with('-') {
            out.push('-');
        }
    }
    let trimmed = out.trim_end_matches('-');
    if trimmed.is_empty() {
        "section".to_owned()
    } else {
        trimmed.to_owned()
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn raw_html_is_text() {
        let html = block(
            "<script>alert(1)</script>\n\nhi <img src=x onerror=alert(1)>",
            "h-",
        );
        assert!(!html.contains("<script"), "{html}");
        assert!(!html.contains("<img"), "{html}");
        assert!(html.contains("&lt;script&gt;"), "{html}");
    }

    #[test]
    fn unsafe_links_become_hash() {
        for src in [
            "[x](javascript:alert(1))",
            "[x](JaVaScRiPt:alert(1))",
            "[x](&#106;avascript:alert(1))",
            "<javascript:alert(1)>",
            "![i](data:text/html,x)",
        ] {
            let html = block(src, "h-");
            // The URL may stay visible as text; it must not be an href or src.
            let lower = html.to_lowercase();
            assert!(!lower.contains("=\"javascript:"), "{src}: {html}");
            assert!(!lower.contains("=\"data:"), "{src}: {html}");
        }
        assert!(block("[x](https://a.example/b)", "h-").contains("href=\"https://a.example/b\""));
    }

    #[test]
    fn headings_are_stable_and_unique() {
        let html = block("# Roll back\n\n## Roll back\n", "s-");
        assert!(html.contains("<h3 id=\"s-roll-back\">"), "{html}");
        assert!(html.contains("<h4 id=\"s-roll-back-2\">"), "{html}");
    }

    #[test]
    fn inline_drops_the_paragraph() {
        assert_eq!(
            inline("`/readyz` turns 503"),
            "<code>/readyz</code> turns 503"
        );
    }

    #[test]
    fn code_with_a_declared_placeholder_keeps_its_template() {
        let names = vec!["pod".to_owned()];
        let text = "Run `kubectl logs {{ pod }}` or `echo {{ x }}`.\n\n```sh\nkubectl -n a describe pod {{pod}} <b>\n```\n\n```\n{{ y }}\n```\n";
        let html = block_with(text, "h-", &names);
        assert!(
            html.contains(
                "<code data-template=\"kubectl logs {{ pod }}\">kubectl logs {{ pod }}</code>"
            ),
            "{html}"
        );
        assert!(html.contains("<code>echo {{ x }}</code>"), "{html}");
        assert!(
            html.contains("<pre><code class=\"language-sh\" data-template=\"kubectl -n a describe pod {{pod}} &lt;b&gt;\n\">"),
            "{html}"
        );
        assert!(html.contains("<pre><code>{{ y }}\n</code></pre>"), "{html}");
        assert!(!block(text, "h-").contains("data-template"));
    }

    #[test]
    fn first_paragraph_only() {
        let text = "# Title\n\n- a list\n\nThe `api` service.\nSecond line.\n\nMore.";
        assert_eq!(
            first_paragraph(text, &[]),
            "<p>The <code>api</code> service.\nSecond line.</p>\n"
        );
        assert_eq!(first_paragraph("- only a list", &[]), "");
        assert!(!first_paragraph("<script>x</script>\n\nok", &[]).contains("<script"));
    }
}
