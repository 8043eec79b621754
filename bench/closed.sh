#!/usr/bin/env bash
# The closed-loop matrix: wrk with the classic mix (bench/mix.lua) against
# catalog serve, for each store, connection count, cache on and off, and id
# range, and for each binary to compare, the binaries back to back on each
# configuration so that they are compared side by side in one run. Each run
# gets a serve of its own, started fresh. bench/ceiling is measured at the
# start and at the end with the same wrk settings at -c64, for reference.
#
#   bash bench/closed.sh
#   BINARIES="before=/tmp/catalog-old after=/tmp/catalog-new" bash bench/closed.sh
#
# Environment (defaults in brackets):
#   BINARIES    NAME=PATH pairs, space-separated: the catalog binaries to
#               compare [this=a binary built from the tree]
#   STORES      which stores to measure [sqlite postgres]
#   SQLITE_DB   the SQLite store [data/full.db]
#   PG_URL      the PostgreSQL store [postgres://postgres@127.0.0.1:5432/catalog_bench_serve?sslmode=disable]
#   PRODUCTS    the catalog's size: the stores must serve products 1 to
#               PRODUCTS [1000011]
#   CONNS       wrk's connection counts [64 256]
#   CACHES      on (--cache-mb 512) and/or off (--cache-mb 0) [on off]
#   IDS         uniform (ids 1 to PRODUCTS) and/or last10 (the last 10% of
#               them) [uniform last10]
#   DURATION    the length of each wrk run [20s]
#   WARM        with the cache on, the most a warm-up may take that asks
#               once for each response the mix asks for in the run's ids
#               (bench/warm.lua), not measured [0s: none]
#   MIX         classic (bench/mix.lua's four routes) or page (a storefront's
#               product page: the product, its styles, related, its review
#               meta twice and a page of its reviews) or qapage (the same
#               and its first page of questions and one answers call)
#               [classic]
#   SERVE_ARGS  more flags for every serve []
#   RESULTS     where the raw results go [bench-results/closed-<UTC time>]
#
# The stores must be loaded already (bench/run.sh loads them). Each serve
# gets --db, --addr, --admin-addr, --cache-mb, --demo-products 0,
# --log-level warn and SERVE_ARGS; CATALOG_* variables are cleared, so
# everything else is the binary's default. The table (closed.md in RESULTS)
# counts only 2xx as throughput and shows the non-2xx by status.
# Every load runs on loopback and is bounded by DURATION.
set -euo pipefail
caller=$PWD # BINARIES' relative paths are from here
cd "$(dirname "$0")/.."
SQLITE_DB=${SQLITE_DB:-data/full.db}
PG_URL=${PG_URL:-postgres://postgres@127.0.0.1:5432/catalog_bench_serve?sslmode=disable}
PRODUCTS=${PRODUCTS:-1000011}
CONNS=${CONNS:-64 256}
CACHES=${CACHES:-on off}
IDS=${IDS:-uniform last10}
DURATION=${DURATION:-20s}
MIX=${MIX:-classic}
WARM=${WARM:-0s}
STORES=${STORES:-sqlite postgres}
SERVE_ARGS=${SERVE_ARGS:-}
BINARIES=${BINARIES:-}
PORT=3720 ADMIN=3721 CEILING=3722
res=${RESULTS:-bench-results/closed-$(date -u +%Y%m%dT%H%M%SZ)}
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

# Serve's flags fall back on CATALOG_* variables: none may leak in.
for v in $(compgen -e | grep '^CATALOG_' || true); do unset "$v"; done

command -v wrk >/dev/null || { apt-get update -qq && apt-get install -y -qq wrk >/dev/null; }
echo "== building" >&2
go build -o "$work/ceiling" ./bench/ceiling
go build -o "$work/report" ./bench/report
tree=
if [ -z "$BINARIES" ]; then
  go build -o "$work/catalog" ./cmd/catalog
  BINARIES="this=$work/catalog"
  tree="built from the tree at $(git rev-parse --short HEAD 2>/dev/null || echo '?')"
  git diff --quiet HEAD -- 2>/dev/null || tree+=" with uncommitted changes"
fi
names=() paths=()
for pair in $BINARIES; do
  name=${pair%%=*} path=${pair#*=}
  [[ $pair == *=* && $name =~ ^[A-Za-z0-9._-]+$ ]] || die "BINARIES: want NAME=PATH pairs, NAME of letters, digits, '.', '_' or '-': $pair"
  [[ $path == /* ]] || path=$caller/$path
  [[ -f $path && -x $path ]] || die "BINARIES: $name: $path is not an executable"
  names+=("$name") paths+=("$(cd "$(dirname "$path")" && pwd)/$(basename "$path")")
done
for store in $STORES; do
  case $store in
  sqlite) [ -s "$SQLITE_DB" ] || die "$SQLITE_DB is missing or empty: load it first (bash bench/run.sh does), or set SQLITE_DB" ;;
  postgres) ;;
  *) die "unknown store $store" ;;
  esac
done
[[ $MIX == classic || $MIX == page || $MIX == qapage ]] || die "MIX: classic, page or qapage, not $MIX"
mixarg=(); [ "$MIX" = classic ] || mixarg=("$MIX")
for c in $CACHES; do [[ $c == on || $c == off ]] || die "CACHES: on or off, not $c"; done
for i in $IDS; do [[ $i == uniform || $i == last10 ]] || die "IDS: uniform or last10, not $i"; done
for c in $CONNS; do [[ $c =~ ^[0-9]+$ ]] || die "CONNS: numbers, not $c"; done
last10=$((PRODUCTS - PRODUCTS / 10 + 1))
mkdir -p "$res"

# The settings, first, on the terminal and in the results; a password in
# PG_URL is not shown.
# shellcheck disable=SC2001 # a pattern, not a string, is replaced
pg_shown=$(sed 's#://\([^:/@]*\):[^@]*@#://\1:***@#' <<<"$PG_URL")
{
  echo "date: $(date -u +%Y-%m-%dT%H:%M:%SZ); machine: $(lscpu | sed -n 's/^Model name: *//p'), $(nproc) cores, $(free -g | awk '/^Mem:/{print $2}') GiB; load average $(cut -d' ' -f1-3 /proc/loadavg)"
  echo "wrk $(wrk -v 2>&1 | head -1 | awk '{print $2}'): wrk -t2 -cCONNS -d$DURATION -s bench/mix.lua -- ${mixarg[*]} FIRST LAST; CONNS: $CONNS; mix: $MIX"
  for i in "${!names[@]}"; do echo "binary ${names[$i]}: ${tree:-${paths[$i]}} (sha256 $(sha256sum "${paths[$i]}" | cut -c1-12))"; done
  [ "$WARM" = 0s ] || echo "cache on: warmed first by bench/warm.lua (each response of the run's ids once, at most $WARM), not measured"
  echo "serve: --demo-products 0 --log-level warn --cache-mb 512 (cache on) or 0 (off)${SERVE_ARGS:+ $SERVE_ARGS}, otherwise defaults; a fresh serve for each run"
  for store in $STORES; do
    case $store in
    sqlite) echo "store sqlite: $SQLITE_DB" ;;
    postgres) echo "store postgres: $pg_shown" ;;
    esac
  done
  echo "ids: $IDS (uniform: 1 to $PRODUCTS; last10: $last10 to $PRODUCTS); cache: $CACHES"
} > "$res/settings.txt"
sed 's/^/== /' "$res/settings.txt" >&2

# wrk_run NAME URL CONNS FIRST LAST: one run of the classic mix; wrk's
# output goes to $res/NAME.wrk.txt and its RESULT line to $res/NAME.wrk.json
# (empty if wrk printed none).
wrk_run() {
  local name=$1 url=$2 conns=$3 first=$4 last=$5
  echo "== wrk $name: -t2 -c$conns -d$DURATION, ids $first to $last" >&2
  wrk -t2 -c"$conns" -d"$DURATION" -s bench/mix.lua "$url" -- "${mixarg[@]}" "$first" "$last" > "$res/$name.wrk.txt" 2>&1 || true
  sed -n 's/^RESULT //p' "$res/$name.wrk.txt" > "$res/$name.wrk.json"
  [ -s "$res/$name.wrk.json" ] || { echo "   no result from wrk:" >&2; tail -5 "$res/$name.wrk.txt" >&2; }
}


ceiling() {
  ! curl -so /dev/null "http://127.0.0.1:$CEILING/" || die "something already listens on 127.0.0.1:$CEILING"
  "$work/ceiling" --addr 127.0.0.1:$CEILING 2>/dev/null &
  ceiling_pid=$!
  for _ in $(seq 50); do curl -so /dev/null http://127.0.0.1:$CEILING/ && break; sleep 0.1; done
  wrk_run "ceiling-$1" http://127.0.0.1:$CEILING 64 1 "$PRODUCTS"
  kill "$ceiling_pid"; wait "$ceiling_pid" 2>/dev/null || true; ceiling_pid=''
}

# Before any load: every binary starts on every store, which serves the ids.
for store in $STORES; do
  for i in "${!names[@]}"; do
    echo "== checking ${names[$i]} on $store" >&2
    # shellcheck disable=SC2086 # SERVE_ARGS is a list of flags
    start_serve "${paths[$i]}" "$(store_db "$store")" 0 "$res/check-${names[$i]}-$store.serve.log" $SERVE_ARGS
    stop_serve
  done
done

for store in $STORES; do
  echo "== reading $store into the page cache" >&2
  warm_os "$store"
done
ceiling before
: > "$res/runs.tsv"
for store in $STORES; do
  for cache in $CACHES; do
    mb=0; [ "$cache" = on ] && mb=512
    for conns in $CONNS; do
      for ids in $IDS; do
        first=1; [ "$ids" = last10 ] && first=$last10
        for i in "${!names[@]}"; do
          name="${names[$i]}-$store-c$conns-cache$cache-$ids"
          # shellcheck disable=SC2086 # SERVE_ARGS is a list of flags
          start_serve "${paths[$i]}" "$(store_db "$store")" "$mb" "$res/$name.serve.log" $SERVE_ARGS
          if [ "$cache" = on ] && [ "$WARM" != 0s ]; then
            echo "== warming: wrk -t2 -c$conns -d$WARM -s bench/warm.lua" >&2
            wrk -t2 -c"$conns" -d"$WARM" -s bench/warm.lua "http://127.0.0.1:$PORT" -- "$first" "$PRODUCTS" 2 "${mixarg[@]}" > /dev/null 2>&1 || true
          fi
          wrk_run "$name" "http://127.0.0.1:$PORT" "$conns" "$first" "$PRODUCTS"
          stop_serve
          printf '%s\t%s\t%s\t%s\t%s\t%s\n' "${names[$i]}" "$store" "$conns" "$cache" "$ids" "$name" >> "$res/runs.tsv"
        done
      done
    done
  done
done
ceiling after

echo >&2
"$work/report" --closed --in "$res"
echo >&2
echo "written $res/closed.md; the raw results are beside it" >&2
