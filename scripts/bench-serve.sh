#!/usr/bin/env bash
# `opsbook serve` over 500 runbooks (3,006 pages) on disk, one runbook saved RUNS times: the
# time until serve answers with the new site (what opsbook does: notice, reload, lint, render)
# and until the open failure-mode page shows the change in Debian's chromium driven by
# playwright-core (that plus the push over the page's WebSocket, the page fetching itself and
# swapping its content in, or reloading; tests/browser/reload.mjs says which). Two edits: a failure mode's impact (its pages only) and its title
# (also the index, the search index and the alerts' index, which list it).
# Goal (issue "Speed near the floor"): the page reloaded at most 50 ms after the save.
# Needs node and npm (the test's packages are installed with `npm ci`) and chromium
# (OPSBOOK_CHROMIUM, else /usr/bin/chromium).
#
# Usage: scripts/bench-serve.sh [N]      (default: 500 runbooks; RUNS=9)
set -euo pipefail
cd "$(dirname "$0")/.."
n="${1:-500}"
runs="${RUNS:-9}"
chromium="${OPSBOOK_CHROMIUM:-/usr/bin/chromium}"
[ -x "$chromium" ] || { echo "chromium not found (apt-get install chromium, or set OPSBOOK_CHROMIUM)" >&2; exit 2; }
[ -d tests/browser/node_modules/playwright-core ] || (cd tests/browser && npm ci --no-audit --no-fund --loglevel=error)
cargo build --release --quiet --bin opsbook --example gen_corpus
bin="$PWD/target/release/opsbook"
work="$PWD/target/bench-serve"
rm -rf "$work"
./target/release/examples/gen_corpus "$n" "$work" >/dev/null
port=$(python3 -c 'import socket; s = socket.socket(); s.bind(("127.0.0.1", 0)); print(s.getsockname()[1])')
"$bin" -C "$work" serve --port "$port" >"$work/serve.log" 2>&1 &
serve=$!
trap 'kill "$serve" 2>/dev/null' EXIT
for _ in $(seq 300); do
  grep -q "serving" "$work/serve.log" && break
  sleep 0.1
done
file="$work/runbooks/group-000/service-00003.yaml"
page="http://127.0.0.1:$port/group-000/service-00003/increased-latency.html"
impact=$(grep -m1 "impact: " "$file" | sed 's/^ *impact: //; s/\.$//')
title=$(grep -m1 "title: increased latency" "$file" | sed 's/^ *title: //')
for edit in impact title; do
  text=$impact
  [ "$edit" = title ] && text=$title
  echo "opsbook serve, $n runbooks: the failure mode's $edit of $file, saved $runs times"
  node tests/browser/reload.mjs "$page" "$file" "$text" "$chromium" "$runs"
  echo "serve's own log of those rebuilds:"
  grep "built" "$work/serve.log" | tail -n "$runs" | tr '\n' ';'
  echo
done
