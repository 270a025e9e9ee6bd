//! The loader's fast YAML path (`src/load/fast.rs`) against the reference parser: on every YAML
//! file of the repository, on the benchmarks' synthetic runbooks, on hand-written corner cases
//! and on thousands of mutations of all of them, the fast path either gives up or gives exactly
//! the reference's events at the reference's positions. And it does read what runbooks are
//! made of, or it would be no faster.

// Only `write` of the corpus is used here.
#[allow(dead_code)]
#[path = "support/corpus.rs"]
mod corpus;

use std::fs;
use std::path::{Path, PathBuf};

use opsbook::load::{fast_path_agrees, fast_path_reads};

/// Every `.yaml`/`.yml` below `dir`.
fn yaml_files(dir: &Path, found: &mut Vec<PathBuf>) {
    let Ok(entries) = fs::read_dir(dir) else {
        return;
    };
    for entry in entries.flatten() {
        let path = entry.path();
        if path.is_dir() {
            yaml_files(&path, found);
        } else if path.extension().is_some_and(|e| e == "yaml" || e == "yml") {
            found.push(path);
        }
    }
}

fn repository_texts() -> Vec<(String, String)> {
    let root = Path::new(env!("CARGO_MANIFEST_DIR"));
    let mut files = Vec::new();
    for dir in [
        "runbooks",
        "tests/fixtures",
        "monitoring",
        "templates",
        "examples",
    ] {
        yaml_files(&root.join(dir), &mut files);
    }
    files.push(root.join("opsbook.yaml"));
    files.sort();
    files
        .into_iter()
        .filter_map(|p| Some((p.display().to_string(), fs::read_to_string(&p).ok()?)))
        .collect()
}

fn synthetic_texts() -> Vec<(String, String)> {
    let dir = tempfile::tempdir().expect("temp dir");
    corpus::write(12, dir.path()).expect("corpus");
    let mut files = Vec::new();
    yaml_files(dir.path(), &mut files);
    files.sort();
    files
        .into_iter()
        .map(|p| {
            (
                p.display().to_string(),
                fs::read_to_string(&p).expect("read"),
            )
        })
        .collect()
}

/// Small documents at the edges of the subset: each must agree, whichever path reads it.
const CORNERS: &[&str] = &[
    "a: 1\n",
    "a:\n",
    "a:\nb: 2\n",
    "a:   \n  # c\nb:\n",
    "a: # c\nb: 1\n",
    "a:    # c\n  - x\n",
    "- # c\n- a\n",
    "- \n- a\n-\n",
    "a:\n- x\n- y\nb: z\n",
    "a:\n  - x\n  -   y: 1\n      z: 2\n",
    "a: |\n  x\n\n  y\n\n\nb: 1\n",
    "a: |-\n  x\n   y\n",
    "a: >\n  x\n  y\n\n  z\n",
    "a: >-\n  x\n\n\n  y\n",
    "a: |\n\n  x\n",
    "a: |\nb: 1\n",
    "a: |\n  \n  x\n",
    "a: >\n  x\n   y\n",
    "a: |+\n  x\n\n",
    "a: |2\n   x\n",
    "- |\n  x\n- >\n  y\n",
    "a: 'it''s'\nb: \"q\\\"u\\\\o\\u00e9\\n\"\n",
    "a: \"x\\ty\"\n",
    "a: \"\\x41\"\n",
    "a: [1, 'b', \"c\", { d: e, \"f\":g }]\n",
    "a: [ ]\nb: { }\nc: []\n",
    "a: [x, ]\n",
    "a: [x\n  , y]\n",
    "a: {x: 1, y}\n",
    "a: {x: , y: 2}\n",
    "a: { value:{ lt: 0.5 } }\n",
    "a: { value:[1] }\n",
    "a: { \"v\":{ lt: 0.5 }, \"w\":[1], \"x\":1 }\n",
    "a: [a: b]\n",
    "a: [http://x:1/y, z]\n",
    "a: {u: http://x:1/y}\n",
    "a: b # c\nd: e#f\n",
    "a: b: c\n",
    "a: b:\n",
    "a:b\n",
    "a: -1\nb: -x\nc: ?y\nd: :z\n",
    "a: - x\n",
    "- - x\n",
    "a: &x 1\nb: *x\n",
    "a: !t 1\n",
    "? a\n: b\n",
    "a: b\n  c\n",
    "a: b\n\n  c\n",
    "a:\n  b: 1\n c: 2\n",
    "a:\n  b: 1\n  - c\n",
    "a:\n  - b\n  c: 1\n",
    "a:\n  x\n",
    "---\na: 1\n",
    "--- a\n",
    "a: 1\n---\nb: 2\n",
    "a: 1\n...\n",
    "%YAML 1.2\n---\na: 1\n",
    "a:\tb\n",
    "a: b\r\nc: d\r\n",
    "\u{feff}a: 1\n",
    "a: é\nb: [é, ü]\nc: { é: ü }\n\"é\": 1\n",
    "é: ẞ\n  x\n",
    "a: \u{85}\n",
    "a: 1\na: 2\n",
    "a: ~\nb: null\nc: true\nd: 0x1F\ne: 1e3\nf: .inf\n",
    "'a b': 1\n\"c: d\": 2\n",
    "a: \"x\" y\n",
    "a: 'x'  # c\n",
    "a: [x] y\n",
    "a: [x]#y\n",
    "a: |  # c\n  x\n",
    "a: |#c\n  x\n",
    "  a: 1\n  b: 2\n",
    "  a: 1\nb: 2\n",
    "a:\n    - x\n    - y\n  b: 1\n",
    "x",
    "[1, 2]\n",
    "# only\n",
    "a: `x`\n",
    "a: @x\n",
    "a: x\n# c\n  # d\nb: y\n",
    "- a: 1\n  b: 2\n- c: 3\n",
    "- a:\n  - 1\n- b\n",
    "-\n  a: 1\n",
    "a: [[1, [2]], {b: {c: [d]}}]\n",
    "a: 'x\n  y'\n",
    "a: \"x\n  y\"\n",
    "a: \"x\\\n  y\"\n",
];

