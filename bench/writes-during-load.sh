#!/usr/bin/env bash
# What a shopper's review write meets while a whole load of the dataset
# runs into the store being served: one PUT /reviews/REVIEW/helpful every
# 100 ms (at most 3,000) against a running serve, from the load's start to
# its end. Prints each write's status and time, and after the load whether
# the review's helpfulness is its dataset value plus every 204: what was
# answered was carried onto the new catalog.
#
#   SQLITE_DB=data/full.db DATASET=data/dataset bash bench/writes-during-load.sh
#
# THE STORE IS LOADED AGAIN from DATASET (a SQLite store; the check reads
# it with sqlite3), and REVIEW gets the writes.
#
# Environment (defaults in brackets):
#   SQLITE_DB   the SQLite store, loaded from DATASET already [data/full.db]
#   DATASET     the dataset directory [data/dataset]
#   REVIEW      the review marked helpful [12]
#   RESULTS     where the results go [bench-results/writes-during-load-<UTC time>]
set -euo pipefail
cd "$(dirname "$0")/.."
SQLITE_DB=${SQLITE_DB:-data/full.db}
DATASET=${DATASET:-data/dataset}
REVIEW=${REVIEW:-12}
PORT=3720 ADMIN=3721 PRODUCTS=1
res=${RESULTS:-bench-results/writes-during-load-$(date -u +%Y%m%dT%H%M%SZ)}
# shellcheck source=bench/lib.sh
. bench/lib.sh
scratch
command -v sqlite3 >/dev/null && command -v bc >/dev/null || { apt-get update -qq && apt-get install -y -qq sqlite3 bc >/dev/null; }
go build -o "$work/catalog" ./cmd/catalog
mkdir -p "$res"
before=$(sqlite3 "$SQLITE_DB" "SELECT helpfulness FROM reviews WHERE id = $REVIEW")
[ -n "$before" ] || die "review $REVIEW is not in $SQLITE_DB"
start_serve "$work/catalog" "$SQLITE_DB" 512 "$res/serve.log"
echo "== loading $DATASET into $SQLITE_DB while PUT /reviews/$REVIEW/helpful goes every 100 ms" >&2
( "$work/catalog" load --db "$SQLITE_DB" "$DATASET" > "$res/load.txt" 2>&1; touch "$work/loaded" ) &
load_pid=$!
t=$(date +%s.%N)
: > "$res/writes.tsv"
for _ in $(seq 3000); do
  [ -f "$work/loaded" ] && break
  t0=$(date +%s.%N)
  code=$(curl -s -o /dev/null -w '%{http_code}' --max-time 10 -X PUT "http://127.0.0.1:$PORT/reviews/$REVIEW/helpful")
  t1=$(date +%s.%N)
  printf '%s\t%s\t%s\n' "$(bc <<<"$t0 - $t")" "$code" "$(bc <<<"$t1 - $t0")" >> "$res/writes.tsv"
  sleep 0.1
done
wait "$load_pid"
stop_serve
ok=$(awk -F'\t' '$2 == 204' "$res/writes.tsv" | wc -l)
after=$(sqlite3 "$SQLITE_DB" "SELECT helpfulness FROM reviews WHERE id = $REVIEW")
{
  echo "load: $(tail -1 "$res/load.txt")"
  echo "writes: $(wc -l < "$res/writes.tsv"); by status: $(cut -f2 "$res/writes.tsv" | sort | uniq -c | awk '{printf "%s %s; ", $2, $1}')"
  sort -t$'\t' -k3 -g "$res/writes.tsv" | awk -F'\t' '{a[NR] = $3} $3 > 1 {slow++} END {printf "time: p50 %.3f s, p99 %.3f s, max %.3f s; over 1 s: %d\n", a[int(NR * 0.5)], a[int(NR * 0.99)], a[NR], slow}'
  echo "review $REVIEW: helpfulness $before before, $after after the load; $ok writes answered 204: $([ "$after" -eq $((before + ok)) ] && echo 'every one carried over' || echo "MISSING $((before + ok - after))")"
} | tee "$res/summary.txt"
