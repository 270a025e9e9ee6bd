#!/usr/bin/env bash
# Benchmark: the postmortem workbook's cost, release build. Builds the book of 500 runbooks
# alone, then the same 500 runbooks with 1,000 incident records (record pages, the incidents
# index, action-items.html and "Seen before" on every failure-mode page), 5 times each, and
# prints the medians and their ratio; then `lint` (runbooks and records) and `incident list`.
# Budget (issue "The postmortem workbook"): the records cost at most 1.5x the runbooks alone.
# The corpus comes from examples/gen_corpus.rs (tests/support/corpus.rs).
# Usage: scripts/bench-workbook.sh [RUNBOOKS] [RECORDS]     (default: 500 1000)
set -euo pipefail
cd "$(dirname "$0")/.."
runbooks="${1:-500}"
records="${2:-1000}"
cargo build --release --quiet --example gen_corpus --bin opsbook
bin="$PWD/target/release/opsbook"
gen="$PWD/target/release/examples/gen_corpus"
work=$(mktemp -d "$PWD/target/bench-workbook.XXXXXX")
trap 'rm -rf "$work"' EXIT

# median5 DIR ARGS...: runs `opsbook ARGS` in DIR once to warm the caches, then 5 times; prints
# the median wall time and the largest peak memory.
median5() {
  local dir="$1"
  shift
  (cd "$dir" && "$bin" "$@" >/dev/null 2>&1) || true
  local walls=() peak=0
  for _ in 1 2 3 4 5; do
    (cd "$dir" && /usr/bin/time -f "%e %M" -o "$work/time" "$bin" "$@" >/dev/null 2>&1) || true
    read -r wall rss <"$work/time"
    walls+=("$wall")
    [ "$rss" -gt "$peak" ] && peak=$rss
  done
  echo "$(printf '%s\n' "${walls[@]}" | sort -n | sed -n 3p) $((peak / 1024))"
}

# compare WHERE LABEL: the book of the runbooks alone, then with the records, in WHERE.
compare() {
  "$gen" "$runbooks" "$1/alone" >/dev/null
  "$gen" "$runbooks" "$1/with" "$records" >/dev/null
  read -r alone alone_mib <<<"$(median5 "$1/alone" build --quiet)"
  read -r with with_mib <<<"$(median5 "$1/with" build --quiet)"
  pages=$(find "$1/with/book/incidents" -name '*.html' | wc -l)
  echo "$2: build, $runbooks runbooks: median ${alone} s, peak ${alone_mib} MiB"
  echo "$2: build, $runbooks runbooks + $records records ($pages incident pages): median ${with} s, peak ${with_mib} MiB"
  echo "$2: ratio $(awk -v a="$alone" -v b="$with" 'BEGIN { printf "%.2f", b / a }') (budget 1.5)"
}

compare "$work" "on disk"
# The same on tmpfs: what the CPU does, without this machine's disk writeback noise.
if [ -d /dev/shm ] && [ -w /dev/shm ]; then
  shm=$(mktemp -d /dev/shm/opsbook-workbook.XXXXXX)
  trap 'rm -rf "$work" "$shm"' EXIT
  compare "$shm" "on tmpfs"
fi
read -r lint _ <<<"$(median5 "$work/with" lint)"
echo "lint, $runbooks runbooks + $records records: median ${lint} s"
read -r list _ <<<"$(median5 "$work/with" incident list --format json)"
echo "incident list --format json, $records records: median ${list} s"
