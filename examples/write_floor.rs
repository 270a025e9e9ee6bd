//! The floor under a build from nothing: how long this machine takes just to create a built
//! book's folders and files, with every byte already in memory and nothing rendered.
//!
//! `write_floor BOOK DEST [RUNS]` reads every file of BOOK (a site `opsbook build` made) into
//! memory, then RUNS times (default 5), each after a `sync`, writes all of it into a new folder
//! under DEST the way a build does: the folders first, then each file created and written in
//! one call, on as many threads as there are cores. Prints each run's time and the median, in
//! milliseconds. Nothing is deleted (a mass deletion slows the next file creations on this VM's
//! disk; see `scripts/lib/measure.sh`): the caller removes DEST when done.
//!
//! `scripts/bench-vs-mdbook.sh` runs it beside the builds it times: a build cannot be faster
//! than its files' creation, so mdBook's time over this floor is the largest ratio any build
//! writing the same files could show.

use std::path::{Path, PathBuf};
use std::time::Instant;

fn main() {
    let args: Vec<String> = std::env::args().skip(1).collect();
    let (book, dest) = match (args.first(), args.get(1)) {
        (Some(book), Some(dest)) => (PathBuf::from(book), PathBuf::from(dest)),
        _ => {
            eprintln!("usage: write_floor BOOK DEST [RUNS]");
            std::process::exit(2);
        }
    };
    let runs: usize = args.get(2).and_then(|r| r.parse().ok()).unwrap_or(5);
    let mut book_files = Book::default();
    book_files.read(&book, Path::new(""));
    let bytes: usize = book_files.files.iter().map(|(_, b)| b.len()).sum();
    println!(
        "{} files, {} folders, {:.1} MB",
        book_files.files.len(),
        book_files.folders.len(),
        bytes as f64 / 1e6
    );
    let mut times = Vec::with_capacity(runs);
    for run in 1..=runs {
        let into = fresh(&dest, run);
        // As the benchmarks do before each build: what earlier runs wrote is on disk first,
        // not written back while this run creates its files.
        let _ = std::process::Command::new("sync").status();
        let ms = book_files.write(&into);
        println!("  run {run}: {ms:.1} ms");
        times.push(ms);
    }
    times.sort_by(f64::total_cmp);
    println!("median {:.1} ms", times[(runs - 1) / 2]);
}

/// A book held in memory: its folders (parents before children) and its files, by path
/// relative to the book.
#[derive(Default)]
struct Book {
    folders: Vec<PathBuf>,
    files: Vec<(PathBuf, Vec<u8>)>,
}

impl Book {
    /// Reads the folder `dir` of the book rooted at `root`, `rel` being its path in the book.
    fn read(&mut self, root: &Path, rel: &Path) {
        let entries = std::fs::read_dir(root.join(rel))
            .unwrap_or_else(|e| panic!("{}: {e}", root.join(rel).display()));
        let mut entries: Vec<_> = entries.map(|e| e.expect("readable folder")).collect();
        entries.sort_by_key(|e| e.file_name());
        for entry in entries {
            let path = rel.join(entry.file_name());
            if entry.file_type().expect("file type").is_dir() {
                self.folders.push(path.clone());
                self.read(root, &path);
            } else {
                let bytes = std::fs::read(root.join(&path)).expect("readable file");
                self.files.push((path, bytes));
            }
        }
    }

    /// Writes the book into `into` (which must not exist); returns the milliseconds taken.
    fn write(&self, into: &Path) -> f64 {
        let start = Instant::now();
        std::fs::create_dir(into).expect("a new folder");
        for folder in &self.folders {
            std::fs::create_dir(into.join(folder)).expect("a new folder");
        }
        let threads = std::thread::available_parallelism().map_or(1, |n| n.get());
        std::thread::scope(|scope| {
            for t in 0..threads {
                scope.spawn(move || {
                    for (path, bytes) in self.files.iter().skip(t).step_by(threads) {
                        std::fs::write(into.join(path), bytes).expect("a written file");
                    }
                });
            }
        });
        start.elapsed().as_secs_f64() * 1000.0
    }
}

/// `DEST/run-N`, or a name beside it when an earlier run left one there.
fn fresh(dest: &Path, run: usize) -> PathBuf {
    std::fs::create_dir_all(dest).expect("DEST can be created");
    let mut n = 0;
    loop {
        let name = match n {
            0 => format!("run-{run}"),
            _ => format!("run-{run}.{n}"),
        };
        let path = dest.join(name);
        if !path.exists() {
            return path;
        }
        n += 1;
    }
}
