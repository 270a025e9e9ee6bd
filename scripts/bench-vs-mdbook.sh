#!/usr/bin/env bash
# opsbook build against mdBook on the same words, on disk, in one run (issue "Speed near the
# floor"; the README's Benchmarks table cites this script).
#
# Generates N runbooks (examples/gen_corpus.rs: 3 failure modes each, alerts, params) and the
# mdBook of the same text (examples/gen_mdbook.rs reads those runbooks with opsbook's loader and
# writes a chapter per runbook, a sub-chapter per failure mode), builds each RUNS times after one
# warm-up build, and prints every run's wall time and peak memory, the medians and the ratios.
# opsbook is measured three ways: a rebuild after one runbook was saved (the everyday case: only
# that runbook's pages are rendered, the rest linked from the previous site), a rebuild with
# nothing changed, and a build from nothing (no previous site; the old one is moved aside
# untimed, not deleted, so the file system's cost of reusing freshly freed inodes is not
# counted). mdBook has no previous-build reuse: each of its builds is a full one.
# Then does the same for BIG runbooks with opsbook alone and compares with the N case.
# Installs mdBook with `cargo install mdbook --locked` when it is missing.
#
# Usage: scripts/bench-vs-mdbook.sh [N [BIG]]      (default: 500 5000; RUNS=5)
# Goals: N=500 in at most 0.3 s and at least 80x faster than mdBook; BIG=5000 at most 10x the
# 500 case and at most 100 MiB peak.
set -euo pipefail
cd "$(dirname "$0")/.."
source scripts/lib/measure.sh
n="${1:-500}"
big="${2:-5000}"
runs="${RUNS:-5}"

command -v mdbook >/dev/null || cargo install mdbook --locked
cargo build --release --quiet --bin opsbook --example gen_corpus --example gen_mdbook
bin="$PWD/target/release/opsbook"
work="$PWD/target/bench-vs-mdbook"
rm -rf "$work"
mkdir -p "$work"

./target/release/examples/gen_corpus "$n" "$work/opsbook-$n" >/dev/null
./target/release/examples/gen_mdbook "$work/opsbook-$n" "$work/mdbook-$n" >/dev/null
echo "$(mdbook --version); opsbook $("$bin" --version | cut -d' ' -f2); $(nproc) cores; on disk ($work)"
echo "$n runbooks: $(find "$work/mdbook-$n/src" -name '*.md' | wc -l) Markdown chapters for mdBook"

(cd "$work/opsbook-$n" && "$bin" build --quiet)
(cd "$work/mdbook-$n" && mdbook build >/dev/null 2>&1)
echo "opsbook: $(find "$work/opsbook-$n/book" -name '*.html' | wc -l) pages; mdBook: $(find "$work/mdbook-$n/book" -name '*.html' | wc -l) pages"

# opsbook_three DIR COUNT: measures the three kinds of opsbook build of DIR; sets EDITED_MS,
# UNCHANGED_MS, FRESH_MS and PEAK (the largest peak of the three).
opsbook_three() {
  local dir=$1 count=$2 one
  one=$(find "$dir/runbooks" -name '*.yaml' | sort | sed -n 1p)
  # Untimed: a build whose previous site is there, so a spare of its folders is too.
  "$bin" -C "$dir" build --quiet
  # A comment appended: new text, so the runbook's key changes and its pages are rendered.
  PREPARE="echo \"# saved \$EPOCHREALTIME\" >> '$one'" \
    measure "opsbook ($count, one saved)" "$runs" "$bin" -C "$dir" build --quiet
  EDITED_MS=$MEDIAN_MS
  PEAK=$PEAK_MIB
  measure "opsbook ($count, unchanged)" "$runs" "$bin" -C "$dir" build --quiet
  UNCHANGED_MS=$MEDIAN_MS
  mkdir -p "$dir.aside"
  PREPARE="mv '$dir/book' \"$dir.aside/\$RANDOM\$RANDOM\"; rm -rf '$dir/.book.spare'" \
    measure "opsbook ($count, from nothing)" "$runs" "$bin" -C "$dir" build --quiet
  FRESH_MS=$MEDIAN_MS
  ((PEAK_MIB > PEAK)) && PEAK=$PEAK_MIB
  rm -rf "$dir.aside"
}

measure "mdbook build ($n)" "$runs" mdbook build "$work/mdbook-$n"
mdbook_ms=$MEDIAN_MS
opsbook_three "$work/opsbook-$n" "$n"
small=("$EDITED_MS" "$UNCHANGED_MS" "$FRESH_MS" "$PEAK")

./target/release/examples/gen_corpus "$big" "$work/opsbook-$big" >/dev/null
"$bin" -C "$work/opsbook-$big" build --quiet
opsbook_three "$work/opsbook-$big" "$big"
large=("$EDITED_MS" "$UNCHANGED_MS" "$FRESH_MS" "$PEAK")

echo
echo "mdbook build, $n runbooks' words: median $mdbook_ms ms (every build a full one)"
echo "opsbook build, $n runbooks (peak ${small[3]} MiB):"
echo "  one runbook saved: ${small[0]} ms, $(ratio "$mdbook_ms" "${small[0]}")x faster than mdBook (goal: at most 300 ms, at least 80x)"
echo "  nothing changed:   ${small[1]} ms, $(ratio "$mdbook_ms" "${small[1]}")x"
echo "  from nothing:      ${small[2]} ms, $(ratio "$mdbook_ms" "${small[2]}")x"
echo "opsbook build, $big runbooks (peak ${large[3]} MiB; goal: at most 100 MiB, at most 10x the $n case):"
echo "  one runbook saved: ${large[0]} ms, $(ratio "${large[0]}" "${small[0]}")x the $n case"
echo "  nothing changed:   ${large[1]} ms, $(ratio "${large[1]}" "${small[1]}")x"
echo "  from nothing:      ${large[2]} ms, $(ratio "${large[2]}" "${small[2]}")x"
