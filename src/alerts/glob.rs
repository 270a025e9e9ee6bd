//! The `alert_rules` patterns of `opsbook.yaml`: `*` and `?` within one path segment, `**` for
//! any number of folders. A small matcher over walkdir rather than a glob crate: three
//! wildcards are all a list of rule files needs, and the walk keeps opsbook's file rules (links
//! never followed, byte order).

use std::path::{Path, PathBuf};

use walkdir::WalkDir;

use crate::diagnostic::Diagnostic;
use crate::load;
use crate::rule::Rule;
use crate::source::Pos;

/// The files `pattern` (relative to `root`) matches, in byte order, and the entries that match
/// but cannot be read as files (links, pipes, folders the walk could not enter).
pub fn expand(root: &Path, pattern: &str) -> (Vec<PathBuf>, Vec<Diagnostic>) {
    let segments: Vec<&str> = pattern.split('/').filter(|s| !s.is_empty()).collect();
    let literal = segments.iter().take_while(|s| !is_wild(s)).count();
    let mut base = if pattern.starts_with('/') {
        PathBuf::from("/")
    } else {
        root.to_path_buf()
    };
    base.extend(&segments[..literal]);
    let rest = &segments[literal..];
    if rest.is_empty() {
        // No wildcard: the path itself, if there is anything there for the reader to judge.
        let found = std::fs::symlink_metadata(&base).is_ok();
        return (found.then_some(base).into_iter().collect(), Vec::new());
    }
    walk(&base, rest)
}

fn is_wild(segment: &str) -> bool {
    segment.contains(['*', '?'])
}

/// Walks `base` for entries whose path below it matches `rest`.
fn walk(base: &Path, rest: &[&str]) -> (Vec<PathBuf>, Vec<Diagnostic>) {
    let (mut files, mut problems) = (Vec::new(), Vec::new());
    if !base.is_dir() {
        return (files, problems);
    }
    let mut walk = WalkDir::new(base)
        .min_depth(1)
        .follow_links(false)
        .sort_by_file_name();
    if !rest.contains(&"**") {
        walk = walk.max_depth(rest.len());
    }
    for entry in walk {
        let entry = match entry {
            Ok(entry) => entry,
            Err(e) => {
                let path = e.path().unwrap_or(base).to_path_buf();
                let message = format!("cannot read: {e}");
                problems.push(Diagnostic::new(
                    Rule::UnreadableFile,
                    path,
                    Pos::UNKNOWN,
                    message,
                ));
                continue;
            }
        };
        if entry.file_type().is_dir() || !matches_path(rest, base, entry.path()) {
            continue;
        }
        match load::classify(&entry) {
            None => files.push(entry.into_path()),
            Some(problem) => problems.push(problem),
        }
    }
    (files, problems)
}

/// Whether `path`, taken below `base`, matches the pattern's segments.
fn matches_path(pattern: &[&str], base: &Path, path: &Path) -> bool {
    let Ok(relative) = path.strip_prefix(base) else {
        return false;
    };
    let names: Option<Vec<&str>> = relative.iter().map(|c| c.to_str()).collect();
    names.is_some_and(|names| matches(pattern, &names))
}

/// Segment-wise matching; `**` takes zero or more whole segments.
fn matches(pattern: &[&str], path: &[&str]) -> bool {
    match pattern.split_first() {
        None => path.is_empty(),
        Some((&"**", rest)) => (0..=path.len()).any(|skip| matches(rest, &path[skip..])),
        Some((first, rest)) => match path.split_first() {
            Some((name, names)) => wildcard(first, name) && matches(rest, names),
            None => false,
        },
    }
}

/// `*` (any run of characters) and `?` (one character) within one segment.
fn wildcard(pattern: &str, name: &str) -> bool {
    let (p, n): (Vec<char>, Vec<char>) = (pattern.chars().collect(), name.chars().collect());
    let (mut i, mut j) = (0, 0);
    // Where the last `*` was, and how much of the name it has taken: backtrack to there.
    let mut star: Option<(usize, usize)> = None;
    while j < n.len() {
        match p.get(i) {
            Some('*') => {
                star = Some((i, j));
                i += 1;
            }
            Some(&c) if c == '?' || c == n[j] => {
                i += 1;
                j += 1;
            }
            _ => match star {
                Some((si, sj)) => {
                    star = Some((si, sj + 1));
                    i = si + 1;
                    j = sj + 1;
                }
                None => return false,
            },
        }
    }
    p[i..].iter().all(|&c| c == '*')
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn wildcards_within_a_segment() {
        assert!(wildcard("*.yaml", "api.rules.yaml"));
        assert!(wildcard("a?c", "abc"));
        assert!(wildcard("*", ""));
        assert!(wildcard("a*b*c", "aXbYbZc"));
        assert!(!wildcard("*.yaml", "api.yml"));
        assert!(!wildcard("a?c", "ac"));
    }

    #[test]
    fn double_star_takes_any_number_of_folders() {
        let pattern = ["**", "*.yaml"];
        assert!(matches(&pattern, &["a.yaml"]));
        assert!(matches(&pattern, &["x", "y", "a.yaml"]));
        assert!(!matches(&pattern, &["x", "a.yml"]));
        assert!(matches(&["rules", "**"], &["rules", "a", "b"]));
        assert!(!matches(&["*.yaml"], &["x", "a.yaml"]), "`*` stops at `/`");
    }

    #[test]
    fn expands_over_the_file_system_in_byte_order() {
        let dir = tempfile::tempdir().expect("tempdir");
        for rel in [
            "m/rules/b.yaml",
            "m/rules/a.yaml",
            "m/rules/deep/c.yaml",
            "m/x.yml",
        ] {
            let path = dir.path().join(rel);
            std::fs::create_dir_all(path.parent().expect("parent")).expect("mkdir");
            std::fs::write(path, "groups: []\n").expect("write");
        }
        let names = |pattern: &str| -> Vec<String> {
            let (files, problems) = expand(dir.path(), pattern);
            assert!(problems.is_empty());
            let rel = |f: PathBuf| {
                f.strip_prefix(dir.path())
                    .expect("below")
                    .display()
                    .to_string()
            };
            files.into_iter().map(rel).collect()
        };
        assert_eq!(
            names("m/rules/*.yaml"),
            ["m/rules/a.yaml", "m/rules/b.yaml"]
        );
        assert_eq!(names("m/**/*.yaml").len(), 3);
        assert_eq!(names("m/x.yml"), ["m/x.yml"]);
        assert!(names("m/nothing/*.yaml").is_empty());
        assert!(names("m/missing.yaml").is_empty());
    }
}
