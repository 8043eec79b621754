# shellcheck shell=bash
# Shared by trial.sh and bench/capacity.sh: deploy/varnish/catalog.vcl with
# its example backends replaced by instances on loopback.

# local_vcl FIRST_PORT N: prints the VCL for N instances on 127.0.0.1,
# ports FIRST_PORT to FIRST_PORT+N-1 (run from the repository's root).
local_vcl() {
  local first=$1 n=$2 backends adds
  backends=$(for i in $(seq "$n"); do printf 'backend instance%d { .host = "127.0.0.1"; .port = "%d"; .probe = ready; }\\n' "$i" $((first + i - 1)); done)
  adds=$(for i in $(seq "$n"); do printf '    instances.add_backend(instance%d);\\n' "$i"; done)
  sed -e '/^backend instance/d' -e '/instances.add_backend/d' -e "s|^# Who may purge|${backends}\n# Who may purge|" \
    -e "s|^    new instances = directors.round_robin();|&\n${adds}|" deploy/varnish/catalog.vcl
}
