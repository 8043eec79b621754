#!/usr/bin/env bash
# Compares catalog binaries side by side in one run, each on stores of its
# own (a binary serves only its own format of the read model): the CPU per
# answer, by bench/capacity.sh's method, of cold misses (no cache, ids
# uniform over the catalog) on SQLite and on PostgreSQL, and of cache hits
# (the hot set, the last tenth of the ids, warmed), each as identity and
# as gzip clients ask; and bench/ceiling's, at the start and the end. For
# each configuration the binaries run one after the other, so that they
# meet the machine alike.
#
#   BINARIES="before=/tmp/catalog-old after=/tmp/catalog-new" \
#   SQLITE_DBS="before=data/full-v1.db after=data/full.db" \
#   PG_URLS="before=postgres://postgres@127.0.0.1:5432/full_v1?sslmode=disable after=postgres://…" \
#   bash bench/compare.sh
#
# The CPU of a run is the difference of the processes' utime + stime over
# it (serve's; on PostgreSQL also every postgres process's), divided by its
# 2xx; the load is wrk -t2 -cCONNS -dDURATION -s bench/mix.lua (the classic
# mix), which counts answers by status. Every run is on loopback and
# bounded by DURATION (warm-ups by WARM_LIMIT).
#
# Environment (defaults in brackets):
#   BINARIES, SQLITE_DBS, PG_URLS   NAME=VALUE pairs, space-separated, the
#               same names in each (required)
#   PRODUCTS    the catalog's size [1000011]
#   DURATION    each measured run [15s]; WARM_LIMIT each warm-up's bound [120s]
#   CONNS       wrk's connections [64]
#   HIT_CACHE_MB  the cache of the hit runs [1536]
#   RESULTS     where the results go [bench-results/compare-<UTC time>]
set -euo pipefail
caller=$PWD
cd "$(dirname "$0")/.."
PRODUCTS=${PRODUCTS:-1000011}
DURATION=${DURATION:-15s}
WARM_LIMIT=${WARM_LIMIT:-120s}
CONNS=${CONNS:-64}
HIT_CACHE_MB=${HIT_CACHE_MB:-1536}
PORT=3730 ADMIN=3731 CEILING=3732
res=${RESULTS:-bench-results/compare-$(date -u +%Y%m%dT%H%M%SZ)}
work=$(mktemp -d)
serve_pid='' ceiling_pid=''
cleanup() {
  for p in $serve_pid $ceiling_pid; do kill "$p" 2>/dev/null || true; done
  wait 2>/dev/null || true
  rm -rf "$work"
}
trap cleanup EXIT
# shellcheck source=bench/lib.sh
. bench/lib.sh
for v in $(compgen -e | grep '^CATALOG_' || true); do unset "$v"; done
command -v wrk >/dev/null && command -v jq >/dev/null || { apt-get update -qq && apt-get install -y -qq wrk jq >/dev/null; }

