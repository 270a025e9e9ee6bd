#!/usr/bin/env bash
# Benchmark: cost in one big file, release build. Prints the wall time of `opsbook build` for
# 1,000 / 2,000 / 5,000 / 10,000 failure modes in one runbook, of `opsbook lint` printing
# 5,000 / 10,000 / 20,000 findings as text (and as JSON, for comparison), and of 20,000 /
# 40,000 undefined placeholders in one curl line. All of these grow linearly; the budget
# (issue 11) is 5,000 failure modes under 2 s and 20,000 findings as text under 1 s.
# The runbooks come from examples/gen_scale.rs (tests/support/scale.rs, shared with tests/scale.rs).
# Usage: scripts/bench-scale.sh
set -euo pipefail
cd "$(dirname "$0")/.."
cargo build --release --quiet --example gen_scale --bin opsbook
bin="$PWD/target/release/opsbook"
gen="$PWD/target/release/examples/gen_scale"
# On tmpfs when there is one: what the CPU does, without this machine's disk writeback noise.
base="target"
if [ -d /dev/shm ] && [ -w /dev/shm ]; then
  base=$(mktemp -d /dev/shm/opsbook-scale.XXXXXX)
  trap 'rm -rf "$base"' EXIT
fi

# time_it LABEL DIR ARGS...: runs `opsbook ARGS` in DIR once to warm up, then prints the
# median wall time of 3 runs. Each starts without a previous site: a rebuild of unchanged
# runbooks would link their pages from the last build and measure nothing here.
time_it() {
  local label="$1" dir="$2"
  shift 2
  (cd "$dir" && "$bin" "$@" >/dev/null 2>&1) || true
  local walls=()
  for _ in 1 2 3; do
    rm -rf "$dir/book" "$dir/.book.spare"
    # Lint exits 1 on findings: the time is what counts here.
    (cd "$dir" && /usr/bin/time -f "%e" -o "$base/time" "$bin" "$@" >/dev/null 2>&1) || true
    walls+=("$(tail -n 1 "$base/time")")
  done
  echo "$label: $(printf '%s\n' "${walls[@]}" | sort -n | sed -n 2p) s"
}

for n in 1000 2000 5000 10000; do
  dir="$base/scale-fm-$n"
  "$gen" failure-modes "$n" "$dir"
  time_it "build, $n failure modes in one runbook ($(($(stat -c %s "$dir/runbooks/big.yaml") / 1024)) KiB)" "$dir" build --quiet
done
for n in 5000 10000 20000; do
  dir="$base/scale-findings-$n"
  "$gen" findings "$n" "$dir"
  size=$(($(stat -c %s "$dir/runbooks/big.yaml") / 1024))
  time_it "lint, $n findings in one file ($size KiB) as text" "$dir" lint
  time_it "lint, $n findings in one file ($size KiB) as JSON" "$dir" lint --format json
done
for n in 20000 40000; do
  dir="$base/scale-placeholders-$n"
  "$gen" placeholders "$n" "$dir"
  time_it "lint, $n undefined placeholders in one curl line, as JSON" "$dir" lint --format json
done
