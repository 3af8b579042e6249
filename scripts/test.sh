#!/usr/bin/env bash
# Every test: Rust unit and integration tests (SQLite and PostgreSQL), then
# the Playwright suite in Chromium against a real server on PostgreSQL.
# Exits non-zero on any failure.
set -euo pipefail
cd "$(dirname "$0")/.."
scripts/setup.sh --test
# shellcheck disable=SC1091
. ./.toolchain.env
export PATH="$HOME/.cargo/bin:$PATH"

echo "==> cargo leptos build (server + wasm front end)"
# shellcheck disable=SC2086
cargo leptos build ${TENANTRY_LEPTOS_ARGS:-}

# The integration tests start a second PostgreSQL cluster (tests/api/
# helpers.rs, second_pg_url) to move tenants between servers: stop it after.
PG2_DIR="${TMPDIR:-/tmp}/tenantry-pg-second-${TENANTRY_TEST_PG2_PORT:-5499}"
stop_second_cluster() {
  [ -f "$PG2_DIR/postmaster.pid" ] || return 0
  pg_ctl=$(ls /usr/lib/postgresql/*/bin/pg_ctl | sort -V | tail -n 1)
  if [ "$(id -u)" -eq 0 ]; then
    runuser -u postgres -- "$pg_ctl" -D "$PG2_DIR" -m fast stop >/dev/null || true
  else
    "$pg_ctl" -D "$PG2_DIR" -m fast stop >/dev/null || true
  fi
}
trap stop_second_cluster EXIT

echo "==> cargo test (unit and integration; SQLite and PostgreSQL)"
cargo test --workspace --exclude frontend

echo "==> fuzz smoke run (Host parser, slug validation)"
scripts/fuzz.sh

echo "==> Playwright (Chromium, PostgreSQL)"
(cd end2end && npx playwright test)
