# Shared by trial.sh and scale.sh: N `catalog serve` instances and nginx in
# front of them, on loopback, in the temporary folder $work. Source it from
# the repository's root after setting work, PORT and db; SERVE_ARGS adds
# flags to every instance.
declare -A pid
nginx_pid=
cleanup() {
  for p in "${pid[@]}"; do kill "$p" 2>/dev/null || true; done
  [ -n "$nginx_pid" ] && kill "$nginx_pid" 2>/dev/null || true
  wait 2>/dev/null || true
  rm -rf "$work"
}
trap cleanup EXIT

command -v nginx >/dev/null || { apt-get update -qq && apt-get install -y -qq nginx-light >/dev/null; }
command -v wrk >/dev/null || { apt-get update -qq && apt-get install -y -qq wrk >/dev/null; }
go build -o "$work/catalog" ./cmd/catalog

# start I: starts instance I (port 3000+I, admin 9100+I) and waits until it
# is ready.
start() {
  local i=$1
  # shellcheck disable=SC2086
  "$work/catalog" serve --db "$db" --addr 127.0.0.1:$((3000 + i)) --admin-addr 127.0.0.1:$((9100 + i)) \
    --log-level warn ${SERVE_ARGS:-} 2>>"$work/serve-$i.log" &
  pid[$i]=$!
  for _ in $(seq 600); do
    curl -fso /dev/null http://127.0.0.1:$((3000 + i))/readyz && return
    sleep 0.1
  done
  echo "instance $i did not become ready:" >&2; cat "$work/serve-$i.log" >&2; exit 1
}

# stop I SIGNAL: stops instance I and waits for it to exit.
stop() { kill -s "$2" "${pid[$1]}"; wait "${pid[$1]}" 2>/dev/null || true; }

# start_nginx N: nginx on 127.0.0.1:$PORT in front of instances 1..N, with
# deploy/nginx/catalog.conf; stop_nginx stops it.
start_nginx() {
  local servers
  servers=$(for i in $(seq "$1"); do printf '    server 127.0.0.1:%d max_fails=3 fail_timeout=2s;\\n' $((3000 + i)); done)
  sed -e '/^    server 127.0.0.1:300[0-9]/d' -e "s|^upstream catalog {|upstream catalog {\n$servers|" \
    -e "s|listen 8080|listen 127.0.0.1:$PORT|" deploy/nginx/catalog.conf > "$work/catalog.conf"
  cat > "$work/nginx.conf" <<CONF
worker_processes auto;
pid $work/nginx.pid;
error_log $work/nginx-error.log warn;
events { worker_connections 4096; }
http {
  access_log off;
  client_body_temp_path $work/tmp;
  proxy_temp_path $work/tmp;
  include $work/catalog.conf;
}
CONF
  mkdir -p "$work/tmp"
  nginx -t -p "$work" -c "$work/nginx.conf" 2>/dev/null || { nginx -t -p "$work" -c "$work/nginx.conf"; exit 1; }
  nginx -p "$work" -c "$work/nginx.conf" -g 'daemon off;' &
  nginx_pid=$!
  for _ in $(seq 50); do curl -fso /dev/null http://127.0.0.1:$PORT/readyz && return; sleep 0.1; done
  echo "nginx did not start:" >&2; cat "$work/nginx-error.log" >&2; exit 1
}
stop_nginx() { kill "$nginx_pid"; wait "$nginx_pid" 2>/dev/null || true; nginx_pid=; }

# metric I NAME: the value of a metric of instance I (0 if absent).
metric() {
  curl -s http://127.0.0.1:$((9100 + $1))/metrics | awk -v m="$2" '$1 == m {v = $2} END {printf "%d\n", v + 0}'
}
