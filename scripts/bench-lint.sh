#!/usr/bin/env bash
# Benchmark: `opsbook lint` over N synthetic runbooks (default 5,000). Budget: under 2 s.
# Usage: scripts/bench-lint.sh [N]
set -euo pipefail
cd "$(dirname "$0")/.."
n="${1:-5000}"
corpus="target/corpus-$n"
cargo build --release --quiet --example gen_corpus --bin opsbook
rm -rf "$corpus"
./target/release/examples/gen_corpus "$n" "$corpus" >/dev/null
bin="$PWD/target/release/opsbook"
cd "$corpus"
"$bin" lint --quiet >/dev/null   # warm the page cache
for i in 1 2 3; do
  start=$(date +%s%N)
  "$bin" lint --quiet | tail -n 1
  end=$(date +%s%N)
  echo "run $i: $(( (end - start) / 1000000 )) ms for $n runbooks"
done
