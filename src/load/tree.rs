//! The YAML document as a tree of nodes with positions, built in one pass over the parser's
//! events. The loader's limits (depth, alias expansion, one document) and duplicate keys are
//! checked here, at the event where they are crossed.

use std::borrow::Cow;
use std::collections::{HashMap, HashSet};

use serde_saphyr::granit_parser::{Event, Marker, Parser, ScalarStyle};

use super::error::Finding;
use super::limits;
use super::{MAX_DEPTH, MAX_EXPANDED_NODES};
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

impl Node<'_> {
    /// The text of a scalar key, to compare keys and field names.
    pub fn scalar_text(&self) -> Option<&str> {
        match &self.kind {
            Kind::Scalar { text, .. } => Some(text),
            _ => None,
        }
    }
}

/// The tree, or the finding that stopped it; duplicate keys are findings that do not stop it.
pub struct Built<'a> {
    pub root: Option<Node<'a>>,
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
    documents: usize,
    findings: Vec<Finding>,
}

pub fn pos_of(marker: &Marker) -> Pos {
    let clamp = |n: usize| u32::try_from(n).unwrap_or(u32::MAX);
    Pos::new(clamp(marker.line()), clamp(marker.col()).saturating_add(1))
}

/// Parses `text` into a tree. Returns the findings instead when the text cannot be a document.
pub fn build(text: &str) -> Built<'_> {
    let mut builder = Builder::default();
    for item in Parser::new_from_str(text) {
        let step = match item {
            Ok((event, span)) => builder.event(event, pos_of(&span.start)),
            Err(e) => Err(syntax(&e)),
        };
        if let Err(finding) = step {
            builder.findings.push(finding);
            return Built {
                root: None,
                findings: builder.findings,
            };
        }
    }
    Built {
        root: builder.root,
        findings: builder.findings,
    }
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
                if self.documents > 1 {
                    return Err(limits::second_document(pos));
                }
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
        if self.total > MAX_EXPANDED_NODES {
            let what = format!("aliases expand it past {MAX_EXPANDED_NODES} nodes (an alias bomb)");
            return Err(limits::exceeded(pos, what));
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
