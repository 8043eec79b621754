#!/usr/bin/env bash
# Measures the classic mix through nginx in front of 1, 2 and 4 instances of
# one full-size store, and 2 instances sharing a Redis tier: each setup's
# caches are first filled through nginx with the hot set (bench/warm.lua),
# then wrk -t2 -c64 runs the classic mix (ids among the last 10%), and the
# instances' own counters give the cache hit ratio of that run.
#
#   CATALOG_DB=data/full.db bash deploy/nginx/scale.sh
#
# Environment (defaults in brackets): CATALOG_DB (a loaded full-size store)
# [data/full.db], PRODUCTS [1000011], COUNTS [1 2 4], DURATION [20s],
# WARMUP (the most the warm-up may take) [90s], REDIS
# [redis://127.0.0.1:6379/0], PORT of nginx [8080].
set -euo pipefail
cd "$(dirname "$0")/../.."
db=${CATALOG_DB:-data/full.db}
PRODUCTS=${PRODUCTS:-1000011}
COUNTS=${COUNTS:-1 2 4}
DURATION=${DURATION:-20s}
WARMUP=${WARMUP:-90s}
REDIS=${REDIS:-redis://127.0.0.1:6379/0}
PORT=${PORT:-8080}
work=$(mktemp -d)
# shellcheck source=deploy/nginx/lib.sh
source deploy/nginx/lib.sh
first=$((PRODUCTS - PRODUCTS / 10 + 1))
declare -a rows

# run N REDIS_ARGS: one setup, one row.
run() {
  local n=$1 label=$2
  SERVE_ARGS="--demo-products 0 $3"
  for i in $(seq "$n"); do start "$i"; done
  curl -fso /dev/null "http://127.0.0.1:3001/products/$PRODUCTS" ||
    { echo "$db does not serve product $PRODUCTS" >&2; exit 1; }
  start_nginx "$n"
  echo "== $n instance(s)$label: warming through nginx, then wrk -t2 -c64 -d$DURATION" >&2
  wrk -t2 -c64 -d"$WARMUP" -s bench/warm.lua "http://127.0.0.1:$PORT" -- "$first" "$PRODUCTS" 2 > /dev/null
  sleep 5
  local hits=0 misses=0 remote=0
  for i in $(seq "$n"); do
    hits=$((hits - $(metric "$i" catalog_cache_hits_total)))
    misses=$((misses - $(metric "$i" catalog_cache_misses_total)))
    remote=$((remote - $(metric "$i" 'catalog_remote_cache_requests_total{outcome="hit"}')))
  done
  wrk -t2 -c64 -d"$DURATION" -s bench/mix.lua "http://127.0.0.1:$PORT" -- "$first" "$PRODUCTS" |
    sed -n 's/^RESULT //p' > "$work/result.json"
  for i in $(seq "$n"); do
    hits=$((hits + $(metric "$i" catalog_cache_hits_total)))
    misses=$((misses + $(metric "$i" catalog_cache_misses_total)))
    remote=$((remote + $(metric "$i" 'catalog_remote_cache_requests_total{outcome="hit"}')))
  done
  rows+=("$(awk -v n="$n" -v l="$label" -v h="$hits" -v m="$misses" -v r="$remote" '
    { match($0, /"rps":[0-9.]+/); rps = substr($0, RSTART + 6, RLENGTH - 6)
      match($0, /"p50_ms":[0-9.]+/); p50 = substr($0, RSTART + 9, RLENGTH - 9)
      match($0, /"p99_ms":[0-9.]+/); p99 = substr($0, RSTART + 9, RLENGTH - 9)
      match($0, /"non2xx":[0-9]+/); bad = substr($0, RSTART + 9, RLENGTH - 9)
      printf "| %d%s | %.0f | %s | %s | %s | %.1f%% | %d |", n, l, rps, p50, p99, bad, 100 * h / (h + m > 0 ? h + m : 1), r }' "$work/result.json")")
  stop_nginx
  for i in $(seq "$n"); do stop "$i" TERM; done
}

for n in $COUNTS; do run "$n" "" ""; done
prefix="scale-$(date +%s)-$$:"
run 2 " + Redis" "--redis $REDIS --redis-prefix $prefix"
# The run's keys would live a day in Redis; they go now.
if command -v redis-cli >/dev/null; then
  redis-cli -u "$REDIS" --scan --pattern "$prefix*" | xargs -r -n 1000 redis-cli -u "$REDIS" del > /dev/null
else
  echo "redis-cli is missing: the keys under $prefix stay in $REDIS until their TTL (24 h)" >&2
fi

printf '\n| instances | requests/s | p50 ms | p99 ms | non-2xx | local cache hit ratio | answered by Redis |\n|---|---:|---:|---:|---:|---:|---:|\n'
printf '%s\n' "${rows[@]}"
echo
echo "nginx $(nginx -v 2>&1 | sed 's/.*nginx\///') (worker_processes auto) and the instances on $(nproc) cores, with wrk on the same cores; $PRODUCTS products in $db"
