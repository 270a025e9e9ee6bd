//! A small XML well-formedness check for the JUnit reports: balanced tags, quoted attributes,
//! escaped text (no XML crate needed for that much).

/// Checks that `xml` is well-formed: balanced tags, quoted attributes, escaped text.
pub fn assert_well_formed_xml(xml: &str) {
    let mut stack: Vec<String> = Vec::new();
    let mut rest = xml;
    while let Some(open) = rest.find('<') {
        assert_text(&rest[..open]);
        rest = &rest[open..];
        let close = rest.find('>').expect("unclosed tag");
        let tag = &rest[1..close];
        rest = &rest[close + 1..];
        if tag.starts_with('?') {
            continue;
        }
        if let Some(name) = tag.strip_prefix('/') {
            assert_eq!(stack.pop().as_deref(), Some(name), "mismatched </{name}>");
            continue;
        }
        let self_closing = tag.ends_with('/');
        let tag = tag.trim_end_matches('/');
        let name = tag.split_whitespace().next().expect("tag name").to_owned();
        assert_attributes(&tag[name.len()..]);
        if !self_closing {
            stack.push(name);
        }
    }
    assert_text(rest);
    assert!(stack.is_empty(), "unclosed: {stack:?}");
}

fn assert_attributes(mut attrs: &str) {
    loop {
        attrs = attrs.trim_start();
        if attrs.is_empty() {
            return;
        }
        let eq = attrs.find("=\"").expect("attribute without a quoted value");
        let end = attrs[eq + 2..].find('"').expect("unterminated attribute") + eq + 2;
        assert_text(&attrs[eq + 2..end]);
        attrs = &attrs[end + 1..];
    }
}

fn assert_text(text: &str) {
    assert!(!text.contains('<'), "raw < in {text:?}");
    for (i, _) in text.match_indices('&') {
        let entity = &text[i..];
        let ok = ["&amp;", "&lt;", "&gt;", "&quot;", "&apos;", "&#"]
            .iter()
            .any(|e| entity.starts_with(e));
        assert!(ok, "raw & in {text:?}");
    }
}
