//! The YAML document as a tree of nodes with positions, built in one pass over the parser's
//! events. The loader's limits (depth, alias expansion, one document) and duplicate keys are
//! checked here, at the event where they are crossed. Files that hold several documents by
//! design (Prometheus rule files, Kubernetes manifests) are read with [`build_documents`], under
//! the same limits counted over the whole file.

use std::borrow::Cow;
use std::collections::{HashMap, HashSet};

use serde_saphyr::granit_parser::{Event, Marker, Parser, ScalarStyle};

use super::error::Finding;
use super::limits;
use super::scalar::{Resolved, resolve};
use super::{MAX_ALIAS_NODES, MAX_DEPTH};
use crate::rule::Rule;
use crate::source::Pos;

/// A YAML node and where it starts.
#[derive(Clone, Debug)]
pub struct Node<'a> {
    pub pos: Pos,
    pub kind: Kind<'a>,
}

#[derive(Clone, Debug)]
pub enum Kind<'a> {
    /// The text as written (after escapes); `plain` scalars are resolved by the core schema,
    /// quoted and block scalars are always text.
    Scalar {
        text: Cow<'a, str>,
        plain: bool,
    },
    Seq(Vec<Node<'a>>),
    Map(Vec<Entry<'a>>),
}

#[derive(Clone, Debug)]
pub struct Entry<'a> {
    pub key: Node<'a>,
    pub value: Node<'a>,
}

impl<'a> Node<'a> {
    /// The text of a scalar key, to compare keys and field names.
    pub fn scalar_text(&self) -> Option<&str> {
        match &self.kind {
            Kind::Scalar { text, .. } => Some(text),
            _ => None,
        }
    }

    /// The text of a scalar that holds a value: `~`, `null` or nothing at all hold none.
    pub fn text(&self) -> Option<&str> {
        match &self.kind {
            Kind::Scalar { text, plain: true } if matches!(resolve(text), Resolved::Null) => None,
            Kind::Scalar { text, .. } => Some(text),
            _ => None,
        }
    }

    /// The value of `key`, when this node is a mapping that has it.
    pub fn get(&self, key: &str) -> Option<&Node<'a>> {
        match &self.kind {
            Kind::Map(entries) => entries
                .iter()
                .find(|e| e.key.scalar_text() == Some(key))
                .map(|e| &e.value),
            _ => None,
        }
    }
}

/// The tree, or the finding that stopped it; duplicate keys are findings that do not stop it.
pub struct Built<'a> {
    pub root: Option<Node<'a>>,
    pub findings: Vec<Finding>,
}

/// Every document of a file that may hold several: those read before a finding that stopped the
/// file, and the findings.
pub struct BuiltDocuments<'a> {
    pub documents: Vec<Node<'a>>,
    pub findings: Vec<Finding>,
}

/// A collection being read: its start, anchor, children so far and, for a mapping, the key
/// waiting for its value and the keys seen (to find duplicates).
struct Open<'a> {
    pos: Pos,
    anchor: usize,
    /// Expanded node count when it opened, to know its size once closed.
    start_total: u64,
    items: Vec<Node<'a>>,
    entries: Vec<Entry<'a>>,
    key: Option<Node<'a>>,
    /// Whether the next node is dropped: the value of a duplicate key.
    skip_value: bool,
    keys: HashSet<Cow<'a, str>>,
    map: bool,
}

#[derive(Default)]
struct Builder<'a> {
    stack: Vec<Open<'a>>,
    root: Option<Node<'a>>,
    /// Anchored nodes and their expanded sizes, for aliases.
    anchors: HashMap<usize, (Node<'a>, u64)>,
    total: u64,
    /// Nodes added by aliases alone: what the alias-bomb limit counts.
    copied: u64,
    documents: usize,
    /// Whether several documents are allowed; each finished one then goes to `finished`.
    multi: bool,
    finished: Vec<Node<'a>>,
    findings: Vec<Finding>,
}

pub fn pos_of(marker: &Marker) -> Pos {
    let clamp = |n: usize| u32::try_from(n).unwrap_or(u32::MAX);
    Pos::new(clamp(marker.line()), clamp(marker.col()).saturating_add(1))
}

/// Parses `text` into a tree. Returns the findings instead when the text cannot be a document.
pub fn build(text: &str) -> Built<'_> {
    let (builder, stopped) = run(text, false);
    Built {
        root: if stopped { None } else { builder.root },
        findings: builder.findings,
    }
}

