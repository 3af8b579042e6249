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

echo "==> cargo test (unit and integration; SQLite and PostgreSQL)"
cargo test --workspace --exclude frontend

echo "==> Playwright (Chromium, PostgreSQL)"
(cd end2end && npx playwright test)
