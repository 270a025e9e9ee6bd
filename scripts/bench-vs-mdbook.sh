#!/usr/bin/env bash
# opsbook build against mdBook on the same words, on disk, in one run (issue "Speed near the
# floor"; the README's Benchmarks table cites this script).
#
# Generates N runbooks (examples/gen_corpus.rs: 3 failure modes each, alerts, params) and the
# mdBook of the same text (examples/gen_mdbook.rs reads those runbooks with opsbook's loader and
# writes a chapter per runbook, a sub-chapter per failure mode), builds each RUNS times after one
# warm-up build, and prints every run's wall time and peak memory, the medians and the ratios.
# opsbook is measured three ways: a build from nothing (no previous site; the old one is moved
# aside untimed), a rebuild after one runbook was saved (the everyday case: only that runbook's
# pages are rendered, the rest linked from the previous site), and a rebuild with nothing
# changed. mdBook has no previous-build reuse: each of its builds is a full one.
# Then does the same for BIG runbooks with opsbook alone and compares with the N case.
#
# No file is deleted until every run is done, the builds from nothing come first, and they wait
# until five minutes have passed since a benchmark last deleted many files (`settle` in
# scripts/lib/measure.sh says why: on this VM's disk a build right after tens of thousands of
# deletions took 12-16 s instead of 2.2 s at 5,000 runbooks). A first build does not follow a
# mass deletion; the rebuilds, which do (mdBook clears its output, a rebuild empties its spare),
# are measured after.
# Every run (mdBook's too) starts after `sync`: the kernel writing back what an earlier step
# wrote (the release build, the corpora, the last run's site) while a build creates thousands
# of files made a 500-runbook build from nothing 0.66 s instead of 0.21-0.30.
# Installs mdBook with `cargo install mdbook --locked` when it is missing.
#
# Usage: scripts/bench-vs-mdbook.sh [N [BIG]]      (default: 500 5000; RUNS=5)
#        BENCH_DIR=/dev/shm/opsbook-bench scripts/bench-vs-mdbook.sh   (the same on tmpfs: what
#        the builds cost without the disk's file creation, whose cost per file grows with the
#        book on this VM; the goals are measured on disk)
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
work="${BENCH_DIR:-$PWD/target/bench-vs-mdbook}"
# The last run's files are removed at its end; an interrupted run's are moved out of the way
# and removed at the end of this one (see above).
[ ! -e "$work" ] || mv "$work" "$work.old.$$"
mkdir -p "$work"

./target/release/examples/gen_corpus "$n" "$work/opsbook-$n" >/dev/null
./target/release/examples/gen_mdbook "$work/opsbook-$n" "$work/mdbook-$n" >/dev/null
echo "$(mdbook --version); opsbook $("$bin" --version | cut -d' ' -f2); $(nproc) cores; in $work ($(stat -f -c %T "$(dirname "$work")"))"
echo "$n runbooks: $(find "$work/mdbook-$n/src" -name '*.md' | wc -l) Markdown chapters for mdBook"

(cd "$work/opsbook-$n" && "$bin" build --quiet)
(cd "$work/mdbook-$n" && mdbook build >/dev/null 2>&1)
echo "opsbook: $(find "$work/opsbook-$n/book" -name '*.html' | wc -l) pages; mdBook: $(find "$work/mdbook-$n/book" -name '*.html' | wc -l) pages"

# opsbook_fresh DIR COUNT: builds DIR once (untimed), then RUNS times from nothing, each
# previous site and spare folder moved aside, never deleted; sets FRESH_MS and FRESH_PEAK.
opsbook_fresh() {
  local dir=$1 count=$2
  "$bin" -C "$dir" build --quiet
  mkdir -p "$dir.aside"
  PREPARE="mv '$dir/book' \"$dir.aside/\$RANDOM\$RANDOM\"; [ ! -e '$dir/.book.spare' ] || mv '$dir/.book.spare' \"$dir.aside/\$RANDOM\$RANDOM\"; sync" \
    measure "opsbook ($count, from nothing)" "$runs" "$bin" -C "$dir" build --quiet
  FRESH_MS=$MEDIAN_MS
  FRESH_PEAK=$PEAK_MIB
}

# opsbook_rebuilds DIR COUNT: the two kinds of rebuild of DIR; sets EDITED_MS, UNCHANGED_MS and
# PEAK (the larger peak).
opsbook_rebuilds() {
  local dir=$1 count=$2 one
  one=$(find "$dir/runbooks" -name '*.yaml' | sort | sed -n 1p)
  # Untimed: a build whose previous site is there, so a spare of its folders is too.
  "$bin" -C "$dir" build --quiet
  # A comment appended: new text, so the runbook's key changes and its pages are rendered.
  PREPARE="echo \"# saved \$EPOCHREALTIME\" >> '$one'; sync" \
    measure "opsbook ($count, one saved)" "$runs" "$bin" -C "$dir" build --quiet
  EDITED_MS=$MEDIAN_MS
  PEAK=$PEAK_MIB
  PREPARE=sync measure "opsbook ($count, unchanged)" "$runs" "$bin" -C "$dir" build --quiet
  UNCHANGED_MS=$MEDIAN_MS
  PEAK=$((PEAK_MIB > PEAK ? PEAK_MIB : PEAK))
}

./target/release/examples/gen_corpus "$big" "$work/opsbook-$big" >/dev/null
settle
opsbook_fresh "$work/opsbook-$n" "$n"
small_fresh=("$FRESH_MS" "$FRESH_PEAK")
opsbook_fresh "$work/opsbook-$big" "$big"
large_fresh=("$FRESH_MS" "$FRESH_PEAK")

PREPARE=sync measure "mdbook build ($n)" "$runs" mdbook build "$work/mdbook-$n"
mdbook_ms=$MEDIAN_MS
opsbook_rebuilds "$work/opsbook-$n" "$n"
small=("$EDITED_MS" "$UNCHANGED_MS" "${small_fresh[0]}" "$((PEAK > small_fresh[1] ? PEAK : small_fresh[1]))")
opsbook_rebuilds "$work/opsbook-$big" "$big"
large=("$EDITED_MS" "$UNCHANGED_MS" "${large_fresh[0]}" "$((PEAK > large_fresh[1] ? PEAK : large_fresh[1]))")
rm -rf "$work"/*.aside "$work".old.*
deleted

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
