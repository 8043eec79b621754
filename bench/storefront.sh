#!/usr/bin/env bash
# The storefront trial (bench/storefront) against each store: page views
# started at each of RATES a second for DURATION, each as the hosted API's
# clients made it (25 reads and 7 writes, under /api/fec2/hr-rfp/ with a
# token), on products uniform over the catalog; every call's statuses and
# p50/p99, then the CPU per page view (the service's, and on PostgreSQL
# the server's: bench/capacity's method). The service runs with its
# defaults (cache on); the store's files are read into the operating
# system's page cache first (warm_os), as on a server that has served a
# while. The trial client runs on the same machine. Every run is bounded
# by DURATION plus its last views' time (each call times out after 10 s).
#
#   SQLITE_DB=data/full.db PG_URL=postgres://… bash bench/storefront.sh
#
# THE TRIAL WRITES TO THE STORES: reviews, questions, answers, votes,
# reports, carts and clicks, as shoppers would.
#
# Environment (defaults in brackets):
#   SQLITE_DB  a SQLite store of the full catalog [data/full.db]
#   PG_URL     a PostgreSQL store of the same [postgres://postgres@127.0.0.1:5432/catalog_full?sslmode=disable]
#   STORES     which stores [sqlite postgres]
#   PRODUCTS   the catalog's size [1000011]
#   RATES      page views started a second, a run each [200]
#   DURATION   how long views are started in each run [20s]
set -euo pipefail
cd "$(dirname "$0")/.."
SQLITE_DB=${SQLITE_DB:-data/full.db}
PG_URL=${PG_URL:-postgres://postgres@127.0.0.1:5432/catalog_full?sslmode=disable}
STORES=${STORES:-sqlite postgres}
PRODUCTS=${PRODUCTS:-1000011}
RATES=${RATES:-200}
DURATION=${DURATION:-20s}
PORT=3750 ADMIN=3751
# shellcheck source=bench/lib.sh
. bench/lib.sh
scratch
command -v jq >/dev/null || { apt-get update -qq && apt-get install -y -qq jq >/dev/null; }
go build -o "$work/catalog" ./cmd/catalog
go build -o "$work/storefront" ./bench/storefront
echo "date: $(date -u +%Y-%m-%dT%H:%M:%SZ); $(nproc) cores; load average $(cut -d' ' -f1-3 /proc/loadavg); tree $(git rev-parse --short HEAD)"
echo "trial: bench/storefront --rate RATE --duration $DURATION --products $PRODUCTS; RATES: $RATES; serve: defaults (--cache-mb 512)"

for store in $STORES; do
  db=$(store_db "$store")
  warm_os "$store"
  for rate in $RATES; do
    start_serve "$work/catalog" "$db" 512 "$work/serve.log" # 512: serve's default cache

    groups="serve=$serve_pid"; [ "$store" = postgres ] && groups="$groups store=@postgres"
    # shellcheck disable=SC2086 # groups are words
    c0=$(cpu $groups)
    echo
    echo "## $store, $rate page views a second"
    "$work/storefront" --url "http://127.0.0.1:$PORT" --rate "$rate" --duration "$DURATION" --products "$PRODUCTS" | tee "$work/trial.txt" | tail -n +2
    # shellcheck disable=SC2086
    c1=$(cpu $groups)
    stop_serve
    views=$(sed -n 's/^\([0-9]*\) page views$/\1/p' "$work/trial.txt")
    jq -rn --argjson c0 "$c0" --argjson c1 "$c1" --argjson views "$views" \
      '"CPU per page view: " + ([$c1 | keys[] as $k | "\($k) \(($c1[$k] - $c0[$k]) / $views * 1000 | . * 10 | round / 10) ms"] | join(", "))'
  done
done
