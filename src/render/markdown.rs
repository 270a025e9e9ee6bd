//! Runbook Markdown → HTML. Raw HTML is shown as text, never passed through, and link and image
//! URLs are limited to http, https, mailto and relative ones, so no runbook text can run script.

use std::collections::HashMap;

use pulldown_cmark::{CowStr, Event, HeadingLevel, Parser, Tag, TagEnd};

use crate::markdown::{is_safe_url, options};

/// Renders a Markdown block. Heading ids are `prefix` + a slug of the heading text, unique within
/// the block, so that links to them stay stable across builds.
pub fn block(text: &str, prefix: &str) -> String {
    let events = sanitize(Parser::new_ext(text, options()).collect());
    let events = heading_ids(events, prefix);
    let mut html = String::with_capacity(text.len() * 3 / 2);
    pulldown_cmark::html::push_html(&mut html, events.into_iter());
    html
}

/// Renders a one-line text (a symptom, a cause, a title): Markdown without the paragraph around
/// it. A text that is more than one paragraph keeps its block markup.
pub fn inline(text: &str) -> String {
    let html = block(text, "h-");
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
                level: demote(level),
                id,
                classes,
                attrs,
            }),
            Event::End(TagEnd::Heading(level)) => Event::End(TagEnd::Heading(demote(level))),
            other => other,
        })
        .collect()
}

fn safe(url: CowStr<'_>) -> CowStr<'_> {
    if is_safe_url(&url) {
        url
    } else {
        CowStr::Borrowed("#")
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
}
