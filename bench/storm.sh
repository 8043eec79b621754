#!/usr/bin/env bash
# The reload storm: a warm server (bench/warm.lua's hot set in its cache)
# under a constant open-model load of the classic mix (catalog bench, one
# 1 s step after another), through a whole reload of the same files, then,
# if DELTA is given, a delta. The table (storm.md in RESULTS) sets the 10 s
# after each change's swap (when serve sees the new generation) against the
# 10 s before the change began: 2xx per second, non-2xx by kind, p99, and
# the cache's hit ratio from serve's metrics.
#
#   BINARY=/tmp/catalog DB=data/full.db DATASET=data/dataset DELTA=/tmp/delta bash bench/storm.sh
#
# Environment (defaults in brackets):
#   BINARY     the catalog binary that serves and loads [one built from the
#              tree; the load's generator is always built from the tree]
#   DB         the store, loaded with DATASET [data/full.db]
#   DATASET    the files the whole reload loads again [data/dataset]
#   DELTA      a delta directory (catalog generate --delta-of) to apply after
#              the reload; none when empty []
#   PRODUCTS   the largest product id [1000011]
#   RATE       the load's rate per second [5000]
#   CACHE_MB   serve's cache [512]
#   WARMUP     the most the warm-up may take [120s]
#   SETTLE     the steady time before and after each change [20]
#   RESULTS    where the results go [bench-results/storm-<UTC time>]
#
# Every load runs on loopback and is bounded: the bench stops after the
# changes, and at most after 600 steps.
set -euo pipefail
caller=$PWD
cd "$(dirname "$0")/.."
DB=${DB:-data/full.db}
DATASET=${DATASET:-data/dataset}
DELTA=${DELTA:-}
PRODUCTS=${PRODUCTS:-1000011}
RATE=${RATE:-5000}
CACHE_MB=${CACHE_MB:-512}
WARMUP=${WARMUP:-120s}
SETTLE=${SETTLE:-20}
PORT=3730 ADMIN=3731
res=${RESULTS:-bench-results/storm-$(date -u +%Y%m%dT%H%M%SZ)}
work=$(mktemp -d)
serve_pid='' bench_pid='' sampler_pid=''
cleanup() {
  for p in $sampler_pid $bench_pid $serve_pid; do kill "$p" 2>/dev/null || true; done
  wait 2>/dev/null || true
  rm -rf "$work"
}
trap cleanup EXIT
# shellcheck source=bench/lib.sh
. bench/lib.sh
command -v wrk >/dev/null || { apt-get update -qq && apt-get install -y -qq wrk >/dev/null; }
# The load comes from catalog bench built from the tree, whatever BINARY
# is measured: the report needs the start of each step.
go build -o "$work/catalog" ./cmd/catalog
generator=$work/catalog
if [ -z "${BINARY:-}" ]; then
  BINARY=$generator
else
  case $BINARY in /*) ;; *) BINARY=$caller/$BINARY ;; esac
fi
mkdir -p "$res"
now_ms() { date +%s%3N; }
echo "== settings: $BINARY, $DB, rate $RATE/s in 1 s steps, cache $CACHE_MB MB, settle ${SETTLE}s, delta ${DELTA:-none}" | tee "$res/settings.txt" >&2

start_serve "$BINARY" "$DB" "$CACHE_MB" "$res/serve.log"
last10=$((PRODUCTS - PRODUCTS / 10 + 1))
echo "== warming the cache: wrk -t2 -c64 -d$WARMUP -s bench/warm.lua" >&2
wrk -t2 -c64 -d"$WARMUP" -s bench/warm.lua "http://127.0.0.1:$PORT" -- "$last10" "$PRODUCTS" 2 > "$res/warm.txt"
sleep 5

# The cache's counters and the generation serve sees, every 0.2 s: the
# window after a change starts when serve sees its swap, which comes
# before the command ends (a whole load then drops the old tables).
(while true; do
  m=$(curl -s "http://127.0.0.1:$ADMIN/metrics" || true)
  echo "$(now_ms) $(echo "$m" | awk '/^catalog_cache_hits_total /{print $2}') $(echo "$m" | awk '/^catalog_cache_misses_total /{print $2}') $(echo "$m" | awk '/^catalog_generation /{print $2}')"
  sleep 0.2
done) > "$res/metrics.tsv" &
sampler_pid=$!

rates=$(printf "$RATE,%.0s" $(seq 600)); rates=${rates%,}
"$generator" bench --rates "$rates" --duration 1s --products "$PRODUCTS" --ids last10 --stop-error-rate 1 --stop-p99 1h --stop-rate 0 \
  --progress=false --title "storm: $RATE/s" --out "$res/bench" "http://127.0.0.1:$PORT" > "$res/bench.txt" 2>&1 &
bench_pid=$!

# change NAME [FLAGS…] DIR: runs catalog load, recording when it started
# and ended.
change() {
  local name=$1; shift
  sleep "$SETTLE"
  echo "== $name: catalog load $*" >&2
  local start; start=$(now_ms)
  "$BINARY" load --db "$DB" --allow-rejects --rejects "$work/rejects.jsonl" "$@" > "$res/$name.txt" 2>&1
  echo "$name $start $(now_ms)" >> "$res/events.tsv"
}
change reload "$DATASET"
[ -z "$DELTA" ] || change delta --delta "$DELTA"
sleep "$SETTLE"
kill -INT "$bench_pid" 2>/dev/null || true
wait "$bench_pid" 2>/dev/null || true
bench_pid=''
for _ in $(seq 100); do [ -s "$res/bench/bench.json" ] && break; sleep 0.1; done
go run ./bench/report --storm --in "$res" | tee "$res/storm.md"
echo "the raw results are in $res" >&2
