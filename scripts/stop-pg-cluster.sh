#!/usr/bin/env bash
# Stops the PostgreSQL cluster the tests or the benchmark started on PORT
# (server/tests/support/pg_cluster.rs), if it runs. Usage: stop-pg-cluster.sh PORT
set -euo pipefail
dir="${TMPDIR:-/tmp}/tenantry-pg-$1"
[ -f "$dir/postmaster.pid" ] || exit 0
pg_ctl=$(ls /usr/lib/postgresql/*/bin/pg_ctl | sort -V | tail -n 1)
if [ "$(id -u)" -eq 0 ]; then
  runuser -u postgres -- "$pg_ctl" -D "$dir" -m fast stop >/dev/null || true
else
  "$pg_ctl" -D "$dir" -m fast stop >/dev/null || true
fi
