#!/usr/bin/env bash
# The reliability trials of docs/reliability.md, on loopback: overload,
# PostgreSQL and Redis stopped mid-load, kill -9 during cart, review and Q&A writes, a race
# for one SKU. Each trial is bounded in time and requests; the whole run
# takes about two minutes. It prints a table and writes it to
# $OUT/faults.md, and the overload trial second by second to $OUT/overload.md.
#
# The server and its database run on the cores in SERVER_CPUS, the load
# generator on CLIENT_CPUS: on a small machine, the generator's own work
# would otherwise be counted as the server's latency. RUN picks trials by
# name (go test -run); FAULTS_SERVE_ARGS adds flags to every `catalog serve`,
# to try other bounds (e.g. "--max-in-flight 16 --queue-wait 100ms");
# FAULTS_OVERLOAD_FACTOR sets the overload trial's multiple of the capacity
# (default 3).
set -euo pipefail
cd "$(dirname "$0")/../.."

SERVER_CPUS=${SERVER_CPUS:-0}
CLIENT_CPUS=${CLIENT_CPUS:-1}
OUT=${OUT:-fault-results}
RUN=${RUN:-.}

for cmd in taskset redis-server; do
  command -v "$cmd" >/dev/null || { echo "run.sh needs $cmd (apt-get install util-linux redis-server)"; exit 1; }
done
case $OUT in /*) ;; *) OUT=$PWD/$OUT ;; esac
mkdir -p "$OUT"
echo "== settings: server and database on CPU $SERVER_CPUS, load generator (vegeta) on CPU $CLIENT_CPUS; trials matching '$RUN'; extra serve flags '${FAULTS_SERVE_ARGS:-}'; overload ${FAULTS_OVERLOAD_FACTOR:-3}× capacity"
echo "== $(nproc) CPUs, $(go version)"
# CI=true: a trial whose tools are missing (initdb, redis-server) fails
# instead of skipping, so no row of the table is silently left out.
CI=true FAULTS_SERVER_CPUS=$SERVER_CPUS FAULTS_DB_CPUS=$SERVER_CPUS FAULTS_OUT=$OUT/faults.md \
  taskset -c "$CLIENT_CPUS" go test -tags faults -count=1 -timeout 15m -v -run "$RUN" ./test/faults
