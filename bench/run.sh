#!/usr/bin/env bash
# Measures the service at full scale against a fixed-body Go server on the
# same machine, with the same tools and settings, and writes
# docs/benchmarks.md (tables, charts, the machine's description).
# Throughput counts 2xx answers only; the non-2xx are reported apart, by
# status, and a run with any of them (or with a socket error) meets no
# target: a fast 503 is not a request served.
#
#   bash bench/run.sh
#
# Environment (defaults in brackets):
#   SQLITE_DB    the SQLite store [data/full.db]
#   PG_URL       the PostgreSQL store [postgres://postgres@127.0.0.1:5432/catalog_bench_serve?sslmode=disable]
#   PRODUCTS     the catalog's size, generated and loaded into a store that
#                is missing or empty [1000011]
#   DURATION     the length of each wrk run and of each sweep step [30s]
#   WARMUP       the most the cache's warm-up may take: one request for each
#                response of the hot set (bench/warm.lua) [120s]
#   RATES        the open-model sweep [100,1000,2000,5000,10000]
#   STORES       which stores to measure [sqlite postgres]
#   RESULTS      where the raw results are kept [bench-results/run-<UTC time>]
#
# Needs wrk (installed from Debian if missing), psql for PostgreSQL, and
# disk for the dataset and the SQLite file the first time (2.3 GB and 6.4 GB
# at full size).
# Every load runs on loopback and is bounded by DURATION.
set -euo pipefail
cd "$(dirname "$0")/.."
SQLITE_DB=${SQLITE_DB:-data/full.db}
PG_URL=${PG_URL:-postgres://postgres@127.0.0.1:5432/catalog_bench_serve?sslmode=disable}
PRODUCTS=${PRODUCTS:-1000011}
DURATION=${DURATION:-30s}
WARMUP=${WARMUP:-120s}
RATES=${RATES:-100,1000,2000,5000,10000}
STORES=${STORES:-sqlite postgres}
PORT=3710 ADMIN=3711 CEILING=3712
work=$(mktemp -d)
# The raw results stay, for a second look or to rewrite the report.
res=${RESULTS:-bench-results/run-$(date -u +%Y%m%dT%H%M%SZ)}
pids=() serve_pid=''
cleanup() {
  for p in "${pids[@]}" $serve_pid; do kill "$p" 2>/dev/null || true; done
  wait 2>/dev/null || true
  rm -rf "$work"
}
trap cleanup EXIT

command -v wrk >/dev/null || { apt-get update -qq && apt-get install -y -qq wrk >/dev/null; }
echo "== building" >&2
go build -o "$work/catalog" ./cmd/catalog
go build -o "$work/ceiling" ./bench/ceiling
go build -o "$work/report" ./bench/report
catalog=$work/catalog
mkdir -p "$res"

# Stores: generate and load what is missing.
data=$(dirname "$SQLITE_DB")/dataset
ensure_data() {
  [ -f "$data/product.csv" ] || "$catalog" generate --out "$data" --products "$PRODUCTS" --progress=false
}
for store in $STORES; do
  case $store in
  sqlite)
    if [ ! -s "$SQLITE_DB" ]; then
      echo "== loading $SQLITE_DB" >&2
      ensure_data
      mkdir -p "$(dirname "$SQLITE_DB")"
      "$catalog" load --db "$SQLITE_DB" --progress=false "$data" >&2
    fi ;;
  postgres)
    admin_url="${PG_URL%/*}/postgres"
    dbname=${PG_URL##*/}; dbname=${dbname%%\?*}
    [ "$(psql "$admin_url" -qAtc "SELECT 1 FROM pg_database WHERE datname = '$dbname'")" = 1 ] ||
      psql "$admin_url" -qc "CREATE DATABASE \"$dbname\""
    if [ "$(psql "$PG_URL" -qAtc "SELECT generation FROM catalog_meta" 2>/dev/null || echo 0)" = 0 ]; then
      echo "== loading $PG_URL" >&2
      ensure_data
      "$catalog" load --db "$PG_URL" --progress=false "$data" >&2
    fi ;;
  *) echo "unknown store $store" >&2; exit 2 ;;
  esac
done

