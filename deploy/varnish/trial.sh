#!/usr/bin/env bash
# Runs Varnish (deploy/varnish/catalog.vcl, with the xkey module) in front
# of N `catalog serve` instances on loopback, each told to purge it
# (--purge-url), and under a steady `catalog bench` load through Varnish
# (the classic mix over the last tenth of the ids) tries:
#   warm     no change: how much the tier answers, how much reaches the
#            instances
#   delta    a delta of 1% of the products applied mid-load: after the
#            purge, whether the tier serves every changed product's new
#            product and styles bodies, and how many requests the
#            instances saw against the keys purged
#   reviews  a review posted to 10 products mid-load: after the purge,
#            whether the tier serves their new meta and first page of
#            reviews, and whether 10 other products' are still hits
#   outage   every instance stopped for 10 s mid-load: what the tier
#            still serves
# and prints a table.
#
#   bash deploy/varnish/trial.sh
#
# Environment (defaults in brackets): INSTANCES [2], PRODUCTS in the
# generated catalog [10000], RATE (requests/s) [1000], DURATION of each
# trial [20s], PORT of Varnish [6081]. Needs varnish and varnish-modules
# (installed from Debian if missing). Loopback only; every load is bounded
# by DURATION.
set -euo pipefail
cd "$(dirname "$0")/../.."
INSTANCES=${INSTANCES:-2}
PRODUCTS=${PRODUCTS:-10000}
RATE=${RATE:-1000}
DURATION=${DURATION:-20s}
PORT=${PORT:-6081}
work=$(mktemp -d)
chmod 755 "$work" # varnishd reads the VCL as its own user
declare -A pid
cleanup() {
  for p in "${pid[@]}"; do kill "$p" 2>/dev/null || true; done
  [ -f "$work/varnish/varnishd.pid" ] && kill "$(cat "$work/varnish/varnishd.pid")" 2>/dev/null || true
  wait 2>/dev/null || true
  rm -rf "$work"
}
trap cleanup EXIT
[ -n "${KEEP:-}" ] && trap - EXIT # KEEP=1: leave the folder and processes, to look

[ -e /usr/lib/x86_64-linux-gnu/varnish/vmods/libvmod_xkey.so ] && command -v varnishd >/dev/null ||
  { apt-get update -qq && apt-get install -y -qq varnish varnish-modules >/dev/null; }
go build -o "$work/catalog" ./cmd/catalog
"$work/catalog" generate --out "$work/dataset" --products "$PRODUCTS" --progress=false >&2
"$work/catalog" load --db "$work/c.db" --progress=false "$work/dataset" >&2
"$work/catalog" generate --delta-of "$work/dataset" --products $((PRODUCTS / 100)) --seed 2 --out "$work/delta" --progress=false >&2

# start I: starts instance I (port 3000+I) and waits until it is ready.
start() {
  "$work/catalog" serve --db "$work/c.db" --addr 127.0.0.1:$((3000 + $1)) --admin-addr "" --demo-products 0 \
    --log-level warn --purge-url "http://127.0.0.1:$PORT/" 2>>"$work/serve-$1.log" &
  pid[$1]=$!
  for _ in $(seq 100); do curl -fso /dev/null "http://127.0.0.1:$((3000 + $1))/readyz" && return; sleep 0.1; done
  echo "instance $1 did not become ready:" >&2; cat "$work/serve-$1.log" >&2; exit 1
}
for i in $(seq "$INSTANCES"); do start "$i"; done

# Varnish, with the VCL's backends replaced by the instances.
# shellcheck source=deploy/varnish/local.sh
. deploy/varnish/local.sh
local_vcl 3001 "$INSTANCES" > "$work/catalog.vcl"
varnishd -a "127.0.0.1:$PORT" -f "$work/catalog.vcl" -n "$work/varnish" -P "$work/varnish/varnishd.pid" -s malloc,256m >&2
for _ in $(seq 100); do curl -fso /dev/null "http://127.0.0.1:$PORT/readyz" && break; sleep 0.1; done

stat() { varnishstat -n "$work/varnish" -1 -f "MAIN.$1" | awk '{print $2}'; }
# bench NAME: the load, in the background, for DURATION.
bench() {
  "$work/catalog" bench --rates "$RATE" --duration "$DURATION" --ids last10 --progress=false \
    --stop-error-rate 1 --stop-p99 0 --out "$work/$1" "http://127.0.0.1:$PORT" > "$work/$1.out" 2>&1 &
  bench_pid=$!
}
# tally NAME: prints the requests and errors of a load waited for.
tally() {
  local json=$work/$1/bench.json requests rate
  requests=$(sed -n 's/^ *"requests": \([0-9]*\).*/\1/p' "$json" | head -1)
  rate=$(sed -n 's/^ *"error_rate": \([0-9.e-]*\).*/\1/p' "$json" | head -1)
  echo "$requests $(awk -v n="$requests" -v r="$rate" 'BEGIN{printf "%d", n * r + 0.5}')"
}
secs=${DURATION%s}
declare -a rows

# warm
h0=$(stat cache_hit) m0=$(stat cache_miss) b0=$(stat backend_req)
bench warm
wait "$bench_pid" || true
read -r requests errors < <(tally warm)
hits=$(($(stat cache_hit) - h0)) misses=$(($(stat cache_miss) - m0)) backend=$(($(stat backend_req) - b0))
rows+=("| warm | $requests | $errors | $(awk -v h=$hits -v n=$((hits + misses)) 'BEGIN{printf "%.1f%%", 100 * h / n}') of lookups hits | $backend requests reached the instances | - |")

