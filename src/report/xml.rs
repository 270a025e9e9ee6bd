//! The XML that JUnit reports need: escaping (written once, here) and elements written one per
//! line at an indent, so both JUnit presenters produce the same shape.

use std::io::{self, Write};

/// Escapes text for an XML attribute or element, dropping characters XML 1.0 cannot hold.
pub fn escape(s: &str) -> String {
    let mut out = String::with_capacity(s.len());
    for c in s.chars() {
        match c {
            '&' => out.push_str("&amp;"),
            '<' => out.push_str("&lt;"),
            '>' => out.push_str("&gt;"),
            '"' => out.push_str("&quot;"),
            '\'' => out.push_str("&apos;"),
            '\t' | '\n' | '\r' => out.push(c),
            c if (c as u32) < 0x20 || c == '\u{fffe}' || c == '\u{ffff}' => out.push('\u{fffd}'),
            c => out.push(c),
        }
    }
    out
}

/// The XML declaration every report starts with.
pub fn declaration(out: &mut dyn Write) -> io::Result<()> {
    writeln!(out, r#"<?xml version="1.0" encoding="UTF-8"?>"#)
}

/// `<name a="1">` on its own line, `depth` levels in.
pub fn open(
    out: &mut dyn Write,
    depth: usize,
    name: &str,
    attrs: &[(&str, &str)],
) -> io::Result<()> {
    writeln!(out, "{}<{name}{}>", indent(depth), attributes(attrs))
}

/// `</name>` on its own line.
pub fn close(out: &mut dyn Write, depth: usize, name: &str) -> io::Result<()> {
    writeln!(out, "{}</{name}>", indent(depth))
}

/// `<name a="1">text</name>`, or `<name a="1"/>` without text.
pub fn leaf(
    out: &mut dyn Write,
    depth: usize,
    name: &str,
    attrs: &[(&str, &str)],
    text: Option<&str>,
) -> io::Result<()> {
    let (indent, attrs) = (indent(depth), attributes(attrs));
    match text {
        Some(text) => writeln!(out, "{indent}<{name}{attrs}>{}</{name}>", escape(text)),
        None => writeln!(out, "{indent}<{name}{attrs}/>"),
    }
}

fn attributes(attrs: &[(&str, &str)]) -> String {
    attrs
        .iter()
        .map(|(k, v)| format!(r#" {k}="{}""#, escape(v)))
        .collect()
}

fn indent(depth: usize) -> String {
    "  ".repeat(depth)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn escapes_markup_and_drops_what_xml_cannot_hold() {
        assert_eq!(
            escape(r#"<a href="x">&'"#),
            "&lt;a href=&quot;x&quot;&gt;&amp;&apos;"
        );
        assert_eq!(escape("a\u{1b}b\tc"), "a\u{fffd}b\tc");
    }

    #[test]
    fn elements() {
        let mut out = Vec::new();
        leaf(&mut out, 2, "case", &[("name", "a<b")], None).unwrap();
        leaf(&mut out, 0, "out", &[], Some("x & y")).unwrap();
        let text = String::from_utf8(out).unwrap();
        assert_eq!(text, "    <case name=\"a&lt;b\"/>\n<out>x &amp; y</out>\n");
    }
}