/// A deterministic xorshift, so a failure names its seed.
struct Rng(u64);

impl Rng {
    fn next(&mut self) -> usize {
        self.0 ^= self.0 << 13;
        self.0 ^= self.0 >> 7;
        self.0 ^= self.0 << 17;
        usize::try_from(self.0 >> 33).expect("fits")
    }

    fn below(&mut self, n: usize) -> usize {
        if n == 0 { 0 } else { self.next() % n }
    }
}

const INSERTS: &[&str] = &[
    ":", " ", "-", "- ", "#", " #", "'", "\"", "|", ">", "[", "]", "{", "}", ",", "\\", "\n", "  ",
    "|-", ">-", "é", "&a ", "*a", "? ", "\\u00e9", "''", ": ", "\t", "---\n", "!", "%",
];

/// One random edit of `text`: a line deleted, doubled, re-indented or swapped with the next,
/// or a YAML-significant snippet inserted.
fn mutate(text: &str, rng: &mut Rng) -> String {
    let mut lines: Vec<String> = text.split('\n').map(str::to_owned).collect();
    let i = rng.below(lines.len());
    match rng.below(6) {
        0 => {
            lines.remove(i);
        }
        1 => lines.insert(i, lines[i].clone()),
        2 => lines[i].insert_str(0, [" ", "  "][rng.below(2)]),
        3 => {
            let cut = lines[i].len().min(1 + rng.below(2));
            if lines[i].starts_with(&" ".repeat(cut)) {
                lines[i].drain(..cut);
            }
        }
        4 if i + 1 < lines.len() => lines.swap(i, i + 1),
        _ => {
            let line = &mut lines[i];
            let mut at = rng.below(line.len() + 1);
            while !line.is_char_boundary(at) {
                at -= 1;
            }
            line.insert_str(at, INSERTS[rng.below(INSERTS.len())]);
        }
    }
    lines.join("\n")
}

fn assert_agrees(name: &str, text: &str) {
    if let Err(e) = fast_path_agrees(text) {
        panic!("{name}: {e}\n--- text ---\n{text}");
    }
}

#[test]
fn the_corners_agree() {
    for (i, text) in CORNERS.iter().enumerate() {
        assert_agrees(&format!("corner {i}"), text);
    }
}

#[test]
fn every_yaml_file_of_the_repository_agrees() {
    let texts = repository_texts();
    assert!(texts.len() > 40, "found {} files", texts.len());
    for (name, text) in &texts {
        assert_agrees(name, text);
    }
}

#[test]
fn runbooks_take_the_fast_path() {
    let mut texts = synthetic_texts();
    let root = Path::new(env!("CARGO_MANIFEST_DIR"));
    let mut bundled = Vec::new();
    yaml_files(&root.join("runbooks"), &mut bundled);
    for path in bundled {
        let text = fs::read_to_string(&path).expect("read");
        texts.push((path.display().to_string(), text));
    }
    texts.push((
        "opsbook.yaml".into(),
        fs::read_to_string(root.join("opsbook.yaml")).expect("config"),
    ));
    for (name, text) in &texts {
        assert!(
            fast_path_reads(text),
            "{name} is left to the reference parser"
        );
        assert_agrees(name, text);
    }
}

#[test]
fn mutations_agree() {
    let mut texts = repository_texts();
    texts.extend(synthetic_texts().into_iter().take(4));
    texts.extend(
        CORNERS
            .iter()
            .map(|c| ("corner".to_owned(), (*c).to_owned())),
    );
    let (mut fast, mut total) = (0, 0);
    for (n, (name, text)) in texts.iter().enumerate() {
        for round in 0..150 {
            let seed = 0x9E37_79B9_7F4A_7C15 ^ ((n as u64) << 20 | round);
            let mut rng = Rng(seed);
            let mut mutated = text.clone();
            for _ in 0..=rng.below(3) {
                mutated = mutate(&mutated, &mut rng);
            }
            assert_agrees(&format!("{name}, seed {seed:#x}"), &mutated);
            total += 1;
            fast += usize::from(fast_path_reads(&mutated));
        }
    }
    // Most mutations stay inside the subset: the comparison means something.
    assert!(
        fast * 4 > total,
        "only {fast} of {total} mutations took the fast path"
    );
}