# wrk_run NAME URL ARGS...: one closed-loop run with the classic mix; its
# summary goes to $res/NAME.wrk.json.
wrk_run() {
  local name=$1 url=$2; shift 2
  echo "== wrk $name: -t2 -c64 -d$DURATION $*" >&2
  wrk -t2 -c64 -d"$DURATION" -s bench/mix.lua "$url" -- "$@" | tee "$work/$name.wrk.txt" |
    sed -n 's/^RESULT //p' > "$res/$name.wrk.json"
}

# shellcheck source=bench/lib.sh
. bench/lib.sh
rss() { grep -E '^(VmRSS|VmHWM|RssAnon|RssFile):' /proc/"$serve_pid"/status | awk '{printf "\"%s\":%d,", $1, $2}' | sed 's/:"/"/g; s/,$//'; }

ceiling() {
  "$work/ceiling" --addr 127.0.0.1:$CEILING 2>/dev/null &
  local pid=$!
  pids+=("$pid")
  sleep 0.5
  wrk_run "ceiling-$1" http://127.0.0.1:$CEILING 1 "$PRODUCTS"
  kill "$pid"; wait "$pid" 2>/dev/null || true
}

ceiling before
last10=$((PRODUCTS - PRODUCTS / 10 + 1))
for store in $STORES; do
  # Hot: the default cache, filled with the hot set, then the classic test.
  start_serve "$catalog" "$(store_db "$store")" 512 "$work/serve.log"
  echo "== warming the cache: wrk -t2 -c64 -d$WARMUP -s bench/warm.lua" >&2
  wrk -t2 -c64 -d"$WARMUP" -s bench/warm.lua http://127.0.0.1:$PORT -- "$last10" "$PRODUCTS" 2 > "$work/warm.txt"
  sleep 10 # let the store settle after the warm-up's burst of reads
  curl -s http://127.0.0.1:$ADMIN/debug/cache > "$res/$store-cache-before.json"
  sed -n 's/^ *\([0-9]*\) requests in.*/{"requests":\1}/p' "$work/warm.txt" > "$res/$store-warmup.json"
  wrk_run "$store-hot" http://127.0.0.1:$PORT "$last10" "$PRODUCTS"
  curl -s http://127.0.0.1:$ADMIN/debug/cache > "$res/$store-cache-after.json"
  echo "{$(rss)}" > "$res/$store-rss.json"
  echo "== catalog bench $store: --rates $RATES --duration $DURATION" >&2
  "$catalog" bench --rates "$RATES" --duration "$DURATION" --products "$PRODUCTS" --progress=false \
    --title "$store, cache on, classic mix, ids last10" --out "$res/$store-sweep" http://127.0.0.1:$PORT >&2 || true
  echo "{$(rss)}" > "$res/$store-rss-sweep.json"
  stop_serve

  # Cold: no cache, ids uniform over the whole catalog.
  start_serve "$catalog" "$(store_db "$store")" 0 "$work/serve.log"
  wrk_run "$store-cold" http://127.0.0.1:$PORT 1 "$PRODUCTS"
  # Deep pages against the first, no cache: one URL each, its answers
  # counted by status as in the mix.
  for page in 1 200000; do
    echo "== wrk $store page $page" >&2
    wrk -t1 -c4 -d10s -s bench/mix.lua "http://127.0.0.1:$PORT" -- "/products?page=$page&count=5" > "$work/page.txt"
    sed -n "s/^RESULT {/{\"page\":$page,/p" "$work/page.txt" > "$res/$store-page-$page.json"
  done
  stop_serve
done
ceiling after

# The machine.
{
  echo "cpu: $(lscpu | sed -n 's/^Model name: *//p'), $(nproc) cores"
  echo "memory: $(free -g | awk '/^Mem:/{print $2}') GiB"
  echo "kernel: $(uname -sr)"
  echo "go: $(go version | awk '{print $3}')"
  echo "wrk: $(wrk -v 2>&1 | head -1 | awk '{print $2}')"
  echo "postgresql: $(psql "${PG_URL%/*}/postgres" -qAtc 'SHOW server_version' 2>/dev/null || echo none)"
  echo "date: $(date -u +%Y-%m-%d)"
  echo "settings: wrk -t2 -c64 -d$DURATION -s bench/mix.lua (cache warmed first by bench/warm.lua, at most $WARMUP); catalog bench --rates $RATES --duration $DURATION; $PRODUCTS products"
} > "$res/machine.txt"
"$work/report" --in "$res" --stores "$STORES" --out docs/benchmarks.md
echo "written docs/benchmarks.md; the raw results are in $res" >&2