# pairs VAR: the NAME=VALUE pairs of VAR as "NAME VALUE" lines.
pairs() { for p in ${!1:-}; do [[ $p == *=* ]] || die "$1: want NAME=VALUE pairs: $p"; echo "${p%%=*} ${p#*=}"; done; }
declare -A bin sqlite pg
while read -r n v; do [[ $v == /* ]] || v=$caller/$v; [ -x "$v" ] || die "BINARIES: $n: $v is not an executable"; bin[$n]=$v; done < <(pairs BINARIES)
while read -r n v; do [[ $v == /* ]] || v=$caller/$v; sqlite[$n]=$v; done < <(pairs SQLITE_DBS)
while read -r n v; do pg[$n]=$v; done < <(pairs PG_URLS)
names=$(pairs BINARIES | cut -d' ' -f1)
[ -n "$names" ] || die "set BINARIES (see the comment at the top)"
for n in $names; do [ -n "${sqlite[$n]:-}" ] && [ -n "${pg[$n]:-}" ] || die "$n: give its SQLITE_DBS and PG_URLS too"; done

go build -o "$work/ceiling" ./bench/ceiling
mkdir -p "$res"
runs=$res/runs.jsonl
: > "$runs"
last10=$((PRODUCTS - PRODUCTS / 10 + 1))
{
  echo "date: $(date -u +%Y-%m-%dT%H:%M:%SZ); machine: $(lscpu | sed -n 's/^Model name: *//p'), $(nproc) cores; load average $(cut -d' ' -f1-3 /proc/loadavg)"
  echo "tree: $(git rev-parse --short HEAD); $(go version)"
  echo "load: $(wrk -v 2>&1 | head -1 | awk '{print $1, $2}') -t2 -c$CONNS -d$DURATION -s bench/mix.lua (the classic mix)"
  for n in $names; do echo "binary $n: ${bin[$n]}; SQLite ${sqlite[$n]}; PostgreSQL ${pg[$n]%%\?*}"; done
} | tee "$res/settings.txt" >&2

# run NAME BINARY STORE CACHE GROUPS WRK_ARGS…: one wrk run against PORT,
# recorded with the CPU of GROUPS.
run() {
  local name=$1 binary=$2 store=$3 cache=$4 groups=$5 c0 c1 result
  shift 5
  c0=$(cpu $groups)
  wrk -t2 -c"$CONNS" -d"$DURATION" -s bench/mix.lua "$@" > "$res/$name.txt" 2>&1 || die "wrk failed: $(cat "$res/$name.txt")"
  c1=$(cpu $groups)
  result=$(sed -n 's/^RESULT //p' "$res/$name.txt")
  [ -n "$result" ] || die "$name: no RESULT from wrk"
  jq -cn --arg run "$name" --arg binary "$binary" --arg store "$store" --arg cache "$cache" --argjson wrk "$result" \
    --argjson c0 "$c0" --argjson c1 "$c1" \
    '{run: $run, binary: $binary, store: $store, cache: $cache, wrk: $wrk, cpu_seconds: ($c1 | with_entries(.value -= $c0[.key]))}' >> "$runs"
  echo "== $name: $(jq -r '"\(.ok_rps | floor) 2xx/s, non-2xx \(.status)"' <<<"$result")" >&2
}
ceiling() {
  "$work/ceiling" --addr "127.0.0.1:$CEILING" 2>>"$res/ceiling.log" &
  ceiling_pid=$!
  sleep 0.5
  wrk -t2 -c"$CONNS" -d"$DURATION" -s bench/mix.lua "http://127.0.0.1:$CEILING" -- 1 "$PRODUCTS" > "$res/ceiling-$1.txt" 2>&1
  local result
  result=$(sed -n 's/^RESULT //p' "$res/ceiling-$1.txt")
  jq -cn --arg run "ceiling-$1" --argjson wrk "$result" '{run: $run, binary: "ceiling", wrk: $wrk}' >> "$runs"
  kill "$ceiling_pid"; wait "$ceiling_pid" 2>/dev/null || true; ceiling_pid=''
  echo "== ceiling ($1): $(jq -r '.ok_rps | floor' <<<"$result") 2xx/s" >&2
}
api=http://127.0.0.1:$PORT
gz='Accept-Encoding: gzip'

ceiling start
# Each miss run has a serve of its own: PostgreSQL's CPU is read from the
# backends that live at each end of the run, so none may end within it (as
# a pool's idle ones do between runs).
for store in sqlite postgres; do
  for enc in identity gzip; do
    for n in $names; do
      if [ $store = sqlite ]; then db=${sqlite[$n]} groups="serve=SERVE"; else db=${pg[$n]} groups="serve=SERVE store=@postgres"; fi
      start_serve "${bin[$n]}" "$db" 0 "$res/serve-$n.log"
      g=${groups/SERVE/$serve_pid}
      if [ $enc = gzip ]; then
        run "$n-$store-miss-gzip" "$n" $store miss-gzip "$g" -H "$gz" "$api" -- 1 "$PRODUCTS"
      else
        run "$n-$store-miss" "$n" $store miss "$g" "$api" -- 1 "$PRODUCTS"
      fi
      stop_serve
    done
  done
done
for n in $names; do
  start_serve "${bin[$n]}" "${sqlite[$n]}" "$HIT_CACHE_MB" "$res/serve-$n.log"
  wrk -t2 -c"$CONNS" -d"$WARM_LIMIT" -s bench/warm.lua "$api" -- "$last10" "$PRODUCTS" 2 > /dev/null
  run "$n-hit" "$n" sqlite hit "serve=$serve_pid" "$api" -- "$last10" "$PRODUCTS"
  wrk -t2 -c"$CONNS" -d"$WARM_LIMIT" -s bench/warm.lua -H "$gz" "$api" -- "$last10" "$PRODUCTS" 2 > /dev/null
  run "$n-hit-gzip" "$n" sqlite hit-gzip "serve=$serve_pid" -H "$gz" "$api" -- "$last10" "$PRODUCTS"
  stop_serve
done
ceiling end

# The table: CPU per 2xx of each binary's runs, and its throughput.
{
  echo "# Side by side: $(echo $names | tr ' ' ',')"
  echo
  sed 's/^/    /' "$res/settings.txt"
  echo
  echo "| run | binary | 2xx/s | non-2xx | serve µs/2xx | PostgreSQL µs/2xx | total µs/2xx |"
  echo "|---|---|---:|---|---:|---:|---:|"
  jq -r 'select(.binary != "ceiling") | (.wrk.ok) as $ok |
    [.store + " " + .cache, .binary, (.wrk.ok_rps | floor), (.wrk.status | tostring),
     (.cpu_seconds.serve * 1e6 / $ok * 10 | round / 10),
     ((.cpu_seconds.store // 0) * 1e6 / $ok * 10 | round / 10),
     (((.cpu_seconds.serve + (.cpu_seconds.store // 0)) * 1e6 / $ok) * 10 | round / 10)] | "| " + join(" | ") + " |"' "$runs"
  echo
  jq -r 'select(.binary == "ceiling") | "bench/ceiling (\(.run)): \(.wrk.ok_rps | floor) 2xx/s"' "$runs"
} > "$res/compare.md"
cat "$res/compare.md"
