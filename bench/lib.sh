# shellcheck shell=bash
# Shared by the bench scripts: one `catalog serve` in the background, on
# 127.0.0.1:$PORT (admin $ADMIN), checked to serve products 1 to $PRODUCTS,
# on the store $SQLITE_DB or $PG_URL. start_serve sets serve_pid, which
# scratch's cleanup stops at exit.

# scratch: how a script that serves starts: a scratch folder $work,
# removed at exit, when a serve still running (serve_pid) is stopped; and
# no CATALOG_* variable, so that serve runs with its defaults and the
# script's flags only.
scratch() {
  work=$(mktemp -d)
  serve_pid=''
  trap scratch_cleanup EXIT
  for v in $(compgen -e | grep '^CATALOG_' || true); do unset "$v"; done
}
scratch_cleanup() {
  [ -n "$serve_pid" ] && kill "$serve_pid" 2>/dev/null || true
  wait 2>/dev/null || true
  rm -rf "$work"
}

die() { echo "$(basename "$0"): $*" >&2; exit 1; }

# store_db STORE: the --db of "sqlite" or "postgres".
store_db() { if [ "$1" = postgres ]; then echo "$PG_URL"; else echo "$SQLITE_DB"; fi; }

# start_serve BINARY DB CACHE_MB LOG [FLAGS…]: starts serve on DB with the
# cache CACHE_MB, its log appended to LOG, and waits until it answers.
start_serve() {
  local bin=$1 db=$2 cache=$3 log=$4
  shift 4
  ! curl -so /dev/null "http://127.0.0.1:$PORT/" || die "something already listens on 127.0.0.1:$PORT"
  "$bin" serve --db "$db" --addr "127.0.0.1:$PORT" --admin-addr "127.0.0.1:$ADMIN" --cache-mb "$cache" \
    --demo-products 0 --log-level warn "$@" 2>>"$log" &
  serve_pid=$!
  for _ in $(seq 300); do
    kill -0 "$serve_pid" 2>/dev/null || { tail -n 20 "$log" >&2; die "serve ($bin) exited"; }
    if curl -so /dev/null "http://127.0.0.1:$PORT/products/1"; then
      # The store must hold the catalog the ids are drawn from.
      for id in 1 "$PRODUCTS"; do
        curl -fso /dev/null "http://127.0.0.1:$PORT/products/$id" ||
          die "$db does not serve product $id: load it with $PRODUCTS products (or set PRODUCTS), then run again"
      done
      return
    fi
    sleep 0.1
  done
  tail -n 20 "$log" >&2
  die "serve ($bin) did not answer within 30s"
}

stop_serve() { kill "$serve_pid" 2>/dev/null || true; wait "$serve_pid" 2>/dev/null || true; serve_pid=''; }

# ticks PID…: the CPU seconds the processes have used, with that of their
# children that have ended: PostgreSQL's postmaster holds that of the
# backends that ended, so that a backend ending between two readings does
# not take its CPU out of the sum.
ticks() {
  for p in "$@"; do cat "/proc/$p/stat" 2>/dev/null || true; done |
    awk -v hz="$(getconf CLK_TCK)" '{sub(/.*\) /, ""); t += $12 + $13 + $14 + $15} END {printf "%.2f", t / hz}'
}
# cpu GROUP=PIDS…: a JSON object of each group's CPU seconds. PIDS is
# comma-separated, or @NAME for every process of that name at the time
# (PostgreSQL's backends come and go with the pool's connections: one
# that started during a run counts from 0, one that ended is counted in
# its parent's, see ticks).
cpu() {
  local g pids out='{}'
  for g in "$@"; do
    pids=${g#*=}
    [[ $pids == @* ]] && pids=$(pgrep -d, -x "${pids#@}")
    # shellcheck disable=SC2086 # the pids are words
    out=$(jq -c --arg k "${g%%=*}" --argjson v "$(ticks ${pids//,/ })" '. + {($k): $v}' <<<"$out")
  done
  echo "$out"
}

# warm_os STORE: has the operating system's page cache hold the store
# ("sqlite" or "postgres"), as on a server that has served a while: the
# SQLite file read once, PostgreSQL's tables and indexes read with
# pg_prewarm's read mode. Else the first runs after a load or a reboot
# measure the disk.
warm_os() {
  if [ "$1" = postgres ]; then
    psql "$PG_URL" -qAtc "CREATE EXTENSION IF NOT EXISTS pg_prewarm" \
      -c "SELECT sum(pg_prewarm(c.oid, 'read')) FROM pg_class c WHERE c.relkind IN ('r', 'i', 't')
          AND c.relnamespace IN ('public'::regnamespace, 'pg_toast'::regnamespace)" > /dev/null
  else
    cat "$SQLITE_DB" > /dev/null
  fi
}
