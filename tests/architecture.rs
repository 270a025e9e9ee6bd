//! The library's top-level modules form a pipeline, not a web: no module reaches back into one
//! that depends on it. Read from the source, so a new `use` that closes a cycle fails here.

mod support;

use std::collections::{BTreeMap, BTreeSet};
use std::path::Path;

use support::Project;

/// The top-level module a source file belongs to (`src/check/run.rs` → `check`).
fn module_of(path: &Path, src: &Path) -> Option<String> {
    let rel = path.strip_prefix(src).ok()?;
    let first = rel.components().next()?.as_os_str().to_str()?;
    let name = first.trim_end_matches(".rs");
    (!matches!(name, "lib" | "main" | "cli")).then(|| name.to_owned())
}

/// `crate::name` references in a file's code (comments and unit tests skipped: a test may use a
/// later stage to build its input).
fn references(text: &str) -> BTreeSet<String> {
    let mut out = BTreeSet::new();
    let code = text.lines().take_while(|l| l.trim() != "#[cfg(test)]");
    for line in code.filter(|l| !l.trim_start().starts_with("//")) {
        for (i, _) in line.match_indices("crate::") {
            let rest = &line[i + "crate::".len()..];
            let name: String = rest
                .chars()
                .take_while(|c| c.is_ascii_alphanumeric() || *c == '_')
                .collect();
            if !name.is_empty() {
                out.insert(name);
            }
            // `use crate::{a, b}`
            if let Some(list) = rest.strip_prefix('{') {
                for part in list.split([',', '}']) {
                    let name = part.trim().split("::").next().unwrap_or("").to_owned();
                    if !name.is_empty() {
                        out.insert(name);
                    }
                }
            }
        }
    }
    out
}

fn graph() -> BTreeMap<String, BTreeSet<String>> {
    let src = Project::repo().join("src");
    let mut graph: BTreeMap<String, BTreeSet<String>> = BTreeMap::new();
    let mut stack = vec![src.clone()];
    while let Some(dir) = stack.pop() {
        for entry in std::fs::read_dir(&dir).expect("read src") {
            let path = entry.expect("entry").path();
            if path.is_dir() {
                stack.push(path);
                continue;
            }
            let Some(module) = module_of(&path, &src) else {
                continue;
            };
            let text = std::fs::read_to_string(&path).expect("read file");
            let deps = graph.entry(module.clone()).or_default();
            deps.extend(references(&text).into_iter().filter(|d| *d != module));
        }
    }
    graph
}

/// A cycle through `start`, if there is one: the path back to it.
fn cycle_from(graph: &BTreeMap<String, BTreeSet<String>>, start: &str) -> Option<Vec<String>> {
    let mut stack = vec![(start.to_owned(), vec![start.to_owned()])];
    let mut seen = BTreeSet::new();
    while let Some((node, path)) = stack.pop() {
        for next in graph.get(&node).into_iter().flatten() {
            if next == start {
                let mut cycle = path.clone();
                cycle.push(start.to_owned());
                return Some(cycle);
            }
            if seen.insert(next.clone()) {
                let mut longer = path.clone();
                longer.push(next.clone());
                stack.push((next.clone(), longer));
            }
        }
    }
    None
}

#[test]
fn no_module_depends_on_itself_through_others() {
    let graph = graph();
    assert!(graph.contains_key("compile") && graph.contains_key("lint"));
    let cycles: Vec<String> = graph
        .keys()
        .filter_map(|m| cycle_from(&graph, m))
        .map(|c| c.join(" → "))
        .collect();
    assert!(cycles.is_empty(), "import cycles:\n{}", cycles.join("\n"));
}
