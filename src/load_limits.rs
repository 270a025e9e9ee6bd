//! A streaming pass over the YAML events before deserializing, so that nesting bombs, alias bombs
//! and extra documents are refused at their exact position, whatever the field they sit in.

use crate::rule::Rule;

use std::collections::HashMap;

use serde_saphyr::granit_parser::{Event, Parser};

use crate::diagnostic::Diagnostic;
use crate::load::{MAX_DEPTH, MAX_EXPANDED_NODES};
use crate::source::{Pos, SourceFile};

/// Tracks how many nodes the document would have with every alias expanded. A billion-laughs
/// bomb is small on disk and huge expanded; counting the expansion catches it at the alias that
/// crosses the limit, without expanding anything.
#[derive(Default)]
struct Expansion {
    total: u64,
    /// Expanded size of each anchor seen so far.
    sizes: HashMap<usize, u64>,
    /// Anchored collections still open: (anchor id, depth, total when it opened).
    open: Vec<(usize, usize, u64)>,
}

impl Expansion {
    fn node(&mut self, anchor: usize, depth: usize, collection: bool) {
        self.total += 1;
        if anchor != 0 {
            if collection {
                self.open.push((anchor, depth, self.total - 1));
            } else {
                self.sizes.insert(anchor, 1);
            }
        }
    }

    fn close(&mut self, depth: usize) {
        if let Some(&(anchor, at, start)) = self.open.last()
            && at == depth
        {
            self.open.pop();
            self.sizes.insert(anchor, self.total - start);
        }
    }

    fn alias(&mut self, anchor: usize) {
        let size = self.sizes.get(&anchor).copied().unwrap_or(1);
        self.total = self.total.saturating_add(size);
    }
}

/// Whether a text could hold what this pass looks for: an anchor or alias, a document marker,
/// or enough brackets to nest deeper than the limit. Most runbooks have none, and skipping the
/// pass for them halves the time `lint` spends parsing. Deep block nesting without brackets is
/// caught by the deserializer's own depth budget.
fn might_exceed(text: &str) -> bool {
    text.contains(['&', '*'])
        || text.contains("---")
        || text.contains("...")
        || text.bytes().filter(|b| matches!(b, b'[' | b'{')).count() > MAX_DEPTH
}

pub fn check(file: &SourceFile) -> Result<(), Diagnostic> {
    if !might_exceed(&file.text) {
        return Ok(());
    }
    let mut depth = 0usize;
    let mut documents = 0usize;
    let mut expansion = Expansion::default();
    for item in Parser::new_from_str(&file.text) {
        let (event, span) = match item {
            Ok(item) => item,
            Err(e) if e.to_string().contains("recursion limit") => {
                let pos = Pos::new(e.marker().line() as u32, e.marker().col() as u32 + 1);
                return Err(limit(file, pos, "nesting too deep".into()));
            }
            // Other syntax errors are reported by the deserializer, with its wording.
            Err(_) => return Ok(()),
        };
        let pos = Pos::new(span.start.line() as u32, span.start.col() as u32 + 1);
        match event {
            Event::SequenceStart(_, anchor, _) | Event::MappingStart(_, anchor, _) => {
                depth += 1;
                if depth > MAX_DEPTH {
                    return Err(limit(
                        file,
                        pos,
                        format!("nesting deeper than {MAX_DEPTH} levels"),
                    ));
                }
                expansion.node(anchor, depth, true);
            }
            Event::SequenceEnd | Event::MappingEnd => {
                expansion.close(depth);
                depth = depth.saturating_sub(1);
            }
            Event::Scalar(_, _, anchor, _) => expansion.node(anchor, depth, false),
            Event::Alias(anchor) => {
                expansion.alias(anchor);
                if expansion.total > MAX_EXPANDED_NODES {
                    let what = format!(
                        "aliases expand it past {MAX_EXPANDED_NODES} nodes (an alias bomb)"
                    );
                    return Err(limit(file, pos, what));
                }
            }
            Event::DocumentStart(..) => {
                documents += 1;
                if documents > 1 {
                    let d = Diagnostic::new(
                        Rule::InvalidYaml,
                        &file.path,
                        pos,
                        "the file holds more than one YAML document".into(),
                    );
                    return Err(d.help("a runbook file holds one document: remove the `---` and what follows, or move it to its own file"));
                }
            }
            _ => {}
        }
    }
    Ok(())
}

fn limit(file: &SourceFile, pos: Pos, what: String) -> Diagnostic {
    Diagnostic::new(
        Rule::YamlLimit,
        &file.path,
        pos,
        format!("the document exceeds the loader's limits: {what}"),
    )
    .help(
        "runbooks never need this; write the values out (this limit stops alias and nesting bombs)",
    )
}
