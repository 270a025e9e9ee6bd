#!/usr/bin/env bash
# Fuzzing: runs each cargo-fuzz target of fuzz/ for SECONDS (default 60), seeded from the
# fixtures, the bundled runbooks and the incident records. Needs a nightly toolchain and
# cargo-fuzz (`cargo install cargo-fuzz --locked`). Not part of .ci/run: it is slow and random.
# A crash stops the script; its input is kept in fuzz/artifacts/TARGET/ (replay it with
# `cargo +nightly fuzz run TARGET fuzz/artifacts/TARGET/crash-...`).
# Usage: scripts/fuzz.sh [SECONDS] [TARGET...]     (targets: lint curl incident markdown yaml)
set -euo pipefail
cd "$(dirname "$0")/.."
seconds="${1:-60}"
shift || true
targets=("$@")
[ ${#targets[@]} -gt 0 ] || targets=(lint curl incident markdown yaml)

# seed TARGET FILE...: copies the files into the target's corpus (fuzz/corpus, gitignored).
seed() {
  local dir="fuzz/corpus/$1"
  shift
  mkdir -p "$dir"
  for f in "$@"; do
    [ -f "$f" ] && cp "$f" "$dir/$(echo "$f" | tr '/' '_')"
  done
}

seed lint runbooks/*.yaml tests/fixtures/lint/*.yaml tests/fixtures/xss/runbooks/*.yaml
seed yaml runbooks/*.yaml tests/fixtures/lint/*.yaml opsbook.yaml monitoring/*/*.yaml
seed incident tests/fixtures/incidents/*.md
seed markdown tests/fixtures/incidents/*.md README.md docs/*.md
# One curl line per seed file, from every `curl:` written in the runbooks and fixtures.
mkdir -p fuzz/corpus/curl
grep -rhoE "curl: .*" runbooks tests/fixtures | sed -E "s/^curl: //; s/^'(.*)'$/\1/" | sort -u |
  while IFS= read -r line; do
    printf '%s' "$line" > "fuzz/corpus/curl/seed-$(printf '%s' "$line" | cksum | cut -d' ' -f1)"
  done

mkdir -p fuzz/target
for target in "${targets[@]}"; do
  echo "== $target: ${seconds} s"
  log="fuzz/target/fuzz-$target.log"
  # Inputs up to 64 KiB: enough for any runbook shape, small enough to run fast.
  if ! (cd fuzz && cargo +nightly fuzz run "$target" "corpus/$target" -- \
    -max_total_time="$seconds" -max_len=65536 -timeout=10 -print_final_stats=1) >"$log" 2>&1; then
    tail -n 40 "$log"
    echo "$target: failed; the log is $log, a crashing input is in fuzz/artifacts/$target" >&2
    exit 1
  fi
  grep -E "^(#[0-9]+ +DONE|stat::number_of_executed_units|stat::peak_rss_mb)" "$log" || tail -n 3 "$log"
done
