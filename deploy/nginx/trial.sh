#!/usr/bin/env bash
# Runs nginx (deploy/nginx/catalog.conf) in front of N `catalog serve`
# instances on loopback, and under a steady `catalog bench` load through
# nginx, tries the failures a deployment meets:
#   baseline   no fault
#   kill       one instance killed (SIGKILL) mid-load, restarted later
#   rolling    every instance restarted in turn (SIGTERM, graceful), the
#              next one only once the last answers /readyz again and
#              nginx's fail_timeout has passed
# and prints a table: trial, requests, errors, what was expected, held or not.
#
#   bash deploy/nginx/trial.sh
#
# Environment (defaults in brackets): INSTANCES [2], RATE (requests/s) [1000],
# DURATION of each trial [20s], CATALOG_DB (a store every instance shares;
# default a SQLite file seeded with the demo catalog), PORT of nginx [8080].
# Needs nginx (installed from Debian if missing). Loopback only; every load
# is bounded by DURATION.
set -euo pipefail
cd "$(dirname "$0")/../.."
INSTANCES=${INSTANCES:-2}
RATE=${RATE:-1000}
DURATION=${DURATION:-20s}
PORT=${PORT:-8080}
work=$(mktemp -d)
db=${CATALOG_DB:-$work/catalog.db}
# shellcheck source=deploy/nginx/lib.sh
source deploy/nginx/lib.sh

for i in $(seq "$INSTANCES"); do start "$i"; done
start_nginx "$INSTANCES"

# trial NAME: runs the load for DURATION in the background; the caller
# makes the fault meanwhile, then calls finish.
trial() {
  echo "== $1: $RATE/s for $DURATION through nginx, $INSTANCES instances" >&2
  "$work/catalog" bench --rates "$RATE" --duration "$DURATION" --ids uniform --progress=false \
    --stop-error-rate 1 --stop-p99 0 --out "$work/$1" "http://127.0.0.1:$PORT" > "$work/$1.out" 2>&1 &
  bench_pid=$!
}
declare -a rows
# finish NAME EXPECTED MAX_ERROR_RATE: waits for the load and records its row.
finish() {
  wait "$bench_pid" || true
  local json=$work/$1/bench.json
  local requests rate errors held
  requests=$(sed -n 's/^ *"requests": \([0-9]*\).*/\1/p' "$json" | head -1)
  rate=$(sed -n 's/^ *"error_rate": \([0-9.e-]*\).*/\1/p' "$json" | head -1)
  errors=$(awk -v n="$requests" -v r="$rate" 'BEGIN{printf "%d", n * r + 0.5}')
  held=$(awk -v r="$rate" -v m="$3" 'BEGIN{print (r <= m) ? "yes" : "NO"}')
  kinds=$(grep -m1 '^| [0-9]' "$work/$1/bench.md" | awk -F'|' '{gsub(/^ +| +$/, "", $9); print $9}')
  p99=$(grep -m1 '^| [0-9]' "$work/$1/bench.md" | awk -F'|' '{gsub(/^ +| +$/, "", $7); print $7}')
  rows+=("| $1 | $requests | $errors | $kinds | $p99 | $2 | $held |")
}
secs=${DURATION%s}

trial baseline
finish baseline "no errors" 0

trial kill
sleep $((secs / 4))
stop 1 KILL
sleep $((secs / 2))
start 1
finish kill "under 0.1% errors" 0.001

trial rolling
sleep 2
for i in $(seq "$INSTANCES"); do
  stop "$i" TERM
  start "$i"
  sleep 3 # nginx's fail_timeout (2s), so that it takes the instance back
done
finish rolling "no errors" 0

printf '\n| trial | requests | errors | errors by kind | p99 ms | expected | held |\n|---|---:|---:|---|---:|---|---|\n'
printf '%s\n' "${rows[@]}"
echo
echo "nginx $(nginx -v 2>&1 | sed 's/.*nginx\///'), $INSTANCES instances of catalog serve on $( [ -n "${CATALOG_DB:-}" ] && echo "${CATALOG_DB%%://*}" || echo "a SQLite demo store" ), catalog bench --rates $RATE --duration $DURATION --ids uniform"
