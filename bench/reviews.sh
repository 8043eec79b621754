#!/usr/bin/env bash
# Measures the reviews' figures of docs/reviews.md, on each store:
#   - the CPU per 2xx of a cold (uncached, --cache-mb 0) answer of each
#     route a product page calls, ids uniform: product, styles, related,
#     meta, reviews (bench/capacity's method: the processes' utime + stime
#     over the run, the service's and, on PostgreSQL, the server's, divided
#     by the 2xx answers);
#   - POST /reviews and PUT /reviews/{id}/helpful under CONNS connections,
#     then whether the sums every write kept are those a recomputation from
#     the rows gives, for the products written to.
# Every run is wrk -t2 -cCONNS -dDURATION -s bench/mix.lua on loopback,
# bounded by DURATION.
#
#   SQLITE_DB=data/full.db PG_URL=postgres://… bash bench/reviews.sh
#
# THE WRITES CHANGE THE STORES: reviews are posted to products 1 to
# WRITE_PRODUCTS, and reviews 1 to WRITE_REVIEWS are marked helpful.
#
# Environment (defaults in brackets):
#   SQLITE_DB       a SQLite store of the full catalog with reviews [data/full.db]
#   PG_URL          a PostgreSQL store of the same [postgres://postgres@127.0.0.1:5432/catalog_full?sslmode=disable]
#   STORES          which stores [sqlite postgres]
#   PRODUCTS        the catalog's size [1000011]
#   CONNS           wrk's connections [64]
#   DURATION        each run [10s]
#   WRITE_PRODUCTS  the products reviews are posted to [1000]
#   WRITE_REVIEWS   the reviews marked helpful [1000]
#   ROUTES          the routes measured cold [product styles related meta reviews]
#   WRITES          whether to measure the writes [yes]
#   RESULTS         where the results go [bench-results/reviews-<UTC time>]
#   BEFORE_BIN      a previous catalog binary, to measure side by side: each
#                   cold run is followed by the same on it ("-before"), on
#                   stores of its own schema, BEFORE_SQLITE_DB and
#                   BEFORE_PG_URL [none]
#
# "Cold" is the service's cache: the store's files are read once first, so
# that the operating system's page cache holds them (SQLite's file with
# cat; PostgreSQL's tables and indexes with pg_prewarm's read mode), as on a
# server that has been serving a while; else the first runs measure the
# disk.
set -euo pipefail
cd "$(dirname "$0")/.."
SQLITE_DB=${SQLITE_DB:-data/full.db}
PG_URL=${PG_URL:-postgres://postgres@127.0.0.1:5432/catalog_full?sslmode=disable}
STORES=${STORES:-sqlite postgres}
PRODUCTS=${PRODUCTS:-1000011}
CONNS=${CONNS:-64}
DURATION=${DURATION:-10s}
WRITE_PRODUCTS=${WRITE_PRODUCTS:-1000}
WRITE_REVIEWS=${WRITE_REVIEWS:-1000}
ROUTES=${ROUTES:-product styles related meta reviews}
WRITES=${WRITES:-yes}
BEFORE_BIN=${BEFORE_BIN:-} BEFORE_SQLITE_DB=${BEFORE_SQLITE_DB:-} BEFORE_PG_URL=${BEFORE_PG_URL:-}
PORT=3720 ADMIN=3721
res=${RESULTS:-bench-results/reviews-$(date -u +%Y%m%dT%H%M%SZ)}
# shellcheck source=bench/lib.sh
. bench/lib.sh
scratch
command -v wrk >/dev/null && command -v jq >/dev/null && command -v sqlite3 >/dev/null ||
  { apt-get update -qq && apt-get install -y -qq wrk jq sqlite3 >/dev/null; }
go build -o "$work/catalog" ./cmd/catalog
mkdir -p "$res"
runs=$res/runs.jsonl
: > "$runs"
{
  echo "date: $(date -u +%Y-%m-%dT%H:%M:%SZ); machine: $(lscpu | sed -n 's/^Model name: *//p'), $(nproc) cores; load average $(cut -d' ' -f1-3 /proc/loadavg)"
  echo "tree: $(git rev-parse --short HEAD)$(git diff --quiet HEAD -- || echo ' with uncommitted changes'); $(go version)"
  echo "load: $(wrk -v 2>&1 | head -1 | awk '{print $1, $2}') -t2 -c$CONNS -d$DURATION -s bench/mix.lua -- ROUTE FIRST LAST"
  echo "stores: $STORES; $PRODUCTS products; writes to products 1-$WRITE_PRODUCTS, helpful on reviews 1-$WRITE_REVIEWS"
  [ -z "$BEFORE_BIN" ] || echo "before: $BEFORE_BIN on $BEFORE_SQLITE_DB ${BEFORE_PG_URL%%\?*}"
} | tee "$res/settings.txt" >&2

# run NAME GROUPS ROUTE FIRST LAST: one wrk run, its result and CPU seconds
# by group appended to runs.jsonl.
run() {
  local name=$1 groups=$2 c0 c1 result
  c0=$(cpu $groups)
  wrk -t2 -c"$CONNS" -d"$DURATION" -s bench/mix.lua "http://127.0.0.1:$PORT" -- "$3" "$4" "$5" > "$res/$name.txt" 2>&1 || die "wrk failed: $(cat "$res/$name.txt")"
  c1=$(cpu $groups)
  result=$(sed -n 's/^RESULT //p' "$res/$name.txt")
  [ -n "$result" ] || die "$name: no RESULT from wrk: $(cat "$res/$name.txt")"
  jq -cn --arg run "$name" --argjson wrk "$result" --argjson c0 "$c0" --argjson c1 "$c1" \
    '{run: $run, wrk: $wrk, cpu_seconds: ($c1 | with_entries(.value -= $c0[.key]))}' >> "$runs"
  jq -r --arg run "$name" '"== \($run): \(.wrk.ok_rps | floor) 2xx/s, non-2xx \(.wrk.status), CPU per 2xx \((.cpu_seconds | add) / .wrk.ok * 1e6 | floor) us"' <<<"$(tail -1 "$runs")" >&2
}

# mismatches STORE: the products written to whose kept sums differ from
# the rows', and their characteristics likewise (on PostgreSQL, with those
# whose copy in the product's meta row differs from them too).
mismatches() {
  local ratings chars copies
  ratings="SELECT count(*) FROM (SELECT product_id, sum(CASE WHEN rating = 1 THEN 1 ELSE 0 END) AS a1,
      sum(CASE WHEN rating = 2 THEN 1 ELSE 0 END) AS a2, sum(CASE WHEN rating = 3 THEN 1 ELSE 0 END) AS a3,
      sum(CASE WHEN rating = 4 THEN 1 ELSE 0 END) AS a4, sum(CASE WHEN rating = 5 THEN 1 ELSE 0 END) AS a5,
      sum(CASE WHEN recommend THEN 0 ELSE 1 END) AS n0, sum(CASE WHEN recommend THEN 1 ELSE 0 END) AS n1
    FROM reviews WHERE NOT reported AND product_id <= $WRITE_PRODUCTS GROUP BY product_id) r
    LEFT JOIN review_stats s ON s.product_id = r.product_id
    WHERE s.product_id IS NULL OR r.a1 <> s.rated_1 OR r.a2 <> s.rated_2 OR r.a3 <> s.rated_3 OR r.a4 <> s.rated_4
      OR r.a5 <> s.rated_5 OR r.n0 <> s.not_recommended OR r.n1 <> s.recommended"
  chars="SELECT count(*) FROM characteristics c LEFT JOIN (SELECT v.characteristic_id, count(*) AS n, sum(v.value) AS s
      FROM characteristic_votes v JOIN reviews r ON r.id = v.review_id WHERE NOT r.reported AND r.product_id <= $WRITE_PRODUCTS
      GROUP BY v.characteristic_id) d ON d.characteristic_id = c.id
    WHERE c.product_id <= $WRITE_PRODUCTS AND (c.votes <> coalesce(d.n, 0) OR c.vote_sum <> coalesce(d.s, 0))"
  copies="SELECT count(*) FROM characteristics c LEFT JOIN review_stats s ON s.product_id = c.product_id
    WHERE c.product_id <= $WRITE_PRODUCTS
      AND (s.char_ids[array_position(s.char_ids, c.id)] IS NULL OR s.char_votes[array_position(s.char_ids, c.id)] <> c.votes
        OR s.char_sums[array_position(s.char_ids, c.id)] <> c.vote_sum)"
  if [ "$1" = postgres ]; then
    # (A binary from before the copy has none to check.)
    [ -n "$(psql "$PG_URL" -Atc "SELECT 1 FROM information_schema.columns
      WHERE table_name = 'review_stats' AND column_name = 'char_ids'")" ] || copies="SELECT 0"
    echo "$(psql "$PG_URL" -Atc "$ratings") $(($(psql "$PG_URL" -Atc "$chars") + $(psql "$PG_URL" -Atc "$copies")))"
  else
    echo "$(sqlite3 "$SQLITE_DB" "$ratings") $(sqlite3 "$SQLITE_DB" "$chars")"
  fi
}

