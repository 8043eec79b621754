#!/usr/bin/env bash
# Measures the figures docs/capacity.md is made from: the CPU each kind of
# answer costs the process that gives it (an instance's cache hit by
# encoding, its 304, its store miss on SQLite and on PostgreSQL with the
# store's own CPU, a miss through Redis with Redis's CPU, a hit and a miss
# of Varnish), the store reads and Redis calls per request, the bytes per
# route and encoding, and the latency of each path alone (one connection,
# nothing queued). bench/ceiling is measured the same way, for reference.
#
#   bash bench/capacity.sh                       # measure: RESULTS/runs.jsonl
#   cp RESULTS/runs.jsonl RESULTS/settings.txt docs/capacity/
#   go run ./bench/capacity docs/capacity/runs.jsonl > docs/capacity.md
#
# The CPU of a run is the difference of the processes' utime + stime
# (/proc/PID/stat) over it, divided by its 2xx answers (the 304 run's, by
# its 304s); the load is wrk -t2 -cCONNS -dDURATION -s bench/mix.lua,
# which counts answers by status. Every run is on loopback and bounded by
# DURATION (warm-ups by WARM_LIMIT).
#
# Environment (defaults in brackets):
#   SQLITE_DB   a SQLite store of the full-size catalog [data/full.db]
#   PG_URL      a PostgreSQL store of the same catalog
#               [postgres://postgres@127.0.0.1:5432/catalog_full?sslmode=disable]
#   REDIS_URL   a Redis database it may empty [redis://127.0.0.1:6379/3]
#   PRODUCTS    the catalog's size [1000011]
#   DURATION    each measured run [10s]; BASE_DURATION the one-connection
#               runs [5s]; WARM_LIMIT each warm-up's bound [120s]
#   CONNS       wrk's connections [64]
#   RESULTS     where the results go [bench-results/capacity-<UTC time>]
set -euo pipefail
cd "$(dirname "$0")/.."
SQLITE_DB=${SQLITE_DB:-data/full.db}
PG_URL=${PG_URL:-postgres://postgres@127.0.0.1:5432/catalog_full?sslmode=disable}
REDIS_URL=${REDIS_URL:-redis://127.0.0.1:6379/3}
PRODUCTS=${PRODUCTS:-1000011}
DURATION=${DURATION:-10s}
BASE_DURATION=${BASE_DURATION:-5s}
WARM_LIMIT=${WARM_LIMIT:-120s}
CONNS=${CONNS:-64}
PORT=3720 ADMIN=3721 CEILING=3722 TIER=3723
res=${RESULTS:-bench-results/capacity-$(date -u +%Y%m%dT%H%M%SZ)}
work=$(mktemp -d)
chmod 755 "$work" # varnishd reads the VCL as its own user
serve_pid='' ceiling_pid=''
cleanup() {
  for p in $serve_pid $ceiling_pid; do kill "$p" 2>/dev/null || true; done
  [ -f "$work/varnish/varnishd.pid" ] && kill "$(cat "$work/varnish/varnishd.pid")" 2>/dev/null || true
  sleep 0.5
  rm -rf "$work"
}
trap cleanup EXIT
# shellcheck source=bench/lib.sh
. bench/lib.sh
# shellcheck source=deploy/varnish/local.sh
. deploy/varnish/local.sh
for v in $(compgen -e | grep '^CATALOG_' || true); do unset "$v"; done

command -v wrk >/dev/null && command -v varnishd >/dev/null && command -v jq >/dev/null &&
  [ -e /usr/lib/x86_64-linux-gnu/varnish/vmods/libvmod_xkey.so ] ||
  { apt-get update -qq && apt-get install -y -qq wrk varnish varnish-modules jq >/dev/null; }
[ -s "$SQLITE_DB" ] || die "$SQLITE_DB is missing: catalog generate --out data/dataset && catalog load --db $SQLITE_DB data/dataset"
go build -o "$work/catalog" ./cmd/catalog
go build -o "$work/ceiling" ./bench/ceiling
mkdir -p "$res"
runs=$res/runs.jsonl
: > "$runs"
last10=$((PRODUCTS - PRODUCTS / 10 + 1))
redis_db=${REDIS_URL##*/}
redis_cli() { redis-cli -u "$REDIS_URL" "$@"; }

{
  echo "date: $(date -u +%Y-%m-%dT%H:%M:%SZ); machine: $(lscpu | sed -n 's/^Model name: *//p'), $(nproc) cores; load average $(cut -d' ' -f1-3 /proc/loadavg)"
  echo "tree: $(git rev-parse --short HEAD)$(git diff --quiet HEAD -- || echo ' with uncommitted changes'); $(go version)"
  echo "load: $(wrk -v 2>&1 | head -1 | awk '{print $1, $2}') -t2 -c$CONNS -d$DURATION -s bench/mix.lua (the classic mix); alone: -t1 -c1 -d$BASE_DURATION"
  echo "stores: SQLite $SQLITE_DB; PostgreSQL $(psql "$PG_URL" -tAc 'show server_version' 2>/dev/null || echo '?'); Redis $(redis_cli info server | sed -n 's/^redis_version:\(.*\)\r$/\1/p') db $redis_db; $(varnishd -V 2>&1 | head -1)"
} | tee "$res/settings.txt" >&2

# counters: the service's and Varnish's counters that a run's difference
# is taken of, as one JSON object.
counters() {
  {
    curl -fs "http://127.0.0.1:$ADMIN/metrics" 2>/dev/null |
      grep -E '^catalog_(cache_(hits|misses)_total|store_pool_reads_total|remote_cache_requests_total)' || true
    [ -d "$work/varnish" ] && varnishstat -n "$work/varnish" -1 -f MAIN.cache_hit -f MAIN.cache_miss -f MAIN.cache_hitpass \
      -f MAIN.cache_hitmiss -f MAIN.backend_req | awk '{print $1, $2}'
    true
  } | jq -Rn '[inputs | capture("^(?<k>\\S+) (?<v>\\S+)$") | {(.k): (.v | tonumber)}] | add // {}'
}
# run NAME URL GROUPS WRK_OPTIONS… -- SCRIPT_ARGS…: one wrk run, recorded
# with the CPU of GROUPS (space-separated NAME=PIDS, the pids
# comma-separated) and the difference of the counters over it.
run() {
  local name=$1 url=$2 groups=$3 c0 c1 k0 k1 result opts=()
  shift 3
  while [ $# -gt 0 ] && [ "$1" != -- ]; do opts+=("$1"); shift; done
  # shellcheck disable=SC2086 # groups are words
  c0=$(cpu $groups) k0=$(counters)
  wrk "${opts[@]}" "$url" "$@" > "$res/$name.txt" 2>&1 || die "wrk failed: $(cat "$res/$name.txt")"
  # shellcheck disable=SC2086
  c1=$(cpu $groups) k1=$(counters)
  result=$(sed -n 's/^RESULT //p' "$res/$name.txt")
  [ -n "$result" ] || die "$name: no RESULT from wrk: $(cat "$res/$name.txt")"
  jq -cn --arg run "$name" --argjson wrk "$result" --argjson c0 "$c0" --argjson c1 "$c1" --argjson k0 "$k0" --argjson k1 "$k1" \
    '{run: $run, wrk: $wrk, cpu_seconds: ($c1 | with_entries(.value -= $c0[.key])),
      counters: ($k1 | with_entries(.value -= ($k0[.key] // 0)))}' >> "$runs"
  echo "== $name: $(jq -r '"\(.ok_rps | floor) 2xx/s, non-2xx \(.status), p99 \(.p99_ms) ms"' <<<"$result")" >&2
}
load() { run "$1" "$2" "$3" -t2 -c"$CONNS" -d"$DURATION" -s bench/mix.lua "${@:4}"; }
alone() { run "$1" "$2" "$3" -t1 -c1 -d"$BASE_DURATION" -s bench/mix.lua "${@:4}"; }
# warm URL [HEADER]: asks for every response of the hot set once.
warm() {
  wrk -t2 -c"$CONNS" -d"$WARM_LIMIT" -s bench/warm.lua ${2:+-H "$2"} "$1" -- "$last10" "$PRODUCTS" 2 > /dev/null
}
serve() { start_serve "$work/catalog" "$1" "$2" "$res/serve.log" "${@:3}"; }
api=http://127.0.0.1:$PORT
gz='Accept-Encoding: gzip'

# The fixed-body server, for reference.
"$work/ceiling" --addr "127.0.0.1:$CEILING" 2>>"$res/ceiling.log" &
ceiling_pid=$!
sleep 0.5
load ceiling "http://127.0.0.1:$CEILING" "ceiling=$ceiling_pid" -- 1 "$PRODUCTS"
kill "$ceiling_pid"; ceiling_pid=''

# Misses: no cache, ids over the whole catalog.
serve "$SQLITE_DB" 0
load sqlite-miss "$api" "serve=$serve_pid" -- 1 "$PRODUCTS"
alone sqlite-miss-alone "$api" "serve=$serve_pid" -- 1 "$PRODUCTS"
stop_serve
serve "$PG_URL" 0
load pg-miss "$api" "serve=$serve_pid store=@postgres" -- 1 "$PRODUCTS"
alone pg-miss-alone "$api" "serve=$serve_pid store=@postgres" -- 1 "$PRODUCTS"
stop_serve

# Hits: the hot set (the last tenth of the ids) in a cache that holds it
# in every encoding; then a 304 of one path, and the bytes of each route.
serve "$SQLITE_DB" 1536
warm "$api"
load hit "$api" "serve=$serve_pid" -- "$last10" "$PRODUCTS"
alone hit-alone "$api" "serve=$serve_pid" -- "$last10" "$PRODUCTS"
warm "$api" "$gz"
load hit-gzip "$api" "serve=$serve_pid" -H "$gz" -- "$last10" "$PRODUCTS"
warm "$api" 'Accept-Encoding: br'
load hit-br "$api" "serve=$serve_pid" -H 'Accept-Encoding: br' -- "$last10" "$PRODUCTS"
path=/products/$PRODUCTS/styles
tag=$(curl -fsI "$api$path" | sed -n 's/^[Ee][Tt]ag: \(.*\)\r$/\1/p')
load not-modified "$api" "serve=$serve_pid" -H "If-None-Match: $tag" -- "$path"
alone not-modified-alone "$api" "serve=$serve_pid" -H "If-None-Match: $tag" -- "$path"
for enc in identity gzip br; do
  for route in product styles related list; do
    total=0 n=0
    for id in $(seq "$last10" $(((PRODUCTS - last10) / 50)) "$PRODUCTS"); do
      case $route in
      product) p=/products/$id ;;
      styles) p=/products/$id/styles ;;
      related) p=/products/$id/related ;;
      list) p="/products?page=$(((id - 1) / 5 + 1))&count=5" ;;
      esac
      total=$((total + $(curl -fs -H "Accept-Encoding: $enc" "$api$p" | wc -c))) n=$((n + 1))
    done
    jq -cn --arg route "$route" --arg enc "$enc" --argjson total $total --argjson n $n \
      '{run: "bytes", route: $route, encoding: $enc, bodies: $n, mean: ($total / $n)}' >> "$runs"
  done
done
stop_serve

# Redis: an in-process cache too small to hold anything and an empty
# Redis, ids over the whole catalog: each answer is asked of Redis, read
# from the store, and stored in Redis.
redis_cli flushdb > /dev/null
serve "$SQLITE_DB" 1 --redis "$REDIS_URL"
load redis-miss "$api" "serve=$serve_pid redis=$(redis_cli info server | sed -n 's/^process_id:\(.*\)\r$/\1/p')" -- 1 "$PRODUCTS"
stop_serve
redis_cli flushdb > /dev/null

# Varnish in front of one instance, as clients ask (gzip): the hot set
# warm in the tier (mostly hits), then ids over the whole catalog (mostly
# misses); the two runs' shares of backend fetches separate the CPU of a
# request from that of a fetch. Warming through Varnish takes longer than
# the default max-age, so the instance gives ten minutes: the hot run's
# hits are fresh, not stale hits that each fetch again.
serve "$SQLITE_DB" 1536 --max-age 10m
local_vcl "$PORT" 1 > "$work/catalog.vcl"
varnishd -a "127.0.0.1:$TIER" -f "$work/catalog.vcl" -n "$work/varnish" -P "$work/varnish/varnishd.pid" -s malloc,3G >&2
for _ in $(seq 100); do curl -fso /dev/null "http://127.0.0.1:$TIER/readyz" && break; sleep 0.1; done
tier=http://127.0.0.1:$TIER
varnish_pids() { { pgrep -x cache-main; pgrep -x varnishd; } | paste -sd,; }
warm "$tier" "$gz"
load tier-hot "$tier" "tier=$(varnish_pids) serve=$serve_pid" -H "$gz" -- "$last10" "$PRODUCTS"
alone tier-alone "$tier" "tier=$(varnish_pids) serve=$serve_pid" -H "$gz" -- "$last10" "$PRODUCTS"
load tier-cold "$tier" "tier=$(varnish_pids) serve=$serve_pid" -H "$gz" -- 1 "$PRODUCTS"
stop_serve

echo "== $runs: $(wc -l < "$runs") records" >&2