/// Parses every document of `text` (`---` separates them). The limits hold for the file as a
/// whole, so many small documents cannot add up to a bomb; anchors belong to their document,
/// as YAML says. A finding that stops the file keeps the documents finished before it.
pub fn build_documents(text: &str) -> BuiltDocuments<'_> {
    let (builder, _) = run(text, true);
    BuiltDocuments {
        documents: builder.finished,
        findings: builder.findings,
    }
}

/// Feeds the parser's events to a builder until the end or the first finding that stops the
/// file; says whether one did.
fn run(text: &str, multi: bool) -> (Builder<'_>, bool) {
    let mut builder = Builder {
        multi,
        ..Builder::default()
    };
    for item in Parser::new_from_str(text) {
        let step = match item {
            Ok((event, span)) => builder.event(event, pos_of(&span.start)),
            Err(e) => Err(syntax(&e)),
        };
        if let Err(finding) = step {
            builder.findings.push(finding);
            return (builder, true);
        }
    }
    (builder, false)
}

fn syntax(e: &serde_saphyr::granit_parser::ScanError) -> Finding {
    let pos = pos_of(e.marker());
    let info = e.info();
    if info.contains("recursion limit") {
        return limits::exceeded(pos, "nesting too deep".into());
    }
    let message = if info.is_empty() {
        "the YAML syntax is invalid here".to_owned()
    } else {
        info
    };
    Finding::new(
        Rule::InvalidYaml,
        pos,
        message,
        "fix the YAML syntax at this place",
    )
}

impl<'a> Builder<'a> {
    fn event(&mut self, event: Event<'a>, pos: Pos) -> Result<(), Finding> {
        match event {
            Event::Scalar(text, style, anchor, _) => {
                let plain = style == ScalarStyle::Plain;
                self.total += 1;
                let node = Node {
                    pos,
                    kind: Kind::Scalar { text, plain },
                };
                if anchor != 0 {
                    self.anchors.insert(anchor, (node.clone(), 1));
                }
                self.push(node);
            }
            Event::SequenceStart(_, anchor, _) => self.open(pos, anchor, false)?,
            Event::MappingStart(_, anchor, _) => self.open(pos, anchor, true)?,
            Event::SequenceEnd | Event::MappingEnd => self.close(),
            Event::Alias(anchor) => self.alias(anchor, pos)?,
            Event::DocumentStart(..) => {
                self.documents += 1;
                if self.documents > 1 && !self.multi {
                    return Err(limits::second_document(pos));
                }
            }
            Event::DocumentEnd if self.multi => {
                self.finished.extend(self.root.take());
                self.anchors.clear();
            }
            _ => {}
        }
        Ok(())
    }

    fn open(&mut self, pos: Pos, anchor: usize, map: bool) -> Result<(), Finding> {
        if self.stack.len() >= MAX_DEPTH {
            return Err(limits::exceeded(
                pos,
                format!("nesting deeper than {MAX_DEPTH} levels"),
            ));
        }
        self.total += 1;
        self.stack.push(Open {
            pos,
            anchor,
            start_total: self.total - 1,
            items: Vec::new(),
            entries: Vec::new(),
            key: None,
            skip_value: false,
            keys: HashSet::new(),
            map,
        });
        Ok(())
    }

    fn close(&mut self) {
        let Some(open) = self.stack.pop() else {
            return;
        };
        let kind = if open.map {
            Kind::Map(open.entries)
        } else {
            Kind::Seq(open.items)
        };
        let node = Node {
            pos: open.pos,
            kind,
        };
        if open.anchor != 0 {
            let size = self.total - open.start_total;
            self.anchors.insert(open.anchor, (node.clone(), size));
        }
        self.push(node);
    }

    /// An alias is the anchored node again. Its expanded size is counted before it is copied,
    /// so a billion-laughs bomb stops at the alias that crosses the limit.
    fn alias(&mut self, anchor: usize, pos: Pos) -> Result<(), Finding> {
        let Some((node, size)) = self.anchors.get(&anchor) else {
            return Err(Finding::new(
                Rule::InvalidYaml,
                pos,
                "alias to an unknown anchor".into(),
                "define the anchor (`&name`) before using it (`*name`)",
            ));
        };
        self.total = self.total.saturating_add(*size);
        self.copied = self.copied.saturating_add(*size);
        if self.copied > MAX_ALIAS_NODES {
            return Err(limits::alias_bomb(pos, MAX_ALIAS_NODES));
        }
        let node = node.clone();
        self.push(node);
        Ok(())
    }

