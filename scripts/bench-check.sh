#!/usr/bin/env bash
# Benchmark `opsbook check`: N checks (default 200; each a status, a header, a JSON value and a
# latency budget) against the demo service on loopback, with --jobs 4, release build.
# Prints wall time and requests per second (best and median of RUNS runs), and hurl's time on
# the same requests when hurl is installed.
set -euo pipefail

N="${1:-200}"
RUNS="${RUNS:-5}"
cd "$(dirname "$0")/.."
cargo build --release --quiet --bin opsbook --example demo
BIN=target/release/opsbook
PORT="${PORT:-3987}"
target/release/examples/demo --port "$PORT" >/dev/null &
DEMO=$!
WORK="$(mktemp -d)"
trap 'kill "$DEMO" 2>/dev/null; rm -rf "$WORK"' EXIT
sleep 0.5

mkdir -p "$WORK/runbooks"
{
  printf 'title: Bench\nservice: bench\nowner: perf\nlast_reviewed: 2026-11-20\n'
  printf 'targets:\n  local: http://127.0.0.1:%s\nchecks:\n' "$PORT"
  for i in $(seq 1 "$N"); do
    printf '  - id: c%s\n' "$i"
    printf "    curl: \"curl -s -H 'x-request-id: {{ request_id }}' '{{ target }}/prom/api/v1/query?query=error_ratio'\"\n"
    printf '    expect:\n      status: 200\n      headers: { content-type: { contains: json } }\n'
    printf '      body: { json: { "/data/result/0/value/1": { lt: 0.01 } } }\n      max_time_ms: 1000\n'
  done
} > "$WORK/runbooks/bench.yaml"

"$BIN" -C "$WORK" check --jobs 4 -q >/dev/null  # warm up, and fail early if a check fails
times=()
for _ in $(seq 1 "$RUNS"); do
  start=$(date +%s.%N)
  "$BIN" -C "$WORK" check --jobs 4 >/dev/null
  end=$(date +%s.%N)
  times+=("$(echo "$end - $start" | bc -l)")
done
sorted=$(printf '%s\n' "${times[@]}" | sort -n)
best=$(echo "$sorted" | head -1)
median=$(echo "$sorted" | sed -n "$(( (RUNS + 1) / 2 ))p")
printf 'opsbook check: %s checks, --jobs 4, %s runs\n' "$N" "$RUNS"
printf '  best   %.3f s  (%.0f requests/s)\n' "$best" "$(echo "$N / $best" | bc -l)"
printf '  median %.3f s  (%.0f requests/s)\n' "$median" "$(echo "$N / $median" | bc -l)"

if command -v hurl >/dev/null; then
  for i in $(seq 1 "$N"); do
    printf 'GET http://127.0.0.1:%s/prom/api/v1/query?query=error_ratio\nHTTP 200\n[Asserts]\nheader "content-type" contains "json"\njsonpath "$.data.result[0].value[1]" toFloat < 0.01\nduration < 1000\n\n' "$PORT" > "$WORK/c$i.hurl"
  done
  start=$(date +%s.%N)
  hurl --test --jobs 4 "$WORK"/*.hurl >/dev/null 2>&1
  end=$(date +%s.%N)
  printf 'hurl --test --jobs 4: %.3f s\n' "$(echo "$end - $start" | bc -l)"
else
  echo "hurl is not installed: no comparison run (DESIGN.md's anchor: hurl 8.0.1, about 0.30 s)"
fi
