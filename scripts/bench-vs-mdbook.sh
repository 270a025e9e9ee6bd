#!/usr/bin/env bash
# opsbook build against mdBook on the same words, on disk, in one run (issue "Speed near the
# floor"; the README's Benchmarks table cites this script).
#
# Generates N runbooks (examples/gen_corpus.rs: 3 failure modes each, alerts, params) and the
# mdBook of the same text (examples/gen_mdbook.rs reads those runbooks with opsbook's loader and
# writes a chapter per runbook, a sub-chapter per failure mode), builds each RUNS times after one
# warm-up build, and prints every run's wall time and peak memory, the medians and the ratio.
# Then builds BIG runbooks with opsbook alone and prints its median against the N case.
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

measure "mdbook build ($n)" "$runs" mdbook build "$work/mdbook-$n"
mdbook_ms=$MEDIAN_MS
measure "opsbook build ($n)" "$runs" "$bin" -C "$work/opsbook-$n" build --quiet
small_ms=$MEDIAN_MS
small_peak=$PEAK_MIB

./target/release/examples/gen_corpus "$big" "$work/opsbook-$big" >/dev/null
"$bin" -C "$work/opsbook-$big" build --quiet
measure "opsbook build ($big)" "$runs" "$bin" -C "$work/opsbook-$big" build --quiet
big_ms=$MEDIAN_MS
big_peak=$PEAK_MIB

echo
echo "opsbook build, $n runbooks: median $small_ms ms, peak $small_peak MiB (goal: at most 300 ms)"
echo "mdbook build, same words:   median $mdbook_ms ms"
echo "opsbook is $(ratio "$mdbook_ms" "$small_ms")x faster than mdBook (goal: at least 80x)"
echo "opsbook build, $big runbooks: median $big_ms ms, $(ratio "$big_ms" "$small_ms")x the $n case, peak $big_peak MiB (goal: at most 10x, at most 100 MiB)"
