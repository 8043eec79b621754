#!/usr/bin/env bash
# Measures POST /interactions on each store: the 201s a second under
# CONNS connections (wrk -t2 -cCONNS -dDURATION -s bench/mix.lua -- click,
# on loopback, bounded by DURATION), the non-2xx by status, the CPU per
# 201 (the service's, and on PostgreSQL the server's: bench/capacity's
# method), and, once the batches are written, the events the store holds
# and its bytes per event (the interactions table and its indexes).
#
#   SQLITE_DB=data/full.db PG_URL=postgres://… bash bench/clicks.sh
#
# THE RUN ADDS ITS CLICKS TO THE STORES' interactions TABLE.
#
# Environment (defaults in brackets):
#   SQLITE_DB  a SQLite store [data/full.db]
#   PG_URL     a PostgreSQL store [postgres://postgres@127.0.0.1:5432/catalog_full?sslmode=disable]
#   STORES     which stores [sqlite postgres]
#   PRODUCTS   the catalog's size (for the start check) [1000011]
#   CONNS      wrk's connections [64]
#   DURATION   each run [10s]
set -euo pipefail
cd "$(dirname "$0")/.."
SQLITE_DB=${SQLITE_DB:-data/full.db}
PG_URL=${PG_URL:-postgres://postgres@127.0.0.1:5432/catalog_full?sslmode=disable}
STORES=${STORES:-sqlite postgres}
PRODUCTS=${PRODUCTS:-1000011}
CONNS=${CONNS:-64}
DURATION=${DURATION:-10s}
PORT=3730 ADMIN=3731
# shellcheck source=bench/lib.sh
. bench/lib.sh
scratch
command -v wrk >/dev/null && command -v jq >/dev/null && command -v sqlite3 >/dev/null ||
  { apt-get update -qq && apt-get install -y -qq wrk jq sqlite3 >/dev/null; }
go build -o "$work/catalog" ./cmd/catalog
echo "date: $(date -u +%Y-%m-%dT%H:%M:%SZ); $(nproc) cores; load average $(cut -d' ' -f1-3 /proc/loadavg); tree $(git rev-parse --short HEAD)" >&2
echo "load: wrk -t2 -c$CONNS -d$DURATION -s bench/mix.lua -- click 1 1000" >&2

# held STORE: the events the store holds, and the bytes of the table and
# its indexes.
held() {
  if [ "$1" = postgres ]; then
    psql "$PG_URL" -Atc "SELECT count(*), pg_total_relation_size('interactions') FROM interactions" | tr '|' ' '
  else
    sqlite3 -separator " " "$SQLITE_DB" "SELECT (SELECT count(*) FROM interactions),
      (SELECT sum(pgsize) FROM dbstat WHERE name IN ('interactions', 'interactions_at'))"
  fi
}

echo "| store | 201/s | non-2xx | CPU per 201 (us) | events held (before → after) | bytes per event |"
echo "|---|---:|---|---:|---|---:|"
for store in $STORES; do
  db=$(store_db "$store")
  start_serve "$work/catalog" "$db" 0 "$work/serve.log"
  read -r n0 _ <<<"$(held "$store")"
  groups="serve=$serve_pid"; [ "$store" = postgres ] && groups="$groups store=@postgres"
  # shellcheck disable=SC2086 # groups are words
  c0=$(cpu $groups)
  wrk -t2 -c"$CONNS" -d"$DURATION" -s bench/mix.lua "http://127.0.0.1:$PORT" -- click 1 1000 > "$work/wrk.txt" 2>&1
  # shellcheck disable=SC2086
  c1=$(cpu $groups)
  stop_serve # a graceful stop writes what is queued
  read -r n1 bytes <<<"$(held "$store")"
  result=$(sed -n 's/^RESULT //p' "$work/wrk.txt")
  jq -rn --arg store "$store" --argjson w "$result" --argjson c0 "$c0" --argjson c1 "$c1" \
    --argjson n0 "$n0" --argjson n1 "$n1" --argjson bytes "$bytes" \
    '"| \($store) | \($w.ok_rps | floor) | \($w.status) | \(([$c1[]] | add) - ([$c0[]] | add) | . / $w.ok * 1e6 | floor) | \($n0) → \($n1) (\($n1 - $n0) added; \($w.ok) answered 201) | \($bytes / $n1 | floor) |"'
done
