#!/usr/bin/env bash
# opsbook check against hurl on the same requests and assertions, in one run (issue "Speed near
# the floor"; the README's Benchmarks table cites this script).
#
# Starts nginx (Debian's package) on a free loopback port with a config written here, serving
# /metrics/error_ratio as JSON and /healthz; writes N checks (status, a header, a JSON value, a
# latency budget) as one runbook and as N .hurl files; runs each side RUNS times after a warm-up
# and prints every run's wall time and peak memory, the medians and the ratio.
# Installs what is missing: nginx (apt-get, as root) and hurl 8.0.1 (`cargo install`, which
# needs libclang-dev libcurl4-openssl-dev libxml2-dev pkg-config).
#
# Usage: scripts/bench-vs-hurl.sh [N]      (default: 1000; RUNS=5, JOBS=4)
# Goal: opsbook at most 0.5x hurl's time.
set -euo pipefail
cd "$(dirname "$0")/.."
source scripts/lib/measure.sh
n="${1:-1000}"
runs="${RUNS:-5}"
jobs="${JOBS:-4}"

need_apt nginx
if ! command -v hurl >/dev/null; then
  need_apt libclang-dev libcurl4-openssl-dev libxml2-dev pkg-config
  cargo install hurl --locked --version 8.0.1
fi
cargo build --release --quiet --bin opsbook
bin="$PWD/target/release/opsbook"
work=$(mktemp -d)
port=$(python3 -c 'import socket; s = socket.socket(); s.bind(("127.0.0.1", 0)); print(s.getsockname()[1])')

mkdir -p "$work/nginx"
cat >"$work/nginx/nginx.conf" <<CONF
worker_processes 2;
daemon off;
pid $work/nginx/nginx.pid;
error_log $work/nginx/error.log;
events { worker_connections 1024; }
http {
  access_log off;
  client_body_temp_path $work/nginx/body;
  proxy_temp_path $work/nginx/proxy;
  fastcgi_temp_path $work/nginx/fastcgi;
  uwsgi_temp_path $work/nginx/uwsgi;
  scgi_temp_path $work/nginx/scgi;
  keepalive_requests 100000;
  server {
    listen 127.0.0.1:$port;
    location = /healthz { default_type text/plain; return 200 "ok\n"; }
    location = /metrics/error_ratio {
      default_type application/json;
      return 200 '{"status":"success","data":{"resultType":"vector","result":[{"metric":{},"value":[1764000000,"0.002"]}]}}';
    }
  }
}
CONF
nginx -c "$work/nginx/nginx.conf" &
nginx_pid=$!
trap 'kill "$nginx_pid" 2>/dev/null; wait "$nginx_pid" 2>/dev/null; rm -rf "$work"' EXIT
for _ in $(seq 50); do
  curl -sf "http://127.0.0.1:$port/healthz" >/dev/null && break
  sleep 0.1
done

# The same N checks for both: every 10th a health check, the others the error ratio.
mkdir -p "$work/project/runbooks" "$work/hurl"
{
  printf 'title: Bench\nservice: bench\nowner: perf\nlast_reviewed: 2026-11-20\n'
  printf 'targets:\n  local: http://127.0.0.1:%s\nchecks:\n' "$port"
  for i in $(seq 1 "$n"); do
    if ((i % 10 == 0)); then
      printf '  - id: c%s\n    curl: curl -s {{ target }}/healthz\n' "$i"
      printf '    expect:\n      status: 200\n      headers: { content-type: { contains: text } }\n'
      printf '      body: { contains: ok }\n      max_time_ms: 1000\n'
    else
      printf '  - id: c%s\n    curl: curl -s {{ target }}/metrics/error_ratio\n' "$i"
      printf '    expect:\n      status: 200\n      headers: { content-type: { contains: json } }\n'
      printf '      body: { json: { "/data/result/0/value/1": { lt: 0.01 } } }\n      max_time_ms: 1000\n'
    fi
  done
} >"$work/project/runbooks/bench.yaml"
for i in $(seq 1 "$n"); do
  if ((i % 10 == 0)); then
    printf 'GET http://127.0.0.1:%s/healthz\nHTTP 200\n[Asserts]\nheader "content-type" contains "text"\nbody contains "ok"\nduration < 1000\n' "$port"
  else
    printf 'GET http://127.0.0.1:%s/metrics/error_ratio\nHTTP 200\n[Asserts]\nheader "content-type" contains "json"\njsonpath "$.data.result[0].value[1]" toFloat < 0.01\nduration < 1000\n' "$port"
  fi >"$work/hurl/c$(printf %05d "$i").hurl"
done

echo "$(hurl --version | head -1); opsbook $("$bin" --version | cut -d' ' -f2); $(nginx -v 2>&1); $(nproc) cores"
echo "$n checks, --jobs $jobs, nginx on 127.0.0.1:$port"
"$bin" -C "$work/project" check --jobs "$jobs" -q >/dev/null # warm-up; stops here if a check fails
hurl --test --jobs "$jobs" "$work"/hurl/*.hurl >/dev/null 2>&1 || { echo "hurl's checks failed" >&2; exit 1; }

measure "hurl --test ($n)" "$runs" hurl --test --jobs "$jobs" "$work"/hurl/*.hurl
hurl_ms=$MEDIAN_MS
measure "opsbook check ($n)" "$runs" "$bin" -C "$work/project" check --jobs "$jobs" -q
ob_ms=$MEDIAN_MS

echo
echo "hurl --test --jobs $jobs:    median $hurl_ms ms"
echo "opsbook check --jobs $jobs:  median $ob_ms ms, $(ratio "$ob_ms" "$hurl_ms")x hurl's time (goal: at most 0.5x)"