# delta: the changed products are those the delta's rows name, directly or
# through their styles.
changed=$(awk -F, 'FNR == 1 {next}
  FILENAME ~ /dataset\/styles.csv|delta\/styles.csv/ {style[$1] = $2}
  FILENAME ~ /delta\/product.csv/ {p[$1] = 1}
  FILENAME ~ /delta\/styles.csv/ {p[$2] = 1}
  FILENAME ~ /delta\/(photos|skus).csv/ {p[style[$2]] = 1}
  FILENAME ~ /delta\/deleted.csv/ && $1 == "product" {p[$2] = 1}
  END {for (id in p) if (id != "") print id}' \
  "$work/dataset/styles.csv" $(ls "$work"/delta/styles.csv 2>/dev/null) "$work"/delta/*.csv | sort -n)
nchanged=$(echo "$changed" | wc -l)
bench delta
sleep $((secs / 4))
"$work/catalog" load --delta --db "$work/c.db" --progress=false "$work/delta" >&2
b0=$(stat backend_req)
sleep 4 # the instances' poll (1 s) and their purge's delay (two polls)
stale=0
for id in $changed; do
  for route in "" /styles; do
    [ "$(curl -s "http://127.0.0.1:$PORT/products/$id$route" | md5sum)" = "$(curl -s "http://127.0.0.1:3001/products/$id$route" | md5sum)" ] ||
      stale=$((stale + 1))
  done
done
wait "$bench_pid" || true
read -r requests errors < <(tally delta)
backend=$(($(stat backend_req) - b0))
rows+=("| delta of $((PRODUCTS / 100)) products | $requests | $errors | $stale of $((2 * nchanged)) bodies of the $nchanged changed products stale 4 s after the delta | $backend requests reached the instances after it | $(stat n_object) objects cached at the end |")

# reviews: the meta and first page of reviews of 20 products of the last
# tenth are cached through the tier; then a review is posted, through the
# tier, to the first 10. After the purge, whether the tier serves the
# written products' new bodies, and whether the others' are still hits.
first=$((PRODUCTS - PRODUCTS / 10 + 1))
written=$(seq "$first" $((first + 9))) kept=$(seq $((first + 10)) $((first + 19)))
review_paths() { echo "/reviews/meta?product_id=$1" "/reviews?product_id=$1&sort=relevant&count=5"; }
for id in $written $kept; do
  for path in $(review_paths "$id"); do curl -fso /dev/null "http://127.0.0.1:$PORT$path"; done
done
bench reviews
sleep $((secs / 4))
posted=0
for id in $written; do
  code=$(curl -s -o /dev/null -w '%{http_code}' -X POST -H 'Content-Type: application/json' "http://127.0.0.1:$PORT/reviews" \
    -d "{\"product_id\":$id,\"rating\":5,\"summary\":\"Through the tier\",\"body\":\"Posted by the Varnish trial.\",\"recommend\":true,\"name\":\"trial\",\"email\":\"trial@example.com\",\"photos\":[],\"characteristics\":{}}")
  [ "$code" = 201 ] && posted=$((posted + 1))
done
sleep 4 # the instances' poll (1 s) and their purge's delay (two polls)
stale=0 hits=0
for id in $written; do
  for path in $(review_paths "$id"); do
    [ "$(curl -s "http://127.0.0.1:$PORT$path" | md5sum)" = "$(curl -s "http://127.0.0.1:3001$path" | md5sum)" ] || stale=$((stale + 1))
  done
done
for id in $kept; do
  for path in $(review_paths "$id"); do
    curl -sD - -o /dev/null "http://127.0.0.1:$PORT$path" | grep -qi '^X-Cache: hit' && hits=$((hits + 1))
  done
done
wait "$bench_pid" || true
read -r requests errors < <(tally reviews)
rows+=("| a review posted to 10 products | $requests | $errors | $posted of 10 posts answered 201; $stale of 20 review bodies (meta, first page) of the written products stale 4 s after | $hits of 20 review bodies of 10 other products still hits | - |")

# outage
bench outage
sleep $((secs / 4))
for i in $(seq "$INSTANCES"); do kill -TERM "${pid[$i]}"; wait "${pid[$i]}" 2>/dev/null || true; done
h0=$(stat cache_hit) m0=$(stat cache_miss)
sleep 10
hits=$(($(stat cache_hit) - h0)) misses=$(($(stat cache_miss) - m0))
for i in $(seq "$INSTANCES"); do start "$i"; done
wait "$bench_pid" || true
read -r requests errors < <(tally outage)
rows+=("| every instance down 10 s | $requests | $errors | while down: $hits hits served, $misses lookups missed (nothing to fetch them from) | - | - |")

printf '\n| trial | requests | errors | the tier | the instances | |\n|---|---:|---:|---|---|---|\n'
printf '%s\n' "${rows[@]}"
echo
echo "$(varnishd -V 2>&1 | head -1), $INSTANCES instances of catalog serve on a SQLite store of $PRODUCTS generated products, catalog bench --rates $RATE --duration $DURATION --ids last10 (the classic mix)"
