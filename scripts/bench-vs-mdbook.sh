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
# Then does the same for BIG runbooks with opsbook alone and compares with the N case; the
# builds from nothing of both sizes take turns (see `fresh_both`). After them it measures the
# floor under each: the same book's folders and files created and written from memory, nothing
# read or rendered (examples/write_floor.rs), which no build writing those files can beat.
#
# No file is deleted until every run is done, the builds from nothing come first, and they wait
# until eight minutes have passed since a benchmark last deleted many files (`settle` in
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
cargo build --release --quiet --bin opsbook --example gen_corpus --example gen_mdbook --example write_floor
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

# fresh_both: the builds from nothing of both corpora ($n and $big runbooks), one run of each
# in turn, RUNS times over, after one untimed build of each; each run's previous site and spare
# folder moved aside, never deleted. In turn, so that the machine's drift during the run weighs
# on both sides of their ratio alike: on this VM's disk, file creation slowed from run to run as
# the moved-aside books piled up (5,000 from nothing 1.9 s in its first run, 2.6-2.8 s in its
# last three, measured one size after the other). Sets SMALL_FRESH, BIG_FRESH (medians, ms) and
# SMALL_PEAK, BIG_PEAK (MiB).
fresh_both() {
  local dir i count small_ms=() big_ms=() small_kb=0 big_kb=0
  for count in "$n" "$big"; do
    dir="$work/opsbook-$count"
    "$bin" -C "$dir" build --quiet
    mkdir -p "$dir.aside"
  done
  for ((i = 1; i <= runs; i++)); do
    for count in "$n" "$big"; do
      dir="$work/opsbook-$count"
      PREPARE="mv '$dir/book' \"$dir.aside/\$RANDOM\$RANDOM\"; [ ! -e '$dir/.book.spare' ] || mv '$dir/.book.spare' \"$dir.aside/\$RANDOM\$RANDOM\"; sync" \
        run_once "opsbook ($count, from nothing)" "$i" "$bin" -C "$dir" build --quiet
      if [ "$count" = "$n" ]; then
        small_ms+=("$RUN_MS")
        ((RUN_KB > small_kb)) && small_kb=$RUN_KB
      else
        big_ms+=("$RUN_MS")
        ((RUN_KB > big_kb)) && big_kb=$RUN_KB
      fi
    done
  done
  SMALL_FRESH=$(median "${small_ms[@]}")
  BIG_FRESH=$(median "${big_ms[@]}")
  SMALL_PEAK=$((small_kb / 1024))
  BIG_PEAK=$((big_kb / 1024))
  printf '  %-28s median %s ms, peak %d MiB\n' "opsbook ($n, from nothing)" "$SMALL_FRESH" "$SMALL_PEAK"
  printf '  %-28s median %s ms, peak %d MiB\n' "opsbook ($big, from nothing)" "$BIG_FRESH" "$BIG_PEAK"
}

# floor_both: the floor under each build from nothing, its built book's folders and files
# created from memory, nothing read or rendered (examples/write_floor.rs), one run of each size
# in turn like fresh_both. Sets SMALL_FLOOR and BIG_FLOOR (medians, ms).
floor_both() {
  local i count ms small_ms=() big_ms=()
  for ((i = 1; i <= runs; i++)); do
    for count in "$n" "$big"; do
      ms=$(./target/release/examples/write_floor "$work/opsbook-$count/book" "$work/floor-$count.aside" 1 |
        sed -n 's/^median \([0-9.]*\) ms$/\1/p')
      printf '  %-28s run %d: %9s ms\n' "the floor ($count)" "$i" "$ms"
      if [ "$count" = "$n" ]; then small_ms+=("$ms"); else big_ms+=("$ms"); fi
    done
  done
  SMALL_FLOOR=$(median "${small_ms[@]}")
  BIG_FLOOR=$(median "${big_ms[@]}")
  printf '  %-28s median %s ms\n' "the floor ($n)" "$SMALL_FLOOR"
  printf '  %-28s median %s ms\n' "the floor ($big)" "$BIG_FLOOR"
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
fresh_both
floor_both

PREPARE=sync measure "mdbook build ($n)" "$runs" mdbook build "$work/mdbook-$n"
mdbook_ms=$MEDIAN_MS
opsbook_rebuilds "$work/opsbook-$n" "$n"
small=("$EDITED_MS" "$UNCHANGED_MS" "$SMALL_FRESH" "$((PEAK > SMALL_PEAK ? PEAK : SMALL_PEAK))")
opsbook_rebuilds "$work/opsbook-$big" "$big"
large=("$EDITED_MS" "$UNCHANGED_MS" "$BIG_FRESH" "$((PEAK > BIG_PEAK ? PEAK : BIG_PEAK))")
rm -rf "$work"/*.aside "$work".old.*
deleted

echo
echo "mdbook build, $n runbooks' words: median $mdbook_ms ms (every build a full one)"
echo "opsbook build, $n runbooks (peak ${small[3]} MiB):"
echo "  one runbook saved: ${small[0]} ms, $(ratio "$mdbook_ms" "${small[0]}")x faster than mdBook (goal: at most 300 ms, at least 80x)"
echo "  nothing changed:   ${small[1]} ms, $(ratio "$mdbook_ms" "${small[1]}")x"
echo "  from nothing:      ${small[2]} ms, $(ratio "$mdbook_ms" "${small[2]}")x"
echo "  its files alone:   $SMALL_FLOOR ms: no build writing them can be more than $(ratio "$mdbook_ms" "$SMALL_FLOOR")x faster than mdBook here"
echo "opsbook build, $big runbooks (peak ${large[3]} MiB; goal: at most 100 MiB, at most 10x the $n case):"
echo "  one runbook saved: ${large[0]} ms, $(ratio "${large[0]}" "${small[0]}")x the $n case"
echo "  nothing changed:   ${large[1]} ms, $(ratio "${large[1]}" "${small[1]}")x"
echo "  from nothing:      ${large[2]} ms, $(ratio "${large[2]}" "${small[2]}")x"
echo "  its files alone:   $BIG_FLOOR ms, $(ratio "$BIG_FLOOR" "$SMALL_FLOOR")x the $n case's files"
