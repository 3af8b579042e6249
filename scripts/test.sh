#!/usr/bin/env bash
# Every test: Rust unit and integration tests (SQLite and PostgreSQL), then
# the Playwright suite in Chromium against a real server on PostgreSQL.
# Exits non-zero on any failure.
set -euo pipefail
cd "$(dirname "$0")/.."
scripts/setup.sh --test
# A full build needs several gigabytes: say how much there is, at the start
# and however the run ends, so that a run that fills the disk is recognised
# as such.
disk() {
  local size
  size=$(du -sh target 2>/dev/null | cut -f1) || true
  echo "==> disk: target/ holds ${size:-nothing}, $(df -h --output=avail . | tail -1 | tr -d ' ') free"
}
disk
trap disk EXIT
# shellcheck disable=SC1091
. ./.toolchain.env
export PATH="$HOME/.cargo/bin:$PATH"

echo "==> cargo leptos build (server + wasm front end)"
# --split: every page is its own wasm chunk (app/src/pages/mod.rs); a build
# without it cannot hydrate.
# shellcheck disable=SC2086
cargo leptos build --split ${TENANTRY_LEPTOS_ARGS:-}

# The integration tests start PostgreSQL clusters of their own: a second
# server to move tenants to (tests/api/helpers/app.rs, second_pg_url), and two
# that the fault tests restart and stop (tests/api/faults/postgres.rs).
# Stop them after.
fault_port="${TENANTRY_TEST_PG_FAULT_PORT:-5495}"
stop_clusters() {
  for port in "${TENANTRY_TEST_PG2_PORT:-5499}" "$fault_port" "$((fault_port + 1))"; do
    scripts/stop-pg-cluster.sh "$port"
  done
}
trap 'disk; stop_clusters' EXIT

echo "==> cargo test (unit and integration; SQLite and PostgreSQL)"
# The suite takes about a minute once compiled (8 minutes cold): a test that
# hangs fails the run after 40 minutes instead of holding CI to its limit.
status=0
timeout --foreground 40m cargo test --workspace --exclude frontend || status=$?
if [ "$status" -ne 0 ]; then
  [ "$status" -eq 124 ] && echo "cargo test: stopped after 40 minutes (a test hangs)" >&2
  exit "$status"
fi

echo "==> fuzz smoke run (Host parser, slug validation)"
scripts/fuzz.sh

echo "==> Playwright (Chromium, PostgreSQL)"
# The DNS server the custom-domain journey verifies against.
cargo build -p testdns
(cd end2end && npx playwright test)
