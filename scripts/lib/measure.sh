# Shared by the bench-vs-* scripts: time a command several times, with its peak memory.
# Source it; needs bash 5 (EPOCHREALTIME) and GNU time at /usr/bin/time (Debian's `time`).

# measure LABEL RUNS CMD...: runs CMD RUNS times (its output discarded), prints each run's
# wall time and peak resident memory, then the median. Sets MEDIAN_MS and PEAK_MIB (the largest
# peak of the runs). A failing run stops the script: a benchmark of an error is no benchmark.
# With PREPARE set, `eval "$PREPARE"` runs before each run, untimed.
measure() {
  local label=$1 runs=$2
  shift 2
  local walls=() peak=0 i
  for ((i = 1; i <= runs; i++)); do
    run_once "$label" "$i" "$@"
    walls+=("$RUN_MS")
    ((RUN_KB > peak)) && peak=$RUN_KB
  done
  MEDIAN_MS=$(median "${walls[@]}")
  PEAK_MIB=$((peak / 1024))
  printf '  %-28s median %s ms, peak %d MiB\n' "$label" "$MEDIAN_MS" "$PEAK_MIB"
}

# run_once LABEL I CMD...: one run of `measure` (PREPARE first, untimed), its line printed;
# sets RUN_MS and RUN_KB (peak resident memory). A failing run stops the script.
run_once() {
  local label=$1 i=$2
  shift 2
  local report start end
  report=$(mktemp)
  [ -z "${PREPARE:-}" ] || eval "$PREPARE"
  start=$EPOCHREALTIME
  if ! /usr/bin/time -o "$report" -f "%M" "$@" >/dev/null 2>"$report.err"; then
    echo "$label: run $i failed: $*" >&2
    cat "$report.err" >&2
    rm -f "$report" "$report.err"
    exit 1
  fi
  end=$EPOCHREALTIME
  RUN_KB=$(tail -n 1 "$report")
  rm -f "$report" "$report.err"
  RUN_MS=$(awk -v s="$start" -v e="$end" 'BEGIN { printf "%.1f", (e - s) * 1000 }')
  printf '  %-28s run %d: %9s ms, peak %4d MiB\n' "$label" "$i" "$RUN_MS" $((RUN_KB / 1024))
}

# median VALUES...: the middle value (the lower middle of an even count).
median() {
  printf '%s\n' "$@" | sort -g | sed -n "$((($# + 1) / 2))p"
}

# ratio A B: A / B to two decimals.
ratio() {
  awk -v a="$1" -v b="$2" 'BEGIN { printf "%.2f", a / b }'
}

# need_apt PACKAGE...: installs the Debian packages that are missing (as root), else says what
# to install and stops.
need_apt() {
  local missing=() p
  for p in "$@"; do
    dpkg -s "$p" >/dev/null 2>&1 || missing+=("$p")
  done
  ((${#missing[@]} == 0)) && return 0
  if [ "$(id -u)" = 0 ] && command -v apt-get >/dev/null; then
    echo "installing ${missing[*]} (apt-get)"
    apt-get update -qq && DEBIAN_FRONTEND=noninteractive apt-get install -y -qq "${missing[@]}" >/dev/null
  else
    echo "missing Debian packages: ${missing[*]}; install them (sudo apt-get install ${missing[*]}) and rerun" >&2
    exit 2
  fi
}

# On ext4 without a journal (this VM's disk) a new file's inode is picked past every inode
# freed in the last minute, five while its inode table block is dirty, each looked up in the
# buffer cache: a 5,000-runbook build from nothing right after a whole site was deleted took
# 12-16 s instead of 2.2 s. The benchmarks delete nothing while they measure; after deleting,
# they call `deleted`, and before measuring, `settle` waits until eight minutes have passed:
# five were not enough once bench-vs-mdbook.sh deleted ~450,000 files at its end (its books and
# floors moved aside), as the next run's 500-runbook builds from nothing took 0.4-1.4 s for
# two minutes after the wait instead of 0.19 s.
DELETED_AT="${DELETED_AT:-target/.bench-deleted-at}"

# deleted: notes that a benchmark has just deleted many files.
deleted() {
  date +%s >"$DELETED_AT"
}

# settle: waits until eight minutes have passed since a benchmark last deleted many files.
settle() {
  [ -f "$DELETED_AT" ] || return 0
  local left=$(($(cat "$DELETED_AT") + 480 - $(date +%s)))
  if ((left > 0)); then
    echo "waiting ${left} s: a benchmark deleted many files less than eight minutes ago (see scripts/lib/measure.sh)"
    sleep "$left"
  fi
}