    /// Adds a finished node to the collection being read (or makes it the document).
    fn push(&mut self, node: Node<'a>) {
        let Some(open) = self.stack.last_mut() else {
            self.root.get_or_insert(node);
            return;
        };
        if !open.map {
            open.items.push(node);
            return;
        }
        match open.key.take() {
            None if open.skip_value => open.skip_value = false,
            None => {
                // The second of two equal keys is reported and dropped with its value; the
                // first one stays, so the rest of the file still loads.
                if let Kind::Scalar { text, .. } = &node.kind
                    && !open.keys.insert(text.clone())
                {
                    self.findings.push(duplicate(&node, text));
                    open.skip_value = true;
                    return;
                }
                open.key = Some(node);
            }
            Some(key) => open.entries.push(Entry { key, value: node }),
        }
    }
}

fn duplicate(key: &Node, text: &str) -> Finding {
    Finding::new(
        Rule::DuplicateKey,
        key.pos,
        format!("duplicate key `{text}`"),
        "a key may appear once per mapping; keep one of them",
    )
}

#[cfg(test)]
mod tests {
    use super::*;

    fn names(text: &str) -> Vec<(String, u32)> {
        build_documents(text)
            .documents
            .iter()
            .map(|d| {
                let kind = d.get("kind").and_then(Node::text).unwrap_or("-");
                (kind.to_owned(), d.pos.line)
            })
            .collect()
    }

    #[test]
    fn every_document_is_read_with_its_position() {
        let text = "kind: A\n---\nkind: B\n---\n# only a comment\n---\nkind: C\n";
        let found = names(text);
        let kinds: Vec<&str> = found.iter().map(|(k, _)| k.as_str()).collect();
        assert_eq!(kinds, ["A", "B", "-", "C"], "an empty document is a null");
        assert_eq!(found[1].1, 3);
        assert_eq!(found[3].1, 7);
    }

    #[test]
    fn one_document_mode_still_refuses_a_second() {
        let built = build("a: 1\n---\nb: 2\n");
        assert!(built.root.is_none());
        assert_eq!(built.findings[0].rule, Rule::InvalidYaml);
        assert_eq!(built.findings[0].pos.line, 2);
    }

    #[test]
    fn anchors_belong_to_their_document() {
        let built = build_documents("a: &x 1\n---\nb: *x\n");
        assert_eq!(built.documents.len(), 1);
        assert_eq!(built.findings[0].rule, Rule::InvalidYaml);
        assert_eq!(built.findings[0].pos.line, 3);
    }

    #[test]
    fn limits_count_over_the_whole_file() {
        // Each document alone stays under the alias limit; together they cross it.
        let one = format!(
            "a: &a [{}]\nb: [*a, *a, *a, *a, *a, *a, *a, *a, *a]\n",
            "1, ".repeat(1000)
        );
        let text = [one.as_str(); 12].join("---\n");
        let built = build_documents(&text);
        assert!(!built.documents.is_empty() && built.documents.len() < 12);
        assert_eq!(built.findings.len(), 1);
        assert_eq!(built.findings[0].rule, Rule::YamlLimit);
    }

    #[test]
    fn a_big_document_with_an_alias_is_not_a_bomb() {
        // 150,000 values written out, then one alias: only what aliases copy counts.
        let text = format!("a: &x 1\nb: [{}]\nc: *x\n", "1, ".repeat(150_000));
        let built = build(&text);
        assert!(built.findings.is_empty(), "{:?}", built.findings);
        assert!(built.root.is_some());
    }

    #[test]
    fn a_syntax_error_keeps_the_documents_before_it() {
        let built = build_documents("kind: A\n---\nkind: [B\n");
        assert_eq!(built.documents.len(), 1);
        assert_eq!(built.findings[0].rule, Rule::InvalidYaml);
    }

    #[test]
    fn node_lookups() {
        let built = build_documents("a: { b: x, c: ~, d: '' }\n");
        let a = built.documents[0].get("a").expect("a");
        assert_eq!(a.get("b").and_then(Node::text), Some("x"));
        assert_eq!(a.get("c").and_then(Node::text), None);
        assert_eq!(a.get("d").and_then(Node::text), Some(""));
        assert!(a.get("e").is_none() && a.text().is_none());
    }
}
