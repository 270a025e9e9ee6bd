#!/usr/bin/env bash
# Benchmark: `opsbook build` over synthetic corpora (3 failure modes per runbook, 2 alerts of
# their own per runbook plus one shared by every 10th: 1,001 alert pages for 500), release build.
# Budget (DESIGN.md): 500 runbooks under 1 s and 100 MiB peak memory; 5,000 at most 12x the
# 500 case; the search index for 500 under 2 MB; a failure-mode page with its CSS and JS under
# 60 KB. The corpus comes from examples/gen_corpus.rs (tests/support/corpus.rs), shared with
# scripts/bench-lint.sh and tests/large_book.rs.
# Usage: scripts/bench-build.sh [N...]     (default: 500 5000)
set -euo pipefail
cd "$(dirname "$0")/.."
# For `settle` and `deleted`; its `measure` is replaced by this script's own below.
source scripts/lib/measure.sh
sizes=("$@")
[ ${#sizes[@]} -gt 0 ] || sizes=(500 5000)
if [ ! -f examples/gen_corpus.rs ]; then
  echo "examples/gen_corpus.rs is missing (it comes with the lint benchmark)" >&2
  exit 2
fi
cargo build --release --quiet --example gen_corpus --bin opsbook
bin="$PWD/target/release/opsbook"

# Nothing is deleted until every run is done (see scripts/bench-vs-mdbook.sh: on ext4 without
# a journal, a build right after tens of thousands of deletions was 3-7x slower): the last
# sites and spare folders are moved aside (into DIR.trash, on the same file system), and removed
# with the old corpora at the end.
trash="target/bench-build.trash.$$"
mkdir -p "$trash"
trap 'rm -rf "$trash" target/corpus-*.trash; deleted' EXIT

# measure DIR LABEL: builds DIR's book once to warm the caches, then 5 times from nothing (the
# last site moved aside untimed, so no page is linked from it: the budgets are for a whole
# build; scripts/bench-vs-mdbook.sh also measures the rebuilds); prints each run (wall clock,
# peak memory) and the median wall time.
measure() {
  (cd "$1" && "$bin" build --quiet >/dev/null)
  walls=()
  mkdir -p "$1.trash"
  for i in 1 2 3 4 5; do
    mv "$1/book" "$(mktemp -d "$1.trash/book.XXXXXX")"
    [ ! -e "$1/.book.spare" ] || mv "$1/.book.spare" "$(mktemp -d "$1.trash/spare.XXXXXX")"
    # Not while the kernel writes back what the last run or the generator wrote.
    sync
    report=$(cd "$1" && /usr/bin/time -f "%e %M" "$bin" build --quiet 2>&1 >/dev/null | tail -1)
    read -r wall rss <<<"$report"
    walls+=("$wall")
    echo "$2 run $i: wall ${wall} s, peak $((rss / 1024)) MiB"
  done
  median=$(printf '%s\n' "${walls[@]}" | sort -n | sed -n 3p)
  echo "$2: median ${median} s"
}
for n in "${sizes[@]}"; do
  corpus="target/corpus-$n"
  [ ! -e "$corpus" ] || mv "$corpus" "$(mktemp -d "$trash/corpus.XXXXXX")"
  ./target/release/examples/gen_corpus "$n" "$corpus" >/dev/null
  settle
  measure "$corpus" "n=$n on disk"
  # The same build on tmpfs: what the CPU does, without this machine's disk writeback noise.
  if [ -d /dev/shm ] && [ -w /dev/shm ]; then
    shm=$(mktemp -d /dev/shm/opsbook-bench.XXXXXX)
    cp -r "$corpus/opsbook.yaml" "$corpus/runbooks" "$shm/"
    measure "$shm" "n=$n on tmpfs"
    # tmpfs has no such inode search: freed at once, so it does not fill memory.
    rm -rf "$shm" "$shm.trash"
  fi
  pages=$(find "$corpus/book" -name '*.html' | wc -l)
  alerts=$(find "$corpus/book/alerts" -name '*.html' ! -name index.html 2>/dev/null | wc -l)
  index=$(stat -c %s "$corpus/book/search-index.js")
  fm=$(find "$corpus/book" -name 'increased-latency.html' -print -quit)
  page=$(( $(stat -c %s "$fm") + $(cat "$corpus"/book/{site.css,site.js,theme.js} | wc -c) ))
  echo "n=$n: $pages pages ($alerts alert pages), search index $((index / 1024)) KiB, failure-mode page with CSS+JS $((page / 1024)) KiB"
done