# writes STORE BINARY DB SUFFIX: the write runs, on BINARY serving DB, then
# the check of the sums they kept.
writes() {
  local store=$1
  start_serve "$2" "$3" 512 "$res/serve$4.log"
  run "$store-post$4" "$(groups)" post 1 "$WRITE_PRODUCTS"
  run "$store-helpful$4" "$(groups)" helpful 1 "$WRITE_REVIEWS"
  stop_serve
  read -r bad_ratings bad_chars <<<"$(mismatches "$store")"
  jq -cn --arg run "$store-check$4" --argjson r "$bad_ratings" --argjson c "$bad_chars" \
    '{run: $run, products_off: $r, characteristics_off: $c}' >> "$runs"
  echo "== $store$4: sums that differ from the rows after the writes: $bad_ratings products, $bad_chars characteristics" >&2
}

for store in $STORES; do
  db=$(store_db "$store")
  echo "== reading $store into the page cache" >&2
  warm_os "$store"
  groups() { if [ "$store" = postgres ]; then echo "serve=$serve_pid store=@postgres"; else echo "serve=$serve_pid"; fi; }
  if [ -n "$BEFORE_BIN" ]; then
    before_db=$(SQLITE_DB=$BEFORE_SQLITE_DB PG_URL=$BEFORE_PG_URL store_db "$store")
    [ -n "$before_db" ] || die "BEFORE_BIN: set the store of $store it serves"
    SQLITE_DB=$BEFORE_SQLITE_DB PG_URL=$BEFORE_PG_URL warm_os "$store"
  fi
  for route in $ROUTES; do
    start_serve "$work/catalog" "$db" 0 "$res/serve.log"
    run "$store-cold-$route" "$(groups)" "$route" 1 "$PRODUCTS"
    stop_serve
    [ -n "$BEFORE_BIN" ] || continue
    start_serve "$BEFORE_BIN" "$before_db" 0 "$res/serve-before.log"
    run "$store-cold-$route-before" "$(groups)" "$route" 1 "$PRODUCTS"
    stop_serve
  done
  [ "$WRITES" = yes ] || continue
  writes "$store" "$work/catalog" "$db" ""
  [ -z "$BEFORE_BIN" ] || SQLITE_DB=$BEFORE_SQLITE_DB PG_URL=$BEFORE_PG_URL writes "$store" "$BEFORE_BIN" "$before_db" -before
done

# The table.
{
  echo "| run | 2xx/s | non-2xx | CPU per 2xx (us) | p99 (ms) |"
  echo "|---|---:|---|---:|---:|"
  jq -r 'select(.wrk) | "| \(.run) | \(.wrk.ok_rps | floor) | \(.wrk.status) | \((.cpu_seconds | add) / .wrk.ok * 1e6 | floor) | \(.wrk.p99_ms) |"' "$runs"
  echo
  jq -r 'select(.run | contains("-check")) | "\(.run): \(.products_off) products and \(.characteristics_off) characteristics whose kept sums differ from the rows"' "$runs"
} > "$res/reviews.md"
cat "$res/settings.txt" "$res/reviews.md"
