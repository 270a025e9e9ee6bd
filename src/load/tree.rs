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

/// A collection being read: its start, anchor, where its children start on the builder's
/// stack of nodes and, for a mapping, the keys seen (to find duplicates).
struct Open<'a> {
    pos: Pos,
    anchor: usize,
    /// Expanded node count when it opened, to know its size once closed.
    start_total: u64,
    /// Its first child's place in [`Builder::nodes`]; a mapping's children alternate key, value.
    first: usize,
    /// Whether the next node is dropped: the value of a duplicate key.
    skip_value: bool,
    /// The keys seen, once the mapping is too big to compare each new key with every entry.
    keys: Option<HashSet<Cow<'a, str>>>,
    map: bool,
}

/// Above this many entries a mapping keeps a set of its keys; below, a scan of the entries is
/// cheaper than hashing (a runbook's mappings hold a handful of keys).
const SCAN_KEYS: usize = 16;

impl<'a> Open<'a> {
    /// Whether `key` is new to this mapping (whose children are `children`); remembers it.
    // A `Cow`, not a `&str`: the set keeps a borrowed key borrowed (no copy of the text).
    #[allow(clippy::ptr_arg)]
    fn first_time(&mut self, children: &[Node<'a>], key: &Cow<'a, str>) -> bool {
        let keys = || children.iter().step_by(2);
        if self.keys.is_none() && children.len() >= 2 * SCAN_KEYS {
            let seen = keys().filter_map(|k| match &k.kind {
                Kind::Scalar { text, .. } => Some(text.clone()),
                _ => None,
            });
            self.keys = Some(seen.collect());
        }
        match &mut self.keys {
            Some(seen) => seen.insert(key.clone()),
            None => !keys().any(|k| k.scalar_text() == Some(key.as_ref())),
        }
    }
}

#[derive(Default)]
struct Builder<'a> {
    stack: Vec<Open<'a>>,
    /// The children of every open collection, innermost last: each collection's are moved
    /// into one exactly sized vector when it closes (growing a vector per collection was a
    /// good part of the builder's time).
    nodes: Vec<Node<'a>>,
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

/// One event of a YAML document, as the builder needs it: what the reference parser gives
/// (`granit_parser`) and what the fast path for plain block YAML ([`super::fast`]) gives.
#[derive(Clone, Debug, PartialEq)]
pub enum Ev<'a> {
    /// `plain` is false for quoted and block scalars (always text); `anchor` 0 means none.
    Scalar {
        text: Cow<'a, str>,
        plain: bool,
        anchor: usize,
    },
    SeqStart {
        anchor: usize,
    },
    MapStart {
        anchor: usize,
    },
    End,
    Alias(usize),
    DocStart,
    DocEnd,
}

impl<'a> Ev<'a> {
    /// The builder's view of a reference parser event; stream events carry nothing for it.
    pub fn from_reference(event: Event<'a>) -> Option<Self> {
        Some(match event {
            Event::Scalar(text, style, anchor, _) => Ev::Scalar {
                text,
                plain: style == ScalarStyle::Plain,
                anchor,
            },
            Event::SequenceStart(_, anchor, _) => Ev::SeqStart { anchor },
            Event::MappingStart(_, anchor, _) => Ev::MapStart { anchor },
            Event::SequenceEnd | Event::MappingEnd => Ev::End,
            Event::Alias(anchor) => Ev::Alias(anchor),
            Event::DocumentStart(..) => Ev::DocStart,
            Event::DocumentEnd => Ev::DocEnd,
            _ => return None,
        })
    }
}

/// Feeds the events to a builder until the end or the first finding that stops the file;
/// says whether one did. Plain block YAML (what runbooks are) takes the fast path; anything
/// it does not read exactly as the reference parser would, the reference parser reads.
fn run(text: &str, multi: bool) -> (Builder<'_>, bool) {
    let fresh = || Builder {
        multi,
        ..Builder::default()
    };
    if !multi {
        let mut builder = fresh();
        if super::fast::events(text, &mut |ev, pos| builder.event(ev, pos)).is_ok() {
            return (builder, false);
        }
    }
    let mut builder = fresh();
    match reference_events(text, &mut |ev, pos| builder.event(ev, pos)) {
        Ok(()) => (builder, false),
        Err(finding) => {
            builder.findings.push(finding);
            (builder, true)
        }
    }
}

/// Gives `text`'s events, as the reference parser reads them, to `sink`, until a syntax error
/// or the first error `sink` returns: that finding is the `Err`.
pub fn reference_events<'a>(
    text: &'a str,
    sink: &mut impl FnMut(Ev<'a>, Pos) -> Result<(), Finding>,
) -> Result<(), Finding> {
    for item in Parser::new_from_str(text) {
        let (event, span) = item.map_err(|e| syntax(&e))?;
        if let Some(ev) = Ev::from_reference(event) {
            sink(ev, pos_of(&span.start))?;
        }
    }
    Ok(())
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
    fn event(&mut self, event: Ev<'a>, pos: Pos) -> Result<(), Finding> {
        match event {
            Ev::Scalar {
                text,
                plain,
                anchor,
            } => {
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
            Ev::SeqStart { anchor } => self.open(pos, anchor, false)?,
            Ev::MapStart { anchor } => self.open(pos, anchor, true)?,
            Ev::End => self.close(),
            Ev::Alias(anchor) => self.alias(anchor, pos)?,
            Ev::DocStart => {
                self.documents += 1;
                if self.documents > 1 && !self.multi {
                    return Err(limits::second_document(pos));
                }
            }
            Ev::DocEnd if self.multi => {
                self.finished.extend(self.root.take());
                self.anchors.clear();
            }
            Ev::DocEnd => {}
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
            first: self.nodes.len(),
            skip_value: false,
            keys: None,
            map,
        });
        Ok(())
    }

    fn close(&mut self) {
        let Some(open) = self.stack.pop() else {
            return;
        };
        let kind = {
            let mut children = self.nodes.drain(open.first..);
            if open.map {
                let mut entries = Vec::with_capacity(children.len() / 2);
                // A key left without its value (never from a whole document) is dropped.
                while let (Some(key), Some(value)) = (children.next(), children.next()) {
                    entries.push(Entry { key, value });
                }
                Kind::Map(entries)
            } else {
                Kind::Seq(children.collect())
            }
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
        let children = &self.nodes[open.first..];
        let is_key = open.map && children.len().is_multiple_of(2);
        if is_key && open.skip_value {
            open.skip_value = false;
            return;
        }
        // The second of two equal keys is reported and dropped with its value; the first one
        // stays, so the rest of the file still loads.
        if is_key
            && let Kind::Scalar { text, .. } = &node.kind
            && !open.first_time(children, text)
        {
            self.findings.push(duplicate(&node, text));
            open.skip_value = true;
            return;
        }
        self.nodes.push(node);
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
